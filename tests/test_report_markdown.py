"""The job summary and the review body: what they say, what they hide, and their size limits."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_guard import cli
from backend_guard.apply import plan
from backend_guard.config import Settings
from backend_guard.github import review
from backend_guard.github.diffmap import DiffMap, Hunk
from backend_guard.model import Edit, Finding, Fix, Severity, Span
from backend_guard.report.markdown import (
    REVIEW_BUDGET,
    SUMMARY_BUDGET,
    render_review_body,
    render_summary,
)
from backend_guard.scan import scan

PROJECTS = "tests/fixtures/projects"
_CELL = re.compile(r"(?:\\.|[^|\\])*")  # GFM: a cell runs to the next `|` not escaped


def _cells(row: str) -> list[str]:
    assert row.startswith("| ") and row.endswith(" |"), row
    inner = row[1:-1]
    cells, position = [], 0
    while True:
        match = _CELL.match(inner, position)
        assert match is not None
        cells.append(match.group(0).strip())
        position = match.end()
        if position >= len(inner):
            return cells
        position += 1  # the `|` between cells


def _rows(summary: str) -> list[list[str]]:
    lines = re.split(r"\r\n|\r|\n", summary)  # Markdown's line endings, not str.splitlines
    start = lines.index("| Severity | Rule | Location | Message |")
    assert lines[start + 1] == "| --- | --- | --- | --- |"
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def _finding(
    path: str,
    message: str,
    severity: Severity = Severity.ERROR,
    fix: Fix | None = None,
    rule: str = "BG104",
) -> Finding:
    return Finding(
        rule=rule,
        name="external-state-storage",
        severity=severity,
        span=Span(path, 2, 3, 2, 18),
        message=message,
        fix=fix,
        key=f"{path}|{rule}",
    )


def test_summary_of_a_real_scan() -> None:
    result = scan([f"{PROJECTS}/seed_partial_s3"], Settings())
    summary = render_summary(
        result.findings,
        texts=result.texts,
        files_scanned=result.files_scanned,
        root_modules=1,
        notes=["No `github-token`: review comments were skipped."],
    )
    lines = summary.splitlines()
    assert lines[0] == "## backend-guard"
    assert lines[2] == f"1 error in 1 root module ({result.files_scanned} files scanned)."
    assert "- No <code>github\\-token</code>: review comments were skipped\\." in lines
    [row] = _rows(summary)
    assert row[0] == "error"
    assert row[1] == "BG101 <code>partial\\-backend\\-config</code>"
    assert row[2] == "<code>tests/fixtures/projects/seed\\_partial\\_s3/provider\\.tf:12</code>"
    assert row[3].startswith('backend "s3" has no <code>bucket</code>, <code>key</code>')
    details = summary[summary.index("<details>") :]
    assert details.startswith(
        "<details><summary>Fix for <code>tests/fixtures/projects/seed_partial_s3/provider.tf:12"
        "</code> (BG101): use local state (backend &quot;s3&quot; is kept as a comment)</summary>\n\n"
    )
    diff = plan(result.findings, result.texts).diff()
    assert f"```diff\n{diff}```\n\n</details>" in details
    assert "annotations" not in summary  # under 10 of each: nothing to say about GitHub's limit


def test_summary_without_findings() -> None:
    result = scan([f"{PROJECTS}/local_ok"], Settings())
    assert result.findings == []
    summary = render_summary(
        [], texts=result.texts, files_scanned=result.files_scanned, root_modules=1
    )
    assert summary == (
        f"## backend-guard\n\nNo problems in 1 root module ({result.files_scanned} files scanned).\n"
    )


def test_errors_come_first_and_a_shared_fix_is_shown_once() -> None:
    result = scan([f"{PROJECTS}/child_module", f"{PROJECTS}/removed_argument"], Settings())
    summary = render_summary(result.findings, texts=result.texts, files_scanned=9, root_modules=2)
    severities = [row[0] for row in _rows(summary)]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert severities.count("warning") == 1 and severities.count("error") == 3
    # BG104 and both BG111 of removed_argument share one fix
    assert summary.count("<details>") == 1
    assert "(BG104, BG111)" in summary


def test_summary_says_how_many_annotations_github_hides() -> None:
    findings = [_finding(f"e{i}.tf", "e") for i in range(11)] + [
        _finding(f"w{i}.tf", "w", Severity.WARNING) for i in range(10)
    ]
    summary = render_summary(findings, texts={}, files_scanned=21, root_modules=21)
    assert "GitHub shows only the first 10 error annotations of a step; there are 11 in all." in (
        summary
    )
    assert "warning annotations" not in summary
    assert len(_rows(summary)) == 21


def test_summary_stays_under_the_step_summary_limit() -> None:
    big_fix = Fix("use local state", (Edit("a.tf", 1, 1, 1, 1, "x" * 3_000),))
    findings = [
        _finding(f"m{i}/backend.tf", "y" * 2_000, fix=Fix(f"fix {i}", big_fix.edits))
        for i in range(400)
    ]
    summary = render_summary(
        findings, texts={"a.tf": ""}, files_scanned=400, root_modules=400, notes=["n" * 10_000]
    )
    assert len(summary.encode()) <= SUMMARY_BUDGET < 1024 * 1024
    shown = len(_rows(summary))
    assert 0 < shown < 400
    assert f"{400 - shown} more findings are not shown here (size limit)" in summary
    assert summary.count("<details>") == shown  # a shown row always has its fix


def test_multibyte_text_is_measured_in_bytes() -> None:
    findings = [_finding(f"m{i}.tf", "état " * 400) for i in range(600)]
    summary = render_summary(findings, texts={}, files_scanned=600, root_modules=600)
    assert len(summary.encode()) <= SUMMARY_BUDGET
    assert len(summary.encode()) > SUMMARY_BUDGET - 5_000  # filled, not cut early


def test_repository_text_cannot_break_the_summary() -> None:
    fix = Fix(
        "</summary></details><script>alert(1)</script> @octocat",
        (Edit("x.tf", 1, 1, 1, 4, "```\n</details>\n"),),
    )
    finding = _finding(
        "evil|name`.tf", "<img src=x> @acme/admins #1 [click](http://evil.example) `a|b`", fix=fix
    )
    summary = render_summary([finding], texts={"x.tf": "abc\n"}, files_scanned=1, root_modules=1)
    [row] = _rows(summary)
    assert row[2] == "<code>evil\\|name\\`\\.tf:2</code>"
    assert "<img" not in summary and "<script" not in summary
    assert re.search(r"@\w", summary) is None and "](" not in summary
    assert summary.count("</details>") == 2  # the closing tag and the edit's text, fenced
    assert "````diff\n--- a/x.tf\n+++ b/x.tf\n@@ -1 +1,3 @@\n-abc\n+```\n+</details>\n+\n````" in (
        summary
    )


MESSAGES = st.lists(
    st.one_of(st.sampled_from(["|", "\\", "`", "\n", "<", "@", "&", "[", "]"]), st.characters()),
    max_size=40,
).map("".join)


@settings(max_examples=60)
@given(MESSAGES, MESSAGES)
def test_every_row_keeps_its_four_cells(path: str, message: str) -> None:
    summary = render_summary(
        [_finding(path or "x", message)], texts={}, files_scanned=1, root_modules=1
    )
    [row] = _rows(summary)
    assert len(row) == 4
    assert re.sub(r"</?code>", "", row[2] + row[3]).count("<") == 0


def _planned(diff: DiffMap) -> tuple[review.Review, int]:
    result = scan(
        [f"{PROJECTS}/seed_partial_s3", f"{PROJECTS}/vars_in_backend", f"{PROJECTS}/unparseable"],
        Settings(),
    )
    return review.compose(result.findings, result.texts, diff), result.files_scanned


def test_review_body_lists_what_has_no_inline_comment() -> None:
    provider = f"{PROJECTS}/seed_partial_s3/provider.tf"
    diff = DiffMap({provider: [Hunk(frozenset(range(1, 20)), frozenset({12}))]})
    planned, files = _planned(diff)
    assert len(planned.comments) == 1 and len(planned.outside) == 2
    body = render_review_body(planned, files_scanned=files)
    lines = body.splitlines()
    assert lines[0] == (
        "**backend-guard** finds state backends that cannot be deployed as written: "
        "3 places to fix."
    )
    assert lines[2].startswith("1 with an inline comment; 2 below (2 findings)")
    assert lines[2].endswith(f"{files} files scanned.")
    for group, section in planned.outside:
        assert f"#### `{group.path}:{group.start_line}`\n\n{section}" in body
    assert provider not in body
    assert len(body) <= REVIEW_BUDGET


def test_review_body_without_findings() -> None:
    body = render_review_body(review.Review(), files_scanned=3)
    assert body.splitlines()[0] == "**backend-guard** finds no undeployable state backend."


def test_review_body_leaves_out_what_does_not_fit_and_names_it() -> None:
    def group(index: int) -> review.Group:
        finding = _finding(f"stacks/s{index}/backend.tf", "m")
        return review.Group((finding,), None, finding.path, 2, 2)

    sizes = [70_000, 20_000, 20_000, 20_000, 500, 30_000]
    planned = review.Review(outside=[(group(i), "s" * size) for i, size in enumerate(sizes)])
    body = render_review_body(planned, files_scanned=6)
    assert len(body) <= REVIEW_BUDGET < 65_536
    shown = [i for i in range(len(sizes)) if f"`stacks/s{i}/backend.tf:2`\n\n" in body]
    assert shown == [1, 2, 4]  # the first is too big alone, the fourth and sixth overflow
    assert body.rstrip().endswith(
        "3 more not shown here (size limit): `stacks/s0/backend.tf:2`, `stacks/s3/backend.tf:2`, "
        "`stacks/s5/backend.tf:2`; the job summary lists every finding."
    )


def test_a_fix_is_the_diff_that_fix_diff_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(f"{PROJECTS}/json_backend", tmp_path / "stack")
    shutil.copytree("tests/fixtures/cdktf/seed_stack", tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    for project in ("stack", "app"):
        result = scan([project], Settings())
        [fix] = {f.fix for f in result.findings if f.fix is not None}  # several rules, one fix
        [path] = {edit.path for edit in fix.edits}
        summary = render_summary(
            result.findings, texts=result.texts, files_scanned=1, root_modules=1
        )
        assert cli.main(["fix", "--diff", project]) == 0
        printed = capsys.readouterr().out
        assert printed.startswith(f"--- a/{path}\n+++ b/{path}\n@@ ")
        assert f"\n\n```diff\n{printed}```\n\n</details>" in summary
        assert "Replace " not in summary
