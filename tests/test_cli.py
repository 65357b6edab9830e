"""The command line as a user meets it: output, exit status, fix, rules, settings, suppression."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backend_guard import __version__
from backend_guard.cli import main
from backend_guard.docs import render

ROOT = Path(__file__).parent.parent
PROJECTS = Path(__file__).parent / "fixtures" / "projects"


@pytest.fixture
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed's project under `infra/`, with the current directory one level up."""
    shutil.copytree(PROJECTS / "seed_partial_s3", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "infra"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_reports_the_seed_case_like_the_issue_shows(
    infra: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "check", "infra/")
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith("infra/provider.tf:12:3: error BG101 partial-backend-config: ")
    assert "`terraform init -input=false` fails" in lines[0]
    assert lines[1] == (
        '  fix: use local state (backend "s3" is kept as a comment)  [backend-guard fix infra/]'
    )
    files = len(list(infra.glob("*.tf")))
    assert lines[-1] == f"1 error in 1 root module ({files} files scanned)"


def test_paths_print_relative_to_the_current_directory(
    infra: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(infra)
    _, out, _ = run(capsys, "check")
    assert out.startswith("provider.tf:12:3: error BG101")
    _, out, _ = run(capsys, "check", str(infra))
    assert out.startswith("provider.tf:12:3:")


def test_fail_on_decides_the_exit_status(infra: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "infra", "--fail-on", "never")[0] == 0
    assert run(capsys, "check", "infra", "--fail-on", "warning")[0] == 1
    assert run(capsys, "check", str(PROJECTS / "local_ok"))[0] == 0
    (status, out, _) = run(
        capsys,
        "check",
        str(PROJECTS / "deprecated_argument"),
        "--policy",
        "remote-allowed",
        "--fail-on",
        "warning",
    )
    assert status == 1 and " warning BG112 " in out
    status, _, _ = run(
        capsys, "check", str(PROJECTS / "deprecated_argument"), "--policy", "remote-allowed"
    )
    assert status == 0


def test_usage_errors_exit_2(infra: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--policy", "anything"])
    assert raised.value.code == 2
    capsys.readouterr()
    (infra / ".backend-guard.yml").write_text("policy: [oops\n", encoding="utf-8")
    status, _, err = run(capsys, "check", "infra")
    assert status == 2
    assert err == "backend-guard: infra/.backend-guard.yml:2: not valid YAML\n"
    status, _, err = run(capsys, "rules", "BG999")
    assert status == 2 and "BG999" in err


@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_path_that_does_not_exist_is_a_usage_error(
    infra: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        main([command, "infra", "infar/"])
    assert raised.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: backend-guard")
    assert err.endswith("error: infar/: no such file or directory\n")


def test_fix_diff_changes_nothing_and_fix_rewrites_only_the_backend(
    infra: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in infra.iterdir()}
    status, diff, _ = run(capsys, "fix", "--diff", "infra")
    assert status == 0
    assert {p.name: p.read_bytes() for p in infra.iterdir()} == before
    assert diff.startswith("--- a/infra/provider.tf\n+++ b/infra/provider.tf\n")
    assert '+  backend "local" {' in diff
    assert '+  # backend "s3" {}' in diff or '+  # backend "s3" {' in diff

    status, out, _ = run(capsys, "fix", "infra")
    assert (status, out) == (0, "fixed infra/provider.tf\n")
    after = {p.name: p.read_bytes() for p in infra.iterdir()}
    assert {name for name in after if after[name] != before[name]} == {"provider.tf"}
    old, new = before["provider.tf"].decode(), after["provider.tf"].decode()
    assert old.splitlines()[:10] == new.splitlines()[:10]  # the lines above the backend stay

    assert run(capsys, "check", "infra")[0] == 0
    status, out, _ = run(capsys, "fix", "infra")
    assert (status, out) == (0, "nothing to fix\n")
    assert (infra / "provider.tf").read_bytes() == after["provider.tf"]


def test_errors_without_a_fix_are_named_by_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(PROJECTS / "duplicate_backend", tmp_path / "p")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "fix", "p")
    assert "p/main.tf:2: BG108 duplicate-backend has no automatic fix" in out


def test_config_file_turns_rules_off_and_changes_severities(
    infra: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (infra / ".backend-guard.yml").write_text(
        "rules:\n  partial-backend-config: warning\n", encoding="utf-8"
    )
    status, out, _ = run(capsys, "check", "infra")
    assert status == 0 and " warning BG101 " in out
    (infra / ".backend-guard.yml").write_text("rules:\n  BG101: off\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", "infra")
    # Off, BG101 no longer stands for the backend: the storage nothing creates is reported.
    assert status == 1 and "BG101" not in out and " error BG104 " in out
    (infra / ".backend-guard.yml").write_text(
        "rules:\n  BG101: off\n  BG104: off\n", encoding="utf-8"
    )
    status, out, _ = run(capsys, "check", "infra")
    assert status == 0 and "BG101" not in out


def test_inline_suppression_with_a_reason(infra: Path, capsys: pytest.CaptureFixture[str]) -> None:
    provider = infra / "provider.tf"
    text = provider.read_text(encoding="utf-8")
    text = text.replace(
        '  backend "s3" {}',
        "  # backend-guard:ignore BG101 -- values come from the platform team's wrapper\n"
        '  backend "s3" {}',
    )
    provider.write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "check", "infra")
    # Suppressed, BG101 no longer stands for the backend: the storage nothing creates is reported.
    assert status == 1 and "BG101" not in out and " error BG104 " in out
    provider.write_text(text.replace("BG101", "BG101, BG104"), encoding="utf-8")
    assert run(capsys, "check", "infra")[0] == 0
    provider.write_text(text.replace("BG101", "BG104"), encoding="utf-8")
    assert run(capsys, "check", "infra")[0] == 1


def test_rules_lists_every_rule_and_prints_one(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules")
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()][:2] == ["BG100", "BG101"]
    status, out, _ = run(capsys, "rules", "BG101")
    assert status == 0
    assert out.startswith("BG101 partial-backend-config (error)\n")
    assert "**Fix.**" in out
    assert run(capsys, "rules", "partial-backend-config")[1] == out


def test_rules_doc_is_generated_and_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run `make docs`"
    )


def test_console_script_runs_in_a_fresh_process() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "backend_guard", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout) == (0, f"backend-guard {__version__}\n")


def test_fix_names_the_init_flags_a_local_backend_would_refuse(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECTS / "supplied_partial")
    _, out, _ = run(capsys, "check")
    assert (
        "; drop the -backend-config settings at .github/workflows/deploy.yml:17, which a "
        "local backend does not accept" in out
    )
