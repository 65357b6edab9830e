"""CDKTF Java programs to `BackendConfig` facts, with tree-sitter.

Nothing is run or compiled. Backend classes of `com.hashicorp.cdktf` (imported by name or with
`.*`, or written fully qualified) are found in both of the shapes Java code builds them in:
`new S3Backend(this, S3BackendConfig.builder().bucket("b").key("k").build())` and
`S3Backend.Builder.create(this).bucket("b").key("k").build()`. Each builder call is a property,
named as synth names it (`dynamodbTable(...)` -> `dynamodb_table`). Values are resolved as far
as reading allows: string (text blocks too), number and boolean literals, and local variables and
fields initialised in scope. `addOverride("terraform.backend.<type>.<arg>", value)` on the stack
adds to its backend. A stack is its class, or the id a literal gives the scope it is built in.
"""

from __future__ import annotations

import re
from functools import cache

import tree_sitter_java
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
    unescape,
    walk,
    workspace,
)

PACKAGE = "com.hashicorp.cdktf"
TOP_LEVEL = "(top level)"
_NUMBERS = frozenset(
    {
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
        "decimal_floating_point_literal",
    }
)
_LITERAL_NODES = _NUMBERS | {"string_literal", "true", "false"}
_CLASSES = frozenset({"class_declaration", "enum_declaration", "record_declaration"})
_MAX_DEPTH = 20
_SPACE = re.compile(r"\s+")


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_java.language()))


class Program(ParsedSource):
    """One parsed Java file and the `com.hashicorp.cdktf` classes it imports."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text, _parser())
        self.wildcard = False  # `import com.hashicorp.cdktf.*;`
        for statement in self.root.named_children:
            if statement.type != "import_declaration" or not statement.named_children:
                continue
            name = self.node_text(statement.named_children[0])
            if any(c.type == "asterisk" for c in statement.children):
                self.wildcard = self.wildcard or name == PACKAGE
            elif name.rsplit(".", 1)[0] == PACKAGE:
                class_name = name.rsplit(".", 1)[1]
                if class_name in BACKEND_CLASSES or class_name in WORKSPACE_CLASSES:
                    self.classes[class_name] = class_name

    def class_named(self, node: Node) -> tuple[str | None, str | None]:
        """The cdktf class a type or name stands for (`S3Backend`, `com.hashicorp.cdktf.S3Backend`),
        and the package it is written with."""
        text = _SPACE.sub("", self.node_text(node))
        package, _, name = text.rpartition(".")
        if package == PACKAGE:
            return name, package
        if package or not (self.wildcard or name in self.classes):
            return None, None
        return name, None

    # -- constructs ---------------------------------------------------------------------------

    def constructs(self) -> list[Construct]:
        found: list[Construct] = []
        bound: dict[tuple[str, str], Construct] = {}
        for node in walk(self.root):
            construct = None
            if node.type == "object_creation_expression":
                construct = self._created(node)
            elif node.type == "method_invocation":
                construct = self._built(node)
            if construct is None:
                continue
            found.append(construct)
            declarator = construct.node.parent
            if declarator is not None and declarator.type == "variable_declarator":
                name = declarator.child_by_field_name("name")
                if name is not None:
                    bound[(construct.stack, self.node_text(name))] = construct
        by_stack = {c.stack: c for c in found}
        for node in walk(self.root):
            if node.type != "method_invocation":
                continue
            name, target = node.child_by_field_name("name"), node.child_by_field_name("object")
            values = _arguments(node)
            if name is None or self.node_text(name) != "addOverride" or len(values) < 2:
                continue
            path = self.resolve(values[0]).literal
            if not isinstance(path, str):
                continue
            stack = self._stack(node, target)
            owner = bound.get((stack, self.node_text(target))) if target is not None else None
            attach_override(found, by_stack, owner, node, path, values[1], stack)
        return found

    def _created(self, node: Node) -> Construct | None:
        """`new S3Backend(this, config)`."""
        kind = node.child_by_field_name("type")
        class_name, package = self.class_named(kind) if kind is not None else (None, None)
        if class_name not in BACKEND_CLASSES:
            return None
        values = _arguments(node)
        props = self._builder(values[1]) if len(values) > 1 else None
        return Construct(
            node, class_name, package, props, self._stack(node, values[0] if values else None)
        )

    def _built(self, node: Node) -> Construct | None:
        """`S3Backend.Builder.create(this)...build()`: found at `create`, made of the whole chain."""
        name, builder = node.child_by_field_name("name"), node.child_by_field_name("object")
        if name is None or builder is None or self.node_text(name) != "create":
            return None
        if builder.type != "field_access":
            return None
        owner, field = builder.child_by_field_name("object"), builder.child_by_field_name("field")
        if owner is None or field is None or self.node_text(field) != "Builder":
            return None
        class_name, package = self.class_named(owner)
        if class_name not in BACKEND_CLASSES:
            return None
        chain = node
        while (
            chain.parent is not None
            and chain.parent.type == "method_invocation"
            and chain.parent.child_by_field_name("object") == chain
        ):
            chain = chain.parent
        values = _arguments(node)
        return Construct(
            chain, class_name, package, chain, self._stack(chain, values[0] if values else None)
        )

    def _builder(self, node: Node, depth: int = 0) -> Node | None:
        """The `...builder()...build()` chain a config is, written in place or in a variable."""
        if depth > _MAX_DEPTH:
            return None
        if node.type == "parenthesized_expression" and node.named_children:
            return self._builder(node.named_children[0], depth + 1)
        if node.type == "identifier":
            value = self.binding(self.node_text(node), node)
            return self._builder(value, depth + 1) if value is not None else None
        return node if node.type == "method_invocation" else None

    def _stack(self, node: Node, scope: Node | None) -> str:
        """The id a literal gives the scope (`TerraformStack stack = new TerraformStack(app,
        "prod")`), else the enclosing class."""
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
        """The value `name` was last declared or assigned with before `at` in an enclosing block,
        or the initialiser of a field of that name in an enclosing class."""
        scope = at.parent
        while scope is not None:
            if scope.type in ("block", "constructor_body", "switch_block_statement_group"):
                value = None
                for statement in scope.named_children:
                    if statement.start_byte >= at.start_byte:
                        break
                    value = self._bound_by(statement, name) or value
                if value is not None:
                    return value
            elif scope.type == "class_body":
                for member in scope.named_children:
                    value = self._bound_by(member, name)
                    if value is not None:
                        return value
            scope = scope.parent
        return None

    def _bound_by(self, statement: Node, name: str) -> Node | None:
        if statement.type in ("local_variable_declaration", "field_declaration"):
            value = None
            for declarator in statement.children_by_field_name("declarator"):
                key = declarator.child_by_field_name("name")
                if key is not None and self.node_text(key) == name:
                    value = declarator.child_by_field_name("value")
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
        if kind == "string_literal":
            return Resolved(self._string(node))
        if kind in _NUMBERS:
            return Resolved(number(self.node_text(node)))
        if kind in ("true", "false"):
            return Resolved(kind == "true")
        if kind in ("parenthesized_expression", "cast_expression") and node.named_children:
            return self.resolve(node.named_children[-1], depth + 1)
        if kind == "identifier":
            value = self.binding(self.node_text(node), node)
            return self.resolve(value, depth + 1) if value is not None else Resolved()
        if kind == "field_access":
            return Resolved(props=(self.node_text(node),))
        if kind == "object_creation_expression":
            created = node.child_by_field_name("type")
            class_name = self.class_named(created)[0] if created is not None else None
            values = _arguments(node)
            if class_name in WORKSPACE_CLASSES and values:
                return workspace(class_name, self.resolve(values[0], depth + 1))
        return Resolved()

    def _string(self, node: Node) -> str:
        text = self.node_text(node)
        if not text.startswith('"""'):
            return unescape(text[1:-1])
        # A text block: from the line after the opening quotes, without the common indentation.
        body = text[3:-3].split("\n", 1)[1] if "\n" in text[3:-3] else ""
        lines = body.split("\n")
        margins = [len(line) - len(line.lstrip()) for line in lines[:-1] if line.strip()]
        margins.append(len(lines[-1]) - len(lines[-1].lstrip()))
        margin = min(margins)
        last = lines[-1][margin:] if lines[-1].strip() else ""
        return unescape("\n".join([line[margin:].rstrip() for line in lines[:-1]] + [last]))

    # -- facts ------------------------------------------------------------------------------

    def attributes(self, construct: Construct) -> list[Attribute]:
        """One property per call of the builder chain, from `builder()`/`create(...)` on."""
        result: list[Attribute] = []
        chain = construct.props
        while chain is not None and chain.type == "method_invocation":
            name, values = chain.child_by_field_name("name"), _arguments(chain)
            if name is None or self.node_text(name) in ("builder", "create"):
                break
            if len(values) == 1:
                result.append(
                    Attribute(
                        argument_name(self.node_text(name)),
                        self.value(values[0]),
                        self.span_between(name, chain),
                    )
                )
            chain = chain.child_by_field_name("object")
        return result[::-1]

    def value(self, node: Node) -> Value:
        return program_value(
            self.node_text(node), self.resolve(node), literal_syntax=node.type in _LITERAL_NODES
        )

    def dedicated_bindings(self, construct: Construct) -> list[tuple[str, Node, Node]]:
        """None: bindings are reported for removal only where a fix removes them."""
        return []


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [a for a in arguments.named_children if "comment" not in a.type]


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one Java file (none when it is not CDKTF code)."""
    if "cdktf" not in text:
        return FileFacts(path=path)
    program = Program(path, text)
    return facts_of(program, module_dir, Syntax.JAVA, "type", path)
