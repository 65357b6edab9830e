"""Markdown and HTML that user-controlled text cannot break out of.

File names, attribute values and messages come from the pull request. In comments and the job
summary they must stay text: no mentions, no issue references, no links or images, no raw HTML, no
way out of a code span, a fence or a table row. Code in suggestion blocks is the exception: it must
stay byte-exact, so it goes into a fence longer than any run of backticks it holds.

GitHub turns `@name`, `#123`, `GH-123`, `owner/repo#123` and bare URLs into mentions, references
and links in the text of the rendered HTML, after Markdown escapes are gone; a zero-width space
after `@`, after `#` or `GH-` before a reference, and inside `://` and `www.` keeps them plain.
"""

from __future__ import annotations

import html
import re

ZERO_WIDTH_SPACE = "\u200b"
# ASCII punctuation that can start Markdown syntax; `<`, `>` and `&` become entities instead.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=$])")
_BACKTICKS = re.compile(r"`+")
_CODE_SPAN = re.compile(r"`([^`\r\n]+)`")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_REFERENCE = re.compile(r"(#|\bGH-)(?=\w)", re.IGNORECASE)
_AUTOLINK = re.compile(r"(:)(?=/)|(\bwww)(?=\.)", re.IGNORECASE)


def _one_line(text: str) -> str:
    return _LINE_BREAK.sub(" ", text)


def _defuse(text: str) -> str:
    """`text` without anything GitHub would turn into a mention, reference or link."""
    text = text.replace("@", "@" + ZERO_WIDTH_SPACE)
    text = _REFERENCE.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)
    return _AUTOLINK.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


def markdown_text(text: str) -> str:
    """`text` as inert Markdown on one line, safe in a paragraph, a list item or a table cell.

    Every Markdown special character is backslash-escaped (a `|` too, so a table row keeps its
    cells), `<`, `>` and `&` become entities, line breaks become spaces, and mentions, references
    and autolinks are defused with zero-width spaces.
    """
    text = _defuse(_one_line(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def table_code(text: str) -> str:
    """Monospace `text` that is safe in a table cell, where a Markdown code span is not (a `|`
    inside one still splits the row): `<code>` around `markdown_text`."""
    return f"<code>{markdown_text(text)}</code>"


def markdown_message(text: str) -> str:
    """A message as inert Markdown on one line, its `code` spans shown as code.

    Messages write names and values in backticks; those parts go through `table_code`, the rest
    through `markdown_text`, so the result is as safe as `markdown_text`, in table cells too.
    """
    parts = _CODE_SPAN.split(text)  # even indices are prose, odd ones the insides of code spans
    return "".join(
        table_code(part) if index % 2 else markdown_text(part) for index, part in enumerate(parts)
    )


def html_text(text: str) -> str:
    """`text` as inert content of an HTML element on one line, such as `<summary>` or `<code>`.

    Inside an HTML block GitHub renders no Markdown, so this escapes for HTML instead; mentions,
    references and autolinks are defused as in `markdown_text`.
    """
    return html.escape(_defuse(_one_line(text)), quote=True)


def inline_code(text: str) -> str:
    """A code span showing `text` on one line, whatever backticks or spaces it holds.

    The span's backtick run is longer than any run inside; a space pads both ends when the text
    starts or ends with a backtick, or starts and ends with a space (CommonMark strips one such
    pair). Not for table cells: a `|` inside a code span still splits a GFM table row.
    """
    text = _one_line(text)
    if not text:
        return "` `"
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    stripped_pair = text.startswith(" ") and text.endswith(" ") and text.strip(" ")
    pad = " " if text.startswith("`") or text.endswith("`") or stripped_pair else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_fence(body: str, info: str = "") -> str:
    """A fenced code block holding `body` byte for byte, ending with the closing fence.

    The fence is a run of backticks longer than any run in `body` (at least three), so no line of
    `body` can close it. A line ending is added before the closing fence only when `body` does not
    end with one; nothing follows the closing fence, so callers join blocks as they need.
    `info` (a language or `suggestion`) is ours, never user text: it may hold no backtick or line
    break.
    """
    if "`" in info or _LINE_BREAK.search(info):
        raise ValueError(f"info string {info!r} would break the fence")
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    ending = "" if not body or body.endswith(("\n", "\r")) else "\n"
    return f"{fence}{info}\n{body}{ending}{fence}"
