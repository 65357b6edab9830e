"""The workspace boundary, end to end: links and paths a pull request plants, through the real
entrypoint against the GitHub emulator.

The pull request adds an undeployable module (a partial `backend "s3" {}`) and, beside it, links
that lead out of the checkout to a folder the runner cares about (`outside/`: a precious file, a
module whose bucket name must never be published, settings that turn every rule off). Whatever
the inputs name, nothing outside is read or written, nothing in `.git` is touched, a refusal is
an error annotation, and the summary and the step outputs are still written.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.github_emulator import READ_TOKEN, Emulator, GitRepo
from tests.github_emulator.scenario import PROJECTS, event, open_pull_request, with_commits
from tests.test_action_e2e import Result, Runner

PRECIOUS = "runner configuration, not to be touched\n"
SECRET_BUCKET = "outside-only-bucket-name"
ALL_OFF = "rules:\n" + "".join(f"  BG1{n:02d}: off\n" for n in range(0, 20))


@dataclass
class Attack:
    tmp: Path
    repo: GitRepo
    outside: Path
    stack: contextlib.ExitStack

    def run(
        self,
        *,
        links: dict[str, str] | None = None,
        files: dict[str, str] | None = None,
        **inputs: str,
    ) -> Result:
        """Commit the PR (the module, `files`, `links`: name -> target) and run the action on it."""
        for name, text in (files or {}).items():
            self.repo.write(name, text)
        for name, target in (links or {}).items():
            (self.repo.path / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, self.repo.path / name)
        head = self.repo.commit("Add the stack")
        opened = with_commits(event("pull_request.opened"), base_sha=self.base, head_sha=head)
        self.emulator = self.stack.enter_context(Emulator(opened["repository"]))
        open_pull_request(self.emulator, self.repo, opened, base_sha=self.base, head_sha=head)
        runner = Runner(self.tmp, self.repo.path, self.emulator)
        return runner.run(opened, "pull_request", **inputs)

    @property
    def base(self) -> str:
        return self.repo.git("rev-list", "--max-parents=0", "HEAD").strip()

    def untouched(self) -> bool:
        names = sorted(p.name for p in self.outside.iterdir())
        return (self.outside / "precious.txt").read_text() == PRECIOUS and names == [
            ".backend-guard.yml",
            "main.tf",
            "precious.txt",
        ]

    def published(self) -> str:
        bodies = [r["body"] for r in self.emulator.reviews(2)]
        return "\n".join(bodies + [c["body"] for c in self.emulator.comments(2)])


@pytest.fixture
def attack(tmp_path: Path) -> Iterator[Attack]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text(PRECIOUS)
    (outside / "main.tf").write_text(
        f'terraform {{\n  backend "s3" {{\n    bucket = "{SECRET_BUCKET}"\n  }}\n}}\n'
    )
    (outside / ".backend-guard.yml").write_text(ALL_OFF)
    repo = GitRepo(tmp_path / "workspace")
    repo.write("README.md", "# Hello-World\n")
    repo.commit("Initial commit")
    repo.copy_tree(PROJECTS / "seed_partial_s3", "stacks/pipeline")
    with contextlib.ExitStack() as stack:
        yield Attack(tmp_path, repo, outside, stack)


def errors(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("::error title=")]


def still_reported(result: Result) -> None:
    """The findings, the summary and the outputs survive a refused output."""
    assert result.code == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert any("BG101" in line for line in result.stdout.splitlines())
    assert "BG101" in result.summary
    assert int(result.outputs["errors"]) >= 1


# -- outputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["backend-guard.sarif", "reports/backend-guard.sarif"])
def test_a_link_where_the_sarif_file_goes_is_refused_not_written_through(
    attack: Attack, name: str
) -> None:
    result = attack.run(links={name: str(attack.outside / "precious.txt")}, **{"sarif-file": name})
    still_reported(result)
    assert attack.untouched()
    assert any("is a symbolic link; it was not written through" in e for e in errors(result))
    assert os.path.islink(attack.repo.path / name)
    assert result.outputs["sarif-file"] == ""
    assert "SARIF file" in result.summary


def test_a_link_where_the_review_file_goes_is_refused_not_written_through(attack: Attack) -> None:
    result = attack.run(
        links={"backend-guard-review.json": str(attack.outside / "precious.txt")},
        **{"comment": "artifact", "github-token": READ_TOKEN},
    )
    still_reported(result)
    assert attack.untouched()
    assert any("the review file" in e and "symbolic link" in e for e in errors(result))


@pytest.mark.parametrize(
    "sarif_file",
    [".git/config", "./.git/hooks/pre-commit", "stacks/../.git/config", "../outside/x.sarif"],
)
def test_an_output_into_git_or_out_of_the_workspace_is_refused(
    attack: Attack, sarif_file: str
) -> None:
    config = (attack.repo.path / ".git/config").read_bytes()
    result = attack.run(**{"sarif-file": sarif_file})
    still_reported(result)
    assert (attack.repo.path / ".git/config").read_bytes() == config
    assert not (attack.repo.path / ".git/hooks/pre-commit").exists()
    assert attack.untouched() and not (attack.tmp / "x.sarif").exists()
    assert len(errors(result)) == 1


def test_an_output_through_a_linked_folder_is_refused(attack: Attack) -> None:
    result = attack.run(links={"out": str(attack.outside)}, **{"sarif-file": "out/x.sarif"})
    still_reported(result)
    assert attack.untouched()
    assert any("out on its way is a symbolic link" in e for e in errors(result))


def test_an_output_in_a_folder_that_does_not_exist_yet_is_written(attack: Attack) -> None:
    result = attack.run(**{"sarif-file": "reports/code-scanning/backend-guard.sarif"})
    still_reported(result)
    written = attack.repo.path / "reports/code-scanning/backend-guard.sarif"
    assert json.loads(written.read_text())["version"] == "2.1.0"
    assert result.outputs["sarif-file"] == "reports/code-scanning/backend-guard.sarif"


def test_a_failed_write_is_an_annotation_and_the_verdict_stays_the_findings(
    attack: Attack,
) -> None:
    result = attack.run(**{"sarif-file": "README.md/backend-guard.sarif", "fail-on": "never"})
    assert result.code == 0 and result.stderr == ""
    assert any("cannot write the SARIF file" in e for e in errors(result))
    assert "BG101" in result.summary and result.outputs["sarif-file"] == ""


# -- inputs --------------------------------------------------------------------------------------


def refused(result: Result, attack: Attack) -> None:
    """Exit 2 with an error annotation; nothing from outside read, shown or published."""
    assert result.code == 2, result.stdout + result.stderr
    assert result.stderr == ""
    assert any("outside the workspace" in e for e in errors(result)), result.stdout
    for channel in (result.stdout, result.summary, attack.published(), str(result.outputs)):
        assert SECRET_BUCKET not in channel
    assert "backend-guard" in result.summary


@pytest.mark.parametrize(
    ("links", "path"),
    [
        ({"infra": "../outside"}, "infra"),
        ({"linked": ".."}, "linked/outside"),
        ({}, "../outside"),
        ({}, "/"),
    ],
    ids=["link-out", "link-on-the-way", "dot-dot", "absolute"],
)
def test_a_path_that_leads_out_is_refused_and_nothing_there_is_read(
    attack: Attack, links: dict[str, str], path: str
) -> None:
    targets = {
        name: str(attack.outside) if t == "../outside" else str(attack.tmp)
        for name, t in links.items()
    }
    result = attack.run(links=targets, path=path)
    refused(result, attack)
    assert "(0 files scanned)" in result.summary.replace("\\", "")


def test_a_settings_file_that_links_out_is_refused_and_the_defaults_apply(attack: Attack) -> None:
    result = attack.run(links={".backend-guard.yml": str(attack.outside / ".backend-guard.yml")})
    refused(result, attack)
    assert any("BG101" in line for line in result.stdout.splitlines())  # every rule still on
    assert "BG101" in result.summary


@pytest.mark.parametrize("config", ["../outside/.backend-guard.yml", "settings/all-off.yml"])
def test_a_config_input_that_leads_out_is_refused(attack: Attack, config: str) -> None:
    result = attack.run(links={"settings": str(attack.outside)}, config=config)
    refused(result, attack)
    assert "BG101" in result.summary


def test_a_review_from_file_that_links_out_is_refused(attack: Attack) -> None:
    payload: dict[str, Any] = event("pull_request.opened")
    os.symlink(attack.outside / "precious.txt", attack.repo.path / "review.json")
    runner = Runner(
        attack.tmp, attack.repo.path, attack.stack.enter_context(Emulator(payload["repository"]))
    )
    payload = {"workflow_run": {"event": "pull_request"}, "repository": payload["repository"]}
    result = runner.run(payload, "workflow_run", **{"review-from": "review.json"})
    assert result.code == 2
    assert any("outside the workspace" in e for e in errors(result))
    assert attack.untouched()


def test_a_link_into_git_is_never_read(attack: Attack) -> None:
    """actions/checkout keeps the token's header in `.git/config`: a link there is never followed."""
    with (attack.repo.path / ".git/config").open("a") as config:
        config.write("# terraform init -backend-config=bucket=bucket-named-in-git-config\n")
    result = attack.run(
        links={"stacks/leak/main.tf": "../../.git/config", "scripts/deploy": "../.git/config"}
    )
    still_reported(result)
    for channel in (result.stdout, result.summary, attack.published()):
        assert "bucket-named-in-git-config" not in channel
        assert "stacks/leak" not in channel and "scripts/deploy" not in channel
