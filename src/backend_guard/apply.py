"""Apply fixes to files: merge edits, write atomically, never clobber a file that changed.

Several findings on one backend carry the same fix; identical edits are applied once, and an edit
that overlaps one already taken is left out (the next `fix` run picks it up if still needed).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backend_guard.fixes.text_positions import line_starts, offset
from backend_guard.model import Edit, Finding


class FileChangedError(RuntimeError):
    """The file on disk is not the text the fix was computed from."""


@dataclass
class Plan:
    """The new text of every file a set of fixes touches."""

    originals: dict[str, str] = field(default_factory=dict)
    updated: dict[str, str] = field(default_factory=dict)
    skipped: list[Finding] = field(default_factory=list)  # fixes that overlapped another

    def diff(self) -> str:
        chunks = []
        for path, new in sorted(self.updated.items()):
            old = self.originals[path]
            chunks.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=f"a/{path}",
                    tofile=f"b/{path}",
                )
            )
        return "".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in chunks)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with non-overlapping `edits` applied (they must not overlap)."""
    starts = line_starts(text)
    located = sorted(
        (
            (
                offset(starts, e.start_line, e.start_column),
                offset(starts, e.end_line, e.end_column),
                e.text,
            )
            for e in edits
        ),
        reverse=True,
    )
    for start, end, replacement in located:
        text = text[:start] + replacement + text[end:]
    return text


def plan(findings: Iterable[Finding], texts: dict[str, str]) -> Plan:
    result = Plan()
    taken: dict[str, list[Edit]] = {}
    for finding in findings:
        if finding.fix is None:
            continue
        edits = finding.fix.edits
        if any(edit in taken.get(edit.path, []) for edit in edits):
            continue  # the same fix, already planned for another finding
        if any(_overlaps(edit, other) for edit in edits for other in taken.get(edit.path, [])):
            result.skipped.append(finding)
            continue
        for edit in edits:
            taken.setdefault(edit.path, []).append(edit)
    for path, edits in taken.items():
        original = texts[path]
        result.originals[path] = original
        result.updated[path] = apply_edits(original, edits)
    return result


def _overlaps(a: Edit, b: Edit) -> bool:
    return (a.start_line, a.start_column) < (b.end_line, b.end_column) and (
        b.start_line,
        b.start_column,
    ) < (a.end_line, a.end_column)


def write(plan_: Plan, read_texts: dict[str, str]) -> list[str]:
    """Write every updated file; refuse any whose content changed since the scan read it."""
    for path in plan_.updated:
        current = Path(path).read_bytes().decode("utf-8-sig")
        if current != read_texts[path]:
            raise FileChangedError(f"{path} changed since it was read; run the check again")
    written = []
    targets: dict[str, str] = {}  # real path -> new text; symlinked twins are one file
    for path, text in sorted(plan_.updated.items()):
        target = os.path.realpath(path)
        if targets.get(target) == text:
            continue
        targets[target] = text
        # Through a symlink, the file it points to is what the user maintains: rewrite that,
        # and keep the link.
        write_atomically(Path(target), text)
        written.append(path)
    return written


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory, then rename over the original,
    keeping its permissions and its UTF-8 byte-order mark if it had one."""
    raw = path.read_bytes()
    data = text.encode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    mode = path.stat().st_mode
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
