"""One finding per backend: a CDKTF app's committed `cdktf.out/stacks/*/cdk.tf.json` says what
its program says, so only the program is reported, wherever the scan starts. After `fix`, output
that still holds the old backend is a note to run `cdktf synth` (BG203). Checked on a fixture app
with committed output, and on output the real cdktf synthesizes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend_guard.apply import plan, write
from backend_guard.choices import Policy
from backend_guard.cli import main
from backend_guard.config import Settings
from backend_guard.scan import scan
from tests.cdktf_projects import FIXTURES
from tests.oracle import terraform_init
from tests.test_cdktf_synth import require_synth, run_app

POLICIES = pytest.mark.parametrize("policy", list(Policy))
APP = "ts_committed_synth"
OUTPUT = "cdktf.out/stacks/orders/cdk.tf.json"


def _found(paths: list[str], policy: Policy) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in scan(paths, Settings(policy=policy)).findings]


@POLICIES
@pytest.mark.parametrize(
    ("start", "paths", "prefix"),
    [
        ("app", ["."], ""),
        ("parent", ["app"], "app/"),
        ("parent", ["app/main.ts", "app/cdktf.out"], "app/"),
        ("app", ["main.ts", OUTPUT], ""),
    ],
)
def test_committed_output_is_never_reported_beside_its_program(
    start: str,
    paths: list[str],
    prefix: str,
    policy: Policy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copytree(FIXTURES / APP, tmp_path / "app")
    monkeypatch.chdir(tmp_path / "app" if start == "app" else tmp_path)
    assert _found(paths, policy) == [("BG101", f"{prefix}main.ts")]
    result = scan(paths, Settings(policy=policy))
    assert result.root_modules == 1


@POLICIES
def test_after_the_fix_stale_output_is_a_note_to_synthesize_again(
    policy: Policy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / APP, app)
    monkeypatch.chdir(app)
    result = scan(["."], Settings(policy=policy))
    write(plan(result.findings, result.texts), result.texts)
    expected = (FIXTURES / f"{APP}.expected" / "main.ts").read_text(encoding="utf-8")
    assert (app / "main.ts").read_text(encoding="utf-8") == expected
    (note,) = scan(["."], Settings(policy=policy)).findings
    assert (note.rule, note.path, note.severity.value) == ("BG203", OUTPUT, "note")
    assert "`cdktf synth`" in note.message
    capsys.readouterr()
    assert main(["check", "--policy", policy.value, "."]) == 0


def test_the_stale_output_is_what_terraform_reads(tmp_path: Path) -> None:
    """Why the note matters: `terraform init` in the stack folder still fails on the old backend."""
    stack = tmp_path / "orders"
    shutil.copytree(FIXTURES / APP / "cdktf.out" / "stacks" / "orders", stack)
    init = terraform_init(stack)
    assert not init.ok and "Missing region value" in init.errors, init.output


def test_real_synthesized_output_beside_its_program_draws_no_second_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_synth()
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_app", app)
    monkeypatch.chdir(app)
    alone = _found(["."], Policy.SELF_CONTAINED)
    assert run_app(app, app / "cdktf.out", home=tmp_path / "home").returncode == 0
    assert (app / "cdktf.out" / "stacks" / "TapStack" / "cdk.tf.json").is_file()
    assert _found(["."], Policy.SELF_CONTAINED) == alone
    result = scan(["."], Settings())
    write(plan(result.findings, result.texts), result.texts)
    assert [f.rule for f in scan(["."], Settings()).findings] == ["BG203"]
    shutil.rmtree(app / "cdktf.out")
    assert run_app(app, app / "cdktf.out", home=tmp_path / "home").returncode == 0
    assert scan(["."], Settings()).findings == []
