"""Each rule's documented examples, run: what its docstring shows under **Fails** draws a finding
of that rule from the real scan, and what it shows under **Passes** draws none.

An example is the code blocks of its section, written out as a little project. A comment line that
is only a file name (`# main.tf`, `// main.ts`) starts that file; a block without one is
`main.<suffix>` for its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend_guard.config import Settings
from backend_guard.rules import RULES, Rule
from backend_guard.scan import scan

_SECTION = re.compile(r"^\*\*(?P<kind>Fails|Passes):?\*\*(?: \((?P<note>[^)]*)\))?:?", re.M)
_NEXT_SECTION = re.compile(r"^\*\*", re.M)
_BLOCK = re.compile(r"^```(?P<language>\w+)\n(?P<body>.*?)^```$", re.M | re.S)
_FILE_MARK = re.compile(
    r"^(?:#|//) (?P<path>[\w./-]+\.(?:tf|tf\.json|tofu|tfbackend|ya?ml|ts|py))$", re.M
)
_DEFAULT_FILE = {
    "hcl": "main.tf",
    "json": "main.tf.json",
    "typescript": "main.ts",
    "python": "main.py",
}


@dataclass(frozen=True)
class Example:
    rule: Rule
    fails: bool
    note: str  # "warning", "note", "Terraform", ... as the heading says it
    files: dict[str, str]

    @property
    def name(self) -> str:
        return f"{self.rule.id}-{'fails' if self.fails else 'passes'}"


def _files(section: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for block in _BLOCK.finditer(section):
        body = block.group("body")
        marks = list(_FILE_MARK.finditer(body))
        if not marks or marks[0].start() != 0:
            files[_DEFAULT_FILE[block.group("language")]] = body[
                : marks[0].start() if marks else None
            ]
        for mark, following in zip(marks, [*marks[1:], None], strict=False):
            # JSON has no comments: there the mark only names the file
            start = mark.end() + 1 if block.group("language") == "json" else mark.start()
            files[mark.group("path")] = body[start : following.start() if following else None]
    return files


def examples(rule: Rule) -> list[Example]:
    found = []
    for heading in _SECTION.finditer(rule.doc):
        end = _NEXT_SECTION.search(rule.doc, heading.end())
        section = rule.doc[heading.end() : end.start() if end else None]
        found.append(
            Example(rule, heading["kind"] == "Fails", heading["note"] or "", _files(section))
        )
    return found


EXAMPLES = [example for rule in RULES for example in examples(rule)]


def test_every_rule_shows_a_failing_and_a_passing_example() -> None:
    for rule in RULES:
        kinds = sorted(example.fails for example in EXAMPLES if example.rule is rule)
        assert kinds == [False, True], f"{rule.id}: one **Fails** and one **Passes** section"
        assert all(example.files for example in EXAMPLES if example.rule is rule), (
            f"{rule.id}: every example is a configuration, not prose alone"
        )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_the_example_does_what_the_docs_say(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in example.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = [f for f in scan(["."], Settings()).findings if f.rule == example.rule.id]
    if not example.fails:
        assert found == [], [f.message for f in found]
        return
    assert found, f"{example.rule.id}'s failing example draws no finding"
    if example.note in ("error", "warning", "note"):
        assert {f.severity.value for f in found} == {example.note}
