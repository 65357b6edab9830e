"""The machine-readable and GitHub-facing reports of a real scan: JSON, SARIF, annotations,
job summary, and the escaping they rely on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend_guard.cli import main
from backend_guard.config import Settings
from backend_guard.model import Finding, Severity, Span
from backend_guard.report import markdown, sarif, workflow_commands
from backend_guard.report.escaping import code_fence, inline_code, markdown_text
from backend_guard.rules import RULES
from backend_guard.scan import scan

DATA = Path(__file__).parent / "data"
PROJECTS = Path(__file__).parent / "fixtures" / "projects"


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(PROJECTS / "seed_partial_s3", tmp_path / "infra")
    shutil.copytree(PROJECTS / "deprecated_argument", tmp_path / "legacy")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_report_is_the_documented_contract(
    seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "infra", "legacy", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["tool"]["name"] == "backend-guard"
    assert set(data) == {"tool", "findings", "summary"}
    first = data["findings"][0]
    assert set(first) == {
        "rule",
        "name",
        "severity",
        "path",
        "line",
        "end_line",
        "column",
        "message",
        "fix",
    }
    assert (first["rule"], first["path"], first["line"], first["column"]) == (
        "BG101",
        "infra/provider.tf",
        12,
        3,
    )
    assert set(first["fix"]) == {"description", "edits"}
    assert set(first["fix"]["edits"][0]) == {
        "path",
        "start_line",
        "start_column",
        "end_line",
        "end_column",
        "text",
    }
    assert {f["severity"] for f in data["findings"]} <= {"error", "warning", "note"}
    summary = data["summary"]
    assert summary["errors"] == sum(f["severity"] == "error" for f in data["findings"])
    assert summary["warnings"] == 1 and summary["root_modules"] == 2


def test_sarif_is_valid_and_carries_rules_fingerprints_and_fixes(seed: Path) -> None:
    result = scan(["infra", "legacy"], Settings())
    log = json.loads(sarif.render(result.findings, RULES))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.id for r in RULES]
    first = run["results"][0]
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == first["ruleId"]
    assert (
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/provider.tf"
    )
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
    moved = scan(["infra", "legacy"], Settings())  # same places, same fingerprints
    again = json.loads(sarif.render(moved.findings, RULES))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [
        r["partialFingerprints"] for r in run["results"]
    ]


def _finding(path: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        rule="BG104",
        name="external-state-storage",
        severity=severity,
        span=Span(path, 3, 3, 9, 4),
        message=message,
        fix=None,
        key=f"{path}|{message}",
    )


def test_annotations_come_errors_first_and_cannot_start_a_command() -> None:
    hostile = _finding("a,b:c%0A.tf\n::add-mask::x", "bucket `x`\n::stop-commands::end")
    warning = _finding("w.tf", "deprecated", Severity.WARNING)
    lines = workflow_commands.render([warning, hostile]).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=a%2Cb%3Ac%250A.tf%0A%3A%3Aadd-mask%3A%3Ax,line=3,")
    assert lines[0].endswith("::bucket `x`%0A::stop-commands::end")
    assert lines[1].startswith(
        "::warning file=w.tf,line=3,endLine=9,title=BG104 external-state-storage::"
    )


def test_summary_names_the_annotation_limit_and_stays_under_one_mebibyte() -> None:
    findings = [_finding(f"m{i}/backend.tf", "x" * 2000) for i in range(1200)]
    summary = markdown.render_summary(findings, texts={}, files_scanned=1200, root_modules=1200)
    assert len(summary.encode()) < 1024 * 1024
    assert "there are 1200 in all" in summary
    assert "more findings are not shown here" in summary


def test_summary_neutralises_markdown_and_html_from_the_repository() -> None:
    finding = _finding("evil|name.tf", "<img src=x> @acme/admins [click](http://evil.example) `x`")
    summary = markdown.render_summary([finding], texts={}, files_scanned=1, root_modules=1)
    row = next(line for line in summary.splitlines() if "evil" in line)
    assert "<img" not in row and "@acme" not in row and "](" not in row
    assert row.count(" | ") == 3  # the row keeps its four cells


@given(st.text())
def test_markdown_text_is_inert(text: str) -> None:
    out = markdown_text(text)
    assert "\n" not in out and "<" not in out and "](" not in out
    assert all(not out[i + 1 : i + 2].isalnum() for i, c in enumerate(out) if c == "@")


@given(st.text())
def test_inline_code_and_fences_hold_any_text(text: str) -> None:
    span = inline_code(text)
    fence = span[: len(span) - len(span.lstrip("`"))]
    assert fence not in span[len(fence) : -len(fence)]
    block = code_fence(text, "suggestion")
    opener = block.split("\n", 1)[0]
    body = block[len(opener) + 1 : -len(opener.removesuffix("suggestion"))]
    assert body.removesuffix("\n") == text.removesuffix("\n") or body == text + "\n"
    assert not any(
        line.strip().startswith(opener.removesuffix("suggestion")) for line in text.splitlines()
    )
