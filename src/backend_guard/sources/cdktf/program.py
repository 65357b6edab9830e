"""The reader every language's CDKTF source is: a parsed program, read for its backend constructs.

A language subclasses `Program` with its table — the class attributes below: grammar, node kinds,
how a stack is made — and the hooks only it fills (its imports, its string forms, its configs).
All else is written here once: finding the constructs and the `addOverride` calls written into
them or into their stack, the stack each belongs to, the value a name is bound to in scope, what
reading tells about a value, the storage a stack creates and the bindings that only fed a backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache, cached_property
from typing import ClassVar

from tree_sitter import Language, Node, Parser

from backend_guard.model import Attribute, Span, Syntax, Value
from backend_guard.sources.cdktf.cdktf_api import (
    BACKEND_CLASSES,
    WORKSPACE_CLASSES,
    argument_name,
    override_entries,
)
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.resolved import (
    Resolved,
    concatenated,
    number,
    program_value,
    shown,
    with_default,
    workspace,
)
from backend_guard.sources.cdktf.tree import ParsedSource, same, walk, within
from backend_guard.storage import CDKTF_STORAGE_CLASSES, STORAGE_NAME_ATTRIBUTE

TOP_LEVEL = "(top level)"
MAX_DEPTH = 20  # bindings resolved through bindings: enough for real code, bounded for hostile
_NULLS = frozenset({"nil", "null_literal"})  # `NewLocalBackend(stack, nil)`: no config at all

# (resource type, stack, the storage's name, the construct that creates it)
Storage = tuple[str, str, Node, Node]
# (name, the statement that binds it, its value)
Binding = tuple[str, Node, Node]


@cache
def _parser(grammar: Callable[[], object]) -> Parser:
    return Parser(Language(grammar()))


class Program(ParsedSource):
    """One parsed program file and what it imports from `cdktf`."""

    # -- the language's table -----------------------------------------------------------------

    GRAMMAR: ClassVar[Callable[[], object]]  # the tree-sitter grammar's `language`
    SYNTAX: ClassVar[Syntax]
    MARKER: ClassVar[str] = "cdktf"  # text every CDKTF file of the language holds
    CONSTRUCTORS: ClassVar[frozenset[str]]  # what makes an object: `new X(...)`, `X(...)`
    CALLEE: ClassVar[str]  # the field of such a node that names the class
    CALLS: ClassVar[frozenset[str]]  # method calls: `stack.addOverride(...)`
    MEMBER: ClassVar[tuple[str, str, str]]  # member access: its node type, object and name fields
    OVERRIDE: ClassVar[str] = "addOverride"
    STRINGS: ClassVar[frozenset[str]] = frozenset()  # strings without interpolation
    TEMPLATES: ClassVar[frozenset[str]] = frozenset()  # strings that may interpolate
    TEMPLATE_TEXT: ClassVar[frozenset[str]] = frozenset()  # a template's text
    INTERPOLATIONS: ClassVar[frozenset[str]] = frozenset()  # a template's `${x}`
    NUMBERS: ClassVar[frozenset[str]]
    BOOLEANS: ClassVar[frozenset[str]]
    LITERALS: ClassVar[frozenset[str]]  # what a value written as a literal is
    NAMES: ClassVar[frozenset[str]] = frozenset({"identifier"})
    REFERENCES: ClassVar[frozenset[str]]  # `props.bucket`: a value the program is given
    # `(x)`, `x as T`: the index, among the named children, of the value inside
    UNWRAPPED: ClassVar[dict[str, int]]
    DEFAULTS: ClassVar[frozenset[tuple[str, str]]] = frozenset()  # `x || 'd'`: (node, operator)
    STACK_MAKER: ClassVar[str]  # the call or `new` a stack is made with
    STACK_SCOPES: ClassVar[frozenset[str]]  # the declarations a stack is named after
    BLOCKS: ClassVar[frozenset[str]]  # statements in order: a name is bound by those before
    # Declarations in any order; None: every scope that is no block.
    MEMBERS: ClassVar[frozenset[str] | None]
    SHADOWING: ClassVar[bool] = False  # a name declared without a value hides those outside
    # (parent node, field) where a name is no reference: `bucket=` in `f(bucket=x)`
    NOT_REFERENCES: ClassVar[frozenset[tuple[str, str]]] = frozenset()
    READS_STORAGE: ClassVar[bool] = False  # whether the storage a stack creates is read
    READS_BINDINGS: ClassVar[bool] = False  # whether bindings that fed a backend are found

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text, _parser(self._grammar(path)))
        self._read_imports()

    # -- hooks: what each language reads in its own way ---------------------------------------

    @classmethod
    def _grammar(cls, path: str) -> Callable[[], object]:
        return cls.GRAMMAR

    def _read_imports(self) -> None:
        """Note the local names of the `cdktf` module and of its classes."""

    def is_cdktf(self) -> bool:
        """Whether the parsed file is read for backends at all."""
        return True

    def class_named(self, callee: Node) -> tuple[str | None, str | None]:
        """The cdktf class `callee` stands for, and the namespace it is written with:
        `S3` after `import { S3Backend as S3 }`, `cdktf.S3Backend`."""
        if callee.type in self.NAMES:
            return self.classes.get(self.node_text(callee)), None
        member, object_field, name_field = self.MEMBER
        owner, name = (
            callee.child_by_field_name(object_field),
            callee.child_by_field_name(name_field),
        )
        if callee.type != member or owner is None or name is None:
            return None, None
        if self.node_text(owner) not in self.namespaces:
            return None, None
        class_name = self.node_text(name)
        return (class_name if class_name in BACKEND_CLASSES else None), self.node_text(owner)

    def _config_body(self, node: Node) -> Node | None:
        """The properties of a config, if `node` is a config written in place."""
        return None

    def _entries(self, body: Node) -> Iterator[tuple[str, Node, Node]]:
        """(key, value, entry) of an object or dictionary written in place."""
        return iter(())

    def _properties(self, construct: Construct) -> Iterator[tuple[str, Node, Span]]:
        """(property, value, span) of the construct's config."""
        for key, value, entry in (
            self._entries(construct.props) if construct.props is not None else ()
        ):
            yield key, value, self.span(entry)

    def _storage_config(self, node: Node, values: list[Node]) -> Iterator[tuple[str, Node]]:
        """(property, value) of the config a provider construct is made with."""
        return iter(())

    def _string(self, node: Node) -> str:
        """The text a string literal stands for."""
        return self.node_text(node)

    def _number(self, text: str) -> object:
        return number(text)

    def _shown(self, value: object) -> str:
        """A known value as a message shows it, in the language's words."""
        return shown(value)

    def _reference(self, node: Node) -> str:
        """A member access as a message names what it reads."""
        return self.node_text(node)

    def _call(self, node: Node, depth: int) -> Resolved:
        """What is known of a call or `new`: a workspace class made with its first argument."""
        callee = node.child_by_field_name(self.CALLEE)
        name = self._workspace_class(callee) if callee is not None else None
        values = self._arguments(node)
        if name is None or not values:
            return Resolved()
        return workspace(name, self.resolve(values[0], depth + 1))

    def _workspace_class(self, callee: Node) -> str | None:
        name = self.node_text(callee).rsplit(".", 1)[-1]
        return name if name in WORKSPACE_CLASSES else None

    def _declarations(self, statement: Node) -> Iterable[tuple[Node, Node | None]]:
        """(name, value) of what `statement` declares or assigns; the value is None for a name
        declared without one (a parameter without a default)."""
        return ()

    def _sole_declaration(self, statement: Node) -> tuple[Node, Node | None] | None:
        """(name, value) when `statement` binds one name and nothing else, so it can go."""
        return None

    def _argument(self, node: Node) -> Node | None:
        """The expression a child of an argument list passes (None for a comment)."""
        return None if "comment" in node.type else node

    def _unnamed_stack(self, scope: Node | None) -> str:
        """The stack of a construct made outside any declaration that names one: the scope it
        is given, as written (`stack` in `new S3Backend(stack, ...)`)."""
        return (
            self.node_text(scope) if scope is not None and scope.type in self.NAMES else TOP_LEVEL
        )

    # -- syntax helpers -----------------------------------------------------------------------

    def _arguments(self, call: Node) -> list[Node]:
        arguments = call.child_by_field_name("arguments")
        if arguments is None:
            return []
        return [e for e in map(self._argument, arguments.named_children) if e is not None]

    def _member_call(self, call: Node) -> tuple[Node | None, Node | None]:
        """The receiver (None for a bare call) and the name of a method call."""
        function = call.child_by_field_name("function")
        member, object_field, name_field = self.MEMBER
        if function is None or function.type != member:
            return None, function
        return function.child_by_field_name(object_field), function.child_by_field_name(name_field)

    def _inner(self, node: Node) -> Node | None:
        """The expression inside parentheses, a cast or a type assertion."""
        children = node.named_children
        return children[self.UNWRAPPED[node.type]] if children else None

    def _unwrapped(self, node: Node) -> Node:
        for _ in range(MAX_DEPTH):
            inner = self._inner(node) if node.type in self.UNWRAPPED else None
            if inner is None:
                break
            node = inner
        return node

    def _object(self, node: Node) -> Node | None:
        """The properties of a config or object, written in place or bound to a name."""
        for _ in range(MAX_DEPTH):
            node = self._unwrapped(node)
            if node.type not in self.NAMES:
                return self._config_body(node)
            value = self.binding(self.node_text(node), node)
            if value is None:
                return None
            node = value
        return None

    def _pairs(self, node: Node) -> Iterator[tuple[str, Node]]:
        """The (key, value) pairs of an object or dictionary, or of the one a name is bound to."""
        body = self._object(node)
        for key, value, _ in self._entries(body) if body is not None else ():
            yield key, value

    # -- constructs ---------------------------------------------------------------------------

    def constructs(self) -> list[Construct]:
        """The backend constructs in source order, each with its overrides, and a construct of
        its own for each stack that only has overrides."""
        found = [
            c
            for c in map(self._construct, self._nodes(self.CONSTRUCTORS | self.CALLS))
            if c is not None
        ]
        by_stack = {c.stack: c for c in found}
        for node in self._nodes(self.CALLS):
            override = self._override_call(node)
            if override is not None:
                self._attach(found, by_stack, node, *override)
        return found

    def _nodes(self, kinds: frozenset[str]) -> Iterator[Node]:
        """The calls, constructions and names of the given kinds, in source order."""
        return (n for n in self._indexed if n.type in kinds)

    @cached_property
    def _indexed(self) -> list[Node]:
        """The calls, constructions and names of the program, found in one walk of its tree."""
        wanted = self.CONSTRUCTORS | self.CALLS | self.NAMES
        return [n for n in walk(self.root) if n.type in wanted]

    @cached_property
    def _references(self) -> dict[str, list[Node]]:
        """The names the program uses (not those it declares a field or keyword by), by name."""
        found: dict[str, list[Node]] = {}
        for node in self._nodes(self.NAMES):
            if self._is_reference(node):
                found.setdefault(self.node_text(node), []).append(node)
        return found

    def _construct(self, node: Node) -> Construct | None:
        """The backend construct `node` makes, if it makes one."""
        callee = node.child_by_field_name(self.CALLEE) if node.type in self.CONSTRUCTORS else None
        class_name, qualifier = self.class_named(callee) if callee is not None else (None, None)
        if class_name not in BACKEND_CLASSES:
            return None
        values = self._arguments(node)
        props, opaque = self._config(node, values)
        stack = self._stack(node, values[0] if values else None)
        return Construct(node, class_name, qualifier, props, stack, opaque=opaque)

    def _config(self, node: Node, values: list[Node]) -> tuple[Node | None, bool]:
        """A construct's config (its scope comes first, its config second), and whether the
        program computes it where reading cannot follow: a parameter, a call, a spread."""
        props = self._object(values[1]) if len(values) > 1 else None
        if props is None:
            return None, len(values) > 1 and values[1].type not in _NULLS
        return props, any("spread" in child.type for child in props.named_children)

    def _override_call(self, node: Node) -> tuple[Node | None, list[Node]] | None:
        """The target (None when it is the enclosing object) and the arguments of an
        `addOverride(path, value)` call, if `node` is one."""
        target, name = self._member_call(node)
        if name is None or self.node_text(name) != self.OVERRIDE:
            return None
        values = self._arguments(node)
        return (target, values) if len(values) > 1 else None

    def _attach(
        self,
        found: list[Construct],
        by_stack: dict[str, Construct],
        call: Node,
        target: Node | None,
        values: list[Node],
    ) -> None:
        """Add an override to the backend it writes into: the construct it is called on, or
        for `terraform.backend...` the stack's backend (a backend of its own when the stack has
        no construct, as synth makes one)."""
        path = self.resolve(values[0]).literal
        if not isinstance(path, str):
            return
        owner = self._bound_construct(found, target)
        if owner is not None:  # backend.addOverride('use_lockfile', true)
            owner.overrides.append((call, BACKEND_CLASSES[owner.class_name][1], path, values[1]))
            return
        entries = override_entries(path, values[1], self._pairs)
        if not entries:
            return
        stack = self._stack(call, target)
        owner = by_stack.get(stack)
        if owner is None:
            owner = Construct(call, "", None, None, stack)
            by_stack[stack] = owner
            found.append(owner)
        owner.overrides.extend((call, *entry) for entry in entries)

    def _bound_construct(self, found: list[Construct], target: Node | None) -> Construct | None:
        """The construct a name is bound to: `backend` after `backend = S3Backend(...)`."""
        if target is None or target.type not in self.NAMES:
            return None
        value = self.binding(self.node_text(target), target)
        return next((c for c in found if c.class_name and same(value, c.node)), None)

    def _stack(self, node: Node, scope: Node | None) -> str:
        """The id a literal gives the scope (`stack = new TerraformStack(app, "prod")`), else
        the declaration the construct is made in."""
        if scope is not None and scope.type in self.NAMES:
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

    def stack_targets(self, construct: Construct) -> list[Node]:
        """The stacks the construct's overrides are called on (`stack.addOverride(...)`), not the
        construct itself (`backend.addOverride(...)` on `const backend = new S3Backend(...)`)."""
        targets = []
        for call, *_ in construct.overrides:
            target = self._member_call(call)[0]
            if target is None or target.type not in self.NAMES:
                continue
            value = self.binding(self.node_text(target), target)
            if value is None or value.start_byte != construct.node.start_byte:
                targets.append(target)
        return targets

    # -- bindings -----------------------------------------------------------------------------

    def _scopes(self, at: Node) -> Iterator[tuple[Node, bool]]:
        """The scopes around `at`, innermost first, each with whether its statements run in
        order (a name is bound by those before `at`)."""
        scope = at.parent
        while scope is not None:
            if scope.type in self.BLOCKS:
                yield scope, True
            elif self.MEMBERS is None or scope.type in self.MEMBERS:
                yield scope, False
            scope = scope.parent

    def _bound_by(self, statement: Node, name: str) -> Node | None:
        """The value `statement` declares or assigns `name` with, if it does."""
        value = None
        for key, item in self._declarations(statement):
            if item is not None and self.node_text(key) == name:
                value = item
        return value

    def _declares(self, statement: Node, name: str) -> bool:
        return any(self.node_text(key) == name for key, _ in self._declarations(statement))

    def binding(self, name: str, at: Node) -> Node | None:
        """The value `name` was last declared or assigned with before `at` in an enclosing
        block, or declared with among the declarations of an enclosing scope."""
        for scope, ordered in self._scopes(at):
            value = None
            for statement in scope.named_children:
                if ordered and statement.start_byte >= at.start_byte:
                    break
                value = self._bound_by(statement, name) or value
                if not ordered and value is not None:
                    return value
                if not ordered and self.SHADOWING and self._declares(statement, name):
                    return None
            if value is not None:
                return value
        return None

    def names_in_scope(self, at: Node) -> list[str]:
        """The names declared or assigned before `at` in the scopes around it."""
        return [
            self.node_text(key)
            for scope, _ in self._scopes(at)
            for statement in scope.named_children
            if statement.start_byte < at.start_byte
            for key, _ in self._declarations(statement)
            if key.type == "identifier"
        ]

    def dedicated_bindings(self, construct: Construct) -> list[Binding]:
        """(name, statement, value) of names bound once and used only by the backend: inside
        the construct and its overrides, and not in what a fix keeps (the scope argument of a
        construct, the stacks overrides are called on)."""
        if not self.READS_BINDINGS:
            return []
        inside = [construct.node] if construct.class_name else []
        inside += [call for call, *_ in construct.overrides]
        values = self._arguments(construct.node) if construct.class_name else []
        kept = [values[0] if values else None, *self.stack_targets(construct)]
        names = {
            self.node_text(n): n
            for region in inside
            for n in walk(region)
            if self._is_reference(n) and not any(within(n, k) for k in kept)
        }
        result = []
        for name, use in names.items():
            statement = self._declaration(name, use)
            declared = self._sole_declaration(statement) if statement is not None else None
            if statement is None or declared is None or declared[1] is None:
                continue
            uses = [n for n in self._references.get(name, []) if n != declared[0]]
            if uses and all(_dedicated_use(n, inside, kept) for n in uses):
                result.append((name, statement, declared[1]))
        return result

    def _is_reference(self, node: Node) -> bool:
        if node.type not in self.NAMES:
            return False
        parent = node.parent  # found from the root: asked only of names
        return parent is None or not any(
            parent.type == kind and parent.child_by_field_name(field) == node
            for kind, field in self.NOT_REFERENCES
        )

    def _declaration(self, name: str, at: Node) -> Node | None:
        """The one statement that binds `name` in the innermost scope that binds it."""
        for scope, _ in self._scopes(at):
            matches = [
                s
                for s in scope.named_children
                if (declared := self._sole_declaration(s)) is not None
                and self.node_text(declared[0]) == name
            ]
            if matches:
                return matches[0] if len(matches) == 1 else None
        return None

    # -- values -------------------------------------------------------------------------------

    def resolve(self, node: Node, depth: int = 0) -> Resolved:
        """What reading the program tells about the value of `node`."""
        if depth > MAX_DEPTH:
            return Resolved()
        kind = node.type
        if kind in self.UNWRAPPED:
            inner = self._inner(node)
            return self.resolve(inner, depth + 1) if inner is not None else Resolved()
        if kind in self.STRINGS:
            return Resolved(self._string(node))
        if kind in self.TEMPLATES:
            return self._template(node, depth)
        if kind in self.NUMBERS:
            return Resolved(self._number(self.node_text(node)))
        if kind in self.BOOLEANS:
            return Resolved(kind == "true" or self.node_text(node) == "true")
        if kind in self.NAMES:
            return self._named(node, depth)
        if kind in self.REFERENCES:
            return Resolved(props=(self._reference(node),))
        if kind in self.CONSTRUCTORS or kind in self.CALLS:
            return self._call(node, depth)
        operator = node.child_by_field_name("operator")
        if operator is not None and (kind, self.node_text(operator)) in self.DEFAULTS:
            return self._with_default(node, depth)
        return Resolved()

    def _named(self, node: Node, depth: int) -> Resolved:
        """A name's value; a parameter's default is shown as one."""
        value = self.binding(self.node_text(node), node)
        if value is None:
            return Resolved()
        resolved = self.resolve(value, depth + 1)
        parameter = value.parent is not None and "parameter" in value.parent.type
        if parameter and resolved.literal is not None:
            return Resolved(
                resolved.literal,
                f"{self._shown(resolved.literal)} "
                f"(the default of parameter `{self.node_text(node)}`)",
            )
        return resolved

    def _with_default(self, node: Node, depth: int) -> Resolved:
        """`x || 'd'`, `x ?? 'd'`, `x or 'd'`: x when known, else the default."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return Resolved()
        first = self.resolve(left, depth + 1)
        if first.literal is not None:
            return first
        return with_default(
            first, self.resolve(right, depth + 1), self.node_text(left), self._shown
        )

    def _template(self, node: Node, depth: int) -> Resolved:
        return concatenated(self._template_parts(node, depth))

    def _template_parts(self, node: Node, depth: int) -> Iterator[str | Resolved]:
        for child in node.children:
            if child.type in self.TEMPLATE_TEXT:
                yield self.node_text(child)
            elif child.type in self.INTERPOLATIONS:
                inner = child.named_children[0] if child.named_children else None
                yield self.resolve(inner, depth + 1) if inner is not None else Resolved()

    # -- facts --------------------------------------------------------------------------------

    def _literal_syntax(self, node: Node) -> bool:
        return node.type in self.LITERALS or (
            node.type in self.TEMPLATES
            and not any(c.type in self.INTERPOLATIONS for c in node.children)
        )

    def value(self, node: Node) -> Value:
        return program_value(
            self.node_text(node), self.resolve(node), literal_syntax=self._literal_syntax(node)
        )

    def attributes(self, construct: Construct) -> list[Attribute]:
        """The construct's properties, as backend arguments."""
        return [
            Attribute(argument_name(name), self.value(value), span)
            for name, value, span in self._properties(construct)
        ]

    def storage(self) -> list[Storage]:
        """(resource type, stack, name value, construct) of each provider construct that creates
        state storage: `new S3Bucket(this, 'state', { bucket: 'acme-state' })`. Not read in Go,
        Java and C# (a known limit): a bucket made by a bootstrap stack in these languages is
        reported as made by nothing."""
        found: list[Storage] = []
        for node in self._nodes(self.CONSTRUCTORS) if self.READS_STORAGE else ():
            callee = node.child_by_field_name(self.CALLEE)
            name = self.node_text(callee).rsplit(".", 1)[-1] if callee is not None else ""
            resource_type = CDKTF_STORAGE_CLASSES.get(name)
            if resource_type is None:
                continue
            values = self._arguments(node)
            for key, value in self._storage_config(node, values):
                if argument_name(key) == STORAGE_NAME_ATTRIBUTE[resource_type]:
                    stack = self._stack(node, values[0] if values else None)
                    found.append((resource_type, stack, value, node))
        return found


def _dedicated_use(use: Node, inside: list[Node], kept: list[Node | None]) -> bool:
    """Whether `use` goes with the old backend: it lies in the construct or an override, and not
    in what the fix keeps."""
    if any(within(use, k) for k in kept):
        return False
    return any(within(use, region) for region in inside)
