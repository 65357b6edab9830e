"""Generate `docs/rules.md` from the rules' docstrings: `python -m backend_guard.docs`."""

from __future__ import annotations

from backend_guard.rules import RULES, Rule, find
from backend_guard.rules.base import words
from backend_guard.scan.resolve import FOLDED_INTO


def _index() -> list[str]:
    lines = [
        "# backend-guard rules",
        "",
        "Generated from the rules' docstrings by `make docs`; do not edit by hand.",
        "",
        "| ID | name | default severity | what it flags |",
        "| --- | --- | --- | --- |",
    ]
    for rule in RULES:
        anchor = f"{rule.id.lower()}-{rule.name}"
        lines.append(
            f"| [{rule.id}](#{anchor}) | `{rule.name}` | {rule.severity.value} | {rule.summary} |"
        )
    return lines


def _precedence(rule: Rule) -> list[str]:
    """What the precedence table says of `rule`: which findings on one backend it yields to."""
    first = [found.name for found in map(find, FOLDED_INTO.get(rule.id, ())) if found is not None]
    if not first:
        return []
    names = words([f"`{name}`" for name in first]).replace(" and ", " or ")
    return [
        "",
        f"**Shown with others.** Where {names} reports the same backend, that finding is shown "
        "instead of this one; with that rule turned off, or its finding suppressed, this one is "
        "shown.",
    ]


def render() -> str:
    lines = _index()
    for rule in RULES:
        summary, _, body = rule.doc.partition("\n")
        lines += [
            "",
            f"## {rule.id} {rule.name}",
            "",
            f"*{summary.strip()}* Default severity: **{rule.severity.value}**.",
            "",
            body.strip(),
            *_precedence(rule),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
