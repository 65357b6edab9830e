"""The terminal report: one line per finding, its fix below it, a count at the end."""

from __future__ import annotations

from collections.abc import Sequence

from backend_guard.choices import Severity

TYPE_CHECKING = False  # as typing has it, without importing typing at start-up
if TYPE_CHECKING:
    from backend_guard.model import Finding


def plural(count: int, word: str, words: str = "") -> str:
    """`1 file`, `2 files`; `words` for a plural that is not `word` + s."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def summary_line(findings: Sequence[Finding], *, files_scanned: int, root_modules: int) -> str:
    counts = [
        plural(sum(1 for f in findings if f.severity is severity), severity.value)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
        if any(f.severity is severity for f in findings)
    ]
    found = ", ".join(counts) if counts else "no problems"
    return (
        f"{found} in {plural(root_modules, 'root module')} "
        f"({plural(files_scanned, 'file')} scanned)"
    )


def render(
    findings: Sequence[Finding], *, files_scanned: int, root_modules: int, fix_command: str
) -> str:
    lines: list[str] = []
    for finding in findings:
        span = finding.span
        lines.append(
            f"{span.path}:{span.start_line}:{span.start_column}: {finding.severity.value} "
            f"{finding.rule} {finding.name}: {finding.message}"
        )
        if finding.fix is not None:
            lines.append(f"  fix: {finding.fix.description}  [{fix_command}]")
    lines.append(summary_line(findings, files_scanned=files_scanned, root_modules=root_modules))
    return "\n".join(lines) + "\n"
