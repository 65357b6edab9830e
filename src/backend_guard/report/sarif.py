"""SARIF 2.1.0 for GitHub code scanning and other viewers.

One run; every rule is in `tool.driver.rules` with its documentation; each result carries a
fingerprint of the finding's logical place (module, backend, rule), so code scanning keeps an
alert across line moves, and its fix as `fixes[].artifactChanges`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

from backend_guard import __version__
from backend_guard.model import Finding, Severity
from backend_guard.report.escaping import printable
from backend_guard.rules import DOCS_URL, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _uri(path: str) -> str:
    """A URI reference for `path`: relative ones with `/` and percent-encoding, absolute ones as
    `file:` URIs (a `:` or `%` in a name cannot be read as a scheme or an escape)."""
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return posix.as_uri()
    return quote(posix.as_posix(), safe="/", errors="surrogateescape")


def _full_description(rule: Rule) -> dict[str, str]:
    """The docstring's second paragraph (what the rule flags) on one line, else its summary."""
    paragraphs = [p for p in rule.doc.split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return {"text": rule.summary}
    markdown = " ".join(paragraphs[1].split())
    return {"text": markdown.replace("**", ""), "markdown": markdown}


def _rule(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": _full_description(rule),
        "help": {"text": rule.doc, "markdown": rule.doc},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["terraform", "state-backend"]},
    }


def _region(start_line: int, start_column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One per finding, from its logical place and never its lines, so an alert survives moves.

    Findings of one rule on one backend share a key; the n-th of them gets `:n` (like GitHub's own
    `primaryLocationLineHash`), so code scanning keeps them apart. A finding without a key falls
    back to rule, path and message.
    """
    seen: dict[str, int] = {}
    prints = []
    for finding in findings:
        place = finding.key or f"{finding.rule}|{finding.path}|{finding.message}"
        digest = hashlib.sha256(place.encode(errors="surrogateescape")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        prints.append(f"{digest}:{seen[digest]}")
    return prints


def _result(finding: Finding, index: dict[str, int], fingerprint: str) -> dict[str, object]:
    span = finding.span
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path)},
                    "region": _region(
                        span.start_line, span.start_column, span.end_line, span.end_column
                    ),
                }
            }
        ],
        "partialFingerprints": {"backendGuard/v1": fingerprint},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.fix is not None:
        by_path: dict[str, list[dict[str, object]]] = {}
        for edit in finding.fix.edits:
            by_path.setdefault(edit.path, []).append(
                {
                    "deletedRegion": _region(
                        edit.start_line, edit.start_column, edit.end_line, edit.end_column
                    ),
                    "insertedContent": {"text": edit.text},
                }
            )
        result["fixes"] = [
            {
                "description": {"text": finding.fix.description},
                "artifactChanges": [
                    {"artifactLocation": {"uri": _uri(path)}, "replacements": replacements}
                    for path, replacements in by_path.items()
                ],
            }
        ]
    return result


def render(findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    """A SARIF 2.1.0 log of one run: every rule in `rules`, one result per finding, in order."""
    index = {rule.id: position for position, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "backend-guard",
                        "version": __version__,
                        "informationUri": DOCS_URL.split("/blob/")[0],
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [
                    _result(finding, index, fingerprint)
                    for finding, fingerprint in zip(findings, _fingerprints(findings), strict=True)
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(printable(log), indent=2, ensure_ascii=False) + "\n"
