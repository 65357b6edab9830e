"""A pull request's own settings file cannot turn the check green unseen.

Through the real entrypoint against the emulator, which serves the repository's files at any
commit from the test's git repository (GET /repos/{owner}/{repo}/contents/{path}?ref=): the
pull request's `.backend-guard.yml` is compared with the base commit's, and every weakening
(a rule turned off, a severity lowered, `fail-on` raised, an exclude added, the policy relaxed) is
a warning on its line and a line in the summary. Without a settings file in the base, everything
the pull request's file weakens against the defaults is reported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.github_emulator import READ_TOKEN, Emulator, GitRepo
from tests.github_emulator.scenario import (
    PROJECTS,
    event,
    from_fork,
    open_pull_request,
    with_commits,
)
from tests.test_action_e2e import Result, Runner

WEAKENED = """\
# relaxed for the migration
fail-on: never
exclude:
  - "stacks/**"
rules:
  BG101: off
  external-state-storage: note
"""
TITLE = "::warning file=.backend-guard.yml,line={line},title=backend-guard settings::"


@contextlib.contextmanager
def pull_request(tmp: Path, base: str | None, head: str, *, fork: bool = False) -> Iterator[Result]:
    repo = GitRepo(tmp / "workspace")
    repo.copy_tree(PROJECTS / "seed_partial_s3", "stacks/pipeline")
    if base is not None:
        repo.write(".backend-guard.yml", base)
    base_sha = repo.commit("Initial commit")
    repo.write(".backend-guard.yml", head)
    head_sha = repo.commit("Change the settings")
    opened = with_commits(event("pull_request.opened"), base_sha=base_sha, head_sha=head_sha)
    if fork:
        opened = from_fork(opened)
    with Emulator(opened["repository"]) as emulator:
        open_pull_request(emulator, repo, opened, base_sha=base_sha, head_sha=head_sha)
        token = {"github-token": READ_TOKEN} if fork else {}
        yield Runner(tmp, repo.path, emulator).run(opened, "pull_request", **token)
        assert emulator.violations == []


def warnings(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if "title=backend-guard settings" in line]


def test_every_weakening_against_the_base_is_a_warning_on_its_line(tmp_path: Path) -> None:
    with pull_request(tmp_path, "fail-on: error\n", WEAKENED) as result:
        assert result.code == 0  # what the settings say: the check is green ...
        assert (
            warnings(result)
            == [  # ... and every reason why is on the settings file
                TITLE.format(line=2) + "The settings file raises `fail-on` from error to never "
                "(against the base commit)",
                TITLE.format(line=4) + "The settings file excludes `stacks/**` from the scan "
                "(against the base commit)",
                TITLE.format(line=6) + "The settings file turns off BG101 (partial-backend-config) "
                "(against the base commit)",
                TITLE.format(line=7) + "The settings file lowers BG104 (external-state-storage) "
                "from error to note (against the base commit)",
            ]
        )
        summary = result.summary.replace("\\", "")
        assert (
            "line 6 turns off BG101" in summary and "line 2 raises <code>fail-on</code>" in summary
        )


def test_without_settings_in_the_base_what_the_pull_request_adds_is_reported(
    tmp_path: Path,
) -> None:
    with pull_request(tmp_path, None, WEAKENED, fork=True) as result:
        found = warnings(result)
        assert len(found) == 4
        assert all(line.endswith("(the base commit has no settings file)") for line in found)


def test_settings_the_base_already_had_or_that_tighten_say_nothing(tmp_path: Path) -> None:
    base = WEAKENED.replace("fail-on: never", "fail-on: error")
    with pull_request(tmp_path, base, base.replace("fail-on: error", "fail-on: warning")) as result:
        assert warnings(result) == []
        assert "Settings:" not in result.summary
