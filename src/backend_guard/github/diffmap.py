"""Which lines of a pull request can carry a review comment.

GitHub accepts a comment on the right side only on lines of the head file that appear in the PR's
diff (added or context lines), and a multi-line comment only when `start_line` and `line` lie in
the same hunk; one bad comment makes it reject the whole review (422). The map is built from the
`patch` of each file in the paginated files endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Hunk:
    lines: frozenset[int]  # right-side (head) lines visible in this hunk
    added: frozenset[int]


@dataclass
class DiffMap:
    hunks: dict[str, list[Hunk]] = field(default_factory=dict)  # by path in the repository

    def files(self) -> set[str]:
        return set(self.hunks)

    def hunk_of(self, path: str, line: int) -> Hunk | None:
        for hunk in self.hunks.get(path, []):
            if line in hunk.lines:
                return hunk
        return None

    def can_comment(self, path: str, start_line: int, end_line: int) -> bool:
        hunk = self.hunk_of(path, end_line)
        return hunk is not None and all(
            line in hunk.lines for line in range(start_line, end_line + 1)
        )

    def touched(self, path: str, start_line: int, end_line: int) -> bool:
        """Whether the PR added any line of this range."""
        return any(
            line in hunk.added
            for hunk in self.hunks.get(path, [])
            for line in range(start_line, end_line + 1)
        )


def parse_patch(patch: str) -> list[Hunk]:
    hunks: list[Hunk] = []
    lines: set[int] = set()
    added: set[int] = set()
    current = 0
    started = False
    for raw in patch.removesuffix("\n").split("\n"):  # content may hold a CR, a form feed, ...
        header = _HUNK.match(raw)
        if header:
            if started:
                hunks.append(Hunk(frozenset(lines), frozenset(added)))
            lines, added = set(), set()
            current = int(header.group(3))
            started = True
            continue
        if not started or raw.startswith("\\"):  # "\ No newline at end of file"
            continue
        if raw.startswith("-"):
            continue
        if raw.startswith("+"):
            added.add(current)
        lines.add(current)
        current += 1
    if started:
        hunks.append(Hunk(frozenset(lines), frozenset(added)))
    return hunks


def build(files: Iterable[Mapping[str, object]]) -> DiffMap:
    """From the files endpoint's entries (`filename`, `status`, `patch`)."""
    diff = DiffMap()
    for entry in files:
        patch = entry.get("patch")
        if entry.get("status") == "removed" or not isinstance(patch, str):
            continue
        diff.hunks[str(entry["filename"])] = parse_patch(patch)
    return diff
