"""JSON with positions: the stdlib's own scanners, walked so every value keeps its offsets.

`json.loads` loses positions and merges duplicate keys; Terraform reports duplicate backend keys,
so members are kept as an ordered list of (key, node) pairs.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # not in typeshed

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_MAX_DEPTH = 200  # far deeper than any configuration; well inside the recursion limit


class JsonError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(slots=True)
class Member:
    key: str
    key_start: int  # offset of the opening quote of the member name
    node: Node


@dataclass(slots=True)
class Node:
    start: int
    end: int
    value: object = None  # for scalars; objects and arrays use members / items
    members: list[Member] | None = None
    items: list[Node] | None = None

    def get(self, key: str) -> list[Member]:
        """Every member named `key` (JSON allows repeats; Terraform treats them as more blocks)."""
        return [member for member in self.members or [] if member.key == key]

    def plain(self) -> object:
        if self.members is not None:
            return {member.key: member.node.plain() for member in self.members}
        if self.items is not None:
            return [item.plain() for item in self.items]
        return self.value


@dataclass(slots=True)
class Positions:
    """Offsets to 1-based (line, column)."""

    text: str
    _starts: list[int] = field(default_factory=list)  # built on first use: most files need none

    def line_column(self, offset: int) -> tuple[int, int]:
        if not self._starts:
            self._starts = [0]
            position = self.text.find("\n")
            while position != -1:
                self._starts.append(position + 1)
                position = self.text.find("\n", position + 1)
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


def parse(text: str) -> Node:
    node, end = _value(text, _skip(text, 0), 0)
    end = _skip(text, end)
    if end != len(text):
        raise JsonError("extra data after the JSON value", end)
    return node


def _skip(text: str, offset: int) -> int:
    match = _WS.match(text, offset)
    return match.end() if match else offset


def _value(text: str, offset: int, depth: int) -> tuple[Node, int]:
    if depth > _MAX_DEPTH:
        raise JsonError("nested too deeply", offset)
    if offset >= len(text):
        raise JsonError("unexpected end of file", offset)
    char = text[offset]
    if char in "{[":
        return _container(text, offset, depth)
    if char == '"':
        try:
            value, end = scanstring(text, offset + 1)
        except json.JSONDecodeError as error:
            raise JsonError(error.msg, error.pos) from None
        return Node(offset, end, value), end
    for word, constant in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, offset):
            return Node(offset, offset + len(word), constant), offset + len(word)
    match = _NUMBER.match(text, offset)
    if match:
        return Node(offset, match.end(), json.loads(match.group(0))), match.end()
    raise JsonError("expected a JSON value", offset)


def _container(text: str, offset: int, depth: int) -> tuple[Node, int]:
    """An object or an array: one walk, in which an object reads a member name before each
    value."""
    is_object = text[offset] == "{"
    close = "}" if is_object else "]"
    members: list[Member] = []
    items: list[Node] = []
    position = _skip(text, offset + 1)
    more = not text.startswith(close, position)
    while more:
        if is_object:
            if not text.startswith('"', position):
                raise JsonError("expected a member name in double quotes", position)
            key_start = position
            try:
                key, position = scanstring(text, position + 1)
            except json.JSONDecodeError as error:
                raise JsonError(error.msg, error.pos) from None
            position = _skip(text, position)
            if not text.startswith(":", position):
                raise JsonError("expected ':' after a member name", position)
            node, position = _value(text, _skip(text, position + 1), depth + 1)
            members.append(Member(key, key_start, node))
        else:
            node, position = _value(text, position, depth + 1)
            items.append(node)
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif text.startswith(close, position):
            more = False
        else:
            raise JsonError(f"expected ',' or '{close}'", position)
    end = position + 1
    return Node(offset, end, members=members) if is_object else Node(offset, end, items=items), end
