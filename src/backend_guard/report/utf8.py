"""Text that can always be written as UTF-8, whatever bytes a file name held.

Apart from the Markdown and HTML escaping (`escaping.py`) it needs: the CLI shows every path and
error through it, and importing it costs nothing at start-up.
"""

from __future__ import annotations


def shown(text: str) -> str:
    """`text` that can always be written as UTF-8: bytes of a name that are not UTF-8 (held as
    lone surrogates) shown as `\\xe9`."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
