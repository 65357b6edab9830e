"""Generate `docs/rules.md` from the rules' docstrings: `python -m backend_guard.docs`."""

from __future__ import annotations

from backend_guard.rules import RULES


def render() -> str:
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
    for rule in RULES:
        summary, _, body = rule.doc.partition("\n")
        lines += [
            "",
            f"## {rule.id} {rule.name}",
            "",
            f"*{summary.strip()}* Default severity: **{rule.severity.value}**.",
            "",
            body.strip(),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
