"""Engine versions and `required_version` constraints.

Constraints use Terraform's syntax (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, comma-separated, all
must hold). Questions are answered against the list of real release lines, so "which versions
does this allow" has a concrete answer: the releases a CI could install.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

Version = tuple[int, int, int]

# Newest releases the facts were checked against; an unconstrained CI installs these or newer.
LATEST = {"terraform": (1, 15, 5), "opentofu": (1, 12, 6)}
_FIRST = {"terraform": (0, 11), "opentofu": (1, 6)}

_CLAUSE = re.compile(
    r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?\s*$"
)


def parse_version(text: str) -> Version:
    major, minor, patch = [*(int(p) for p in re.findall(r"\d+", text)[:3]), 0, 0, 0][:3]
    return major, minor, patch


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


def _releases(engine: str) -> list[Version]:
    first_major, first_minor = _FIRST[engine]
    latest = LATEST[engine]
    result: list[Version] = []
    for major in range(first_major, latest[0] + 1):
        for minor in range(first_minor if major == first_major else 0, 16):
            if (major, minor) > latest[:2]:
                break
            last_patch = latest[2] if (major, minor) == latest[:2] else 9
            result.extend((major, minor, patch) for patch in range(last_patch + 1))
    return result


class _Clause(NamedTuple):
    """One clause of a constraint: `~> 1.5` is ("~>", (1, 5, 0), 2 parts given)."""

    operator: str
    bound: Version
    given: int


@lru_cache(maxsize=256)
def _clauses(constraint: str) -> tuple[_Clause, ...] | None:
    result: list[_Clause] = []
    for clause in constraint.split(","):
        if not clause.strip():
            continue
        match = _CLAUSE.match(clause)
        if match is None:
            return None
        operator = match.group(1) or "="
        given = sum(1 for group in match.group(2, 3, 4) if group is not None)
        version = (int(match.group(2)), int(match.group(3) or 0), int(match.group(4) or 0))
        result.append(_Clause(operator, version, given))
    return tuple(result)


def _holds(operator: str, bound: Version, given: int, version: Version) -> bool:
    if operator == "=":
        return version == bound
    if operator == "!=":
        return version != bound
    if operator == ">":
        return version > bound
    if operator == ">=":
        return version >= bound
    if operator == "<":
        return version < bound
    if operator == "<=":
        return version <= bound
    # ~> allows the rightmost given part to grow: ~> 1.5 means >= 1.5, < 2.0; ~> 1.5.0, < 1.6.0
    if version < bound:
        return False
    if given <= 1:
        return True
    if given == 2:
        return version[0] == bound[0]
    return version[:2] == bound[:2]


def allowed(constraints: Iterable[str], engine: str) -> list[Version] | None:
    """The releases every constraint allows; None when a constraint cannot be read."""
    result = _allowed(tuple(sorted(set(constraints))), engine)
    return None if result is None else list(result)


@lru_cache(maxsize=1024)
def _allowed(constraints: tuple[str, ...], engine: str) -> tuple[Version, ...] | None:
    parsed: list[_Clause] = []
    for constraint in constraints:
        clauses = _clauses(constraint)
        if clauses is None:
            return None
        parsed.extend(clauses)
    return tuple(v for v in _releases(engine) if all(_holds(op, b, g, v) for op, b, g in parsed))
