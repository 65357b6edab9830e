"""Resolve: settings and inline suppressions first, then the precedence table.

Rules never hide each other: each says what it finds. Where one backend draws several findings
that tell one story, the table names which finding explains it first; the others are folded into
it, and shown again as soon as that finding is not (its rule turned off, or suppressed inline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from backend_guard import suppress
from backend_guard.config import Settings
from backend_guard.model import Finding

# A rule's findings on a backend -> the rules whose finding on the same backend, when shown,
# explains it first. Storage that nothing creates (BG104) matters only once the backend can be
# initialised at all: with its settings supplied (BG101) and its arguments plain values (BG102);
# storage the same configuration creates is a bootstrap cycle (BG105), not a missing bucket.
FOLDED_INTO: Mapping[str, tuple[str, ...]] = {
    "BG104": ("BG101", "BG102", "BG105"),
}


@dataclass
class Resolved:
    shown: list[Finding]
    folded: list[Finding]


def resolve(findings: list[Finding], settings: Settings, texts: dict[str, str]) -> Resolved:
    adjusted = [_with_severity(finding, settings) for finding in findings]
    kept = list(suppress.unsuppressed(adjusted, texts))
    resolved = _fold(kept)
    resolved.shown.sort(key=lambda f: (f.path, f.span.start_line, f.span.start_column, f.rule))
    return resolved


def _with_severity(finding: Finding, settings: Settings) -> Finding:
    severity = settings.severities.get(finding.rule)
    return finding if severity is None else replace(finding, severity=severity)


def _fold(findings: list[Finding]) -> Resolved:
    spoken = {(f.backend.identity, f.rule) for f in findings if f.backend is not None}
    resolved = Resolved([], [])
    for finding in findings:
        first = FOLDED_INTO.get(finding.rule, ())
        backend = finding.backend
        if backend is not None and any((backend.identity, rule) in spoken for rule in first):
            resolved.folded.append(finding)
        else:
            resolved.shown.append(finding)
    return resolved
