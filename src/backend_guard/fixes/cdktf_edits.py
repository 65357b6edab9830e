"""Edits to CDKTF program files, shared by the TypeScript and Python fixes."""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from backend_guard.fixes.text_positions import line_starts
from backend_guard.model import Edit
from backend_guard.sources.cdktf.tree import ParsedSource


class Edits:
    """Edits of one program file, collected as character offsets, returned as line/columns."""

    def __init__(self, program: ParsedSource) -> None:
        self.program = program
        self.text = program.text
        self.items: list[tuple[int, int, str, bool]] = []  # start, end, text, an import's

    def replace(self, node: Node, replacement: str, *, imports: bool = False) -> None:
        p = self.program
        start, end = p.offset(node.start_byte), p.offset(node.end_byte)
        self.items.append((start, end, replacement, imports))

    def replace_range(
        self, first: Node, last: Node, replacement: str, *, imports: bool = False
    ) -> None:
        p = self.program
        start, end = p.offset(first.start_byte), p.offset(last.end_byte)
        self.items.append((start, end, replacement, imports))

    def remove_statement(
        self, node: Node, *, comment_above: bool = False, imports: bool = False
    ) -> None:
        """Remove the statement holding `node`: its whole lines when it stands alone on them."""
        statement = node
        while statement.parent is not None and statement.type not in (
            "expression_statement",
            "lexical_declaration",
            "variable_declaration",
            "import_statement",
            "import_from_statement",
        ):  # the same names in the TypeScript and Python grammars
            statement = statement.parent
        p = self.program
        start, end = p.offset(statement.start_byte), p.offset(statement.end_byte)
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        line_end = len(self.text) if line_end < 0 else line_end + 1
        if not self.text[line_start:start].strip() and not self.text[end:line_end].strip():
            start = _with_comment_above(self.text, line_start) if comment_above else line_start
            end = line_end
            start = _with_blank_lines_above(self.text, start, end)
        if not any(s <= start < e or start <= s < end for s, e, *_ in self.items):
            self.items.append((start, end, "", imports))

    def result(self, path: str) -> tuple[Edit, ...]:
        starts = line_starts(self.text)

        def position(offset: int) -> tuple[int, int]:
            line = _line_index(starts, offset)
            return line + 1, offset - starts[line] + 1

        edits = []
        for start, end, replacement, imports in sorted(self.items):
            (line, column), (end_line, end_column) = position(start), position(end)
            edits.append(Edit(path, line, column, end_line, end_column, replacement, imports))
        return tuple(edits)


def _line_index(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def used_only_by(uses: Iterable[tuple[str, Node]], name: str, construct: Node) -> bool:
    """Whether `name` is used (`uses`: every identifier of the program with its node) and every
    use lies inside `construct`, the node being replaced."""
    used = False
    for found, node in uses:
        if found != name:
            continue
        if not construct.start_byte <= node.start_byte < construct.end_byte:
            return False
        used = True
    return used


def indent_at(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    line = text[line_start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _with_comment_above(text: str, line_start: int) -> int:
    """Where a removed statement's lines begin, with the comment lines directly above it, which
    describe what goes away."""
    while line_start > 0:
        previous = text.rfind("\n", 0, line_start - 1) + 1
        line = text[previous:line_start].strip()
        if not (line.startswith("//") or line.startswith("#")):
            break
        line_start = previous
    return line_start


def _with_blank_lines_above(text: str, start: int, end: int) -> int:
    """Where removed lines begin when blank lines surround them: the blank lines above go too,
    so one blank run is left where two were (`a\n\nx\n\nb` becomes `a\n\nb`)."""
    if end < len(text) and text[end:].split("\n", 1)[0].strip():
        return start
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if text[previous:start].strip():
            break
        start = previous
    return start
