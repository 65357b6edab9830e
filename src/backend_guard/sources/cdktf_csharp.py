"""CDKTF C# programs to `BackendConfig` facts, with tree-sitter.

Nothing is run or compiled. Backend classes of the `HashiCorp.Cdktf` namespace (after `using
HashiCorp.Cdktf;`, through a `using` alias of the namespace or the class, or written fully
qualified) are found in the syntax tree: `new S3Backend(this, new S3BackendConfig { Bucket = "b",
Key = "k" })`. Each initializer assignment is a property, named as synth names it (`DynamodbTable`
-> `dynamodb_table`). Values are resolved as far as reading allows: string (verbatim, raw and
interpolated too), number and boolean literals, locals and fields initialised in scope, and `x ??
"default"`. `AddOverride("terraform.backend.<type>.<arg>", value)` on the stack adds to its
backend. A stack is its class, or the id a literal gives the scope it is built in.
"""

from __future__ import annotations

import re
from functools import cache

import tree_sitter_c_sharp
from tree_sitter import Language, Node, Parser

from backend_guard.model import Attribute, FileFacts, Syntax, Value
from backend_guard.sources.cdktf_common import (
    BACKEND_CLASSES,
    WORKSPACE_CLASSES,
    Construct,
    ParsedSource,
    Resolved,
    argument_name,
    attach_override,
    facts_of,
    number,
    program_value,
    shown,
    unescape,
    walk,
    workspace,
)

NAMESPACE = "HashiCorp.Cdktf"
TOP_LEVEL = "(top level)"
_STRINGS = frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal"})
_LITERAL_NODES = _STRINGS | {"integer_literal", "real_literal", "boolean_literal"}
_CLASSES = frozenset(
    {"class_declaration", "struct_declaration", "record_declaration", "record_struct_declaration"}
)
_BLOCKS = frozenset({"block", "compilation_unit"})
_MAX_DEPTH = 20
_SPACE = re.compile(r"\s+")


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_c_sharp.language()))


class Program(ParsedSource):
    """One parsed C# file and the names it uses `HashiCorp.Cdktf` and its classes under."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text, _parser())
        self.opened = False  # `using HashiCorp.Cdktf;`: the classes unqualified
        for using in (n for n in walk(self.root) if n.type == "using_directive"):
            self._read_using(using)

    def _read_using(self, using: Node) -> None:
        if any(c.type == "static" for c in using.children):
            return
        alias = using.child_by_field_name("name")
        target = next((c for c in using.named_children if c != alias), None)
        if target is None:
            return
        name = self._qualified(target)
        if alias is None:
            self.opened = self.opened or name == NAMESPACE
        elif name == NAMESPACE:
            self.namespaces.add(self.node_text(alias))
        else:
            qualifier, _, class_name = name.rpartition(".")
            if qualifier == NAMESPACE and (
                class_name in BACKEND_CLASSES or class_name in WORKSPACE_CLASSES
            ):
                self.classes[self.node_text(alias)] = class_name

    def _qualified(self, node: Node) -> str:
        return _SPACE.sub("", self.node_text(node)).removeprefix("global::")

    def class_named(self, node: Node) -> tuple[str | None, str | None]:
        """The cdktf class a type stands for (`S3Backend`, `HashiCorp.Cdktf.S3Backend`, an alias),
        and the namespace it is written with."""
        qualifier, _, name = self._qualified(node).rpartition(".")
        if qualifier == NAMESPACE or qualifier in self.namespaces:
            return name, qualifier
        if qualifier:
            return None, None
        if name in self.classes:
            return self.classes[name], None
        return (name, None) if self.opened else (None, None)

    # -- constructs ---------------------------------------------------------------------------

    def constructs(self) -> list[Construct]:
        found: list[Construct] = []
        bound: dict[tuple[str, str], Construct] = {}
        for node in walk(self.root):
            if node.type != "object_creation_expression":
                continue
            construct = self._construct(node)
            if construct is None:
                continue
            found.append(construct)
            declarator = node.parent
            if declarator is not None and declarator.type == "variable_declarator":
                name = declarator.child_by_field_name("name")
                if name is not None:
                    bound[(construct.stack, self.node_text(name))] = construct
        by_stack = {c.stack: c for c in found}
        for node in walk(self.root):
            if node.type != "invocation_expression":
                continue
            function = node.child_by_field_name("function")
            values = _arguments(node)
            if function is None or len(values) < 2:
                continue
            target = None
            if function.type == "member_access_expression":
                target = function.child_by_field_name("expression")
                function = function.child_by_field_name("name")
            if function is None or self.node_text(function) != "AddOverride":
                continue
            path = self.resolve(values[0]).literal
            if not isinstance(path, str):
                continue
            stack = self._stack(node, target)
            owner = bound.get((stack, self.node_text(target))) if target is not None else None
            attach_override(found, by_stack, owner, node, path, values[1], stack)
        return found

    def _construct(self, node: Node) -> Construct | None:
        kind = node.child_by_field_name("type")
        class_name, namespace = self.class_named(kind) if kind is not None else (None, None)
        if class_name not in BACKEND_CLASSES:
            return None
        values = _arguments(node)
        props = self._initializer(values[1]) if len(values) > 1 else None
        stack = self._stack(node, values[0] if values else None)
        return Construct(node, class_name, namespace, props, stack)

    def _initializer(self, node: Node, depth: int = 0) -> Node | None:
        """The `{ Bucket = ..., ... }` of a config: `new S3BackendConfig { ... }`, `new() { ... }`
        or a variable holding one."""
        if depth > _MAX_DEPTH:
            return None
        if node.type == "parenthesized_expression" and node.named_children:
            return self._initializer(node.named_children[0], depth + 1)
        if node.type == "identifier":
            value = self.binding(self.node_text(node), node)
            return self._initializer(value, depth + 1) if value is not None else None
        if node.type in ("object_creation_expression", "implicit_object_creation_expression"):
            return next(
                (c for c in node.named_children if c.type == "initializer_expression"), None
            )
        return None

    def _stack(self, node: Node, scope: Node | None) -> str:
        """The id a literal gives the scope (`var stack = new TerraformStack(app, "prod")`), else
        the enclosing class."""
        if scope is not None and scope.type == "identifier":
            value = self.binding(self.node_text(scope), scope)
            values = (
                _arguments(value)
                if value is not None and value.type == "object_creation_expression"
                else []
            )
            if len(values) > 1:
                stack_id = self.resolve(values[1]).literal
                if isinstance(stack_id, str):
                    return stack_id
        parent = node.parent
        while parent is not None:
            if parent.type in _CLASSES:
                name = parent.child_by_field_name("name")
                if name is not None:
                    return self.node_text(name)
            parent = parent.parent
        return TOP_LEVEL

    # -- values -------------------------------------------------------------------------------

    def binding(self, name: str, at: Node) -> Node | None:
        """The value `name` was last declared or assigned with before `at` in an enclosing block
        (top-level statements too), or the initialiser of a field of that name in an enclosing
        type."""
        scope = at.parent
        while scope is not None:
            if scope.type in _BLOCKS:
                value = None
                for statement in scope.named_children:
                    if statement.start_byte >= at.start_byte:
                        break
                    if statement.type == "global_statement" and statement.named_children:
                        statement = statement.named_children[0]
                    value = self._bound_by(statement, name) or value
                if value is not None:
                    return value
            elif scope.type == "declaration_list":
                for member in scope.named_children:
                    value = self._bound_by(member, name)
                    if value is not None:
                        return value
            scope = scope.parent
        return None

    def _bound_by(self, statement: Node, name: str) -> Node | None:
        if statement.type in ("local_declaration_statement", "field_declaration"):
            value = None
            for declaration in statement.named_children:
                if declaration.type != "variable_declaration":
                    continue
                for declarator in declaration.named_children:
                    key = declarator.child_by_field_name("name")
                    if key is not None and self.node_text(key) == name:
                        value = _initial_value(declarator, key)
            return value
        if statement.type == "expression_statement" and statement.named_children:
            assignment = statement.named_children[0]
            left = assignment.child_by_field_name("left")
            operator = assignment.child_by_field_name("operator")
            if (
                assignment.type == "assignment_expression"
                and left is not None
                and operator is not None
                and self.node_text(operator) == "="
                and self.node_text(left) in (name, f"this.{name}")
            ):
                return assignment.child_by_field_name("right")
        return None

    def resolve(self, node: Node, depth: int = 0) -> Resolved:
        if depth > _MAX_DEPTH:
            return Resolved()
        kind = node.type
        if kind in _STRINGS:
            return Resolved(self._string(node))
        if kind in ("integer_literal", "real_literal"):
            return Resolved(number(self.node_text(node)))
        if kind == "boolean_literal":
            return Resolved(self.node_text(node) == "true")
        if kind == "interpolated_string_expression":
            return self._interpolated(node, depth)
        if kind in ("parenthesized_expression", "cast_expression") and node.named_children:
            return self.resolve(node.named_children[-1], depth + 1)
        if kind == "identifier":
            value = self.binding(self.node_text(node), node)
            return self.resolve(value, depth + 1) if value is not None else Resolved()
        if kind == "member_access_expression":
            return Resolved(props=(self.node_text(node),))
        if kind == "invocation_expression":
            function = node.child_by_field_name("function")
            text = self.node_text(function) if function is not None else ""
            if text.rpartition(".")[2] == "GetEnvironmentVariable":
                return Resolved(props=(self.node_text(node),))
            return Resolved()
        if kind == "binary_expression":
            return self._coalesce(node, depth)
        if kind == "object_creation_expression":
            created = node.child_by_field_name("type")
            class_name = self.class_named(created)[0] if created is not None else None
            values = _arguments(node)
            if class_name in WORKSPACE_CLASSES and values:
                return workspace(class_name, self.resolve(values[0], depth + 1))
        return Resolved()

    def _coalesce(self, node: Node, depth: int) -> Resolved:
        """`x ?? "default"`: x when known, else the default."""
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or left is None or right is None or self.node_text(operator) != "??":
            return Resolved()
        first = self.resolve(left, depth + 1)
        if first.literal is not None:
            return first
        fallback = self.resolve(right, depth + 1)
        if fallback.literal is None:
            return Resolved(props=first.props + fallback.props)
        return Resolved(
            fallback.literal,
            f"{shown(fallback.literal)} (the default of `{self.node_text(left)}`)",
            first.props + fallback.props,
        )

    def _string(self, node: Node) -> str:
        text = self.node_text(node)
        if node.type == "verbatim_string_literal":
            return text[2:-1].replace('""', '"')
        if node.type == "raw_string_literal":
            return _raw(
                "".join(self.node_text(c) for c in node.children if c.type == "raw_string_content")
            )
        return unescape(text[1:-1])

    def _interpolated(self, node: Node, depth: int) -> Resolved:
        verbatim = "@" in self.node_text(node).split('"', 1)[0]
        parts: list[str] = []
        props: tuple[str, ...] = ()
        known = True
        for child in node.named_children:
            if child.type == "string_content":
                content = self.node_text(child)
                parts.append(content.replace('""', '"') if verbatim else content)
            elif child.type == "escape_sequence":
                parts.append(unescape(self.node_text(child)))
            elif child.type == "interpolation":
                inside = [c for c in child.named_children if c.type != "interpolation_brace"]
                # `{x,5:N}` aligns and formats x: what it shows is not x as written
                formatted = len(inside) != 1
                expression = inside[0] if inside else None
                inner = (
                    self.resolve(expression, depth + 1)
                    if expression is not None and not formatted
                    else Resolved()
                )
                props += inner.props
                if inner.literal is None:
                    known = False
                else:
                    parts.append(str(inner.literal))
        return Resolved("".join(parts) if known else None, props=props)

    # -- facts ------------------------------------------------------------------------------

    def attributes(self, construct: Construct) -> list[Attribute]:
        result: list[Attribute] = []
        for assignment in construct.props.named_children if construct.props is not None else []:
            left, right = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            )
            if assignment.type != "assignment_expression" or left is None or right is None:
                continue
            result.append(
                Attribute(
                    argument_name(self.node_text(left)), self.value(right), self.span(assignment)
                )
            )
        return result

    def value(self, node: Node) -> Value:
        literal = node.type in _LITERAL_NODES or (
            node.type == "interpolated_string_expression"
            and not any(c.type == "interpolation" for c in node.named_children)
        )
        return program_value(self.node_text(node), self.resolve(node), literal_syntax=literal)

    def dedicated_bindings(self, construct: Construct) -> list[tuple[str, Node, Node]]:
        """None: bindings are reported for removal only where a fix removes them."""
        return []


def _arguments(call: Node) -> list[Node]:
    """The argument expressions of a call or `new`, named ones (`props: ...`) by position."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    result = []
    for argument in arguments.named_children:
        if argument.type == "argument":  # `this` is no named node: the argument stands for it
            name = argument.child_by_field_name("name")
            result.append(next((c for c in argument.named_children if c != name), argument))
    return result


def _initial_value(declarator: Node, name: Node) -> Node | None:
    """`"b"` in `bucket = "b"`: the declarator's child after its name (the grammar gives it no
    field)."""
    return next(
        (c for c in declarator.named_children if c != name and c.type != "bracketed_argument_list"),
        None,
    )


def _raw(content: str) -> str:
    """A raw string's text: a multi-line one loses its first and last lines and the indentation
    of its closing line."""
    if "\n" not in content:
        return content
    lines = content.split("\n")[1:]
    margin = len(lines[-1]) if not lines[-1].strip() else 0
    return "\n".join(line[margin:] for line in lines[:-1])


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one C# file (none when it is not CDKTF code)."""
    if "Cdktf" not in text:
        return FileFacts(path=path)
    program = Program(path, text)
    return facts_of(program, module_dir, Syntax.CSHARP, "type", path)
