"""The job summary and the review body, in Markdown, within GitHub's size limits.

Everything that comes from the scanned repository goes through `escaping`. The job summary may
hold at most 1 MiB per step and a review body 65,536 characters; past a budget below those, rows
are left out and a line says how many.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend_guard.model import Finding, Severity
from backend_guard.report.escaping import code_fence, inline_code, markdown_text
from backend_guard.report.workflow_commands import SHOWN_PER_STEP

SUMMARY_BUDGET = 1_000_000  # bytes; GitHub refuses a step summary over 1 MiB
REVIEW_BUDGET = 60_000  # characters; GitHub's limit for a review body is 65,536
_ICON = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _counts(findings: Sequence[Finding]) -> dict[Severity, int]:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def _verdict(findings: Sequence[Finding], files_scanned: int, root_modules: int) -> str:
    counts = _counts(findings)
    if not findings:
        return f"No undeployable state backend in {root_modules} root module(s) ({files_scanned} files scanned)."
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    return f"{', '.join(parts)} in {root_modules} root module(s) ({files_scanned} files scanned)."


def _row(finding: Finding) -> str:
    location = inline_code(f"{finding.path}:{finding.span.start_line}")
    return (
        f"| {_ICON[finding.severity]} | {finding.rule} {inline_code(finding.name)} | {location} "
        f"| {markdown_text(finding.message)} |"
    )


def _fix_details(finding: Finding) -> str:
    assert finding.fix is not None
    edits = "\n".join(
        f"{edit.path}:{edit.start_line}:{edit.start_column}-{edit.end_line}:{edit.end_column}\n"
        + edit.text
        for edit in finding.fix.edits
    )
    return (
        f"<details><summary>Fix for {inline_code(f'{finding.path}:{finding.span.start_line}')}: "
        f"{markdown_text(finding.fix.description)}</summary>\n\n{code_fence(edits)}\n\n</details>"
    )


def render_summary(
    findings: Sequence[Finding], *, files_scanned: int, root_modules: int, notes: Sequence[str] = ()
) -> str:
    lines = ["## backend-guard", "", _verdict(findings, files_scanned, root_modules), ""]
    counts = _counts(findings)
    for severity, kind in ((Severity.ERROR, "error"), (Severity.WARNING, "warning")):
        if counts[severity] > SHOWN_PER_STEP:
            lines.append(
                f"GitHub shows the first {SHOWN_PER_STEP} {kind} annotations of a step; "
                f"there are {counts[severity]} in all, listed below."
            )
    lines += [f"- {markdown_text(note)}" for note in notes]
    if findings:
        lines += ["", "| severity | rule | location | message |", "| --- | --- | --- | --- |"]
    used = sum(len(line.encode()) + 1 for line in lines)
    shown = 0
    details: list[str] = []
    for finding in findings:
        row = _row(finding)
        detail = _fix_details(finding) if finding.fix is not None else ""
        cost = len(row.encode()) + len(detail.encode()) + 2
        if used + cost + 200 > SUMMARY_BUDGET:
            break
        lines.append(row)
        if detail:
            details.append(detail)
        used += cost
        shown += 1
    if shown < len(findings):
        lines += [
            "",
            f"{len(findings) - shown} more findings are not shown here (size limit); run `backend-guard check` for all of them.",
        ]
    if details:
        lines += ["", "### Fixes", "", *details]
    return "\n".join(lines) + "\n"


def render_review_body(planned, *, files_scanned: int) -> str:
    """The body of the review `github.review.compose` planned: verdict, then what is not inline."""
    lines = ["**backend-guard**", ""]
    inline = len(planned.comments)
    outside = planned.outside
    lines.append(
        f"{inline} inline comment(s); {len(outside)} finding group(s) outside the diff or past the "
        f"comment cap ({files_scanned} files scanned)."
    )
    used = sum(len(line) + 1 for line in lines)
    shown = 0
    for group, section in outside:
        heading = f"#### {inline_code(f'{group.path}:{group.start_line}')}"
        cost = len(heading) + len(section) + 4
        if used + cost + 200 > REVIEW_BUDGET:
            break
        lines += ["", heading, "", section]
        used += cost
        shown += 1
    if shown < len(outside):
        lines += [
            "",
            f"{len(outside) - shown} more are not shown here (size limit); see the job summary.",
        ]
    return "\n".join(lines) + "\n"
