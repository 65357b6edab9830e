"""CDKTF TypeScript (and JavaScript) programs to `BackendConfig` facts, with tree-sitter.

Nothing is run: the backend constructs of the `cdktf` package, however imported
(`import { S3Backend as S3 } from 'cdktf'`, `import * as cdktf from 'cdktf'`), are found in the
syntax tree, and their property values are resolved as far as reading allows: literals, template
strings, `const` bindings in scope, `props?.x || 'default'`, `props?.x ?? 'default'`,
`process.env.X || 'default'` and default parameter values. `this.addOverride('terraform.backend.
<type>.<arg>', value)` adds to the stack's backend. Bindings that exist only to feed the backend
(`const stateBucket = props?.stateBucket || '...'`) are recorded, so the fix can remove them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from backend_guard.model import (
    Attribute,
    FileFacts,
    Syntax,
    Value,
)
from backend_guard.sources.cdktf_common import (
    BACKEND_CLASSES,
    Construct,
    ParsedSource,
    Resolved,
    argument_name,
    concatenated,
    facts_of,
    override_entries,
    program_value,
    stack_targets,
    walk,
    workspace,
)
from backend_guard.storage import CDKTF_STORAGE_CLASSES, STORAGE_NAME_ATTRIBUTE

_LITERAL_NODES = frozenset({"string", "number", "true", "false", "null"})
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression"}
)
TOP_LEVEL = "(top level)"


def _unwrapped(node: Node) -> Node:
    """The expression inside parentheses and type assertions: `<S3BackendConfig>{...}`, `{...} as
    S3BackendConfig`, `{...} satisfies S3BackendConfig`, `config!`."""
    for _ in range(_MAX_DEPTH):
        if node.type == "type_assertion" and node.named_children:
            node = node.named_children[-1]
        elif node.type in _WRAPPERS and node.named_children:
            node = node.named_children[0]
        else:
            break
    return node


_MAX_DEPTH = 20  # bindings resolved through bindings: enough for real code, bounded for hostile


@cache
def _parser(tsx: bool) -> Parser:
    language = (
        tree_sitter_typescript.language_tsx()
        if tsx
        else tree_sitter_typescript.language_typescript()
    )
    return Parser(Language(language))


class Program(ParsedSource):
    """One parsed TypeScript file and what it imports from `cdktf`."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text, _parser(path.endswith((".tsx", ".jsx"))))
        for statement in self.root.children:
            if statement.type == "import_statement":
                self._read_import(statement)

    # -- imports and constructs ---------------------------------------------------------------

    def _read_import(self, statement: Node) -> None:
        source = statement.child_by_field_name("source")
        if source is None or self.node_text(source).strip("'\"`") != "cdktf":
            return
        for node in walk(statement):
            if node.type == "import_specifier":
                name = node.child_by_field_name("name")
                alias = node.child_by_field_name("alias")
                if name is not None and self.node_text(name) in BACKEND_CLASSES:
                    local = alias if alias is not None else name
                    self.classes[self.node_text(local)] = self.node_text(name)
            elif node.type == "namespace_import":
                for child in node.named_children:
                    if child.type == "identifier":
                        self.namespaces.add(self.node_text(child))

    @property
    def imports_cdktf(self) -> bool:
        return bool(self.classes or self.namespaces) or b"cdktf" in self.data

    def constructs(self) -> list[Construct]:
        found: list[Construct] = []
        bound: dict[str, Construct] = {}
        for node in walk(self.root):
            if node.type == "new_expression":
                construct = self._construct(node)
                if construct is not None:
                    found.append(construct)
                    declarator = node.parent
                    if declarator is not None and declarator.type == "variable_declarator":
                        name = declarator.child_by_field_name("name")
                        if name is not None:
                            bound[self.node_text(name)] = construct
        by_stack = {c.stack: c for c in found}
        for node in walk(self.root):
            if node.type == "call_expression":
                self._override(node, by_stack, bound, found)
        return found

    def _construct(self, node: Node) -> Construct | None:
        callee = node.child_by_field_name("constructor")
        if callee is None:
            return None
        namespace = None
        if callee.type == "identifier":
            class_name = self.classes.get(self.node_text(callee))
        elif callee.type == "member_expression":
            obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
            if obj is None or prop is None or self.node_text(obj) not in self.namespaces:
                return None
            namespace = self.node_text(obj)
            class_name = self.node_text(prop) if self.node_text(prop) in BACKEND_CLASSES else None
        else:
            return None
        if class_name is None:
            return None
        arguments = node.child_by_field_name("arguments")
        values = [v for v in arguments.named_children if v.type != "comment"] if arguments else []
        props = _unwrapped(values[1]) if len(values) > 1 else None
        if props is not None and props.type == "identifier":
            props = self.binding(self.node_text(props), props)
            props = _unwrapped(props) if props is not None else None
        opaque = len(values) > 1 and (
            props is None
            or props.type != "object"
            or any(child.type == "spread_element" for child in props.named_children)
        )
        if props is not None and props.type != "object":
            props = None
        stack = _stack_name(self, node)
        if stack == TOP_LEVEL and values and values[0].type == "identifier":
            stack = self._stack_id(values[0])
        return Construct(node, class_name, namespace, props, stack, opaque=opaque)

    def storage(self) -> list[tuple[str, str, Node, Node]]:
        """(resource type, stack, name value, construct) of each provider construct that creates
        state storage: `new S3Bucket(this, 'state', { bucket: 'acme-state' })`."""
        found = []
        for node in walk(self.root):
            if node.type != "new_expression":
                continue
            callee = node.child_by_field_name("constructor")
            name = self.node_text(callee).rsplit(".", 1)[-1] if callee is not None else ""
            resource_type = CDKTF_STORAGE_CLASSES.get(name)
            if resource_type is None:
                continue
            arguments = node.child_by_field_name("arguments")
            values = (
                [v for v in arguments.named_children if v.type != "comment"] if arguments else []
            )
            config = _unwrapped(values[2]) if len(values) > 2 else None
            if config is not None and config.type == "identifier":
                config = self.binding(self.node_text(config), config)
                config = _unwrapped(config) if config is not None else None
            if config is None or config.type != "object":
                continue
            wanted = STORAGE_NAME_ATTRIBUTE[resource_type]
            for pair in config.named_children:
                key = pair.child_by_field_name("key") if pair.type == "pair" else pair
                value = pair.child_by_field_name("value") if pair.type == "pair" else pair
                if pair.type not in ("pair", "shorthand_property_identifier") or key is None:
                    continue
                if value is not None and argument_name(_unquote(self.node_text(key))) == wanted:
                    stack = _stack_name(self, node)
                    if stack == TOP_LEVEL and values and values[0].type == "identifier":
                        stack = self._stack_id(values[0])
                    found.append((resource_type, stack, value, node))
        return found

    def _stack_id(self, scope: Node) -> str:
        """A construct outside any class belongs to the stack passed as its scope: after `const
        iso = new IsoStack(app, 'nix-iso')`, `new CloudBackend(iso, ...)` is stack `nix-iso`'s."""
        value = self.binding(self.node_text(scope), scope)
        arguments = value.child_by_field_name("arguments") if value is not None else None
        values = arguments.named_children if arguments is not None else []
        if (
            value is not None
            and value.type == "new_expression"
            and len(values) > 1
            and values[1].type == "string"
        ):
            return _unquote(self.node_text(values[1]))
        return self.node_text(scope)

    def _override(
        self,
        node: Node,
        by_stack: dict[str, Construct],
        bound: dict[str, Construct],
        found: list[Construct],
    ) -> None:
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return
        prop = function.child_by_field_name("property")
        target = function.child_by_field_name("object")
        if prop is None or target is None or self.node_text(prop) != "addOverride":
            return
        arguments = node.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        if len(values) < 2 or values[0].type != "string":
            return
        path = self.node_text(values[0])[1:-1]
        owner = bound.get(self.node_text(target))
        if owner is not None:  # backend.addOverride('use_lockfile', true)
            owner.overrides.append((node, BACKEND_CLASSES[owner.class_name][1], path, values[1]))
            return
        entries = override_entries(path, values[1], self._object_pairs)
        if not entries:
            return
        stack = _stack_name(self, node)
        if self.node_text(target) == "this":
            pass
        elif target.type == "identifier" and stack == TOP_LEVEL:
            stack = self._stack_id(target)  # `stack.addOverride(...)` on a stack made here
        else:
            return
        owner = by_stack.get(stack)
        if owner is None:  # an override alone: it makes a backend of its own at synth
            owner = Construct(node, "", None, None, stack)
            by_stack[stack] = owner
            found.append(owner)
        owner.overrides.extend((node, *entry) for entry in entries)

    def _object_pairs(self, node: Node) -> Iterator[tuple[str, Node]]:
        """The (key, value) pairs of an object literal, or of the one a name is bound to."""
        node = _unwrapped(node)
        if node.type == "identifier":
            bound = self.binding(self.node_text(node), node)
            node = _unwrapped(bound) if bound is not None else node
        if node.type != "object":
            return
        for pair in node.named_children:
            key, item = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type == "pair" and key is not None and item is not None:
                yield _unquote(self.node_text(key)), item

    # -- values -------------------------------------------------------------------------------

    def binding(self, name: str, at: Node) -> Node | None:
        """The value a `const`/`let` binding or a parameter default gives `name` where `at` is."""
        scope = at.parent
        while scope is not None:
            for child in scope.named_children:
                if child.type == "export_statement":  # `export const STATE_BUCKET = '...'`
                    child = child.child_by_field_name("declaration") or child
                if child.type in ("lexical_declaration", "variable_declaration"):
                    for declarator in child.named_children:
                        if declarator.type != "variable_declarator":
                            continue
                        key = declarator.child_by_field_name("name")
                        if key is not None and self.node_text(key) == name:
                            return declarator.child_by_field_name("value")
                elif child.type == "formal_parameters":
                    for parameter in child.named_children:
                        pattern = parameter.child_by_field_name("pattern")
                        if pattern is not None and self.node_text(pattern) == name:
                            return parameter.child_by_field_name("value")
            scope = scope.parent
        return None

    def resolve(self, node: Node, depth: int = 0) -> Resolved:
        if depth > _MAX_DEPTH:
            return Resolved()
        kind = node.type
        if kind in _WRAPPERS and node.named_children:
            return self.resolve(node.named_children[0], depth + 1)
        if kind == "string":
            return Resolved(literal=_unquote(self.node_text(node)))
        if kind == "number":
            return Resolved(literal=_number(self.node_text(node)))
        if kind in ("true", "false"):
            return Resolved(literal=kind == "true")
        if kind == "template_string":
            return self._template(node, depth)
        if kind in ("identifier", "shorthand_property_identifier"):  # `{ bucket }` reads `bucket`
            value = self.binding(self.node_text(node), node)
            if value is None:
                return Resolved()
            resolved = self.resolve(value, depth + 1)
            parameter = value.parent is not None and "parameter" in value.parent.type
            if parameter and resolved.literal is not None:
                return Resolved(
                    resolved.literal,
                    f"{_shown(resolved.literal)} (the default of parameter `{self.node_text(node)}`)",
                )
            return resolved
        if kind == "new_expression":
            callee = node.child_by_field_name("constructor")
            arguments = node.child_by_field_name("arguments")
            values = arguments.named_children if arguments is not None else []
            name = self.node_text(callee).rsplit(".", 1)[-1] if callee is not None else ""
            return workspace(name, self.resolve(values[0], depth + 1) if values else None)
        if kind == "member_expression":
            text = self.node_text(node).replace("?.", ".")
            return Resolved(props=(text,))
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if operator is None or left is None or right is None:
                return Resolved()
            if self.node_text(operator) in ("||", "??"):
                first = self.resolve(left, depth + 1)
                if first.literal is not None:
                    return first
                fallback = self.resolve(right, depth + 1)
                if fallback.literal is None:
                    return Resolved(props=first.props + fallback.props)
                source = self.node_text(left)
                return Resolved(
                    fallback.literal,
                    f"{_shown(fallback.literal)} (the default of `{source}`)",
                    first.props + fallback.props,
                )
        return Resolved()

    def _template(self, node: Node, depth: int) -> Resolved:
        return concatenated(self._template_parts(node, depth))

    def _template_parts(self, node: Node, depth: int) -> Iterator[str | Resolved]:
        for child in node.children:
            if child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                yield self.resolve(inner, depth + 1) if inner is not None else Resolved()
            elif child.type == "string_fragment":
                yield self.node_text(child)

    # -- facts ------------------------------------------------------------------------------

    def attributes(self, construct: Construct) -> list[Attribute]:
        result: list[Attribute] = []
        if construct.props is None:
            return result
        for pair in construct.props.named_children:
            if pair.type == "pair":
                key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                if key is None or value is None:
                    continue
                name = argument_name(_unquote(self.node_text(key)))
            elif pair.type == "shorthand_property_identifier":
                key = value = pair
                name = argument_name(self.node_text(pair))
            else:
                continue
            result.append(Attribute(name, self.value(value), self.span(pair)))
        return result

    def value(self, node: Node) -> Value:
        literal = node.type in _LITERAL_NODES or (
            node.type == "template_string"
            and not any(c.type == "template_substitution" for c in node.children)
        )
        return program_value(self.node_text(node), self.resolve(node), literal_syntax=literal)

    def dedicated_bindings(self, construct: Construct) -> list[tuple[str, Node, Node]]:
        """(name, declaration, value) of `const`s used only inside the construct and overrides."""
        inside = [construct.node] if construct.class_name else []
        inside += [call for call, *_ in construct.overrides]
        # The new construct keeps its scope argument, and the stacks overrides were called on.
        kept = [_scope_argument(construct), *stack_targets(self, construct)]
        names = {
            self.node_text(n): n
            for region in inside
            for n in walk(region)
            if n.type in ("identifier", "shorthand_property_identifier")
            and not any(k is not None and _within(n, k) for k in kept)
        }
        result = []
        for name, use in names.items():
            declaration = self._declaration(name, use)
            if declaration is None:
                continue
            declarator = declaration.named_children[0]
            uses = [
                n
                for n in walk(self.root)
                if n.type in ("identifier", "shorthand_property_identifier")
                and self.node_text(n) == name
                and n != declarator.child_by_field_name("name")
            ]
            if uses and all(_dedicated_use(n, inside, kept) for n in uses):
                value = declarator.child_by_field_name("value")
                if value is not None:
                    result.append((name, declaration, value))
        return result

    def _declaration(self, name: str, at: Node) -> Node | None:
        scope = at.parent
        while scope is not None:
            for child in scope.named_children:
                if child.type == "lexical_declaration" and len(child.named_children) == 1:
                    key = child.named_children[0].child_by_field_name("name")
                    if key is not None and self.node_text(key) == name:
                        return child
            scope = scope.parent
        return None

    def names_in_scope(self, at: Node) -> list[str]:
        names: list[str] = []
        scope = at.parent
        while scope is not None:
            for child in scope.named_children:
                if child.type == "export_statement":  # `export const STATE_BUCKET = '...'`
                    child = child.child_by_field_name("declaration") or child
                if child.type in ("lexical_declaration", "variable_declaration"):
                    for declarator in child.named_children:
                        key = declarator.child_by_field_name("name")
                        if key is not None and child.start_byte < at.start_byte:
                            names.append(self.node_text(key))
                elif child.type == "formal_parameters":
                    for parameter in child.named_children:
                        pattern = parameter.child_by_field_name("pattern")
                        if pattern is not None and pattern.type == "identifier":
                            names.append(self.node_text(pattern))
            scope = scope.parent
        return names


def _within(node: Node, region: Node) -> bool:
    return region.start_byte <= node.start_byte and node.end_byte <= region.end_byte


def _scope_argument(construct: Construct) -> Node | None:
    if not construct.class_name:
        return None
    arguments = construct.node.child_by_field_name("arguments")
    values = arguments.named_children if arguments is not None else []
    return values[0] if values else None


def _stack_name(program: Program, node: Node) -> str:
    parent = node.parent
    while parent is not None:
        if parent.type in ("class_declaration", "class"):
            name = parent.child_by_field_name("name")
            if name is not None:
                return program.node_text(name)
        parent = parent.parent
    return TOP_LEVEL


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        return text[1:-1].replace("\\'", "'").replace('\\"', '"')
    return text


def _number(text: str) -> object:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _shown(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value).lower()


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one TypeScript file (none when it is not CDKTF code)."""
    facts = FileFacts(path=path)
    if "cdktf" not in text:
        return facts
    program = Program(path, text)
    if program.root.has_error and not program.classes and not program.namespaces:
        return facts
    return facts_of(program, module_dir, Syntax.TYPESCRIPT, "constructor", path)


def _dedicated_use(use: Node, inside: list[Node], kept: list[Node | None]) -> bool:
    """Whether `use` goes with the old backend: it lies in the construct or an override, and not
    in what the fix keeps."""
    if any(k is not None and _within(use, k) for k in kept):
        return False
    return any(_within(use, region) for region in inside)
