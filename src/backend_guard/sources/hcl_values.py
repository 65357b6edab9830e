"""Turn python-hcl2's Lark expression trees into model `Value`s: literals, references, calls."""

from __future__ import annotations

import re

from lark import Token, Tree

from backend_guard.model import Value, ValueKind

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{")


def unescape(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("$${", "%%{"):
            return whole[1:]
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, whole)

    return _ESCAPE.sub(replace, raw)


def source_text(node: Tree | Token, text: str) -> str:
    if isinstance(node, Token):
        return str(node)
    return text[node.meta.start_pos : node.meta.end_pos]


def _unwrap(node: Tree | Token) -> Tree | Token:
    """Strip the single-child `expr_term` wrappers python-hcl2 puts around every term."""
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return node


_NO_LITERAL = object()


def _literal(node: Tree | Token) -> object:
    """The Python value of a constant expression, or `_NO_LITERAL`."""
    node = _unwrap(node)
    if isinstance(node, Token):
        return _NO_LITERAL
    kind = node.data
    if kind == "string":
        parts = [child for child in node.children if isinstance(child, Tree)]
        chunks: list[str] = []
        for part in parts:
            token = part.children[0]
            if not isinstance(token, Token):
                return _NO_LITERAL  # an interpolation or template directive
            chunks.append(str(token))
        return unescape("".join(chunks))
    if kind == "literal_value":
        return {"true": True, "false": False, "null": None}[str(node.children[0])]
    if kind == "int_lit":
        return int(str(node.children[0]))
    if kind == "float_lit":
        return float(str(node.children[0]))
    if kind == "unary_op" and str(node.children[0]) == "-":
        inner = _literal(node.children[1])
        return -inner if isinstance(inner, int | float) else _NO_LITERAL
    if kind == "tuple":
        items = [_literal(child) for child in node.children if isinstance(child, Tree)]
        items = [item for item in items if item is not _SKIP]
        return _NO_LITERAL if _NO_LITERAL in items else items
    if kind == "object":
        result: dict[str, object] = {}
        for element in node.children:
            if not (isinstance(element, Tree) and element.data == "object_elem"):
                continue
            key_node = _unwrap(element.children[0].children[0])
            key = _literal(key_node)
            if key is _NO_LITERAL and isinstance(key_node, Tree) and key_node.data == "identifier":
                key = str(key_node.children[0])
            value = _literal(element.children[-1])
            if not isinstance(key, str) or value is _NO_LITERAL:
                return _NO_LITERAL
            result[key] = value
        return result
    if kind == "new_line_or_comment":
        return _SKIP
    return _NO_LITERAL


_SKIP = object()


def _references_and_calls(node: Tree | Token, refs: list[str], calls: list[str]) -> None:
    if isinstance(node, Token):
        return
    kind = node.data
    if kind == "function_call":
        names = [
            str(c.children[0])
            for c in node.children
            if isinstance(c, Tree) and c.data == "identifier"
        ]
        calls.append("::".join(names))
        for child in node.children:
            if isinstance(child, Tree) and child.data == "arguments":
                _references_and_calls(child, refs, calls)
        return
    if kind in _TRAVERSALS:
        _traversal_references(node, refs, calls)
        return
    if kind == "identifier":
        refs.append(str(node.children[0]))
        return
    if kind == "object_elem":
        key = _unwrap(node.children[0].children[0])
        if not (isinstance(key, Tree) and key.data == "identifier"):
            _references_and_calls(key, refs, calls)
        _references_and_calls(node.children[-1], refs, calls)
        return
    if kind in ("for_tuple_expr", "for_object_expr"):
        calls.append("for")  # an iteration is as dynamic as a call for a backend block
    for child in node.children:
        _references_and_calls(child, refs, calls)


_TRAVERSALS = (
    "get_attr_expr_term",
    "index_expr_term",
    "attr_splat_expr_term",
    "full_splat_expr_term",
)


def _traversal_references(node: Tree, refs: list[str], calls: list[str]) -> None:
    """What `a.b[c].d` refers to: `a.b` (a root and its first attribute), and what the index
    expressions on the way refer to."""
    chain: list[Tree] = []
    base: Tree | Token = node
    while isinstance(base, Tree) and base.data in _TRAVERSALS:
        chain.append(base)
        base = _unwrap(base.children[0])
    if isinstance(base, Tree) and base.data == "identifier":
        name = str(base.children[0])
        first = chain[-1]
        attr = first.children[1]
        if first.data == "get_attr_expr_term" and isinstance(attr, Tree):
            attr_name = [
                str(t) for t in attr.scan_values(lambda v: isinstance(v, Token)) if str(t) != "."
            ]
            refs.append(f"{name}.{attr_name[0]}" if attr_name else name)
        else:
            refs.append(name)
    else:
        _references_and_calls(base, refs, calls)
    for link in chain:  # only index expressions can refer to more; `.name` parts cannot
        for child in link.children[1:]:
            if isinstance(child, Tree) and child.data == "braces_index":
                _references_and_calls(child, refs, calls)


def value_of(node: Tree | Token, text: str) -> Value:
    """Describe an expression node; `text` is the string the tree was parsed from."""
    written = source_text(node, text)
    literal = _literal(node)
    if literal is not _NO_LITERAL:
        return Value(kind=ValueKind.LITERAL, text=written, literal=literal)
    refs: list[str] = []
    calls: list[str] = []
    _references_and_calls(node, refs, calls)
    return Value(
        kind=ValueKind.EXPRESSION,
        text=written,
        references=tuple(dict.fromkeys(refs)),
        functions=tuple(dict.fromkeys(calls)),
    )
