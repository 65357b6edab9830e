"""One reader for every file backend-guard opens, with a byte cap per kind of file.

A pull request chooses every file's size: a sparse file of a gigabyte costs it nothing. Each kind
of file has a cap well above what a real one needs; a file over its cap is never read past the
cap (its size comes from `fstat`), never parsed, and reported where it is. FIFOs, sockets and
devices are refused without blocking.
"""

from __future__ import annotations

import os
import stat
from enum import Enum

KIB, MIB = 1024, 1024 * 1024


class Kind(Enum):
    """A kind of file and its cap in bytes."""

    TERRAFORM = ("Terraform/OpenTofu file", 8 * MIB)
    PROGRAM = ("CDKTF program", 1 * MIB)
    BACKEND_SETTINGS = ("backend settings file", 64 * KIB)  # .tfbackend, -backend-config
    AUTOMATION = ("workflow, Makefile or script", 1 * MIB)
    SETTINGS = ("settings file", 64 * KIB)  # .backend-guard.yml
    REVIEW_FILE = ("review file", 4 * MIB)

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def cap(self) -> int:
        return _CAPS[self]

    @property
    def cap_text(self) -> str:
        cap = self.cap
        return f"{cap // MIB} MiB" if cap % MIB == 0 else f"{cap // KIB} KiB"


# Read once a file: a dictionary is faster to reach than an Enum member's `value`.
_CAPS = {kind: kind.value[1] for kind in Kind}


class TooLargeError(OSError):
    """A file over the cap of its kind: nothing past the cap was read."""

    def __init__(self, kind: Kind, size: int, head: bytes) -> None:
        self.message = f"is larger than {kind.cap_text} and was not read"
        super().__init__(0, self.message)
        self.kind = kind
        self.size = size
        self.head = head  # the first `cap` bytes, when asked for: for a cheap pre-filter


def read(
    path: str | os.PathLike[str], kind: Kind, *, follow: bool = True, head: bool = False
) -> bytes:
    """The bytes of a regular file of `kind`.

    `TooLargeError` past the cap (holding the first `cap` bytes when `head`), `OSError` for a file that
    cannot be opened or is no regular file. With `follow=False` a symbolic link is refused too.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(0, "not a regular file")
        cap = _CAPS[kind]
        if status.st_size > cap:
            raise TooLargeError(kind, status.st_size, os.read(descriptor, cap) if head else b"")
        chunks = [os.read(descriptor, status.st_size + 1)]
        total = len(chunks[0])
        while chunks[-1]:  # a file that grew since fstat: read on, up to the cap
            if total > cap:
                raise TooLargeError(kind, total, b"".join(chunks)[:cap] if head else b"")
            chunks.append(os.read(descriptor, min(MIB, cap + 1 - total) or 1))
            total += len(chunks[-1])
        return b"".join(chunks)
    finally:
        os.close(descriptor)
