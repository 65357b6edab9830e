"""HCL parse trees to facts: one cut-out block at a time, through python-hcl2.

Imported only when a file holds a block that must be parsed: loading python-hcl2 and its grammar
is most of a small scan's start-up time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import hcl2
from lark import Token, Tree

from backend_guard.model import (
    Attribute,
    BackendConfig,
    BackendKind,
    Origin,
    ParseProblem,
    Span,
    StorageResource,
    Syntax,
)
from backend_guard.sources.hcl_blocks import TopLevelBlock
from backend_guard.sources.hcl_values import value_of
from backend_guard.storage import STORAGE_NAME_ATTRIBUTE

# python-hcl2 parses without recursion, but reading its trees recurses about once per level (a
# list in a list costs three). Real blocks nest a few levels; hostile ones may nest thousands.
MAX_DEPTH = 200
_PARSER_POSITION = re.compile(r",? at line \d+,? col(?:umn)? \d+\.?")  # the span says where
# The parser's message quotes the token it stopped at, which may be a whole line of the file.
MAX_MESSAGE_CHARS = 120


def parse(
    block: TopLevelBlock, text: str, path: str
) -> tuple[str, list[Tree], ParseProblem | None]:
    """One cut-out block as the parser saw it (offsets in that text, lines and columns as in the
    file), its trees, and the problem when it is invalid.

    The block is parsed alone, indented to its column; its lines are then shifted to those of
    the file. (Padding the text with the lines above it instead would cost the parser one token
    per line above the block: quadratic in a file of many blocks.)
    """
    fragment = " " * (block.start_column - 1) + text[block.start : block.end] + "\n"
    shift = block.start_line - 1
    try:
        tree = hcl2.parses_to_tree(fragment)
    except Exception as error:  # python-hcl2 raises Lark errors and its own ValueErrors
        line = (getattr(error, "line", None) or 1) + shift
        column = getattr(error, "column", 1) or 1
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        first_line = _PARSER_POSITION.sub("", first_line)
        if len(first_line) > MAX_MESSAGE_CHARS:
            first_line = first_line[: MAX_MESSAGE_CHARS - 3] + "..."
        message = f"cannot be parsed: {first_line or type(error).__name__}"
        return fragment, [], ParseProblem(Span(path, line, column, line, column), message)
    deep = _too_deep(tree)
    if deep is not None:
        line = getattr(deep.meta, "line", 1) + shift
        column = getattr(deep.meta, "column", 1)
        message = f"cannot be read: nested more than {MAX_DEPTH} levels deep"
        return fragment, [], ParseProblem(Span(path, line, column, line, column), message, True)
    _shift_lines(tree, shift)
    return fragment, list(_top_blocks(tree)), None


def _shift_lines(tree: Tree, shift: int) -> None:
    """Move every node and token of `tree` down `shift` lines."""
    seen: set[int] = set()
    for subtree in tree.iter_subtrees():
        items: list[object] = [subtree.meta]
        items.extend(child for child in subtree.children if isinstance(child, Token))
        for item in items:
            if id(item) in seen or getattr(item, "line", None) is None:
                continue
            seen.add(id(item))
            item.line += shift  # type: ignore[attr-defined]
            item.end_line += shift  # type: ignore[attr-defined]


def parse_file(text: str) -> Tree | None:
    """A whole small file (a variable definitions file), or None when it does not parse or
    nests too deep."""
    try:
        tree = hcl2.parses_to_tree(text if text.endswith("\n") else text + "\n")
    except Exception:  # python-hcl2 raises Lark errors and its own ValueErrors
        return None
    return None if _too_deep(tree) is not None else tree


def _too_deep(tree: Tree) -> Tree | None:
    """The first node found below MAX_DEPTH levels, walked without recursion."""
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            return node
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return None


def _top_blocks(tree: Tree) -> Iterator[Tree]:
    body = tree.children[0]
    for child in body.children:
        if isinstance(child, Tree) and child.data == "block":
            yield child


def span_of(path: str, node: Tree) -> Span:
    meta = node.meta
    return Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def block_parts(block: Tree) -> tuple[str, list[str], Tree, Token]:
    """A block's type, its labels, its body and its opening brace."""
    names: list[str] = []
    body: Tree | None = None
    brace: Token | None = None
    for child in block.children:
        if isinstance(child, Token):
            if child.type == "LBRACE":
                brace = child
            continue
        if child.data == "body":
            body = child
        elif child.data in ("identifier", "keyword", "literal_value"):
            names.append(str(child.children[0]))
        elif child.data == "string":
            names.append(
                "".join(str(t) for t in child.scan_values(lambda v: isinstance(v, Token)))[1:-1]
            )
    assert body is not None and brace is not None
    return names[0], names[1:], body, brace


def _attributes(body: Tree, text: str, path: str) -> Iterator[Attribute]:
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = str(child.children[0].children[0])
            yield Attribute(
                name=name, value=value_of(child.children[-1], text), span=span_of(path, child)
            )
        elif child.data == "block":
            block_type, labels, inner, _ = block_parts(child)
            attributes = list(_attributes(inner, text, path))
            value = value_of(child, text)
            yield Attribute(
                name=block_type if not labels else f"{block_type}.{'.'.join(labels)}",
                value=type(value)(
                    kind=value.kind,
                    text=value.text,
                    literal={a.name: a.value.literal for a in attributes},
                    references=_each_once(r for a in attributes for r in a.value.references),
                    functions=_each_once(f for a in attributes for f in a.value.functions),
                ),
                span=span_of(path, child),
                written_as_block=True,
            )


def _each_once(items: Iterator[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def backend_of(
    node: Tree, text: str, path: str, module_dir: str, origin: Origin, enclosing: Span
) -> BackendConfig | None:
    block_type, labels, inner, brace = block_parts(node)
    if block_type == "backend" and labels:
        kind, backend_type = BackendKind.BACKEND, labels[0]
    elif block_type == "cloud":
        kind, backend_type = BackendKind.CLOUD, "cloud"
    else:
        return None
    span = span_of(path, node)
    return BackendConfig(
        kind=kind,
        type=backend_type,
        attributes=tuple(_attributes(inner, text, path)),
        span=span,
        # lark types a token's position optional; its parser always sets it
        header_span=Span(
            path, span.start_line, span.start_column, brace.line or 0, brace.end_column or 0
        ),
        module_dir=module_dir,
        syntax=Syntax.HCL,
        origin=origin,
        enclosing_span=enclosing,
    )


def storage_of(
    node: Tree, text: str, path: str, module_dir: str, block: TopLevelBlock
) -> Iterator[StorageResource]:
    resource_type = block.labels[0]
    _, _, body, _ = block_parts(node)
    wanted = STORAGE_NAME_ATTRIBUTE[resource_type]
    for attribute in _attributes(body, text, path):
        if attribute.name == wanted:
            yield StorageResource(resource_type, attribute.value, span_of(path, node), module_dir)
