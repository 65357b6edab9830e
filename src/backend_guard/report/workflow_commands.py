"""GitHub workflow commands: one annotation per finding, escaped as the runner expects.

The runner reads `::command key=value,...::data` lines from standard output. Data escapes `%`, CR
and LF; property values also `:` and `,`. With that, a file name or message from the pull request
cannot end the line and start a command of its own (`::add-mask::`, `::stop-commands::`, ...).
GitHub shows only 10 error and 10 warning annotations per step, so errors come first.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend_guard.model import Finding, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
SHOWN_PER_STEP = 10  # per kind, by GitHub


def escape_data(text: str) -> str:
    """`text` as the data of a command: `%`, CR and LF percent-encoded, so it stays on one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """`text` as a property value: also `:` and `,`, which would end the value or the properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """One `::error|warning|notice file=...::message` line; columns only for a one-line span."""
    span = finding.span
    properties = {
        "file": finding.path,
        "line": str(span.start_line),
        "endLine": str(span.end_line),
        "title": f"{finding.rule} {finding.name}",
    }
    if span.start_line == span.end_line:
        properties["col"] = str(span.start_column)
        properties["endColumn"] = str(span.end_column)
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = finding.message
    if finding.fix is not None:
        message += f"\nFix: {finding.fix.description} (backend-guard fix)"
    return f"::{_COMMAND[finding.severity]} {rendered}::{escape_data(message)}\n"


def render(findings: Sequence[Finding]) -> str:
    """Annotations for `findings`, errors first, the order within a severity kept."""
    ordered = sorted(findings, key=lambda f: -f.severity.rank)
    return "".join(annotation(finding) for finding in ordered)
