"""Building blocks for tests: the real event payloads, and a PR made of real git commits."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.github_emulator.gitrepo import GitRepo
from tests.github_emulator.server import Emulator

DATA = Path(__file__).resolve().parent.parent / "data" / "github-api"
PROJECTS = Path(__file__).resolve().parent.parent / "fixtures" / "projects"


def event(name: str) -> dict[str, Any]:
    """A webhook payload from tests/data/github-api/events (e.g. "pull_request.opened")."""
    return json.loads((DATA / "events" / f"{name}.json").read_text(encoding="utf-8"))


def with_commits(
    payload: dict[str, Any], *, base_sha: str, head_sha: str, before: str | None = None
) -> dict[str, Any]:
    """A PR payload whose base and head are the given commits (and `before`/`after` for synchronize)."""
    changed = copy.deepcopy(payload)
    changed["pull_request"]["base"]["sha"] = base_sha
    changed["pull_request"]["head"]["sha"] = head_sha
    if "after" in changed:
        changed["after"] = head_sha
        changed["before"] = before or base_sha
    return changed


def from_fork(payload: dict[str, Any]) -> dict[str, Any]:
    """The PR payload as if its head branch lived in a fork (no real example of that exists)."""
    changed = copy.deepcopy(payload)
    head = changed["pull_request"]["head"]
    fork_owner = dict(head["repo"]["owner"], login="forker", id=9919, node_id="U_9919")
    head["repo"] = dict(
        head["repo"],
        full_name="forker/Hello-World",
        owner=fork_owner,
        fork=True,
        id=99190001,
        node_id="R_99190001",
    )
    head["label"] = "forker:changes"
    head["user"] = fork_owner
    return changed


@dataclass
class PullRequestRepo:
    """A repository with a base commit and a PR head on top of it, registered in the emulator."""

    repo: GitRepo
    emulator: Emulator
    number: int
    base_sha: str
    head_sha: str

    def push(self, message: str) -> str:
        """Commit the work tree as the PR's new head and tell the emulator."""
        self.head_sha = self.repo.commit(message)
        files = self.repo.files(
            self.base_sha, self.head_sha, repository=self.emulator.state.full_name
        )
        self.emulator.push(self.number, head_sha=self.head_sha, files=files)
        return self.head_sha


def open_pull_request(
    emulator: Emulator, repo: GitRepo, payload: dict[str, Any], *, base_sha: str, head_sha: str
) -> PullRequestRepo:
    """Register base...head of `repo` as the PR of `payload` (a pull_request event)."""
    emulator.git = repo  # the contents endpoint serves the repository's files at any commit
    number = int(payload["pull_request"]["number"])
    files = repo.files(base_sha, head_sha, repository=emulator.state.full_name)
    emulator.add_pull(
        number, base_sha=base_sha, head_sha=head_sha, files=files, payload=payload["pull_request"]
    )
    return PullRequestRepo(repo, emulator, number, base_sha, head_sha)
