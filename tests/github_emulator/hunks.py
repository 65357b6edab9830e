"""The emulator's own reading of a file's `patch`: which lines each hunk shows on each side.

Deliberately independent of `backend_guard.github.diffmap`, so that the emulator checks the
action's idea of "on the diff" instead of sharing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass
class Hunk:
    header: str
    rows: list[str] = field(
        default_factory=list
    )  # the hunk's lines after the header, as in the patch
    right: dict[int, int] = field(default_factory=dict)  # head line -> index in rows
    left: dict[int, int] = field(default_factory=dict)  # base line -> index in rows

    def lines(self, side: str) -> dict[int, int]:
        return self.right if side == "RIGHT" else self.left

    def diff_hunk(self, side: str, line: int) -> str:
        """What GitHub stores as a comment's `diff_hunk`: the header and the rows up to the line."""
        return "\n".join([self.header, *self.rows[: self.lines(side)[line] + 1]])


def parse(patch: str) -> list[Hunk]:
    hunks: list[Hunk] = []
    old = new = 0
    for row in patch.split("\n"):
        header = _HEADER.match(row)
        if header:
            hunks.append(Hunk(row))
            old, new = int(header.group(1)), int(header.group(2))
            continue
        if not hunks:
            continue
        hunk = hunks[-1]
        index = len(hunk.rows)
        hunk.rows.append(row)
        if row.startswith("\\"):  # "\ No newline at end of file"
            continue
        if row.startswith("+"):
            hunk.right[new] = index
            new += 1
        elif row.startswith("-"):
            hunk.left[old] = index
            old += 1
        elif row.startswith(" "):
            hunk.right[new] = index
            hunk.left[old] = index
            new += 1
            old += 1
    return hunks


def find(hunks: list[Hunk], side: str, line: int) -> Hunk | None:
    for hunk in hunks:
        if line in hunk.lines(side):
            return hunk
    return None
