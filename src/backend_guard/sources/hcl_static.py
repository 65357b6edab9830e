"""HCL expressions evaluated statically, as OpenTofu's static scope does at `tofu init`.

`Evaluator` walks python-hcl2 parse trees: literals, templates, lists and objects, `var.*` (from
what the caller passes, the module's definitions files, `TF_VAR_*`, the default, in that order),
`local.*`, `path.module`, `path.root`, `terraform.workspace`, indexes and a few built-in
functions (`FUNCTIONS`). Anything else is `UNKNOWN`. Each evaluation records where the values it
used came from (`sources`) and the variables nothing sets (`missing`).

Imported only when a module's backend refers to variables or locals: it loads the parser.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lark import Token, Tree

from backend_guard.early_evaluation import Supplied
from backend_guard.model import Span
from backend_guard.sources.hcl_inputs import ModuleInputs, Written
from backend_guard.sources.hcl_values import unescape


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def shown(value: object) -> str:
    """A value as messages write it: HCL-like, strings quoted."""
    return json.dumps(value, ensure_ascii=False)


def where(span: Span) -> str:
    return f"{span.path}:{span.start_line}"


@dataclass
class Evaluator:
    """Evaluates expressions of one module with its inputs and what the caller supplies."""

    inputs: ModuleInputs
    passed: Supplied = field(default_factory=dict)
    environment: Supplied = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # where the values came from, in order
    missing: list[str] = field(default_factory=list)  # variables nothing sets
    _locals: set[str] = field(default_factory=set)  # being evaluated, to stop at a cycle

    def evaluate(self, node: Tree | Token) -> object:
        node = _unwrap(node)
        if isinstance(node, Token):
            return UNKNOWN
        kind = node.data
        if kind == "string":
            return self._template(node)
        if kind in ("int_lit", "float_lit", "literal_value"):
            return _scalar(node)
        if kind == "tuple":
            return _all_known([self.evaluate(c) for c in _trees(node)])
        if kind == "object":
            return self._object(node)
        if kind == "get_attr_expr_term":
            return self._attribute(node)
        if kind == "index_expr_term":
            return self._index(node)
        if kind == "function_call":
            return self._call(node)
        return UNKNOWN

    def written(self, item: Written) -> object:
        if item.node is not None:
            return self.evaluate(item.node)
        value = item.json_value
        return UNKNOWN if isinstance(value, str) and ("${" in value or "%{" in value) else value

    def _template(self, node: Tree) -> object:
        chunks: list[str] = []
        for part in _trees(node):
            first = part.children[0]
            if isinstance(first, Token):
                chunks.append(unescape(str(first)))
                continue
            if first.data != "interpolation":
                return UNKNOWN  # a template directive
            value = self.evaluate(next(c for c in first.children if isinstance(c, Tree)))
            if value is UNKNOWN or isinstance(value, dict | list) or value is None:
                return UNKNOWN
            chunks.append(_text(value))
        return "".join(chunks)

    def _object(self, node: Tree) -> object:
        result: dict[str, object] = {}
        for element in _trees(node):
            if element.data != "object_elem":
                continue
            key_node = _unwrap(element.children[0].children[0])
            if isinstance(key_node, Tree) and key_node.data == "identifier":
                key: object = str(key_node.children[0])
            else:
                key = self.evaluate(key_node)
            value = self.evaluate(element.children[-1])
            if not isinstance(key, str) or value is UNKNOWN:
                return UNKNOWN
            result[key] = value
        return result

    def _attribute(self, node: Tree) -> object:
        inner = _unwrap(node.children[0])
        name = _identifier(node.children[1])
        if name is None:
            return UNKNOWN
        if isinstance(inner, Tree) and inner.data == "identifier":
            return self._named(str(inner.children[0]), name)
        container = self.evaluate(inner)
        return container.get(name, UNKNOWN) if isinstance(container, dict) else UNKNOWN

    def _index(self, node: Tree) -> object:
        container = self.evaluate(node.children[0])
        key = self.evaluate(next(c for c in _trees(node.children[1])))
        if isinstance(container, dict) and isinstance(key, str):
            return container.get(key, UNKNOWN)
        if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
            return container[key]
        return UNKNOWN

    def _named(self, root: str, name: str) -> object:
        if root == "var":
            return self._variable(name)
        if root == "local":
            return self._local(name)
        if root == "path" and name in ("module", "root"):
            return "."  # the root module's own directory, where init runs
        if root == "terraform" and name == "workspace":
            self._note('`terraform.workspace` = "default"')
            return "default"
        return UNKNOWN

    def _variable(self, name: str) -> object:
        reference = f"`var.{name}`"
        if name not in self.inputs.declared:
            self._missing(name)
            return UNKNOWN
        if name in self.passed:
            text, span = self.passed[name]
            self._note(f"{reference} = {shown(text)} passed at {where(span)}")
            return text
        if name in self.inputs.assigned:
            item = self.inputs.assigned[name]
            value = self.written(item)
            self._note(f"{reference} = {shown(value)} in {where(item.span)}", value)
            return value
        if name in self.environment:
            text, span = self.environment[name]
            self._note(f"{reference} = {shown(text)} from `TF_VAR_{name}` at {where(span)}")
            return text
        if name in self.inputs.defaults:
            item = self.inputs.defaults[name]
            value = self.written(item)
            self._note(f"{reference} = {shown(value)}, its default at {where(item.span)}", value)
            return value
        self._missing(name)
        return UNKNOWN

    def _local(self, name: str) -> object:
        item = self.inputs.locals.get(name)
        if item is None or name in self._locals:
            return UNKNOWN
        self._locals.add(name)
        try:
            value = self.written(item)
        finally:
            self._locals.discard(name)
        self._note(f"`local.{name}` at {where(item.span)}", value)
        return value

    def _call(self, node: Tree) -> object:
        name = "::".join(str(c.children[0]) for c in _trees(node) if c.data == "identifier")
        function = FUNCTIONS.get(name)
        arguments = next((c for c in _trees(node) if c.data == "arguments"), None)
        if function is None:
            return UNKNOWN
        values = [] if arguments is None else [self.evaluate(c) for c in _trees(arguments)]
        if any(value is UNKNOWN for value in values):
            return UNKNOWN
        try:
            return function(*values)
        except (TypeError, ValueError, KeyError, IndexError):
            return UNKNOWN

    def _note(self, source: str, value: object = None) -> None:
        if value is not UNKNOWN and source not in self.sources:
            self.sources.append(source)

    def _missing(self, name: str) -> None:
        if name not in self.missing:
            self.missing.append(name)


def _unwrap(node: Tree | Token) -> Tree | Token:
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return node


def _trees(node: Tree) -> list[Tree]:
    return [
        child
        for child in node.children
        if isinstance(child, Tree) and child.data != "new_line_or_comment"
    ]


def _identifier(node: Tree | Token) -> str | None:
    """The name of a `.name` part."""
    if isinstance(node, Token):
        return None
    names = [str(t) for t in node.scan_values(lambda v: isinstance(v, Token)) if str(t) != "."]
    return names[0] if names else None


def _scalar(node: Tree) -> object:
    token = str(node.children[0])
    if node.data == "int_lit":
        return int(token)
    if node.data == "float_lit":
        return float(token)
    return {"true": True, "false": False}.get(token)


def _all_known(items: list[object]) -> object:
    return UNKNOWN if any(item is UNKNOWN for item in items) else items


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _format(spec: str, *values: object) -> str:
    pieces = spec.split("%%")
    result: list[str] = []
    remaining = list(values)
    for index, piece in enumerate(pieces):
        parts = piece.split("%")
        result.append(parts[0])
        for verb in parts[1:]:
            if not verb or verb[0] not in "sdv":
                raise ValueError(spec)
            result.append(_text(remaining.pop(0)) + verb[1:])
        if index < len(pieces) - 1:
            result.append("%")
    return "".join(result)


def _strings(function: Callable[..., str]) -> Callable[..., str]:
    def checked(*values: object) -> str:
        if not all(isinstance(value, str) for value in values):
            raise TypeError("strings only")
        return function(*values)

    return checked


def _coalesce(*values: object) -> object:
    return next(value for value in values if value not in (None, ""))


def _join(separator: object, items: object) -> str:
    if not isinstance(separator, str) or not isinstance(items, list):
        raise TypeError("join")
    return separator.join(_text(item) for item in items)


def _replace(text: str, old: str, new: str) -> str:
    if old.startswith("/") and old.endswith("/") and len(old) > 1:
        raise ValueError("a regular expression")  # evaluated as one by the engine
    return text.replace(old, new)


# The built-in functions evaluated here; any other call leaves its value unknown.
FUNCTIONS: Mapping[str, Callable[..., object]] = {
    "lower": _strings(str.lower),
    "upper": _strings(str.upper),
    "trimspace": _strings(str.strip),
    "trimprefix": _strings(str.removeprefix),
    "trimsuffix": _strings(str.removesuffix),
    "replace": _strings(_replace),
    "format": lambda spec, *values: _format(spec, *values),
    "join": _join,
    "coalesce": _coalesce,
}


def parsed_expression(text: str) -> Tree | Token | None:
    import hcl2

    try:
        tree = hcl2.parses_to_tree(f"v = {text}\n")
    except Exception:  # python-hcl2 raises Lark errors and its own ValueErrors
        return None
    attribute = tree.children[0].children[0]
    return attribute.children[-1] if isinstance(attribute, Tree) else None
