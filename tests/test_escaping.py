"""Markdown and HTML escaping: repository text stays text, code stays byte-exact.

The properties restate the CommonMark rules that matter (a code span closes on a backtick run of
its own length; a fence closes on a line of at least as many backticks; one space is stripped from
each end of a code span that has one at both) so they need no Markdown renderer.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from backend_guard.report.escaping import (
    ZERO_WIDTH_SPACE,
    code_fence,
    html_text,
    inline_code,
    markdown_message,
    markdown_text,
    table_code,
)

# Text rich in what breaks Markdown, mixed with arbitrary characters.
HOSTILE = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "`",
                "``",
                "```",
                "\n",
                "\r",
                "\r\n",
                " ",
                "@",
                "#",
                "1",
                "a",
                ":",
                "/",
                "www.",
                "GH-",
                "<",
                ">",
                "&",
                "|",
                "[",
                "]",
                "(",
                ")",
                "\\",
                "*",
                "_",
                "!",
                "~",
            ]
        ),
        st.characters(),
    ),
    max_size=40,
).map("".join)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _one_line(text: str) -> str:
    return _LINE_BREAK.sub(" ", text)


def _unescape_markdown(out: str) -> str:
    """What a reader sees: backslash escapes and entities resolved, zero-width spaces gone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", out)).replace(ZERO_WIDTH_SPACE, "")


def test_markdown_text_defuses_mentions_references_links_and_html() -> None:
    out = markdown_text("ping @acme/admins about #12, GH-7 and acme/infra#3 <img src=x> & more")
    assert "@" + ZERO_WIDTH_SPACE + "acme" in out
    assert "\\#" + ZERO_WIDTH_SPACE + "12" in out
    assert "GH\\-" + ZERO_WIDTH_SPACE + "7" in out
    assert "&lt;img src\\=x&gt; &amp; more" in out
    assert markdown_text("see https://evil.example and WWW.evil.example") == (
        f"see https:{ZERO_WIDTH_SPACE}//evil\\.example and WWW{ZERO_WIDTH_SPACE}\\.evil\\.example"
    )


def test_markdown_text_cannot_leave_a_table_row_or_make_a_link() -> None:
    out = markdown_text("a | b\n| c [x](http://e.example) ![i](y)")
    assert "\n" not in out
    assert re.search(r"(?<!\\)\|", out) is None
    assert "](" not in out and "![" not in out


@given(HOSTILE)
def test_markdown_text_is_inert(text: str) -> None:
    out = markdown_text(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and ">" not in out
    assert "](" not in out and "://" not in out and "www." not in out.lower()
    assert re.search(r"@\w", out) is None
    assert re.search(r"#\w", out) is None
    # every `|` and backtick is escaped by an odd run of backslashes
    for match in re.finditer(r"(\\*)[|`]", out):
        assert len(match.group(1)) % 2 == 1


@given(HOSTILE)
def test_markdown_text_shows_the_text_itself(text: str) -> None:
    assert _unescape_markdown(markdown_text(text)) == _one_line(text).replace(ZERO_WIDTH_SPACE, "")


@given(HOSTILE)
def test_html_text_is_inert_and_shows_the_text(text: str) -> None:
    out = html_text(text)
    assert not set("<>\"'\r\n") & set(out)
    assert re.search(r"@\w", out) is None and "://" not in out
    assert html.unescape(out).replace(ZERO_WIDTH_SPACE, "") == _one_line(text).replace(
        ZERO_WIDTH_SPACE, ""
    )


def test_markdown_message_shows_code_spans_as_code() -> None:
    out = markdown_message('bucket `acme|state` of backend "s3" is missing; see `a` `b` and ` ')
    assert out == (
        'bucket <code>acme\\|state</code> of backend "s3" is missing; see <code>a</code> '
        "<code>b</code> and \\` "
    )
    assert table_code("x|y@z") == f"<code>x\\|y@{ZERO_WIDTH_SPACE}z</code>"


@given(HOSTILE)
def test_markdown_message_is_as_inert_as_markdown_text(text: str) -> None:
    out = markdown_message(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in re.sub(r"</?code>", "", out) and ">" not in re.sub(r"</?code>", "", out)
    assert "](" not in out and re.search(r"@\w", out) is None
    for match in re.finditer(r"(\\*)[|`]", out):
        assert len(match.group(1)) % 2 == 1
    shown = _unescape_markdown(re.sub(r"</?code>", "`", out))
    assert shown == _one_line(text).replace(ZERO_WIDTH_SPACE, "")


def _code_span_content(span: str) -> tuple[str, str]:
    """The opening backtick run and the content CommonMark shows for a code span."""
    fence = span[: len(span) - len(span.lstrip("`"))]
    assert span.endswith(fence) and len(span) > 2 * len(fence)
    content = span[len(fence) : -len(fence)]
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]
    return fence, content


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("main.tf", "`main.tf`"),
        ("a`b", "``a`b``"),
        ("`x`", "`` `x` ``"),
        ("``", "``` `` ```"),
        (" a ", "`  a  `"),
        ("   ", "`   `"),
        ("a\nb", "`a b`"),
    ],
)
def test_inline_code_examples(text: str, expected: str) -> None:
    assert inline_code(text) == expected


@given(HOSTILE.filter(bool))
def test_inline_code_holds_any_text(text: str) -> None:
    span = inline_code(text)
    fence, content = _code_span_content(span)
    assert "\n" not in span and "\r" not in span
    runs = [len(run) for run in re.findall(r"`+", span[len(fence) : -len(fence)])]
    assert all(run < len(fence) for run in runs)  # nothing inside closes the span
    assert content == _one_line(text)


def _fenced_content(block: str) -> tuple[str, str, str]:
    """(info, content, rest) of a block read by CommonMark's rules for a backtick fence."""
    lines = _LINE_BREAK.split(block)
    endings = _LINE_BREAK.findall(block)
    opener = re.match(r"(`{3,})(.*)", lines[0])
    assert opener is not None
    width = len(opener.group(1))
    closer = re.compile(rf" {{0,3}}`{{{width},}}[ \t]*")
    for index in range(1, len(lines)):
        if closer.fullmatch(lines[index]):
            content = "".join(
                line + ending for line, ending in zip(lines[1:index], endings[1:index], strict=True)
            )
            rest = "".join(
                ending + line
                for line, ending in zip(lines[index + 1 :], endings[index:], strict=True)
            )
            return opener.group(2), content, rest
    raise AssertionError("the fence is never closed")


@given(HOSTILE, st.sampled_from(["", "suggestion", "diff", "hcl"]))
@example("a\r```\rb", "suggestion")  # a CR ends a line as well as a LF does
@example("x = 1\n  ````\n", "")
def test_code_fence_keeps_the_body_byte_for_byte(body: str, info: str) -> None:
    block = code_fence(body, info)
    got_info, content, rest = _fenced_content(block)
    assert got_info == info
    assert rest == ""  # the closing fence is the block's last line, with nothing after it
    ends_with_line_break = body == "" or body.endswith(("\n", "\r"))
    assert content == (body if ends_with_line_break else body + "\n")


def test_code_fence_outgrows_backticks_anywhere_in_the_body() -> None:
    body = 'x = "```"\n````\r```` still inside\n'
    block = code_fence(body, "suggestion")
    assert block == f"`````suggestion\n{body}`````"


def test_code_fence_refuses_an_info_string_that_would_break_it() -> None:
    with pytest.raises(ValueError, match="info string"):
        code_fence("x", "hcl`")
    with pytest.raises(ValueError, match="info string"):
        code_fence("x", "hcl\n```")
