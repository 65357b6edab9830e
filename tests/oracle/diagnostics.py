"""Terraform's machine-readable output (`-json`) read back as diagnostics and as readable text.

Terraform renders a Go error wrapped into a diagnostic as one multi-line summary, which may itself
contain a line starting with "Error:"; only the JSON form tells where one diagnostic ends. The
title of a diagnostic is the first line of its summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Terraform puts this error ahead of the configuration's own errors; it names none of them.
CONFIGURATION_ERRORS_PREAMBLE = "Terraform encountered problems during initialisation"


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic from `terraform init -json`."""

    severity: str  # "error" or "warning"
    summary: str
    detail: str = ""
    filename: str | None = None
    line: int | None = None

    @property
    def title(self) -> str:
        """The first line of the summary: what Terraform prints after "Error: "."""
        return self.summary.split("\n", 1)[0]

    @property
    def is_preamble(self) -> bool:
        """Whether this is the error that only announces configuration errors to follow."""
        return self.summary.startswith(CONFIGURATION_ERRORS_PREAMBLE)

    def render(self) -> str:
        """The diagnostic as Terraform prints it without colour, minus the source snippet."""
        lines = [f"{self.severity.capitalize()}: {self.summary}".rstrip("\n"), ""]
        if self.filename is not None:
            lines += [f"  on {self.filename} line {self.line}", ""]
        if self.detail:
            lines += [self.detail.rstrip("\n"), ""]
        return "\n".join(lines)


def _diagnostic(message: dict[str, Any]) -> Diagnostic:
    body = message["diagnostic"]
    where = body.get("range") or {}
    return Diagnostic(
        severity=body["severity"],
        summary=body["summary"],
        detail=body.get("detail") or "",
        filename=where.get("filename"),
        line=where.get("start", {}).get("line"),
    )


def read_json_output(stdout: str) -> tuple[list[Diagnostic], str]:
    """Split `-json` output into its diagnostics and a readable rendering of every line.

    A line that is not a JSON message (a crash report, for one) is kept as it is.
    """
    diagnostics: list[Diagnostic] = []
    parts: list[str] = []
    for line in stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            parts.append(line + "\n")
            continue
        if not isinstance(message, dict):
            parts.append(line + "\n")
        elif message.get("type") == "diagnostic":
            diagnostic = _diagnostic(message)
            diagnostics.append(diagnostic)
            parts.append("\n" + diagnostic.render())
        else:
            parts.append(str(message.get("@message", line)) + "\n")
    return diagnostics, "".join(parts)
