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
from typing import Any

from backend_guard.report.utf8 import shown

ZERO_WIDTH_SPACE = "\u200b"
# ASCII punctuation that can start Markdown syntax; `<`, `>` and `&` become entities instead.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=$])")
_BACKTICKS = re.compile(r"`+")
_CODE_SPAN = re.compile(r"`([^`\r\n]+)`")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_REFERENCE = re.compile(r"(#|\bGH-)(?=\w)", re.IGNORECASE)
_AUTOLINK = re.compile(r"(:)(?=/)|(\bwww)(?=\.)", re.IGNORECASE)


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


# What a body we post may hold of HTML and links: our own tags (when they pair up), hidden
# markers and rule links.
_TAGS = r"</?(?:details|summary|code)>"
_KEPT = (
    r"<!-- backend-guard:v1(?: review)?(?: [a-z]+=[0-9a-f]{16})+ -->"
    r"|\]\(https://github\.com/backend-guard/backend-guard/blob/main/docs/rules\.md#[a-z0-9-]+\)"
)
_PROTECTED = re.compile(f"{_TAGS}|{_KEPT}")
_PROTECTED_BUT_TAGS = re.compile(_KEPT)
_LIVE = re.compile(
    r"<|&#(?!x27;)|\]\(|(:)(?=//)|(www)(?=\.)|(@)(?=[A-Za-z0-9])"
    r"|(#|GH-)(?=\d)",
    re.IGNORECASE,
)
_LIVE_TO = {"<": "&lt;", "&#": "&amp;#" + ZERO_WIDTH_SPACE, "](": "]\\("}
CUT_NOTE = "\n\n… (shortened: too long for GitHub)\n"


def _defuse_text(text: str, protected: re.Pattern[str], kept: list[str]) -> str:
    """Text with nothing live left but what `protected` allows (added to `kept`); what looks like
    a code span keeps no tag (there a tag is text, and would only unbalance ours)."""
    spans = _spans(text)

    def one(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in _LIVE_TO:
            return _LIVE_TO[found]
        return found + ZERO_WIDTH_SPACE

    pieces, last = [], 0
    for match in protected.finditer(text):
        before = text[last : match.start()]
        if (len(before) - len(before.rstrip("\\"))) % 2 or (
            match.group(0).startswith("<") and any(a < match.start() < b for a, b in spans)
        ):
            continue  # `\<` is a `<`: no tag follows
        pieces += [_LIVE.sub(one, before), match.group(0)]
        kept.append(match.group(0))
        last = match.end()
    return "".join(pieces) + _LIVE.sub(one, text[last:])


_DEFINITION = re.compile(r"^( {0,3})\[")
_RUN = re.compile(r"`+")


def _spans(line: str) -> list[tuple[int, int]]:
    """Where code spans seem to be: each backtick run and the next run of its length."""
    runs = [(match.start(), match.end()) for match in _RUN.finditer(line)]
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
        spans.append((start, runs[closing][1]))
        index = closing + 1
    return spans


_LINES = re.compile(r"(\r\n|\r|\n)")  # CommonMark's line endings: a lone CR ends a line too
_FENCE = re.compile(r"(`{3,}|~{3,})([^\r\n]*)")


def _defuse_prose(lines: list[str], protected: re.Pattern[str], kept: list[str]) -> str:
    """Lines outside fenced code, code spans included (what GitHub takes for a span is not
    guessed at: a span shows a defused `<` or `](` as text, which is harmless)."""
    out = []
    for line in lines:
        out.append(_defuse_text(_DEFINITION.sub(r"\1\\[", line), protected, kept))
        kept.append("\n")
    return "".join(out)


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes a fence opened by `fence`: up to three spaces, a run of the same
    character at least as long, nothing after but spaces and tabs."""
    stripped = line.lstrip(" ")
    run = stripped.rstrip(" \t\r\n")
    return len(line) - len(stripped) <= 3 and len(run) >= len(fence) and run == fence[0] * len(run)


def _neutralised(body: str, protected: re.Pattern[str], kept: list[str]) -> str:
    """`neutralised`, keeping what `protected` names (and listing what it kept in `kept`)."""
    parts = _LINES.split(shown(body))
    lines = ["".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]  # each with its ending
    out: list[str] = []
    prose: list[str] = []
    fence = ""
    for index, line in enumerate(lines):
        if fence:
            out.append(line)
            fence = "" if _closes(line, fence) else fence
            continue
        opening = _FENCE.match(line)
        # At the margin after a blank line a fence is one for GitHub too: no list, quote or
        # HTML block can hold it there.
        after_blank = index == 0 or not lines[index - 1].strip(" \t\r\n")
        if opening and after_blank and not (opening[1][0] == "`" and "`" in opening[2]):
            out.append(_defuse_prose(prose, protected, kept))
            prose, fence = [], opening[1]
            out.append(line)
        else:
            prose.append(line)
    out.append(_defuse_prose(prose, protected, kept))
    return "".join(out)


def neutralised(body: str) -> str:
    """A body as GitHub may be given it: no mention, reference, link, image or HTML of anyone's.

    Only fenced code blocks that open after a blank line (or at the start) are kept byte for byte:
    no HTML block can be open there, so GitHub reads them as code too; they are where suggestions
    are. Everything else is defused, whoever wrote it, but for what `_PROTECTED` names: our tags,
    when every one of them is closed (else they are shown as text), markers and rule links.
    Names that are not UTF-8 are shown escaped (`\\xe9`).
    """
    kept: list[str] = []
    text = _neutralised(body, _PROTECTED, kept)
    return text if _nested(kept) else _neutralised(body, _PROTECTED_BUT_TAGS, [])


def _nested(kept: list[str]) -> bool:
    """Whether the tags among `kept` open and close in order, each closed."""
    open_tags: list[str] = []
    for token in kept:
        if token == "\n" and open_tags[-1:] in (["summary>"], ["code>"]):
            return False  # these are ours on one line only
        if token in ("<details>", "<summary>", "<code>"):
            open_tags.append(token[1:])
        elif token.startswith("</") and (not open_tags or open_tags.pop() != token[2:]):
            return False
    return not open_tags


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
