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

from backend_guard import bounded, fixes
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


@dataclass
class _Target:
    """A file to rewrite, reached from its root one folder at a time without following a link:
    the folder it lies in (held open, so a folder swapped for a link later changes nothing), its
    name there, and what it was when checked."""

    shown: str  # the path as the user gave it
    root: str  # the real root folder it was reached from
    below: list[str]  # the folders from the root to it
    name: str
    folder: int  # descriptor of the folder it lies in
    identity: tuple[int, int, int, int]  # device, inode, size, modification time
    raw: bytes
    mode: int
    owner: tuple[int, int]

    @property
    def at(self) -> str:
        """The folder as a path that always reaches the folder held open."""
        return f"/proc/self/fd/{self.folder}"


_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LARGEST_READ = max(kind.cap for kind in (bounded.Kind.TERRAFORM, bounded.Kind.PROGRAM))


def _roots(paths: Sequence[str]) -> list[str]:
    """The real folders `fix` may write in: a folder named, or the folder of a file (or a link)
    named; a link named on the command line is never a root itself."""
    roots = []
    for path in paths:
        absolute = os.path.abspath(path)
        parent = os.path.realpath(os.path.dirname(absolute))
        named = os.path.isdir(absolute) and not os.path.islink(absolute)
        roots.append(os.path.join(parent, os.path.basename(absolute)) if named else parent)
    return roots


def _open_below(root: str, below: list[str]) -> int:
    """The folder `below` the root, each step taken without following a link (OSError if one
    is a link now, or gone)."""
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in below:
            following = os.open(part, _FOLDER, dir_fd=folder)
            os.close(folder)
            folder = following
        return folder
    except BaseException:
        os.close(folder)
        raise


def _locate(path: str, roots: list[str], named: Sequence[str]) -> _Target:
    """`path` as a target inside one of `roots` (its own folder when no roots are given), which
    the user `named`."""
    real = os.path.realpath(path)
    for root in roots or [os.path.dirname(real)]:
        if real.startswith(root.rstrip(os.sep) + os.sep):
            *below, name = os.path.relpath(real, root).split(os.sep)
            break
    else:
        raise FileChangedError(f"{path} now leads outside {', '.join(named)}; nothing was written")
    try:
        folder = _open_below(root, below)
    except OSError:
        raise FileChangedError(f"{path} moved since it was read; nothing was written") from None
    try:
        raw, status = _read_at(folder, name)
    except OSError:
        os.close(folder)
        raise FileChangedError(
            f"{path} changed since it was read; nothing was written, run the fix again"
        ) from None
    return _Target(
        path, root, below, name, folder, _identity(status), raw, status.st_mode,
        (status.st_uid, status.st_gid),
    )  # fmt: skip


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def _read_at(folder: int, name: str) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file `name` in `folder`, not through a link, and its status;
    never more than the largest file a scan reads whole, and one byte (a file grown past it has
    changed since it was read whatever it holds)."""
    descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(0, "not a regular file")
        return os.read(descriptor, _LARGEST_READ + 1), status
    finally:
        os.close(descriptor)


def _unchanged(target: _Target) -> bool:
    """Whether the file is still where and what it was when checked: its folder is still the one
    its path leads to, and its identity and bytes are the same (checked just before the rename)."""
    try:
        folder = _open_below(target.root, target.below)
    except OSError:
        return False
    try:
        here, held = os.fstat(folder), os.fstat(target.folder)
        raw, status = _read_at(target.folder, target.name)
    except OSError:
        return False
    finally:
        os.close(folder)
    return (
        (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)
        and _identity(status) == target.identity
        and raw == target.raw
    )


def write(plan_: Plan, read_texts: dict[str, str], roots: Sequence[str] = ()) -> list[str]:
    """Write every updated file and return their paths; all or none, as far as a file system
    allows.

    Nothing is written when any file changed since the scan read it, or leads outside `roots`
    (the scanned paths, when given; a link named there is not a root). Every new text is first
    written to a temporary file beside its original; only when all are on disk are they renamed
    over the originals, each just after checking that its file is still the one that was read,
    in the folder it was read in. A failing write (a full disk) leaves every original untouched.
    """
    targets: list[tuple[_Target, str]] = []
    try:
        for path in sorted(plan_.updated):
            target = _locate(path, _roots(roots) if roots else [], roots)
            targets.append((target, plan_.updated[path]))
            if _decoded(target.raw) != read_texts[path]:
                raise FileChangedError(
                    f"{path} changed since it was read; nothing was written, run the fix again"
                )
        return _replace_all(targets)
    finally:
        for target, _ in targets:
            os.close(target.folder)


def _replace_all(targets: list[tuple[_Target, str]]) -> list[str]:
    staged: list[tuple[_Target, str]] = []  # (file, its temporary)
    written: list[str] = []
    seen: dict[tuple[int, int], str] = {}  # symlinked twins are one file: written once
    current = ""
    try:
        for target, text in targets:
            current = target.shown
            if seen.get(target.identity[:2]) == text:
                continue
            seen[target.identity[:2]] = text
            staged.append((target, _stage(target.at, target.name, target, text)))
        for target, temporary in staged:
            current = target.shown
            if not _unchanged(target):
                done = f"already fixed: {', '.join(written)}" if written else "nothing was written"
                raise FileChangedError(
                    f"{current} changed or moved while it was being fixed; {done}, run the fix "
                    "again"
                )
            # Through a symlink, the file it points to is what the user maintains: that is
            # rewritten, and the link kept.
            os.replace(temporary, f"{target.at}/{target.name}")
            written.append(current)
    except OSError as error:
        done = f"already fixed: {', '.join(written)}" if written else "no file was changed"
        raise WriteError(f"cannot write {current}: {error.strerror or error}; {done}") from error
    finally:
        for _, temporary in staged[len(written) :]:
            Path(temporary).unlink(missing_ok=True)
    return written


def _decoded(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same directory, renamed over it."""
    status = path.stat()
    original = _Original(path.read_bytes(), status.st_mode, (status.st_uid, status.st_gid))
    temporary = _stage(str(path.parent), path.name, original, text)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class _Original:
    raw: bytes
    mode: int
    owner: tuple[int, int]


def _stage(folder: str, name: str, original: _Target | _Original, text: str) -> str:
    """A temporary file in `folder` beside `name` that holds `text` and keeps what the original
    has: its UTF-8 byte-order mark, permission bits (setuid, setgid, sticky too) and, where
    allowed, its owner and group. A temporary that cannot be completed is removed."""
    data = text.encode("utf-8")
    if original.raw.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            # Only root may give a file away; otherwise the fixed file belongs to whoever fixes.
            with contextlib.suppress(PermissionError):
                os.fchown(handle.fileno(), *original.owner)
            os.fchmod(handle.fileno(), stat.S_IMODE(original.mode))  # chown may clear setgid
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
