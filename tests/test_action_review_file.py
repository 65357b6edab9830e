"""The fork-safe two-workflow mode end to end, as the container runs it.

Run 1 is the `pull_request` workflow on a PR from a fork (read-only token) with `comment:
artifact`: it annotates, fails on the findings, posts nothing and writes the review file. Run 2 is
the `workflow_run` workflow, which has a write token and no checkout: its workspace holds only the
downloaded artifact, and it publishes the review from it after checking that the file belongs to
the triggering run. The `workflow_run` payloads are modelled on GitHub's documented
`workflow_run.completed` webhook; as GitHub sends it, `pull_requests` is empty for a fork's PR.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend_guard.apply import plan
from backend_guard.config import Settings
from backend_guard.github import review_file
from backend_guard.scan import scan
from tests.github_emulator import READ_TOKEN, Emulator, GitRepo
from tests.github_emulator.scenario import (
    PROJECTS,
    PullRequestRepo,
    event,
    from_fork,
    open_pull_request,
    with_commits,
)
from tests.test_action_e2e import Result, Runner

REVIEW_FROM = "artifact/backend-guard-review.json"  # where actions/download-artifact put it


def workflow_run_event(pull_request_event: dict[str, Any], *, head_sha: str) -> dict[str, Any]:
    """`workflow_run.completed` for the `pull_request` run of the PR in `pull_request_event`."""
    pull = pull_request_event["pull_request"]
    repository = pull_request_event["repository"]
    head_repo = pull["head"]["repo"]
    run_id = 289782451
    runs = f"{repository['url']}/actions/runs/{run_id}"
    from_fork_pr = head_repo["full_name"] != repository["full_name"]

    def short_repo(repo: dict[str, Any]) -> dict[str, Any]:
        return {"id": repo["id"], "url": repo["url"], "name": repo["name"]}

    pull_requests = [
        {
            "url": pull["url"],
            "id": pull["id"],
            "number": pull["number"],
            "head": {"ref": pull["head"]["ref"], "sha": head_sha, "repo": short_repo(head_repo)},
            "base": {
                "ref": pull["base"]["ref"],
                "sha": pull["base"]["sha"],
                "repo": short_repo(pull["base"]["repo"]),
            },
        }
    ]
    return {
        "action": "completed",
        "repository": repository,
        "sender": pull_request_event["sender"],
        "workflow": {
            "id": 2823525,
            "name": "backend-guard",
            "path": ".github/workflows/backend-guard.yml",
            "state": "active",
        },
        "workflow_run": {
            "id": run_id,
            "name": "backend-guard",
            "node_id": "WFR_kwLOAAAAAAABFEJz",
            "check_suite_id": 1291536064,
            "event": "pull_request",
            "status": "completed",
            "conclusion": "failure",  # the scan's exit status: it found errors
            "head_branch": pull["head"]["ref"],
            "head_sha": head_sha,
            "head_repository": head_repo,
            "repository": repository,
            "run_number": 7,
            "run_attempt": 1,
            "html_url": f"https://github.com/{repository['full_name']}/actions/runs/{run_id}",
            "artifacts_url": f"{runs}/artifacts",
            "pull_requests": [] if from_fork_pr else pull_requests,
            "created_at": "2026-11-23T10:00:00Z",
            "updated_at": "2026-11-23T10:01:00Z",
        },
    }


@dataclass
class TwoWorkflows:
    scanning: Runner  # run 1: the PR's checkout
    publishing: Runner  # run 2: an empty workspace and the downloaded artifact
    pr: PullRequestRepo
    opened: dict[str, Any]

    @property
    def emulator(self) -> Emulator:
        return self.scanning.emulator

    def scan(self) -> Result:
        return self.scanning.run(
            self.opened, "pull_request", **{"github-token": READ_TOKEN, "comment": "artifact"}
        )

    def download(self) -> Path:
        """What actions/download-artifact does between the runs."""
        target = self.publishing.workspace / REVIEW_FROM
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.scanning.workspace / review_file.FILE_NAME, target)
        return target

    def publish(self, payload: dict[str, Any] | None = None) -> Result:
        payload = payload or workflow_run_event(self.opened, head_sha=self.pr.head_sha)
        return self.publishing.run(payload, "workflow_run", **{"review-from": REVIEW_FROM})


def _two_workflows(tmp_path: Path, *, fork: bool) -> Iterator[TwoWorkflows]:
    repo = GitRepo(tmp_path / "workspace")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    repo.copy_tree(PROJECTS / "seed_partial_s3", "stacks/pipeline")
    repo.copy_tree(PROJECTS / "external_s3", "stacks/network")
    head = repo.commit("Add the stacks")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    if fork:
        opened = from_fork(opened)
    (tmp_path / "publishing").mkdir()
    with Emulator(opened["repository"]) as emulator:
        pr = open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        yield TwoWorkflows(
            Runner(tmp_path / "run1", repo.path, emulator),
            Runner(tmp_path / "run2", tmp_path / "publishing", emulator),
            pr,
            opened,
        )
        assert emulator.violations == []


@pytest.fixture
def fork(tmp_path: Path) -> Iterator[TwoWorkflows]:
    """PR #2 from forker/Hello-World adds the seed stacks; the review file passes between runs."""
    for runner_dir in ("run1", "run2"):
        (tmp_path / runner_dir).mkdir()
    yield from _two_workflows(tmp_path, fork=True)


@pytest.fixture
def same_repo(tmp_path: Path) -> Iterator[TwoWorkflows]:
    for runner_dir in ("run1", "run2"):
        (tmp_path / runner_dir).mkdir()
    yield from _two_workflows(tmp_path, fork=False)


def _suggestion_applies_the_fix(comment: dict[str, Any], workspace: Path) -> bool:
    """Whether committing the comment's suggestion gives the file `backend-guard fix` writes."""
    found = re.search(r"(`{3,})suggestion\n(.*?)\n\1", comment["body"], re.DOTALL)
    if found is None:
        return False
    path = workspace / comment["path"]
    lines = path.read_text().splitlines(keepends=True)
    start = comment["start_line"] or comment["line"]
    suggested = (
        "".join(lines[: start - 1]) + found.group(2) + "\n" + "".join(lines[comment["line"] :])
    )
    result = scan([str(workspace)], Settings())
    fixed = plan([f for f in result.findings if f.path == str(path)], result.texts).updated
    return fixed.get(str(path)) == suggested


def test_fork_run_writes_the_review_file_and_the_workflow_run_publishes_it(
    fork: TwoWorkflows,
) -> None:
    first = fork.scan()
    assert first.code == 1, first.stderr
    assert fork.emulator.writes() == []
    assert "::error " in first.stdout  # annotations, as in every run
    assert "backend\\-guard\\-review\\.json" in first.summary
    written = json.loads((fork.scanning.workspace / review_file.FILE_NAME).read_text())
    assert (written["format"], written["version"]) == ("backend-guard-review", 1)
    assert (written["repository"], written["pull_request"]) == ("Codertocat/Hello-World", 2)
    assert written["head_sha"] == fork.pr.head_sha
    assert {c["path"] for c in written["comments"]} == {
        "stacks/pipeline/provider.tf",
        "stacks/network/backend.tf",
    }
    assert not (fork.publishing.workspace / "stacks").exists()  # run 2 never sees the PR's code

    fork.download()
    second = fork.publish()
    assert second.code == 0, second.stdout + second.stderr
    assert "refused" not in second.summary
    [posted] = fork.emulator.reviews(2)
    assert posted["commit_id"] == fork.pr.head_sha
    assert posted["body"].startswith(written["body"])
    comments = fork.emulator.comments(2)
    assert [c["body"] for c in comments] == [c["body"] for c in written["comments"]]
    with_fix = [c for c in comments if "```suggestion" in c["body"]]
    assert len(with_fix) == 2
    assert all(_suggestion_applies_the_fix(c, fork.scanning.workspace) for c in with_fix)


def test_publishing_the_same_file_again_posts_nothing(fork: TwoWorkflows) -> None:
    fork.scan()
    fork.download()
    fork.publish()
    writes = len(fork.emulator.writes())
    again = fork.publish()
    assert again.code == 0
    assert len(fork.emulator.writes()) == writes


def test_same_repository_pull_request_is_matched_by_the_events_pull_requests(
    same_repo: TwoWorkflows,
) -> None:
    assert same_repo.scan().code == 1
    assert same_repo.emulator.writes() == []
    same_repo.download()
    payload = workflow_run_event(same_repo.opened, head_sha=same_repo.pr.head_sha)
    assert [p["number"] for p in payload["workflow_run"]["pull_requests"]] == [2]
    assert same_repo.publish(payload).code == 0
    assert len(same_repo.emulator.reviews(2)) == 1
    assert len(same_repo.emulator.comments(2)) == 3


def _tamper(path: Path, change: Any) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def _set(**values: object) -> Any:
    return lambda document: document.update(values)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        pytest.param(_set(pull_request=3), "pull request #3", id="another-pull-request"),
        pytest.param(_set(head_sha="a" * 40), "is for commit aaaaaaaaaaaa", id="another-commit"),
        pytest.param(_set(version=2), "version 2 is not supported", id="another-version"),
        pytest.param(
            _set(repository="octo-org/octo-repo"), "octo-org/octo-repo", id="another-repo"
        ),
        pytest.param(_set(body="x" * review_file.MAX_FILE_BYTES), "larger than", id="oversized"),
    ],
)
def test_a_tampered_review_file_is_refused(fork: TwoWorkflows, change: Any, says: str) -> None:
    other = copy.deepcopy(fork.opened)  # PR #3 of the same fork, from another branch
    other["pull_request"]["head"]["ref"] = "other-changes"
    fork.emulator.add_pull(
        3,
        base_sha=fork.pr.base_sha,
        head_sha=fork.pr.head_sha,
        files=fork.pr.repo.files(
            fork.pr.base_sha, fork.pr.head_sha, repository=fork.emulator.state.full_name
        ),
        payload=other["pull_request"],
    )
    fork.scan()
    _tamper(fork.download(), change)
    result = fork.publish()
    assert result.code == 2
    [error] = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert error.startswith("::error title=backend-guard::Review file refused: ")
    assert says in error
    assert "refused" in result.summary and "Nothing was published" in result.summary
    assert fork.emulator.writes() == []


def test_the_event_of_a_same_repository_run_names_its_pull_request(
    same_repo: TwoWorkflows,
) -> None:
    same_repo.scan()
    _tamper(same_repo.download(), _set(pull_request=7))
    result = same_repo.publish()
    assert result.code == 2
    assert "the triggering run was for #2" in result.stdout
    assert same_repo.emulator.writes() == []


def test_a_comment_off_the_diff_moves_to_the_review_body(fork: TwoWorkflows) -> None:
    fork.scan()

    def off_the_diff(document: dict[str, Any]) -> None:
        document["comments"][0]["path"] = "README.md"  # in the base commit, not in the diff

    _tamper(fork.download(), off_the_diff)
    result = fork.publish()
    assert result.code == 0, result.summary
    assert (
        "The review body lists 1 comment of the review file that is not on the pull request"
        in result.summary.replace("\\", "")
    )
    [posted] = fork.emulator.reviews(2)
    assert "**`README.md` line" in posted["body"]
    assert "README.md" not in {c["path"] for c in fork.emulator.comments(2)}
    assert len(fork.emulator.comments(2)) == 2


def test_a_pull_request_that_moved_on_is_left_to_its_newer_run(fork: TwoWorkflows) -> None:
    fork.scan()
    fork.download()
    payload = workflow_run_event(fork.opened, head_sha=fork.pr.head_sha)
    fork.pr.repo.write("README.md", "# Hello-World, again\n")
    newer = fork.pr.push("Touch the README")
    result = fork.publish(payload)
    assert result.code == 0
    assert f"moved on to {newer[:12]}" in result.summary
    assert fork.emulator.writes() == []


def test_review_from_outside_a_workflow_run_is_refused(fork: TwoWorkflows) -> None:
    fork.scan()
    fork.download()
    result = fork.publishing.run(fork.opened, "pull_request", **{"review-from": REVIEW_FROM})
    assert result.code == 2
    assert "in a run on `workflow_run`, not on pull_request" in result.stdout
    assert fork.emulator.writes() == []
