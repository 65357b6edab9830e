"""Read backend and storage blocks of the common shapes without python-hcl2.

Most `backend` blocks (and many storage resources) are a handful of `name = value` lines, at most
with one level of nested blocks (`workspaces { name = "app" }`). Reading them here saves loading
python-hcl2 and its grammar, the bulk of a scan's start-up time. The accepted subset is
deliberately narrow. A value is a literal (string, number, bool, null, or a one-line list of
those), a traversal (`var.bucket`, `terraform.workspace`), or a string whose only interpolations
are traversals (`"svc/${var.env}/terraform.tfstate"`). A nested block holds only such attributes
and is written over several lines, or on one line with at most one attribute. A block with
anything else — a deeper block, an object, a heredoc, an escape (`\\t`, `$${`), a template
directive, a call, an operator, an index, a value over several lines, a comment that is not on
its own line or at a line's end, a repeated name, a keyword where a name is — is not read here
(`None`), and the caller hands it to the parser. What is read gives exactly the facts the parser
path gives: the same values, texts, references and spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from backend_guard.model import (
    Attribute,
    BackendConfig,
    BackendKind,
    Origin,
    Span,
    StorageResource,
    Syntax,
    Value,
    ValueKind,
)
from backend_guard.sources.hcl_blocks import TopLevelBlock
from backend_guard.storage import STORAGE_NAME_ATTRIBUTE

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_TRAVERSAL = rf"{_NAME}(?:\.{_NAME})+"
# No escapes, no line breaks; `${` and `%{` are checked apart (a lone `$` or `%` is plain).
_STRING = r'"[^"\\\n\r]*"'
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_SCALAR = rf"{_STRING}|{_NUMBER}|true|false|null"
_LIST = rf"\[[ \t]*(?:(?:{_SCALAR})[ \t]*,[ \t]*)*(?:(?:{_SCALAR})[ \t]*,?[ \t]*)?\]"
_ASSIGNMENT = rf"(?P<name>{_NAME})[ \t]*=[ \t]*(?P<value>{_LIST}|{_SCALAR}|{_TRAVERSAL})"
_COMMENT = r"(?:#|//).*|/\*(?:[^*]|\*(?!/))*\*/[ \t]*"
_BLOCK_HEADER = rf'(?P<type>{_NAME})(?P<labels>(?:[ \t]+(?:"[^"\\\n\r$%]*"|{_NAME}))*)[ \t]*\{{'

_HEADER = re.compile(_BLOCK_HEADER)
_LABEL = re.compile(rf'"([^"]*)"|({_NAME})')
_LINE = re.compile(rf"[ \t]*(?:{_ASSIGNMENT}[ \t]*)?(?:{_COMMENT})?")
_ONE_LINE_BODY = re.compile(rf"[ \t]*(?:{_ASSIGNMENT}[ \t]*)?")
# A nested block on one line; the first and the last line of one written over several lines.
_NESTED_ONE_LINE = re.compile(
    rf"[ \t]*{_BLOCK_HEADER}[ \t]*(?:{_ASSIGNMENT}[ \t]*)?(?P<close>\}})[ \t]*(?:{_COMMENT})?"
)
_NESTED_OPEN = re.compile(rf"[ \t]*{_BLOCK_HEADER}[ \t]*(?:{_COMMENT})?")
_NESTED_CLOSE = re.compile(rf"[ \t]*(?P<close>\}})[ \t]*(?:{_COMMENT})?")
_INTERPOLATION = re.compile(rf"\$\{{[ \t]*(?P<traversal>{_TRAVERSAL})[ \t]*\}}")
_TRAVERSAL_VALUE = re.compile(_TRAVERSAL)
_ITEM = re.compile(_SCALAR)
# Words the grammar reads as keywords, not names.
_KEYWORDS = frozenset(
    {"if", "in", "for", "for_each", "else", "endif", "endfor", "true", "false", "null"}
)


@dataclass(frozen=True, slots=True)
class _Block:
    type: str
    labels: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    span: Span
    header_span: Span


class _Line(NamedTuple):
    """One line of a body: its text (without a final CR), where that text starts in the file,
    its line number, and the column before it (0 unless it follows a brace on the same line)."""

    text: str
    offset: int
    number: int
    column: int = 0


def read_backend(
    block: TopLevelBlock, text: str, path: str, module_dir: str, origin: Origin, enclosing: Span
) -> BackendConfig | None:
    """The `backend "<type>"` or `cloud` block at `block`, or None when it is not of a shape
    read here."""
    parsed = _read_block(block, text, path)
    if parsed is None:
        return None
    if parsed.type == "backend" and len(parsed.labels) == 1:
        kind, backend_type = BackendKind.BACKEND, parsed.labels[0]
    elif parsed.type == "cloud" and not parsed.labels:
        kind, backend_type = BackendKind.CLOUD, "cloud"
    else:
        return None
    return BackendConfig(
        kind=kind,
        type=backend_type,
        attributes=parsed.attributes,
        span=parsed.span,
        header_span=parsed.header_span,
        module_dir=module_dir,
        syntax=Syntax.HCL,
        origin=origin,
        enclosing_span=enclosing,
    )


def read_storage(
    block: TopLevelBlock, text: str, path: str, module_dir: str
) -> list[StorageResource] | None:
    """The storage a `resource` block at `block` creates, or None when it is not of a shape
    read here."""
    parsed = _read_block(block, text, path)
    if parsed is None or not parsed.labels or parsed.labels[0] not in STORAGE_NAME_ATTRIBUTE:
        return None
    resource_type = parsed.labels[0]
    wanted = STORAGE_NAME_ATTRIBUTE[resource_type]
    return [
        StorageResource(resource_type, attribute.value, parsed.span, module_dir)
        for attribute in parsed.attributes
        if attribute.name == wanted
    ]


def _read_block(block: TopLevelBlock, text: str, path: str) -> _Block | None:
    header = _HEADER.match(text, block.start, block.end)
    if header is None:
        return None
    labels = _labels(header.group("labels"))
    line_start = block.start - block.start_column + 1
    line = block.start_line
    open_brace = header.end() - 1
    close_brace = block.end - 1
    header_span = Span(path, line, block.start_column, line, open_brace - line_start + 2)
    body = text[open_brace + 1 : close_brace]
    last_line = body.rpartition("\n")[2]
    if len(last_line) == len(body):
        one_line = _ONE_LINE_BODY.fullmatch(body)
        if one_line is None:
            return None
        where = _Line(body, open_brace + 1, line, open_brace + 1 - line_start)
        attributes = _one_line_body(one_line, where, path)
        end_line, end_column = line, close_brace - line_start + 2
    else:
        lines = _lines(text, open_brace + 1, close_brace - len(last_line), line)
        first = _LINE.fullmatch(lines[0].text)
        if first is None or first.group("name") is not None or last_line.strip(" \t"):
            return None
        attributes = _body(lines[1:], text, path, nested=True)
        end_line, end_column = lines[-1].number + 1, len(last_line) + 2
    if attributes is None or labels is None:
        return None
    span = Span(path, line, block.start_column, end_line, end_column)
    return _Block(header.group("type"), labels, attributes, span, header_span)


def _lines(text: str, start: int, end: int, number: int) -> list[_Line]:
    """The lines of `text[start:end]`, which ends with a line break."""
    lines: list[_Line] = []
    for content in text[start:end].split("\n")[:-1]:
        lines.append(_Line(content.removesuffix("\r"), start, number))
        start += len(content) + 1
        number += 1
    return lines


def _labels(written: str) -> tuple[str, ...] | None:
    found = _LABEL.findall(written)
    if any(bare in _KEYWORDS for _, bare in found):
        return None
    return tuple(quoted or bare for quoted, bare in found)


def _body(
    lines: list[_Line], text: str, path: str, *, nested: bool
) -> tuple[Attribute, ...] | None:
    """The attributes of a body's `lines`, and with `nested` those of blocks one level down; None
    when a line is of no shape read here."""
    attributes: list[Attribute] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if (match := _LINE.fullmatch(line.text)) is not None:
            if match.group("name") is None:
                continue
            attribute = _attribute(match, line, path)
        elif not nested:
            return None
        elif (match := _NESTED_ONE_LINE.fullmatch(line.text)) is not None:
            attribute = _nested(
                match, line, match, line, _one_line_body(match, line, path), text, path
            )
        elif (match := _NESTED_OPEN.fullmatch(line.text)) is not None:
            end = index
            while end < len(lines) and _LINE.fullmatch(lines[end].text) is not None:
                end += 1
            closing = _NESTED_CLOSE.fullmatch(lines[end].text) if end < len(lines) else None
            if closing is None:
                return None
            inner = _body(lines[index:end], text, path, nested=False)
            attribute = _nested(match, line, closing, lines[end], inner, text, path)
            index = end + 1
        else:
            return None
        if attribute is None:
            return None
        attributes.append(attribute)
    return _unique(attributes)


def _one_line_body(match: re.Match[str], line: _Line, path: str) -> tuple[Attribute, ...] | None:
    """The attribute (if any) of a body written on one line, matched by `match`."""
    if match.group("name") is None:
        return ()
    attribute = _attribute(match, line, path)
    return None if attribute is None else (attribute,)


def _unique(attributes: list[Attribute]) -> tuple[Attribute, ...] | None:
    names = [attribute.name for attribute in attributes]
    return tuple(attributes) if len(set(names)) == len(names) else None


def _attribute(match: re.Match[str], line: _Line, path: str) -> Attribute | None:
    """The attribute `match` found on `line`; None when its name is a keyword or its value is
    not read here."""
    name = match.group("name")
    value = _value(match.group("value"))
    if name in _KEYWORDS or value is None:
        return None
    start = line.column + match.start("name") + 1
    end = line.column + match.end("value") + 1
    return Attribute(name, value, Span(path, line.number, start, line.number, end))


def _nested(
    opening: re.Match[str],
    first: _Line,
    closing: re.Match[str],
    last: _Line,
    inner: tuple[Attribute, ...] | None,
    text: str,
    path: str,
) -> Attribute | None:
    """A nested block as the parser path gives it: an attribute named after the block's type
    and labels, whose value is the block's text and the literals of its attributes."""
    labels = _labels(opening.group("labels"))
    block_type = opening.group("type")
    if inner is None or labels is None or block_type in _KEYWORDS:
        return None
    start = first.offset + opening.start("type")
    end = last.offset + closing.end("close")
    literal = {attribute.name: attribute.value.literal for attribute in inner}
    references = tuple(dict.fromkeys(r for a in inner for r in a.value.references))
    return Attribute(
        name=".".join((block_type, *labels)),
        value=Value(ValueKind.EXPRESSION, text[start:end], literal, references),
        span=Span(
            path,
            first.number,
            first.column + opening.start("type") + 1,
            last.number,
            last.column + closing.end("close") + 1,
        ),
        written_as_block=True,
    )


def _value(written: str) -> Value | None:
    """The value written as `written`, as the parser path describes it; None when it holds a
    directive or an interpolation of anything but a traversal."""
    if _TRAVERSAL_VALUE.fullmatch(written):
        return _expression(written, [written])
    if "%{" in written:
        return None
    if written.startswith('"') and "${" in written:
        return _template(written)
    if written.startswith("["):
        if "${" in written:
            return None
        items = [_scalar(item.group()) for item in _ITEM.finditer(written)]
        return Value(ValueKind.LITERAL, written, items)
    return Value(ValueKind.LITERAL, written, _scalar(written))


def _template(written: str) -> Value | None:
    """A string whose every `${` opens the interpolation of a traversal; None otherwise (an
    escaped `$${` included: the parser path reads it as text)."""
    interpolations = list(_INTERPOLATION.finditer(written))
    if "$${" in written or written.count("${") != len(interpolations):
        return None
    return _expression(written, [match.group("traversal") for match in interpolations])


def _expression(written: str, traversals: list[str]) -> Value | None:
    """An expression of `traversals`, naming what the parser path names for each (`var.a.b`
    names `var.a`), once each; None when a part of one is a keyword."""
    references: list[str] = []
    for traversal in traversals:
        parts = traversal.split(".")
        if any(part in _KEYWORDS for part in parts):
            return None
        references.append(".".join(parts[:2]))
    return Value(ValueKind.EXPRESSION, written, references=tuple(dict.fromkeys(references)))


def _scalar(written: str) -> object:
    if written.startswith('"'):
        return written[1:-1]
    if written in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[written]
    if "." in written or "e" in written or "E" in written:
        return float(written)
    return int(written)
