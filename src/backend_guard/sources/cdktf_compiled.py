"""What the sources of CDKTF programs in Go, Java and C# share.

Each language's `Program` names its syntax (which nodes are literals, which make a stack, which
scopes hold statements) and reads what only it has (imports, configs, string forms); the rest is
here: finding the backend constructs and the `addOverride` calls on them or on their stack, the
value a name is bound to in scope, the stack a construct belongs to, and values that are literals.
Java and C# also share how a class is made and a field is declared: `ClassBasedProgram`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cache
from typing import ClassVar

from tree_sitter import Language, Node, Parser

from backend_guard.model import Attribute, FileFacts, Syntax, Value
from backend_guard.sources.cdktf_common import (
    BACKEND_CLASSES,
    OVERRIDE_PATH,
    WORKSPACE_CLASSES,
    Construct,
    ParsedSource,
    Resolved,
    facts_of,
    program_value,
    walk,
    workspace,
)

TOP_LEVEL = "(top level)"
MAX_DEPTH = 20  # bindings resolved through bindings: enough for real code, bounded for hostile
_NULLS = frozenset({"nil", "null_literal"})  # `NewLocalBackend(stack, nil)`: no config at all

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f"}
_ESCAPE = re.compile(
    r"\\(u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)", re.S
)
_NUMBER_SUFFIX = re.compile(r"[lLuUfFdDmM]+$")
_SPACE = re.compile(r"\s+")


def unescape(text: str) -> str:
    """A backslash escape of Go, Java or C# (`\\n`, `\\"`, `\\u00e9`) as the text it stands for."""

    def one(match: re.Match[str]) -> str:
        body = match[1]
        if body[0] in "uUx" and len(body) > 1:
            code = int(body[1:].strip("{}"), 16)
            return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)
        return _ESCAPES.get(body, body)

    return _ESCAPE.sub(one, text)


def number(text: str) -> object:
    """A numeric literal's value (`3`, `0x1F`, `1_000L`, `2.5f`), or None."""
    plain = text.replace("_", "")
    hexadecimal = plain[:2].lower() == "0x"  # where `f` and `d` are digits
    plain = plain.rstrip("lLuU") if hexadecimal else _NUMBER_SUFFIX.sub("", plain)
    try:
        return int(plain, 0)
    except ValueError:
        pass
    try:
        return float(plain)
    except ValueError:
        return None


def shown(value: object) -> str:
    """A known value as a message shows it: `'acme'`, `true`, `3`."""
    if isinstance(value, str):
        return f"'{value}'"
    return str(value).lower() if isinstance(value, bool) else str(value)


@cache
def _parser(grammar: Callable[[], object]) -> Parser:
    return Parser(Language(grammar()))


def _attach_override(
    found: list[Construct],
    by_stack: dict[str, Construct],
    owner: Construct | None,
    override: tuple[Node, str, Node],
    stack: str,
) -> None:
    """Add an override (call, path, value) to the backend it writes into: `owner`, the construct
    the call was made on, or for `terraform.backend.<type>.<argument>` the stack's backend (a
    backend of its own when the stack has no construct, as synth makes one)."""
    call, path, value = override
    if owner is not None:
        owner.overrides.append((call, BACKEND_CLASSES[owner.class_name][1], path, value))
        return
    match = OVERRIDE_PATH.fullmatch(path)
    if match is None:
        return
    owner = by_stack.get(stack)
    if owner is None:
        owner = Construct(call, "", None, None, stack)
        by_stack[stack] = owner
        found.append(owner)
    owner.overrides.append((call, match["type"], match["argument"], value))


class CompiledProgram(ParsedSource, ABC):
    """A parsed Go, Java or C# file, read for its backend constructs and their overrides."""

    GRAMMAR: ClassVar[Callable[[], object]]  # the tree-sitter grammar's `language`
    SYNTAX: ClassVar[Syntax]
    CALLEE: ClassVar[str]  # the field of a construct's node that names its class
    STRINGS: ClassVar[frozenset[str]]
    NUMBERS: ClassVar[frozenset[str]]
    BOOLEANS: ClassVar[frozenset[str]]
    MEMBER_ACCESS: ClassVar[str]  # `props.bucket`: a value the program is given
    UNWRAPPED: ClassVar[frozenset[str]]  # `(config)`, and in Go `&config`
    STACK_MAKER: ClassVar[str]  # the call or `new` a stack is made with
    STACK_SCOPES: ClassVar[frozenset[str]]  # the declarations a stack is named after
    BLOCKS: ClassVar[frozenset[str]]  # statements in order: a name is bound by those before
    MEMBERS: ClassVar[frozenset[str]]  # declarations in any order

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text, _parser(type(self).GRAMMAR))

    # -- what each language reads in its own way --------------------------------------------

    @abstractmethod
    def _construct(self, node: Node) -> Construct | None:
        """The backend construct `node` makes, if it makes one."""

    @abstractmethod
    def _bound_name(self, construct: Construct) -> str | None:
        """The name a construct is bound to: `backend` in `backend := cdktf.NewS3Backend(...)`."""

    @abstractmethod
    def _override(self, node: Node) -> tuple[Node | None, list[Node]] | None:
        """The target (None when it is the enclosing object) and the arguments of an
        `addOverride(path, value)` call, if `node` is one."""

    @abstractmethod
    def _config_body(self, node: Node) -> Node | None:
        """The properties of a construct's config, if `node` is a config written in place."""

    @abstractmethod
    def _bound_by(self, statement: Node, name: str) -> Node | None:
        """The value `statement` declares or assigns `name` with, if it does."""

    @abstractmethod
    def _string(self, node: Node) -> str:
        """The text a string literal stands for."""

    @abstractmethod
    def attributes(self, construct: Construct) -> list[Attribute]:
        """The construct's properties, as backend arguments."""

    def _resolve(self, node: Node, depth: int) -> Resolved:
        """What is known of a value that is no literal, name or member access."""
        return Resolved()

    def _unnamed_stack(self, scope: Node | None) -> str:
        """The stack of a construct made outside any declaration that names one."""
        return TOP_LEVEL

    def _literal_syntax(self, node: Node) -> bool:
        return node.type in self.STRINGS | self.NUMBERS | self.BOOLEANS

    def _argument(self, node: Node) -> Node | None:
        """The expression a child of an argument list passes (None for a comment)."""
        return None if "comment" in node.type else node

    def _arguments(self, call: Node) -> list[Node]:
        arguments = call.child_by_field_name("arguments")
        if arguments is None:
            return []
        return [e for e in map(self._argument, arguments.named_children) if e is not None]

    # -- constructs ---------------------------------------------------------------------------

    def storage(self) -> list[tuple[str, str, Node, Node]]:
        """Storage these stacks create is not read in Go, Java and C# (a known limit): a bucket
        made by a bootstrap stack in these languages is reported as made by nothing."""
        return []

    def constructs(self) -> list[Construct]:
        """The backend constructs in source order, each with its overrides, and a construct of
        its own for each stack that only has overrides."""
        found: list[Construct] = []
        bound: dict[tuple[str, str], Construct] = {}
        for node in walk(self.root):
            construct = self._construct(node)
            if construct is None:
                continue
            found.append(construct)
            name = self._bound_name(construct)
            if name is not None:
                bound[(construct.stack, name)] = construct
        by_stack = {c.stack: c for c in found}
        for node in walk(self.root):
            override = self._override(node)
            if override is None:
                continue
            target, values = override
            path = self.resolve(values[0]).literal
            if not isinstance(path, str):
                continue
            stack = self._stack(node, target)
            owner = bound.get((stack, self.node_text(target))) if target is not None else None
            _attach_override(found, by_stack, owner, (node, path, values[1]), stack)
        return found

    def _made(self, node: Node, class_name: str, qualifier: str | None) -> Construct:
        """The construct a constructor call makes: its scope first, its config second."""
        values = self._arguments(node)
        props = self._config(values[1]) if len(values) > 1 else None
        stack = self._stack(node, values[0] if values else None)
        opaque = len(values) > 1 and props is None and values[1].type not in _NULLS
        return Construct(node, class_name, qualifier, props, stack, opaque=opaque)

    def _config(self, node: Node, depth: int = 0) -> Node | None:
        """The properties of a construct's config, written in place or bound to a name."""
        if depth > MAX_DEPTH:
            return None
        if node.type in self.UNWRAPPED:
            inner = node.child_by_field_name("operand") or (
                node.named_children[0] if node.named_children else None
            )
            return self._config(inner, depth + 1) if inner is not None else None
        if node.type == "identifier":
            value = self.binding(self.node_text(node), node)
            return self._config(value, depth + 1) if value is not None else None
        return self._config_body(node)

    def _stack(self, node: Node, scope: Node | None) -> str:
        """The id a literal gives the scope (`stack = new TerraformStack(app, "prod")`), else
        the declaration the construct is made in."""
        if scope is not None and scope.type == "identifier":
            value = self.binding(self.node_text(scope), scope)
            values = (
                self._arguments(value)
                if value is not None and value.type == self.STACK_MAKER
                else []
            )
            if len(values) > 1:
                stack_id = self.resolve(values[1]).literal
                if isinstance(stack_id, str):
                    return stack_id
        parent = node.parent
        while parent is not None:
            if parent.type in self.STACK_SCOPES:
                name = parent.child_by_field_name("name")
                if name is not None:
                    return self.node_text(name)
            parent = parent.parent
        return self._unnamed_stack(scope)

    # -- values -------------------------------------------------------------------------------

    def binding(self, name: str, at: Node) -> Node | None:
        """The value `name` was last declared or assigned with before `at` in an enclosing
        block, or declared with among the declarations of an enclosing type or package."""
        scope = at.parent
        while scope is not None:
            if scope.type in self.BLOCKS:
                value = None
                for statement in scope.named_children:
                    if statement.start_byte >= at.start_byte:
                        break
                    value = self._bound_by(statement, name) or value
                if value is not None:
                    return value
            elif scope.type in self.MEMBERS:
                for member in scope.named_children:
                    value = self._bound_by(member, name)
                    if value is not None:
                        return value
            scope = scope.parent
        return None

    def resolve(self, node: Node, depth: int = 0) -> Resolved:
        """What reading the program tells about the value of `node`."""
        if depth > MAX_DEPTH:
            return Resolved()
        kind = node.type
        if kind in self.STRINGS:
            return Resolved(self._string(node))
        if kind in self.NUMBERS:
            return Resolved(number(self.node_text(node)))
        if kind in self.BOOLEANS:
            return Resolved(self.node_text(node) == "true")
        if kind == "identifier":
            value = self.binding(self.node_text(node), node)
            return self.resolve(value, depth + 1) if value is not None else Resolved()
        if kind == self.MEMBER_ACCESS:
            return Resolved(props=(self.node_text(node),))
        return self._resolve(node, depth)

    # -- facts --------------------------------------------------------------------------------

    def value(self, node: Node) -> Value:
        return program_value(
            self.node_text(node), self.resolve(node), literal_syntax=self._literal_syntax(node)
        )

    def dedicated_bindings(self, construct: Construct) -> list[tuple[str, Node, Node]]:
        """None: bindings are reported for removal only where a fix removes them."""
        return []

    def facts(self, module_dir: str) -> FileFacts:
        """The file's backends, one per stack, read up to the bounds every source keeps."""
        return facts_of(self, module_dir, self.SYNTAX, self.CALLEE, self.path)


class ClassBasedProgram(CompiledProgram):
    """A Java or C# file: backends are made with `new`, stacks are classes, and names are bound
    by local declarations, assignments and the fields of enclosing classes."""

    CALLEE = "type"
    STACK_MAKER = "object_creation_expression"
    UNWRAPPED = frozenset({"parenthesized_expression"})

    @abstractmethod
    def class_named(self, node: Node) -> tuple[str | None, str | None]:
        """The cdktf class a type stands for, and the package or namespace written with it."""

    @abstractmethod
    def _declarators(self, statement: Node) -> list[Node]:
        """The declarators of a local or field declaration (none for other statements)."""

    @abstractmethod
    def _initial_value(self, declarator: Node, name: Node) -> Node | None:
        """The value a declarator gives `name`."""

    def _imported(self, local: str, qualified: str, container: str) -> None:
        """Note a class imported under `local`, when `qualified` is a cdktf class of `container`
        (the package or namespace)."""
        qualifier, _, class_name = qualified.rpartition(".")
        if qualifier == container and (
            class_name in BACKEND_CLASSES or class_name in WORKSPACE_CLASSES
        ):
            self.classes[local] = class_name

    def _qualified(self, node: Node) -> str:
        """A type or name as written, without the white space inside it."""
        return _SPACE.sub("", self.node_text(node))

    def _construct(self, node: Node) -> Construct | None:
        """`new S3Backend(this, config)`."""
        if node.type != "object_creation_expression":
            return None
        kind = node.child_by_field_name("type")
        class_name, qualifier = self.class_named(kind) if kind is not None else (None, None)
        if class_name not in BACKEND_CLASSES:
            return None
        return self._made(node, class_name, qualifier)

    def _bound_name(self, construct: Construct) -> str | None:
        declarator = construct.node.parent
        if declarator is None or declarator.type != "variable_declarator":
            return None
        name = declarator.child_by_field_name("name")
        return self.node_text(name) if name is not None else None

    def _bound_by(self, statement: Node, name: str) -> Node | None:
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
        value = None
        for declarator in self._declarators(statement):
            key = declarator.child_by_field_name("name")
            if key is not None and self.node_text(key) == name:
                value = self._initial_value(declarator, key)
        return value

    def _resolve(self, node: Node, depth: int) -> Resolved:
        kind = node.type
        if kind in ("parenthesized_expression", "cast_expression") and node.named_children:
            return self.resolve(node.named_children[-1], depth + 1)
        if kind == "object_creation_expression":
            created = node.child_by_field_name("type")
            class_name = self.class_named(created)[0] if created is not None else None
            values = self._arguments(node)
            if class_name in WORKSPACE_CLASSES and values:
                return workspace(class_name, self.resolve(values[0], depth + 1))
        return Resolved()
