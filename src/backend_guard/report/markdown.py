"""The job summary and the review body, in Markdown, within GitHub's size limits.

Everything that comes from the scanned repository goes through `escaping`. GitHub refuses a step
summary over 1 MiB and a review body over 65,536 characters; past a budget below those, rows and
sections are left out and a line says how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from backend_guard import apply
from backend_guard.model import Finding, Fix, Severity
from backend_guard.report.escaping import (
    code_fence,
    html_text,
    inline_code,
    markdown_message,
    table_code,
)
from backend_guard.report.text import plural, summary_line
from backend_guard.report.workflow_commands import SHOWN_PER_STEP

SUMMARY_BUDGET = 1_000_000  # bytes of UTF-8; GitHub refuses a step summary over 1 MiB
REVIEW_BUDGET = 60_000  # characters; GitHub's limit is 65,536, and publishing adds a marker
_TAIL_RESERVE = 1_000  # room kept for the closing lines that say what was left out
_NOTE_LIMIT = 2_000  # characters of one note; notes may quote GitHub API messages


class _Group(Protocol):
    @property
    def findings(self) -> tuple[Finding, ...]: ...

    @property
    def path(self) -> str: ...

    @property
    def start_line(self) -> int: ...


class PlannedReview(Protocol):
    """What `backend_guard.github.review.compose` returns, as far as the review body needs it."""

    @property
    def comments(self) -> Sequence[object]: ...

    @property
    def outside(self) -> Sequence[tuple[_Group, str]]: ...


def _by_importance(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: -f.severity.rank)


def _note(text: str) -> str:
    return markdown_message(text if len(text) <= _NOTE_LIMIT else text[:_NOTE_LIMIT] + "…")


def _row(finding: Finding) -> str:
    location = table_code(f"{finding.path}:{finding.span.start_line}")
    return (
        f"| {finding.severity.value} | {finding.rule} {table_code(finding.name)} | {location} "
        f"| {markdown_message(finding.message)} |"
    )


def _fix_details(fix: Fix, findings: Sequence[Finding], texts: dict[str, str]) -> str:
    """The fix as the unified diff `backend-guard fix --diff` prints for it, folded."""
    first = findings[0]
    rules = ", ".join(dict.fromkeys(f.rule for f in findings))
    summary = (
        f"Fix for <code>{html_text(f'{first.path}:{first.span.start_line}')}</code> "
        f"({html_text(rules)}): {html_text(fix.description)}"
    )
    diff = code_fence(apply.plan([first], texts).diff(), "diff")
    return f"<details><summary>{summary}</summary>\n\n{diff}\n\n</details>"


def _annotation_limits(findings: Sequence[Finding]) -> list[str]:
    lines = []
    for severity in (Severity.ERROR, Severity.WARNING):
        count = sum(1 for f in findings if f.severity is severity)
        if count > SHOWN_PER_STEP:
            lines.append(
                f"GitHub shows only the first {SHOWN_PER_STEP} {severity.value} annotations of "
                f"a step; there are {count} in all."
            )
    return lines


def _size(text: str) -> int:
    """Bytes `text` takes in UTF-8; a lone surrogate (from a name that is not UTF-8) counts as
    the three bytes it could take, never as an error."""
    return len(text.encode(errors="surrogatepass"))


def render_summary(
    findings: Sequence[Finding],
    *,
    texts: dict[str, str],
    files_scanned: int,
    root_modules: int,
    notes: Sequence[str] = (),
) -> str:
    """The job summary: counts, a table of findings (errors first), their fixes as diffs of
    `texts` (the scanned files), the notes.

    It stays under `SUMMARY_BUDGET` bytes: when the findings do not fit, the table stops and a
    line says how many were left out.
    """
    counts = summary_line(findings, files_scanned=files_scanned, root_modules=root_modules)
    head = ["## backend-guard", "", counts[0].upper() + counts[1:] + "."]
    limits = _annotation_limits(findings)
    if limits:
        head += ["", *limits]
    if notes:
        head += ["", *(f"- {_note(note)}" for note in notes)]
    rows: list[str] = []
    details: list[str] = []
    ordered = _by_importance(findings)
    sharing: dict[Fix, list[Finding]] = {}
    for finding in ordered:
        if finding.fix is not None:
            sharing.setdefault(finding.fix, []).append(finding)
    if ordered:
        rows += ["| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |"]
    used = sum(_size(line) + 1 for line in head + rows) + _TAIL_RESERVE
    shown = 0
    for finding in ordered:
        row = _row(finding)
        fix = finding.fix
        # a fix shared by several findings (rules on one backend) is shown once, at its first
        detail = (
            _fix_details(fix, sharing[fix], texts) if fix and sharing[fix][0] is finding else ""
        )
        cost = _size(row) + 1 + (_size(detail) + 2 if detail else 0)
        if used + cost > SUMMARY_BUDGET:
            break
        rows.append(row)
        if detail:
            details.append(detail)
        used += cost
        shown += 1
    lines = [*head, "", *rows] if rows else head
    hidden = len(ordered) - shown
    if hidden:
        lines += [
            "",
            f"{plural(hidden, 'more finding')} {'is' if hidden == 1 else 'are'} not shown here "
            "(size limit); "
            "`backend-guard check` lists them all.",
        ]
    if details:
        lines += ["", "### Fixes", "", "\n\n".join(details)]
    return "\n".join(lines) + "\n"


def _place(group: _Group) -> str:
    return f"{group.path}:{group.start_line}"


def render_review_body(planned: PlannedReview, *, files_scanned: int) -> str:
    """The body of the review `github.review.compose` planned: a verdict, counts, then each group
    of findings that has no inline comment (outside the diff or past the comment cap).

    It stays under `REVIEW_BUDGET` characters: a section that does not fit is left out (smaller
    ones after it may still fit), and a closing line names what was left out.
    """
    inline = len(planned.comments)
    outside = list(planned.outside)
    findings = sum(len(group.findings) for group, _ in outside)
    if not inline and not outside:
        verdict = "**backend-guard** finds no undeployable state backend."
    else:
        verdict = (
            f"**backend-guard** finds state backends that cannot be deployed as written: "
            f"{plural(inline + len(outside), 'place')} to fix."
        )
    counts = (
        f"{inline} with an inline comment; {len(outside)} below ({plural(findings, 'finding')}) "
        "because their lines are outside the diff or past the comment cap. "
        f"{plural(files_scanned, 'file')} scanned."
    )
    lines = [verdict, "", counts]
    used = sum(len(line) + 1 for line in lines) + _TAIL_RESERVE
    left_out: list[_Group] = []
    for group, section in outside:
        heading = f"#### {inline_code(_place(group))}"
        cost = len(heading) + len(section) + 6
        if used + cost > REVIEW_BUDGET:
            left_out.append(group)
            continue
        lines += ["", heading, "", section]
        used += cost
    if left_out:
        named: list[str] = []
        for group in left_out:
            name = inline_code(_place(group))
            if sum(len(n) + 2 for n in named) + len(name) > _TAIL_RESERVE // 2:
                break
            named.append(name)
        more = f" and {len(left_out) - len(named)} more" if len(left_out) > len(named) else ""
        lines += [
            "",
            f"{len(left_out)} more not shown here (size limit): {', '.join(named)}{more}; "
            "the job summary lists every finding.",
        ]
    return "\n".join(lines) + "\n"
