"""What the CDKTF tests of both languages share: scanning a fixture project, fixing a copy of it,
and judging generated programs and the edits made to them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tree_sitter import Parser

from backend_guard.apply import plan, write
from backend_guard.config import Settings
from backend_guard.model import Edit, Severity
from backend_guard.scan import ScanResult, scan
from backend_guard.sources.cdktf.tree import walk

FIXTURES = Path(__file__).parent / "fixtures" / "cdktf"


def scan_here(root: Path, monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    monkeypatch.chdir(root)
    return scan(["."], Settings())


def fixed_copy(project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project with every fix applied."""
    target = tmp_path / project
    shutil.copytree(FIXTURES / project, target)
    result = scan_here(target, monkeypatch)
    write(plan(result.findings, result.texts), result.texts)
    return target


def found(result: ScanResult) -> set[tuple[str, str, int, Severity]]:
    return {(f.rule, f.path, f.span.start_line, f.severity) for f in result.findings}


def touched_lines(edit: Edit) -> set[int]:
    """The lines an edit changes; an edit ending at column 1 does not touch its last line."""
    last = edit.end_line - 1 if edit.end_column == 1 and edit.end_line > edit.start_line else None
    return set(range(edit.start_line, (last or edit.end_line) + 1))


def has_error(parser: Parser, text: str) -> bool:
    root = parser.parse(text.encode("utf-8")).root_node
    return any(n.type == "ERROR" or n.is_missing for n in walk(root))
