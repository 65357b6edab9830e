"""The JSON report: a stable contract for scripts and other tools.

```json
{"tool": {"name": "backend-guard", "version": "0.1.0"},
 "findings": [{"rule": "BG101", "name": "partial-backend-config", "severity": "error",
               "path": "infra/provider.tf", "line": 12, "end_line": 12, "column": 3,
               "message": "...",
               "fix": null | {"description": "...",
                              "edits": [{"path": "...", "start_line": 12, "start_column": 3,
                                         "end_line": 12, "end_column": 18, "text": "..."}]}}],
 "summary": {"errors": 1, "warnings": 0, "notes": 0, "files_scanned": 12, "root_modules": 1}}
```

Lines and columns are 1-based; an edit replaces the text from its start up to (not including) its
end position.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from backend_guard import __version__
from backend_guard.model import Finding, Fix, Severity
from backend_guard.report.escaping import printable


def _fix(fix: Fix | None) -> dict[str, object] | None:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "edits": [
            {
                "path": edit.path,
                "start_line": edit.start_line,
                "start_column": edit.start_column,
                "end_line": edit.end_line,
                "end_column": edit.end_column,
                "text": edit.text,
            }
            for edit in fix.edits
        ],
    }


def document(
    findings: Sequence[Finding], *, files_scanned: int, root_modules: int
) -> dict[str, object]:
    """The report as plain data, findings in the order given."""
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return {
        "tool": {"name": "backend-guard", "version": __version__},
        "findings": [
            {
                "rule": finding.rule,
                "name": finding.name,
                "severity": finding.severity.value,
                "path": finding.path,
                "line": finding.span.start_line,
                "end_line": finding.span.end_line,
                "column": finding.span.start_column,
                "message": finding.message,
                "fix": _fix(finding.fix),
            }
            for finding in findings
        ],
        "summary": {
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "notes": counts[Severity.NOTE],
            "files_scanned": files_scanned,
            "root_modules": root_modules,
        },
    }


def render(findings: Sequence[Finding], *, files_scanned: int, root_modules: int) -> str:
    """The report as indented JSON (UTF-8 text, not ASCII-escaped) with a final newline."""
    data = document(findings, files_scanned=files_scanned, root_modules=root_modules)
    return json.dumps(printable(data), indent=2, ensure_ascii=False) + "\n"
