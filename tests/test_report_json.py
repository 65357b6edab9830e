"""The JSON report is a contract: its keys, values and order are what scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

from backend_guard import __version__
from backend_guard.apply import apply_edits
from backend_guard.config import Settings
from backend_guard.model import Edit, Finding, Fix, Severity, Span
from backend_guard.report.json_report import render
from backend_guard.scan import scan

PROJECTS = "tests/fixtures/projects"
FINDING_KEYS = {"rule", "name", "severity", "path", "line", "end_line", "column", "message", "fix"}
EDIT_KEYS = {"path", "start_line", "start_column", "end_line", "end_column", "text"}


def test_a_real_scan_renders_the_documented_document() -> None:
    result = scan([f"{PROJECTS}/seed_partial_s3"], Settings())
    output = render(result.findings, files_scanned=result.files_scanned, root_modules=1)
    assert output.endswith("}\n") and output.startswith('{\n  "tool"')
    data = json.loads(output)
    assert data["tool"] == {"name": "backend-guard", "version": __version__}
    [finding] = data["findings"]
    assert set(finding) == FINDING_KEYS
    assert {k: finding[k] for k in ("rule", "name", "severity", "path", "line", "end_line")} == {
        "rule": "BG101",
        "name": "partial-backend-config",
        "severity": "error",
        "path": f"{PROJECTS}/seed_partial_s3/provider.tf",
        "line": 12,
        "end_line": 12,
    }
    assert finding["column"] == 3
    assert "Missing Required Value" in finding["message"]
    assert finding["fix"]["description"] == 'use local state (backend "s3" is kept as a comment)'
    [edit] = finding["fix"]["edits"]
    assert set(edit) == EDIT_KEYS
    assert (edit["start_line"], edit["start_column"], edit["end_line"], edit["end_column"]) == (
        12,
        3,
        12,
        18,
    )
    assert data["summary"] == {
        "errors": 1,
        "warnings": 0,
        "notes": 0,
        "files_scanned": result.files_scanned,
        "root_modules": 1,
    }


def test_the_edits_in_the_json_fix_the_file() -> None:
    result = scan([f"{PROJECTS}/seed_partial_s3"], Settings())
    data = json.loads(render(result.findings, files_scanned=4, root_modules=1))
    edits = [Edit(**edit) for edit in data["findings"][0]["fix"]["edits"]]
    path = edits[0].path
    fixed = apply_edits(Path(path).read_text(encoding="utf-8"), edits)
    assert 'backend "local" {' in fixed and '\n  backend "s3" {}' not in fixed


def test_findings_keep_the_order_given_and_the_summary_counts_each_severity() -> None:
    result = scan([f"{PROJECTS}/deprecated_argument", f"{PROJECTS}/child_module"], Settings())
    findings = list(reversed(result.findings))
    data = json.loads(render(findings, files_scanned=9, root_modules=2))
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        (f.rule, f.path, f.span.start_line) for f in findings
    ]
    severities = [f["severity"] for f in data["findings"]]
    assert set(severities) == {"error", "warning"}
    assert data["summary"]["errors"] == severities.count("error")
    assert data["summary"]["warnings"] == severities.count("warning")
    assert [f["fix"] is None for f in data["findings"]] == [f.fix is None for f in findings]


def test_notes_a_multi_file_fix_and_text_outside_ascii() -> None:
    fix = Fix(
        "use local state and drop the override",
        (
            Edit("stacks/prod/main.tf", 2, 3, 2, 15, 'backend "local" {}'),
            Edit("stacks/prod/override.tf", 1, 1, 5, 2, ""),
        ),
    )
    note = Finding(
        "BG112",
        "deprecated-backend-argument",
        Severity.NOTE,
        Span("stacks/prod/main.tf", 2, 3, 4, 4),
        "`endpoint` is deprecated — use `endpoints.s3` (état «prod»)",
        fix,
        key='stacks/prod||backend "s3"|BG112',
    )
    output = render([note], files_scanned=2, root_modules=1)
    assert "«prod»" in output  # not escaped to \u00ab
    data = json.loads(output)
    assert data["findings"][0]["severity"] == "note"
    assert [e["path"] for e in data["findings"][0]["fix"]["edits"]] == [
        "stacks/prod/main.tf",
        "stacks/prod/override.tf",
    ]
    assert data["findings"][0]["fix"]["edits"][1]["text"] == ""
    assert data["summary"]["notes"] == 1 and data["summary"]["errors"] == 0


def test_no_findings_is_still_the_whole_document() -> None:
    data = json.loads(render([], files_scanned=0, root_modules=0))
    assert data == {
        "tool": {"name": "backend-guard", "version": __version__},
        "findings": [],
        "summary": {"errors": 0, "warnings": 0, "notes": 0, "files_scanned": 0, "root_modules": 0},
    }
