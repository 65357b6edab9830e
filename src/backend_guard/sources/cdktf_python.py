"""CDKTF Python programs to `BackendConfig` facts, with tree-sitter.

Nothing is run or imported. Backend constructs of the `cdktf` package (`from cdktf import
S3Backend`, `from cdktf import S3Backend as S3`, `import cdktf` then `cdktf.S3Backend(...)`) are
found in the syntax tree, their keyword arguments read, and values resolved as far as reading
allows: literals, f-strings, names assigned in scope, `x or 'default'`, `kwargs.get('x',
'default')`, `os.getenv('X', 'default')`, `os.environ.get('X', 'default')` and default parameter
values. `self.add_override('terraform.backend.<type>.<arg>', value)` adds to the stack's backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter_python
from tree_sitter import Language, Node, Parser

from backend_guard.model import (
    Attribute,
    FileFacts,
    Syntax,
    Value,
)
from backend_guard.sources.cdktf_common import (
    BACKEND_CLASSES,
    WORKSPACE_CLASSES,
    Construct,
    ParsedSource,
    Resolved,
    concatenated,
    facts_of,
    override_entries,
    program_value,
    stack_targets,
    walk,
    with_default,
    workspace,
)
from backend_guard.storage import CDKTF_STORAGE_CLASSES, STORAGE_NAME_ATTRIBUTE

_LITERAL_NODES = frozenset({"integer", "float", "true", "false", "none"})
TOP_LEVEL = "(top level)"
_MAX_DEPTH = 20
_DEFAULT_GETTERS = frozenset({"get", "getenv"})


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_python.language()))


class Program(ParsedSource):
    """One parsed Python file and what it imports from `cdktf`."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text, _parser())
        for statement in self.root.children:
            if statement.type == "import_from_statement":
                module = statement.child_by_field_name("module_name")
                if module is None or self.node_text(module) != "cdktf":
                    continue
                for name in statement.children_by_field_name("name"):
                    if name.type == "aliased_import":
                        original = name.child_by_field_name("name")
                        alias = name.child_by_field_name("alias")
                        if original is not None and alias is not None:
                            self._import(self.node_text(original), self.node_text(alias))
                    else:
                        self._import(self.node_text(name), self.node_text(name))
            elif statement.type == "import_statement":
                for name in statement.children_by_field_name("name"):
                    if name.type == "aliased_import":
                        original = name.child_by_field_name("name")
                        alias = name.child_by_field_name("alias")
                        if (
                            original is not None
                            and alias is not None
                            and self.node_text(original) == "cdktf"
                        ):
                            self.namespaces.add(self.node_text(alias))
                    elif self.node_text(name) == "cdktf":
                        self.namespaces.add("cdktf")

    def _import(self, class_name: str, local: str) -> None:
        if class_name in BACKEND_CLASSES:
            self.classes[local] = class_name

    def constructs(self) -> list[Construct]:
        found: list[Construct] = []
        bound: dict[str, Construct] = {}
        calls = [n for n in walk(self.root) if n.type == "call"]
        for node in calls:
            construct = self._construct(node)
            if construct is not None:
                found.append(construct)
                assignment = node.parent
                if assignment is not None and assignment.type == "assignment":
                    left = assignment.child_by_field_name("left")
                    if left is not None:
                        bound[self.node_text(left)] = construct
        by_stack = {c.stack: c for c in found}
        for node in calls:
            self._override(node, by_stack, bound, found)
        return found

    def _construct(self, node: Node) -> Construct | None:
        function = node.child_by_field_name("function")
        if function is None:
            return None
        namespace = None
        if function.type == "identifier":
            class_name = self.classes.get(self.node_text(function))
        elif function.type == "attribute":
            obj = function.child_by_field_name("object")
            attribute = function.child_by_field_name("attribute")
            if obj is None or attribute is None or self.node_text(obj) not in self.namespaces:
                return None
            namespace = self.node_text(obj)
            name = self.node_text(attribute)
            class_name = name if name in BACKEND_CLASSES else None
        else:
            return None
        if class_name is None:
            return None
        arguments = node.child_by_field_name("arguments")
        stack = _stack(self, node)
        values = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
        if stack == TOP_LEVEL and values and values[0].type == "identifier":
            stack = self._stack_id(values[0])
        opaque = any(
            v.type == "list_splat"
            or (v.type == "dictionary_splat" and self._splat_dictionary(v) is None)
            for v in values
        )
        return Construct(node, class_name, namespace, arguments, stack, opaque=opaque)

    def storage(self) -> list[tuple[str, str, Node, Node]]:
        """(resource type, stack, name value, construct) of each provider construct that creates
        state storage: `S3Bucket(self, "state", bucket="acme-state")`."""
        found = []
        for node in walk(self.root):
            if node.type != "call":
                continue
            function = node.child_by_field_name("function")
            name = self.node_text(function).rsplit(".", 1)[-1] if function is not None else ""
            resource_type = CDKTF_STORAGE_CLASSES.get(name)
            arguments = node.child_by_field_name("arguments")
            if resource_type is None or arguments is None:
                continue
            for argument in arguments.named_children:
                key = argument.child_by_field_name("name")
                value = argument.child_by_field_name("value")
                if (
                    argument.type == "keyword_argument"
                    and key is not None
                    and value is not None
                    and self.node_text(key) == STORAGE_NAME_ATTRIBUTE[resource_type]
                ):
                    stack = _stack(self, node)
                    scope = arguments.named_children[0]
                    if stack == TOP_LEVEL and scope.type == "identifier":
                        stack = self._stack_id(scope)
                    found.append((resource_type, stack, value, node))
        return found

    def _stack_id(self, scope: Node) -> str:
        """A construct outside any class belongs to the stack passed as its scope: after `iso =
        IsoStack(app, "nix-iso")`, `CloudBackend(iso, ...)` is stack `nix-iso`'s."""
        value = self.binding(self.node_text(scope), scope)
        arguments = value.child_by_field_name("arguments") if value is not None else None
        values = [a for a in arguments.named_children if a.type == "string"] if arguments else []
        if value is not None and value.type == "call" and values:
            literal = self.resolve(values[0]).literal
            if isinstance(literal, str):
                return literal
        return self.node_text(scope)

    def _override(
        self,
        node: Node,
        by_stack: dict[str, Construct],
        bound: dict[str, Construct],
        found: list[Construct],
    ) -> None:
        function = node.child_by_field_name("function")
        if function is None or function.type != "attribute":
            return
        attribute = function.child_by_field_name("attribute")
        target = function.child_by_field_name("object")
        if attribute is None or target is None or self.node_text(attribute) != "add_override":
            return
        arguments = node.child_by_field_name("arguments")
        values = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
        if len(values) < 2 or values[0].type != "string":
            return
        path = self.resolve(values[0]).literal
        if not isinstance(path, str):
            return
        owner = bound.get(self.node_text(target))
        if owner is not None:
            owner.overrides.append((node, BACKEND_CLASSES[owner.class_name][1], path, values[1]))
            return
        entries = override_entries(path, values[1], self._dictionary_pairs)
        if not entries:
            return
        stack = _stack(self, node)
        if self.node_text(target) == "self":
            pass
        elif target.type == "identifier" and stack == TOP_LEVEL:
            stack = self._stack_id(target)  # `stack.add_override(...)` on a stack made here
        else:
            return
        owner = by_stack.get(stack)
        if owner is None:
            owner = Construct(node, "", None, None, stack)
            by_stack[stack] = owner
            found.append(owner)
        owner.overrides.extend((node, *entry) for entry in entries)

    def _dictionary_pairs(self, node: Node) -> Iterator[tuple[str, Node]]:
        """The (key, value) pairs of a dictionary literal, or of the one a name is bound to."""
        if node.type == "identifier":
            node = self.binding(self.node_text(node), node) or node
        if node.type != "dictionary":
            return
        for pair in node.named_children:
            key, item = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type == "pair" and key is not None and item is not None:
                literal = self.resolve(key).literal
                if isinstance(literal, str):
                    yield literal, item

    # -- values -------------------------------------------------------------------------------

    def binding(self, name: str, at: Node) -> Node | None:
        """The value last assigned to `name` before `at` in an enclosing scope, or its default."""
        scope = at.parent
        while scope is not None:
            if scope.type in ("block", "module"):
                value = None
                for statement in scope.named_children:
                    if statement.start_byte >= at.start_byte:
                        break
                    assignment = (
                        statement.named_children[0]
                        if statement.type == "expression_statement" and statement.named_children
                        else None
                    )
                    if assignment is not None and assignment.type == "assignment":
                        left = assignment.child_by_field_name("left")
                        if left is not None and self.node_text(left) == name:
                            value = assignment.child_by_field_name("right")
                if value is not None:
                    return value
            if scope.type == "function_definition":
                parameters = scope.child_by_field_name("parameters")
                for parameter in parameters.named_children if parameters else []:
                    if parameter.type in ("default_parameter", "typed_default_parameter"):
                        key = parameter.child_by_field_name("name")
                        if key is not None and self.node_text(key) == name:
                            return parameter.child_by_field_name("value")
            scope = scope.parent
        return None

    def resolve(self, node: Node, depth: int = 0) -> Resolved:
        if depth > _MAX_DEPTH:
            return Resolved()
        kind = node.type
        if kind == "parenthesized_expression" and node.named_children:
            return self.resolve(node.named_children[0], depth + 1)
        if kind == "string":
            return self._string(node, depth)
        if kind == "integer":
            return Resolved(literal=_number(self.node_text(node)))
        if kind in ("true", "false"):
            return Resolved(literal=kind == "true")
        if kind == "identifier":
            value = self.binding(self.node_text(node), node)
            if value is None:
                return Resolved()
            resolved = self.resolve(value, depth + 1)
            parent = value.parent
            if parent is not None and "parameter" in parent.type and resolved.literal is not None:
                return Resolved(
                    resolved.literal,
                    f"{_shown(resolved.literal)} (the default of parameter `{self.node_text(node)}`)",
                )
            return resolved
        if kind == "boolean_operator":
            operator = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if (
                operator is None
                or left is None
                or right is None
                or self.node_text(operator) != "or"
            ):
                return Resolved()
            first = self.resolve(left, depth + 1)
            if first.literal is not None:
                return first
            fallback = self.resolve(right, depth + 1)
            return with_default(first, fallback, self.node_text(left), _shown)
        if kind == "call":
            function = node.child_by_field_name("function")
            name = self.node_text(function).rsplit(".", 1)[-1] if function is not None else ""
            arguments = node.child_by_field_name("arguments")
            values = (
                [a for a in arguments.named_children if a.type != "comment"] if arguments else []
            )
            if values and name in WORKSPACE_CLASSES:
                return workspace(name, self.resolve(values[0], depth + 1))
            return self._getter(node, depth)
        if kind in ("attribute", "subscript"):
            return Resolved(props=(self.node_text(node),))
        return Resolved()

    def _getter(self, node: Node, depth: int) -> Resolved:
        """`kwargs.get('x', 'default')`, `os.getenv('X', 'default')`, `os.environ.get(...)`."""
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None or function.type != "attribute":
            return Resolved()
        attribute = function.child_by_field_name("attribute")
        if attribute is None or self.node_text(attribute) not in _DEFAULT_GETTERS:
            return Resolved()
        values = [a for a in arguments.named_children if a.type != "comment"]
        if not values:
            return Resolved()
        read = f"{self.node_text(function)}({self.node_text(values[0])})"
        if len(values) < 2:
            return Resolved(props=(read,))
        fallback = self.resolve(values[1], depth + 1)
        if fallback.literal is None:
            return Resolved(props=(read,))
        return Resolved(
            fallback.literal, f"{_shown(fallback.literal)} (the default of `{read}`)", (read,)
        )

    def _string(self, node: Node, depth: int) -> Resolved:
        return concatenated(self._string_parts(node, depth))

    def _string_parts(self, node: Node, depth: int) -> Iterator[str | Resolved]:
        for child in node.children:
            if child.type == "string_content":
                yield self.node_text(child)
            elif child.type == "interpolation":
                expression = child.child_by_field_name("expression")
                yield self.resolve(expression, depth + 1) if expression is not None else Resolved()

    # -- facts ------------------------------------------------------------------------------

    def attributes(self, construct: Construct) -> list[Attribute]:
        if construct.props is None:
            return []
        result = []
        for argument in construct.props.named_children:
            if argument.type == "dictionary_splat":
                result += self._splat(argument)
                continue
            if argument.type != "keyword_argument":
                continue
            name, value = (
                argument.child_by_field_name("name"),
                argument.child_by_field_name("value"),
            )
            if name is not None and value is not None:
                result.append(
                    Attribute(self.node_text(name), self.value(value), self.span(argument))
                )
        return result

    def _splat_dictionary(self, splat: Node) -> Node | None:
        """The dictionary `**backend_args` spreads, when `backend_args = {...}` says all it holds."""
        name = splat.named_children[0] if splat.named_children else None
        value = self.binding(self.node_text(name), name) if name is not None else None
        if value is None or value.type != "dictionary":
            return None
        if any(child.type == "dictionary_splat" for child in value.named_children):
            return None
        return value

    def _splat(self, splat: Node) -> list[Attribute]:
        """`**backend_args`, where `backend_args = {'bucket': ..., ...}`: the dictionary's pairs."""
        value = self._splat_dictionary(splat)
        if value is None:
            return []
        result = []
        for pair in value.named_children:
            key, item = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type == "pair" and key is not None and item is not None:
                literal = self.resolve(key).literal
                if isinstance(literal, str):
                    result.append(Attribute(literal, self.value(item), self.span(pair)))
        return result

    def value(self, node: Node) -> Value:
        literal = node.type in _LITERAL_NODES or (
            node.type == "string" and not any(c.type == "interpolation" for c in node.children)
        )
        return program_value(self.node_text(node), self.resolve(node), literal_syntax=literal)

    def dedicated_bindings(self, construct: Construct) -> list[tuple[str, Node, Node]]:
        """(name, statement, value) of names assigned once and used only by the backend."""
        inside = [construct.node] if construct.class_name else []
        inside += [call for call, *_ in construct.overrides]
        # The new construct keeps its scope argument, and the stacks overrides were called on.
        kept = [_scope_argument(construct), *stack_targets(self, construct)]
        names = {
            self.node_text(n): n
            for region in inside
            for n in walk(region)
            if n.type == "identifier"
            and _is_reference(n)
            and not any(k is not None and _within(n, k) for k in kept)
        }
        result = []
        for name, use in names.items():
            statement = self._assignment(name, use)
            if statement is None:
                continue
            assignment = statement.named_children[0]
            target = assignment.child_by_field_name("left")
            uses = [
                n
                for n in walk(self.root)
                if n.type == "identifier"
                and self.node_text(n) == name
                and n != target
                and _is_reference(n)
            ]
            if uses and all(_dedicated_use(n, inside, kept) for n in uses):
                value = assignment.child_by_field_name("right")
                if value is not None:
                    result.append((name, statement, value))
        return result

    def _assignment(self, name: str, at: Node) -> Node | None:
        scope = at.parent
        while scope is not None:
            if scope.type in ("block", "module"):
                matches = [
                    s
                    for s in scope.named_children
                    if s.type == "expression_statement"
                    and s.named_children
                    and s.named_children[0].type == "assignment"
                    and (left := s.named_children[0].child_by_field_name("left")) is not None
                    and self.node_text(left) == name
                ]
                if len(matches) == 1:
                    return matches[0]
                if matches:
                    return None
            scope = scope.parent
        return None

    def names_in_scope(self, at: Node) -> list[str]:
        names: list[str] = []
        scope = at.parent
        while scope is not None:
            if scope.type in ("block", "module"):
                for statement in scope.named_children:
                    if statement.start_byte >= at.start_byte:
                        break
                    if statement.type == "expression_statement" and statement.named_children:
                        assignment = statement.named_children[0]
                        left = (
                            assignment.child_by_field_name("left")
                            if assignment.type == "assignment"
                            else None
                        )
                        if left is not None and left.type == "identifier":
                            names.append(self.node_text(left))
            if scope.type == "function_definition":
                parameters = scope.child_by_field_name("parameters")
                for parameter in parameters.named_children if parameters else []:
                    key: Node | None
                    if parameter.type == "identifier":
                        key = parameter
                    elif parameter.type == "typed_parameter":  # `env: str` has no name field
                        key = parameter.named_children[0] if parameter.named_children else None
                    else:
                        key = parameter.child_by_field_name("name")
                    if key is not None and key.type == "identifier":
                        names.append(self.node_text(key))
            scope = scope.parent
        return names


def _is_reference(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return True
    if parent.type == "keyword_argument" and parent.child_by_field_name("name") == node:
        return False
    return not (parent.type == "attribute" and parent.child_by_field_name("attribute") == node)


def _within(node: Node, region: Node) -> bool:
    return region.start_byte <= node.start_byte and node.end_byte <= region.end_byte


def _scope_argument(construct: Construct) -> Node | None:
    if not construct.class_name or construct.props is None:
        return None
    return next(
        (
            a
            for a in construct.props.named_children
            if a.type not in ("keyword_argument", "comment")
        ),
        None,
    )


def _stack(program: Program, node: Node) -> str:
    parent = node.parent
    while parent is not None:
        if parent.type == "class_definition":
            name = parent.child_by_field_name("name")
            if name is not None:
                return program.node_text(name)
        parent = parent.parent
    return TOP_LEVEL


def _number(text: str) -> object:
    try:
        return int(text.replace("_", ""), 0)
    except ValueError:
        return None


def _shown(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one Python file (none when it is not CDKTF code)."""
    if "cdktf" not in text:
        return FileFacts(path=path)
    return facts_of(Program(path, text), module_dir, Syntax.PYTHON, "function", path)


def _dedicated_use(use: Node, inside: list[Node], kept: list[Node | None]) -> bool:
    """Whether `use` goes with the old backend: it lies in the construct or an override, and not
    in what the fix keeps."""
    if any(k is not None and _within(use, k) for k in kept):
        return False
    return any(_within(use, region) for region in inside)
