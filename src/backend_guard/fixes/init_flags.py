"""Edits that drop `-backend-config` flags from automation lines, keeping the commands whole.

A flag that shares its line with other words goes with the blanks before it. A flag alone on a
continuation line (`  -backend-config=prod.tfbackend \\`) takes its line; when that line ended
the command, the backslash of the line before it goes too, so the command still ends there.
"""

from __future__ import annotations

from collections.abc import Iterable

from backend_guard.model import Edit, Span


def drop_flags(text: str, spans: Iterable[Span]) -> list[Edit]:
    """The edits of one file that remove the flags at `spans` (each within one line)."""
    lines = text.split("\n")
    by_line: dict[int, list[Span]] = {}
    for span in spans:
        by_line.setdefault(span.start_line, []).append(span)
    edits: list[Edit] = []
    whole: list[int] = []
    for number, flags in sorted(by_line.items()):
        line = lines[number - 1]
        kept = line
        for span in sorted(flags, key=lambda s: s.start_column, reverse=True):
            kept = kept[: span.start_column - 1] + kept[span.end_column - 1 :]
        if kept.strip() in ("", "\\"):
            whole.append(number)
            continue
        for span in flags:
            start = span.start_column - 1
            while start > 0 and line[start - 1] in " \t":
                start -= 1
            path = span.path
            edits.append(Edit(path, number, start + 1, number, span.end_column, ""))
    path = next(iter(by_line.values()))[0].path if by_line else ""
    for number in whole:
        if number < len(lines):
            edits.append(Edit(path, number, 1, number + 1, 1, ""))
        else:  # the file's last line, with no newline after it
            edits.append(Edit(path, number, 1, number, len(lines[number - 1]) + 1, ""))
        ended = not lines[number - 1].rstrip().endswith("\\")
        before = number - 1
        while before in whole:
            before -= 1
        previous = lines[before - 1].rstrip("\r") if before >= 1 else ""
        if ended and previous.rstrip().endswith("\\") and before not in by_line:
            cut = len(previous.rstrip()[:-1].rstrip())
            edits.append(Edit(path, before, cut + 1, before, len(previous) + 1, ""))
    return edits
