"""Line/column arithmetic on source text."""

from __future__ import annotations

from bisect import bisect_right

from backend_guard.model import Span


def line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def line_at(starts: list[int], offset: int) -> int:
    """The 1-based line of `offset`, given the text's `line_starts`."""
    return bisect_right(starts, offset)


def offset(starts: list[int], line: int, column: int) -> int:
    return starts[line - 1] + column - 1


def span_text(text: str, span: Span) -> tuple[int, int]:
    """The offsets of a span in `text`."""
    starts = line_starts(text)
    return offset(starts, span.start_line, span.start_column), offset(
        starts, span.end_line, span.end_column
    )


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"
