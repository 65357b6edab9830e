"""The workspace boundary: every path the pull request controls or the workflow names.

In the action the checkout belongs to whoever opened the pull request: any name in it may be a
symbolic link planted to lead elsewhere (`/etc`, the runner's home, `.git/config`). An input
(`path`, `config`, `review-from`) is used only when it resolves inside the workspace and not into
`.git`; an output (`sarif-file`, the review file) is written as a new file in a folder reached
without following any link, then renamed over its name, so a link planted where it goes is
replaced, never written through; a link already there is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import uuid
from pathlib import Path

from backend_guard.report.escaping import shown

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class OutsideWorkspaceError(ValueError):
    """A path that leads out of the workspace, into `.git`, or through a link where none may be."""


def _shown(path: str | os.PathLike[str]) -> str:
    return shown(os.fspath(path))


def _parts(workspace: Path, relative: str, what: str) -> list[str]:
    """The folder names of `relative` below the workspace, lexically, refusing `..` out of it."""
    if not relative:
        raise OutsideWorkspaceError(f"{what}: an empty path")
    path = Path(relative)
    if path.is_absolute():
        try:
            path = path.relative_to(workspace.absolute())
        except ValueError:
            raise OutsideWorkspaceError(
                f"{what} {_shown(relative)} is outside the workspace"
            ) from None
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise OutsideWorkspaceError(
                    f"{what} {_shown(relative)} leads outside the workspace"
                )
            parts.pop()
        else:
            parts.append(part)
    if parts and parts[0] == ".git":
        raise OutsideWorkspaceError(
            f"{what} {_shown(relative)} is inside .git, which is never touched"
        )
    return parts


def inside(workspace: Path, relative: str, what: str) -> str:
    """`relative` (to the workspace) when it and every link on its way stay inside the workspace
    and out of `.git`; `OutsideWorkspaceError` otherwise. A path that does not exist is returned as
    given once its existing part is inside: the caller reports it missing."""
    _parts(workspace, relative, what)
    real_root = os.path.realpath(workspace)
    real = os.path.realpath(workspace / relative)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise OutsideWorkspaceError(
            f"{what} {_shown(relative)} leads outside the workspace through a symbolic link"
        )
    below = os.path.relpath(real, real_root).split(os.sep)
    if below[0] == ".git":
        raise OutsideWorkspaceError(
            f"{what} {_shown(relative)} leads into .git through a symbolic link"
        )
    return relative


def _open_folder(root: int, parts: list[str], what: str, relative: str) -> int:
    """A descriptor of the folder `parts` below `root`, each step made without following a link;
    a missing folder is created."""
    current = os.dup(root)
    try:
        for part in parts:
            try:
                following = os.open(part, _DIRECTORY, dir_fd=current)
            except FileNotFoundError:
                os.mkdir(part, 0o755, dir_fd=current)
                following = os.open(part, _DIRECTORY, dir_fd=current)
            except OSError as error:
                if stat.S_ISLNK(os.lstat(part, dir_fd=current).st_mode):
                    raise OutsideWorkspaceError(
                        f"{what} {_shown(relative)}: {_shown(part)} on its way is a symbolic link"
                    ) from None
                raise error
            os.close(current)
            current = following
        return current
    except BaseException:
        os.close(current)
        raise


def write_new(workspace: Path, relative: str, data: bytes, what: str) -> Path:
    """Write `data` to `relative` inside the workspace as a new file, renamed over the name.

    `OutsideWorkspaceError` when the path leads out, into `.git`, or through a link (a link already at
    the name included); `OSError` when the file system refuses.
    """
    *folders, name = _parts(workspace, relative, what) or [""]
    if not name:
        raise OutsideWorkspaceError(f"{what} {_shown(relative)} names the workspace itself")
    root = os.open(workspace, _DIRECTORY & ~os.O_NOFOLLOW)
    try:
        folder = _open_folder(root, folders, what, relative)
    finally:
        os.close(root)
    try:
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode):
                raise OutsideWorkspaceError(
                    f"{what} {_shown(relative)} is a symbolic link; it was not written through"
                )
        temporary = f".{name}.{uuid.uuid4().hex}.tmp"
        descriptor = os.open(temporary, _NEW_FILE, 0o644, dir_fd=folder)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise
    finally:
        os.close(folder)
    return workspace / relative
