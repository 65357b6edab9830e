"""Read blocks made only of plain literal attributes without python-hcl2.

Most `backend` blocks (and many storage resources) are a handful of `name = "literal"` lines.
Reading them here saves loading python-hcl2 and its grammar, the bulk of a small scan's start-up
time. The accepted subset is deliberately narrow; a block with anything else — a nested block, an
object, a heredoc, an escape, an interpolation, a reference, a call, a value over several lines,
a comment that is not on its own line or at a line's end, a repeated name — is not read here
(`None`), and the caller hands it to the parser. What is read gives exactly the facts the parser
path gives: the same values, texts and spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
# No escapes, no `${` / `%{` (checked apart: a lone `$` or `%` is a plain character).
_STRING = r'"[^"\\\n\r]*"'
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_SCALAR = rf"{_STRING}|{_NUMBER}|true|false|null"
_LIST = rf"\[[ \t]*(?:(?:{_SCALAR})[ \t]*,[ \t]*)*(?:(?:{_SCALAR})[ \t]*,?[ \t]*)?\]"
_ASSIGNMENT = rf"(?P<name>{_NAME})[ \t]*=[ \t]*(?P<value>{_LIST}|{_SCALAR})"
_COMMENT = r"(?:#|//).*|/\*(?:[^*]|\*(?!/))*\*/[ \t]*"

_HEADER = re.compile(
    rf'(?P<type>{_NAME})(?P<labels>(?:[ \t]+(?:"[^"\\\n\r$%]*"|{_NAME}))*)[ \t]*\{{'
)
_LABEL = re.compile(rf'"([^"]*)"|({_NAME})')
_LINE = re.compile(rf"[ \t]*(?:{_ASSIGNMENT}[ \t]*)?(?:{_COMMENT})?")
_ONE_LINE_BODY = re.compile(rf"[ \t]*(?:{_ASSIGNMENT}[ \t]*)?")
_ITEM = re.compile(rf"{_SCALAR}")
# Words the grammar reads as keywords, not names, in an attribute's name.
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


def read_backend(
    block: TopLevelBlock, text: str, path: str, module_dir: str, origin: Origin, enclosing: Span
) -> BackendConfig | None:
    """The `backend "<type>"` or `cloud` block at `block`, or None when it is not plain literals."""
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
    """The storage a `resource` block at `block` creates, or None when it is not plain literals."""
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
    line_start = block.start - block.start_column + 1
    line = block.start_line
    open_brace = header.end() - 1
    close_brace = block.end - 1
    header_span = Span(path, line, block.start_column, line, open_brace - line_start + 2)
    body = text[open_brace + 1 : close_brace]
    lines = body.split("\n")
    if len(lines) == 1:
        one_line = _ONE_LINE_BODY.fullmatch(body)
        if one_line is None:
            return None
        attributes = _attributes([(one_line, line, open_brace + 1 - line_start)], path)
        end_column = close_brace - line_start + 2
    else:
        matches = []
        for number, content in enumerate(lines[:-1]):
            content = content.removesuffix("\r")
            match = _LINE.fullmatch(content)
            if match is None or (number == 0 and match.group("name") is not None):
                return None
            if match.group("name") is not None:
                matches.append((match, line + number, 0))
        if lines[-1].strip(" \t"):
            return None
        attributes = _attributes(matches, path)
        end_column = len(lines[-1]) + 2
    if attributes is None:
        return None
    span = Span(path, line, block.start_column, line + len(lines) - 1, end_column)
    return _Block(
        header.group("type"), _labels(header.group("labels")), attributes, span, header_span
    )


def _labels(written: str) -> tuple[str, ...]:
    return tuple(quoted or bare for quoted, bare in _LABEL.findall(written))


def _attributes(
    matches: list[tuple[re.Match[str], int, int]], path: str
) -> tuple[Attribute, ...] | None:
    """Attributes from assignment matches, each with its line and the column before its line's
    text; None when a name repeats, is a keyword, or a string holds a template sequence."""
    attributes: list[Attribute] = []
    names: set[str] = set()
    for match, line, offset in matches:
        name = match.group("name")
        if name is None:
            continue
        written = match.group("value")
        if name in names or name in _KEYWORDS or "${" in written or "%{" in written:
            return None
        names.add(name)
        span = Span(
            path, line, offset + match.start("name") + 1, line, offset + match.end("value") + 1
        )
        attributes.append(
            Attribute(name, Value(ValueKind.LITERAL, written, _literal(written)), span)
        )
    return tuple(attributes)


def _literal(written: str) -> object:
    if written.startswith("["):
        return [_scalar(item.group()) for item in _ITEM.finditer(written)]
    return _scalar(written)


def _scalar(written: str) -> object:
    if written.startswith('"'):
        return written[1:-1]
    if written in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[written]
    if "." in written or "e" in written or "E" in written:
        return float(written)
    return int(written)
