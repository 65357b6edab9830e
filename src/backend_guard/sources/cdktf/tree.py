"""A program file's syntax tree: walking it, its positions as lines and columns, and the
exclusive arms of the branches a node sits in."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node, Parser

from backend_guard.model import Span

# Node types, across the five grammars, whose children are exclusive arms (`if`/`elif`/`else`,
# `?:`), and node types that are one arm of a `switch` or `match`.
_BRANCHING = frozenset({"if_statement", "ternary_expression", "conditional_expression"})
_CASES = frozenset(
    {
        "switch_case",
        "switch_default",
        "case_clause",
        "expression_case",
        "type_case",
        "default_case",
        "switch_block_statement_group",
        "switch_rule",
        "switch_section",
    }
)


def branches(node: Node) -> tuple[tuple[int, int], ...]:
    """The arms `node` sits in: (start of the branching node, start of the arm) for each."""
    found: list[tuple[int, int]] = []
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in _BRANCHING or child.type in _CASES:
            found.append((parent.start_byte, child.start_byte))
        child, parent = parent, parent.parent
    return tuple(found)


def walk(node: Node) -> Iterator[Node]:
    """Every node below `node`, in source order, without recursion (input may nest deeply)."""
    cursor = node.walk()
    while (current := cursor.node) is not None:
        yield current
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node == node:
                return


def within(node: Node, region: Node | None) -> bool:
    return (
        region is not None
        and region.start_byte <= node.start_byte
        and node.end_byte <= region.end_byte
    )


def same(node: Node | None, other: Node) -> bool:
    """Whether two nodes cover the same source (a value bound to a name, and a construct)."""
    return node is not None and (node.start_byte, node.end_byte) == (
        other.start_byte,
        other.end_byte,
    )


class ParsedSource:
    """A program file and its syntax tree, with tree-sitter's byte positions turned into the
    character lines and columns every other part of backend-guard uses."""

    def __init__(self, path: str, text: str, parser: Parser) -> None:
        self.path = path
        self.text = text
        self.data = text.encode("utf-8")
        self.tree = parser.parse(self.data)
        self.root = self.tree.root_node
        self.classes: dict[str, str] = {}  # local name -> cdktf backend class
        self.namespaces: set[str] = set()  # local names of the cdktf module itself
        self._ascii = len(self.data) == len(text)
        self._lines = None if self._ascii else self.data.split(b"\n")

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def offset(self, byte: int) -> int:
        """The character offset of a byte offset."""
        return byte if self._ascii else len(self.data[:byte].decode("utf-8", "replace"))

    def _column(self, row: int, byte_column: int) -> int:
        if self._lines is None:
            return byte_column + 1
        return len(self._lines[row][:byte_column].decode("utf-8", "replace")) + 1

    def span(self, node: Node) -> Span:
        (row, column), (end_row, end_column) = node.start_point, node.end_point
        return Span(
            self.path,
            row + 1,
            self._column(row, column),
            end_row + 1,
            self._column(end_row, end_column),
        )

    def span_between(self, first: Node, last: Node) -> Span:
        """From the start of `first` to the end of `last`: `.bucket("b")` in a builder chain."""
        start, end = self.span(first), self.span(last)
        return Span(self.path, start.start_line, start.start_column, end.end_line, end.end_column)

    def first_error(self) -> Node | None:
        if not self.root.has_error:
            return None
        return next((n for n in walk(self.root) if n.type == "ERROR" or n.is_missing), None)
