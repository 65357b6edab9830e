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
import itertools
import re
from typing import Any

ZERO_WIDTH_SPACE = "\u200b"
# ASCII punctuation that can start Markdown syntax; `<`, `>` and `&` become entities instead.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=$])")
_BACKTICKS = re.compile(r"`+")
_CODE_SPAN = re.compile(r"`([^`\r\n]+)`")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_REFERENCE = re.compile(r"(#|\bGH-)(?=\w)", re.IGNORECASE)
_AUTOLINK = re.compile(r"(:)(?=/)|(\bwww)(?=\.)", re.IGNORECASE)


def shown(text: str) -> str:
    """`text` that can always be written as UTF-8: bytes of a name that are not UTF-8 (held as
    lone surrogates) shown as `\\xe9`."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def printable(value: Any) -> Any:
    """A JSON-able value with `shown` applied to every string in it, keys included."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable(item) for item in value]
    return value


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


# What a body we post may hold of HTML and links: our own tags, hidden markers and rule links.
_PROTECTED = re.compile(
    r"</?(?:details|summary|code)>"
    r"|<!-- backend-guard:v1(?: review)?(?: [a-z]+=[0-9a-f]{16})+ -->"
    r"|\]\(https://github\.com/backend-guard/backend-guard/blob/main/docs/rules\.md#[a-z0-9-]+\)"
)
_LIVE = re.compile(
    r"<|&#(?!x27;)|\]\(|^( {0,3})\[|(:)(?=//)|\b(www)(?=\.)|(@)(?=[A-Za-z0-9])"
    r"|(#|\bGH-)(?=\d)",
    re.IGNORECASE | re.MULTILINE,
)
_LIVE_TO = {"<": "&lt;", "&#": "&amp;#", "](": "]\\("}
_OPENING_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})([^\n]*)")
CUT_NOTE = "\n\n… (shortened: too long for GitHub)\n"


def _defuse_text(text: str) -> str:
    """Text with nothing live left but what `_PROTECTED` allows."""

    def one(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in _LIVE_TO:
            return _LIVE_TO[found]
        if match.group(1) is not None:  # a link reference definition at the start of a line
            return f"{match.group(1)}\\["
        return found + ZERO_WIDTH_SPACE

    pieces, last = [], 0
    for protected in _PROTECTED.finditer(text):
        pieces += [_LIVE.sub(one, text[last : protected.start()]), protected.group(0)]
        last = protected.end()
    return "".join(pieces) + _LIVE.sub(one, text[last:])


_RUN = re.compile(r"(\\*)(`+)")
_HTML_START = re.compile(r" {0,3}</?(?:details|summary|code)>")
_DELIMITER_ROW = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")


def _code_spans(line: str, table: bool) -> list[tuple[int, int]]:
    """Where code spans are in one line, as CommonMark finds them: a backtick run not escaped by a
    backslash, closed by the next run of the same length. In a table a `|` splits the cell even
    inside a span, so there a span holding one is not taken for code."""
    runs = []
    for match in _RUN.finditer(line):
        start = match.start(2) + (len(match.group(1)) % 2)  # `\`` is a literal backtick
        if start < match.end(2):
            runs.append((start, match.end(2)))
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        closing = next(
            (i for i in range(index + 1, len(runs)) if runs[i][1] - runs[i][0] == end - start),
            None,
        )
        if closing is None:
            index += 1
            continue
        if not (table and "|" in line[end : runs[closing][0]]):
            spans.append((start, runs[closing][1]))
        index = closing + 1
    return spans


def _defuse_prose(text: str) -> str:
    """Prose (no fenced code) defused line by line, its code spans kept as written: GitHub makes
    nothing of them. Not in an HTML block (one of our tags starts it, a blank line ends it): there
    backticks are text and every line is defused whole."""
    lines = text.split("\n")
    out: list[str] = []
    html = table = False
    for index, line in enumerate(lines):
        if not line.strip():
            html = table = False
        elif index == 0 or not lines[index - 1].strip():  # a block starts
            block = itertools.takewhile(str.strip, lines[index:])
            table = any(_DELIMITER_ROW.fullmatch(row) for row in block)
        html = html or bool(_HTML_START.match(line))
        spans = [] if html else _code_spans(line, table)
        pieces, last = [], 0
        for start, end in spans:
            pieces += [_defuse_text(line[last:start]), line[start:end]]
            last = end
        out.append("".join(pieces) + _defuse_text(line[last:]))
    return "\n".join(out)


def _closes(line: str, fence: str) -> bool:
    stripped = line.lstrip(" ")
    return (
        len(line) - len(stripped) <= 3
        and stripped.rstrip(" \t\r") == fence[0] * len(stripped.rstrip(" \t\r"))
        and len(stripped.rstrip(" \t\r")) >= len(fence)
    )


def neutralised(body: str) -> str:
    """A body as GitHub may be given it: no mention, reference, link, image or HTML of anyone's.

    Only fenced code blocks that open after a blank line (or at the start) are kept byte for byte:
    no HTML block can be open there, so GitHub reads them as code too; they are where suggestions
    are. Everything else is defused, whoever wrote it; what `_PROTECTED` names is ours and kept.
    Names that are not UTF-8 are shown escaped (`\\xe9`).
    """
    lines = shown(body).split("\n")
    out: list[str] = []
    prose: list[str] = []
    fence = ""
    for index, line in enumerate(lines):
        if fence:
            out.append(line)
            fence = "" if _closes(line, fence) else fence
            continue
        opening = _OPENING_FENCE.fullmatch(line)
        after_blank = index == 0 or not lines[index - 1].strip()
        if opening and after_blank and not (opening[1][0] == "`" and "`" in opening[2]):
            if prose:
                out.append(_defuse_prose("\n".join(prose)))
            prose, fence = [], opening[1]
            out.append(line)
        else:
            prose.append(line)
    if prose:
        out.append(_defuse_prose("\n".join(prose)))
    return "\n".join(out)


def publishable(body: str, limit: int, *, in_bytes: bool = False) -> str:
    """`body` shortened to `limit` characters (UTF-8 bytes with `in_bytes`) with a note, then
    neutralised; the whole of what GitHub is given of a comment, a review or the summary."""

    def size(text: str) -> int:
        return len(text.encode()) if in_bytes else len(text)

    text = neutralised(body)
    keep = len(body)
    while size(text) > limit:
        keep -= size(text) - limit + len(CUT_NOTE) * 4
        text = neutralised(body[: max(keep, 0)] + CUT_NOTE)
    return text
