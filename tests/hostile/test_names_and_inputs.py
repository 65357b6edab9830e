"""Names that are not UTF-8, inputs that are not what they should be, tokens over several lines.

git stores any bytes as a name; a pull request can commit `w\\xe9.tf`. Through the real CLI and
the real entrypoint such a name is reported, shown escaped, in every report and output, and the
run ends as its findings say. A bad boolean input is refused like a bad `fail-on`, and a token
that holds line breaks is masked line by line before anything else is printed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_emulator import Emulator, GitRepo
from tests.github_emulator.scenario import event
from tests.hostile.test_bad_input import PARTIAL, cli
from tests.test_action_e2e import Runner
from tests.test_report_sarif import _validator

RAW_NAME = b"w\xe9/m\xe9.tf"
SHOWN_NAME = "w\\xe9/m\\xe9.tf"


def non_utf8_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    os.makedirs(os.fsencode(root) + b"/w\xe9", exist_ok=True)
    with open(os.fsencode(root) + b"/" + RAW_NAME, "w") as handle:
        handle.write(PARTIAL)
    return root


def test_the_cli_shows_a_name_that_is_not_utf8_escaped_in_every_format(tmp_path: Path) -> None:
    root = non_utf8_project(tmp_path / "repo")
    text = cli(root, "check", ".")
    assert text.status == 1 and text.lines[0].startswith(f"{SHOWN_NAME}:2:3: error BG101")
    report = json.loads(cli(root, "check", "--format", "json", ".").out)
    assert [f["path"] for f in report["findings"]] == [SHOWN_NAME]
    sarif = json.loads(cli(root, "check", "--format", "sarif", ".").out)
    _validator().validate(sarif)
    [result] = sarif["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "w%E9/m%E9.tf"  # the name's very bytes, percent-encoded
    assert f"+++ b/{SHOWN_NAME}" in cli(root, "fix", "--diff", ".").out
    assert cli(root, "fix", ".").lines == [f"fixed {SHOWN_NAME}"]


@pytest.fixture
def push_runner(tmp_path: Path) -> Iterator[Runner]:
    repo = GitRepo(tmp_path / "workspace")
    non_utf8_project(repo.path)
    repo.commit("Add a stack")
    with Emulator(event("push.new-branch")["repository"]) as emulator:
        yield Runner(tmp_path, repo.path, emulator)


def test_the_action_reports_a_name_that_is_not_utf8_and_writes_everything(
    push_runner: Runner,
) -> None:
    result = push_runner.run(
        event("push.new-branch"), "push", **{"sarif-file": "out.sarif", "fail-on": "never"}
    )
    assert result.code == 0 and result.stderr == ""
    assert f"file={SHOWN_NAME}" in result.stdout
    assert "w\\xe9" in result.summary  # shown as the text w\xe9
    assert result.outputs["errors"] == "1" and result.outputs["sarif-file"] == "out.sarif"
    sarif = json.loads((push_runner.workspace / "out.sarif").read_text())
    _validator().validate(sarif)


@pytest.mark.parametrize("value", ["maybe", "2", "tru"])
def test_a_bad_boolean_input_is_an_input_error(push_runner: Runner, value: str) -> None:
    result = push_runner.run(event("push.new-branch"), "push", suggestions=value)
    assert result.code == 2 and result.stderr == ""
    assert (
        f"::error title=backend-guard::input 'suggestions' must be true or false, not '{value}'"
        in (result.stdout)
    )
    assert "Nothing was scanned" in result.summary


def test_every_line_of_a_token_with_line_breaks_is_masked_first(push_runner: Runner) -> None:
    token = "ghs_firstLineOfTheToken\nsecondLineOfTheToken\r\nthirdLineOfTheToken"
    result = push_runner.run(event("push.new-branch"), "push", **{"github-token": token})
    lines = result.stdout.splitlines()
    masks = [line for line in lines[:4] if line.startswith("::add-mask::")]
    assert masks == [
        "::add-mask::ghs_firstLineOfTheToken%0AsecondLineOfTheToken%0D%0AthirdLineOfTheToken",
        "::add-mask::ghs_firstLineOfTheToken",
        "::add-mask::secondLineOfTheToken",
        "::add-mask::thirdLineOfTheToken",
    ]
    rest = "\n".join(lines[4:]) + result.summary + str(result.outputs)
    for part in token.split():
        assert part not in rest
