"""Cut the top-level blocks that matter out of an HCL file, without parsing the rest.

python-hcl2 costs about 10 ms per kilobyte, so whole files are never handed to it. This lexer only
knows what decides where a block ends: comments (`#`, `//`, `/* */`), quoted templates with
escapes and nested `${ }` / `%{ }` interpolations, heredocs (`<<EOF`, `<<-EOF`) and braces. It
jumps from one such token to the next with compiled regular expressions, so its cost is close to
that of reading the file. A brace inside a string, a comment or a heredoc never ends a block.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

# Tokens that matter at the top level (newlines end a statement) and inside a block. A string
# without interpolation is one token; any other string is entered with its opening quote.
_SIMPLE_STRING = r'"(?:[^"\\$%\n]|\\.|[$%](?!\{))*"'
_HEREDOC_OPENER = r"<<-?[ \t]*[A-Za-z_][\w-]*[ \t]*\r?\n"
_TOP = re.compile(rf'{_SIMPLE_STRING}|[\n"{{}}#]|//|/\*|{_HEREDOC_OPENER}')
_CODE = re.compile(rf'{_SIMPLE_STRING}|["{{}}#]|//|/\*|{_HEREDOC_OPENER}')
_TEMPLATE = re.compile(r'\\.|\$\$\{|%%\{|[$%]\{|["\n]')
_HEREDOC = re.compile(r"<<(-?)[ \t]*([A-Za-z_][\w-]*)")
_HEADER = re.compile(r'\s*([A-Za-z_][\w-]*)((?:\s*(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*))*)\s*\Z')
_LABEL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][\w-]*)')
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)

_BRACE, _STRING, _INTERPOLATION = "{", '"', "${"


class UnbalancedInputError(ValueError):
    """The file's strings, comments, heredocs or braces do not close; `line` is where it shows."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"{message} (line {line})")
        self.line = line


@dataclass(frozen=True, slots=True)
class TopLevelBlock:
    """A top-level block: `text[start:end]` runs from its type keyword to its closing brace."""

    type: str
    labels: tuple[str, ...]
    start: int
    end: int
    start_line: int
    start_column: int


class _Lines:
    """Offset → line number, for offsets from `start` (on line `line`) on, asked in increasing
    order (as the lexer does). Counting from `start`, not from the top of the text, keeps the
    lexing of each of a file's many blocks proportional to the block."""

    def __init__(self, text: str, start: int, line: int) -> None:
        self._text = text
        self._start = self._offset = start
        self._first = self._line = line

    def at(self, offset: int) -> int:
        if offset < self._offset:
            return self._first + self._text.count("\n", self._start, offset)
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def top_level_blocks(
    text: str,
    types: Collection[str] | None = None,
    start: int = 0,
    end: int | None = None,
    until: int | None = None,
    start_line: int = 1,
) -> list[TopLevelBlock]:
    """The blocks of `text[start:end]` whose type is in `types` (all when None), in order.

    With `start` and `end` around a block's body, these are its nested blocks; offsets and lines
    are always those of the whole text (`start_line` is the line `start` is on). With `until`,
    lexing stops at the first statement that begins after that offset (what follows is neither
    read nor checked). Raises UnbalancedInputError when the text cannot be split into statements.
    """
    end = len(text) if end is None else end
    lines = _Lines(text, start, start_line)
    blocks: list[TopLevelBlock] = []
    stack: list[tuple[str, int]] = []  # (what was opened, where)
    boundary = start  # where the current top-level statement may begin
    header: tuple[str, tuple[str, ...], int] | None = None
    pos = start
    while True:
        if stack and stack[-1][0] == _STRING:
            pos = _string_part(text, pos, end, stack, lines)
            continue
        match = (_CODE if stack else _TOP).search(text, pos, end)
        if match is None:
            _require_closed(stack, lines)
            return blocks
        token = match.group()
        pos = match.end()
        first = token[0]
        if first == "\n":
            if until is not None and pos > until:
                return blocks
            boundary = pos
        elif first == '"':
            if len(token) == 1:
                stack.append((_STRING, match.start()))
        elif first == "{":
            if not stack:
                header = _header(text, boundary, match.start(), types)
            stack.append((_BRACE, match.start()))
        elif first == "}":
            if not stack:
                raise UnbalancedInputError("unexpected '}'", lines.at(match.start()))
            stack.pop()
            if not stack:
                if header is not None:
                    blocks.append(_block(text, header, pos, lines))
                    header = None
                if until is not None and pos > until:
                    return blocks
                boundary = pos
        elif first == "#" or token == "//" or token == "/*":
            pos = _comment_end(text, match, end, lines)
        else:
            pos = _heredoc_end(text, match, end, lines)


def _require_closed(stack: list[tuple[str, int]], lines: _Lines) -> None:
    """Raise UnbalancedInputError for what the text left open at its end."""
    if stack:
        opened, where = stack[-1]
        what = "interpolation" if opened == _INTERPOLATION else "block"
        raise UnbalancedInputError(f"unclosed {what}", lines.at(where))


def _block(
    text: str, header: tuple[str, tuple[str, ...], int], end: int, lines: _Lines
) -> TopLevelBlock:
    block_type, labels, start = header
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return TopLevelBlock(block_type, labels, start, end, lines.at(start), column)


def _string_part(text: str, pos: int, end: int, stack: list[tuple[str, int]], lines: _Lines) -> int:
    """Past the next part of the string open on top of `stack`: its closing quote (popped) or
    an interpolation it opens (pushed)."""
    match = _TEMPLATE.search(text, pos, end)
    if match is None or match.group() == "\n":
        raise UnbalancedInputError("unterminated string", lines.at(stack[-1][1]))
    token = match.group()
    if token == '"':
        stack.pop()
    elif token in ("${", "%{"):
        stack.append((_INTERPOLATION, match.start()))
    return match.end()


def _comment_end(text: str, match: re.Match[str], end: int, lines: _Lines) -> int:
    """Where the comment `match` starts ends: its line's end, or past `*/`."""
    if match.group() == "/*":
        close = text.find("*/", match.end(), end)
        if close < 0:
            raise UnbalancedInputError("unclosed comment", lines.at(match.start()))
        return close + 2
    newline = text.find("\n", match.end(), end)
    return end if newline < 0 else newline


def _header(
    text: str, boundary: int, brace: int, types: Collection[str] | None
) -> tuple[str, tuple[str, ...], int] | None:
    """Type, labels and start offset of the block whose `{` is at `brace`; None if not wanted."""
    segment = text[boundary:brace]
    if "/*" in segment:
        segment = _BLOCK_COMMENT.sub(lambda m: " " * len(m.group()), segment)
    match = _HEADER.match(segment)
    if match is None or (types is not None and match.group(1) not in types):
        return None
    labels = tuple(quoted if quoted else bare for quoted, bare in _LABEL.findall(match.group(2)))
    return match.group(1), labels, boundary + match.start(1)


def _heredoc_end(text: str, opener: re.Match[str], end: int, lines: _Lines) -> int:
    """The offset just after the heredoc that `opener` (`<<EOF` and its newline) starts."""
    marker = _HEREDOC.match(opener.group())
    assert marker is not None
    terminator = re.compile(rf"^[ \t]*{re.escape(marker.group(2))}[ \t]*\r?$", re.MULTILINE)
    closing = terminator.search(text, opener.end(), end)
    if closing is None:
        raise UnbalancedInputError(
            f"heredoc <<{marker.group(2)} is never closed", lines.at(opener.start())
        )
    return closing.end()
