"""Markdown that user-controlled text cannot break out of.

File names, attribute values and messages come from the pull request. In comments and the job
summary they must stay text: no mentions, no links or images, no raw HTML, no way out of a code
span, a fence or a table row. Code in suggestion blocks is the exception: it must stay byte-exact,
so it goes into a fence longer than any run of backticks it holds.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_BACKTICKS = re.compile(r"`+")
_FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.MULTILINE)
_ZERO_WIDTH_SPACE = "\u200b"


def markdown_text(text: str) -> str:
    """`text` as inert Markdown: one line, every special character escaped, HTML as entities."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = text.replace("@", "@" + _ZERO_WIDTH_SPACE)  # no mentions, no team pings
    return text.replace(":/", ":" + _ZERO_WIDTH_SPACE + "/")  # no bare autolinks


def inline_code(text: str) -> str:
    """A code span holding `text` on one line, whatever backticks it contains."""
    text = text.replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_fence(body: str, info: str = "") -> str:
    """A fenced code block holding `body` byte for byte; no trailing newline after the fence."""
    longest = max((len(m.group(1)) for m in _FENCE_LINE.finditer(body)), default=0)
    fence = "`" * max(3, longest + 1)
    ending = "" if body.endswith("\n") or not body else "\n"
    return f"{fence}{info}\n{body}{ending}{fence}"
