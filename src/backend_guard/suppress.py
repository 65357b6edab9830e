"""Inline suppression: `# backend-guard:ignore BG101 -- reason` on the line of a finding or the
line above it (`//` comments too). Several rules are separated by commas; no rule means all."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backend_guard.fixes.text_positions import line_at, line_starts
from backend_guard.model import Finding
from backend_guard.rules import find

_DIRECTIVE = re.compile(r"(?:#|//)\s*backend-guard:ignore\b(?P<rules>[^\n]*?)(?:\s--\s.*)?$", re.M)


def directives(text: str) -> dict[int, frozenset[str] | None]:
    """Line number -> rule IDs suppressed there (None: every rule)."""
    result: dict[int, frozenset[str] | None] = {}
    starts = line_starts(text)
    for match in _DIRECTIVE.finditer(text):
        line = line_at(starts, match.start())
        selectors = [s for s in re.split(r"[\s,]+", match.group("rules")) if s]
        if not selectors:
            result[line] = None
            continue
        ids = {rule.id for rule in (find(s) for s in selectors) if rule is not None}
        result[line] = frozenset(ids)
    return result


def unsuppressed(findings: Iterable[Finding], texts: dict[str, str]) -> Iterator[Finding]:
    cache: dict[str, dict[int, frozenset[str] | None]] = {}
    for finding in findings:
        text = texts.get(finding.path)
        if text is None or "backend-guard:ignore" not in text:
            yield finding
            continue
        if finding.path not in cache:
            cache[finding.path] = directives(text)
        marks = cache[finding.path]
        line = finding.span.start_line
        if any(
            line_number in marks
            and (marks[line_number] is None or finding.rule in marks[line_number])  # type: ignore[operator]
            for line_number in (line, line - 1)
        ):
            continue
        yield finding
