"""Apply fixes to files: merge edits, write atomically, never clobber a file that changed.

Several findings on one backend carry the same fix; identical edits are applied once, and an edit
that overlaps one already taken is left out (the next `fix` run picks it up if still needed),
except where both rewrite a program's imports: then one is enough, and the imports the fixes left
unused are dropped from the fixed text.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backend_guard import fixes
from backend_guard.fixes.text_positions import line_starts, offset
from backend_guard.model import Edit, Finding


class FileChangedError(RuntimeError):
    """The file on disk is no longer the one, or the text, the fix was computed from."""


class WriteError(RuntimeError):
    """A fixed file could not be written; says which, and which files were already written."""


@dataclass
class Plan:
    """The new text of every file a set of fixes touches."""

    originals: dict[str, str] = field(default_factory=dict)
    updated: dict[str, str] = field(default_factory=dict)
    skipped: list[Finding] = field(default_factory=list)  # fixes that overlapped another

    def diff(self) -> str:
        chunks: list[str] = []
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
        # An edit another fix already plans (the same fix reported twice, or an import line two
        # CDKTF constructs of one file both change the same way) is made once.
        edits = [e for e in finding.fix.edits if e not in taken.get(e.path, [])]
        if not edits:
            continue
        clashing = [
            (edit, other)
            for edit in edits
            for other in taken.get(edit.path, [])
            if _overlaps(edit, other)
        ]
        if not all(edit.imports and other.imports for edit, other in clashing):
            result.skipped.append(finding)
            continue
        # Another fix of this file already rewrites the import, adding LocalBackend; the names
        # this one would drop are dropped by `fixes.tidy` once every fix is applied.
        edits = [e for e in edits if not any(e is edit for edit, _ in clashing)]
        for edit in edits:
            taken.setdefault(edit.path, []).append(edit)
    for path, edits in taken.items():
        original = texts[path]
        result.originals[path] = original
        result.updated[path] = fixes.tidy(path, original, apply_edits(original, edits))
    return result


def _overlaps(a: Edit, b: Edit) -> bool:
    return (a.start_line, a.start_column) < (b.end_line, b.end_column) and (
        b.start_line,
        b.start_column,
    ) < (a.end_line, a.end_column)


def write(plan_: Plan, read_texts: dict[str, str], roots: Sequence[str] = ()) -> list[str]:
    """Write every updated file and return their paths; all or none, as far as a file system
    allows.

    Nothing is written when any file changed since the scan read it, or leads outside `roots`
    (the scanned paths, when given). Every new text is first written to a temporary file beside
    its original; only when all are on disk are they renamed over the originals, so a failing
    write (a full disk) leaves every original untouched.
    """
    for path in plan_.updated:
        if _current_text(path) != read_texts[path]:
            raise FileChangedError(
                f"{path} changed since it was read; nothing was written, run the fix again"
            )
        if roots and not _inside(path, roots):
            raise FileChangedError(
                f"{path} now leads outside {', '.join(roots)}; nothing was written"
            )
    staged: list[tuple[str, str, Path]] = []  # (path as shown, temporary file, file it replaces)
    written: list[str] = []
    targets: dict[str, str] = {}  # real path -> new text; symlinked twins are one file
    current = ""
    try:
        for current, text in sorted(plan_.updated.items()):
            target = os.path.realpath(current)
            if targets.get(target) == text:
                continue
            targets[target] = text
            # Through a symlink, the file it points to is what the user maintains: rewrite that,
            # and keep the link.
            staged.append((current, _stage(Path(target), text), Path(target)))
        for current, temporary, replaced in staged:
            os.replace(temporary, replaced)
            written.append(current)
    except OSError as error:
        done = f"already fixed: {', '.join(written)}" if written else "no file was changed"
        raise WriteError(f"cannot write {current}: {error.strerror or error}; {done}") from error
    finally:
        for _, temporary, _ in staged[len(written) :]:
            Path(temporary).unlink(missing_ok=True)
    return written


def _current_text(path: str) -> str | None:
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _inside(path: str, roots: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    for root in roots:
        real_root = os.path.realpath(root)
        if real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep):
            return True
    return False


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same directory, renamed over it."""
    temporary = _stage(path, text)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _stage(path: Path, text: str) -> str:
    """A temporary file beside `path` that holds `text` and keeps what the original has: its
    UTF-8 byte-order mark, permission bits (setuid, setgid, sticky too) and, where allowed, its
    owner and group. A temporary that cannot be completed is removed."""
    raw = path.read_bytes()
    data = text.encode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    status = path.stat()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            # Only root may give a file away; otherwise the fixed file belongs to whoever fixes.
            with contextlib.suppress(PermissionError):
                os.fchown(handle.fileno(), status.st_uid, status.st_gid)
            os.fchmod(handle.fileno(), stat.S_IMODE(status.st_mode))  # chown may clear setgid
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
