"""CDKTF Python programs to `BackendConfig` facts, with tree-sitter.

Nothing is run or imported. Backend constructs of the `cdktf` package (`from cdktf import
S3Backend`, `from cdktf import S3Backend as S3`, `import cdktf` then `cdktf.S3Backend(...)`) are
found in the syntax tree, their keyword arguments read, and values resolved as far as reading
allows: literals, f-strings, names assigned in scope, `x or 'default'`, `kwargs.get('x',
'default')`, `os.getenv('X', 'default')`, `os.environ.get('X', 'default')` and default parameter
values. `self.add_override('terraform.backend.<type>.<arg>', value)` adds to the stack's backend.
What only Python has: a config as keyword arguments, `**backend_args` spread into them, and the
getters that fall back to a default.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import tree_sitter_python
from tree_sitter import Node

from backend_guard.model import FileFacts, Span, Syntax
from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.facts import read_program
from backend_guard.sources.cdktf.program import Program
from backend_guard.sources.cdktf.resolved import Resolved

_DEFAULT_GETTERS = frozenset({"get", "getenv"})
_DEFAULT_PARAMETERS = frozenset({"default_parameter", "typed_default_parameter"})


class PythonProgram(Program):
    """One parsed Python file and what it imports from `cdktf`."""

    GRAMMAR, SYNTAX = tree_sitter_python.language, Syntax.PYTHON
    # A class is called like a function: `S3Backend(self, bucket=...)`, `self.add_override(...)`.
    CONSTRUCTORS = CALLS = frozenset({"call"})
    CALLEE, OVERRIDE = "function", "add_override"
    MEMBER = ("attribute", "object", "attribute")
    STACK_MAKER, STACK_SCOPES = "call", frozenset({"class_definition"})
    # "text" and f"text {value}" alike; 3 (a float is a literal, but not read), True, None
    TEMPLATES = frozenset({"string"})
    TEMPLATE_TEXT, INTERPOLATIONS = frozenset({"string_content"}), frozenset({"interpolation"})
    NUMBERS, BOOLEANS = frozenset({"integer"}), frozenset({"true", "false"})
    LITERALS = frozenset({"integer", "float", "true", "false", "none"})
    # `x or "default"`; `bucket=` in `f(bucket=x)` and `.bucket` in `self.bucket` name nothing
    REFERENCES = frozenset({"attribute", "subscript"})
    DEFAULTS = frozenset({("boolean_operator", "or")})
    NOT_REFERENCES = frozenset({("keyword_argument", "name"), ("attribute", "attribute")})
    UNWRAPPED = {"parenthesized_expression": 0}
    # Statements run in order; a function's parameters bind its defaults.
    BLOCKS, MEMBERS = frozenset({"block", "module"}), frozenset({"function_definition"})
    READS_STORAGE = READS_BINDINGS = True

    def _read_imports(self) -> None:
        for statement in self.root.children:
            if statement.type == "import_from_statement":
                module = statement.child_by_field_name("module_name")
                if module is not None and self.node_text(module) == "cdktf":
                    self._read_from_import(statement)
            elif statement.type == "import_statement":
                for name in statement.children_by_field_name("name"):
                    original, alias = _aliased(name)
                    if original is not None and self.node_text(original) == "cdktf":
                        self.namespaces.add(self.node_text(alias or original))

    def _read_from_import(self, statement: Node) -> None:
        """`from cdktf import S3Backend, GcsBackend as Gcs`."""
        for name in statement.children_by_field_name("name"):
            original, alias = _aliased(name)
            if original is None or (name.type == "aliased_import" and alias is None):
                continue
            if self.node_text(original) in BACKEND_CLASSES:
                self.classes[self.node_text(alias or original)] = self.node_text(original)

    def _config(self, node: Node, values: list[Node]) -> tuple[Node | None, bool]:
        """The keyword arguments: opaque when a splat spreads what reading cannot follow."""
        opaque = any(
            v.type == "list_splat"
            or (v.type == "dictionary_splat" and self._splat_dictionary(v) is None)
            for v in values
        )
        return node.child_by_field_name("arguments"), opaque

    def _splat_dictionary(self, splat: Node) -> Node | None:
        """The dictionary `**backend_args` spreads, when `backend_args = {...}` says all it holds."""
        name = splat.named_children[0] if splat.named_children else None
        value = self.binding(self.node_text(name), name) if name is not None else None
        if value is None or value.type != "dictionary":
            return None
        if any(child.type == "dictionary_splat" for child in value.named_children):
            return None
        return value

    def _config_body(self, node: Node) -> Node | None:
        return node if node.type == "dictionary" else None

    def _entries(self, body: Node) -> Iterator[tuple[str, Node, Node]]:
        for pair in body.named_children:
            key, item = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type == "pair" and key is not None and item is not None:
                literal = self.resolve(key).literal
                if isinstance(literal, str):
                    yield literal, item, pair

    def _properties(self, construct: Construct) -> Iterator[tuple[str, Node, Span]]:
        """The keyword arguments, and the pairs of a dictionary `**backend_args` spreads."""
        for argument in construct.props.named_children if construct.props is not None else []:
            if argument.type == "dictionary_splat":
                splat = self._splat_dictionary(argument)
                entries = self._entries(splat) if splat is not None else iter(())
            else:
                entries = self._keywords_of(argument)
            for key, value, entry in entries:
                yield key, value, self.span(entry)

    def _keywords_of(self, argument: Node) -> Iterator[tuple[str, Node, Node]]:
        name, value = argument.child_by_field_name("name"), argument.child_by_field_name("value")
        if argument.type == "keyword_argument" and name is not None and value is not None:
            yield self.node_text(name), value, argument

    def _storage_config(self, node: Node, values: list[Node]) -> Iterator[tuple[str, Node]]:
        """`bucket="acme-state"` in `S3Bucket(self, "state", bucket="acme-state")`."""
        for value in values:
            for key, item, _ in self._keywords_of(value):
                yield key, item

    def _number(self, text: str) -> object:
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return None

    def _shown(self, value: object) -> str:
        return f"'{value}'" if isinstance(value, str) else str(value)

    def _call(self, node: Node, depth: int) -> Resolved:
        """A workspace class, else `kwargs.get('x', 'default')`, `os.getenv('X', 'default')`,
        `os.environ.get(...)`."""
        function = node.child_by_field_name("function")
        if function is not None and self._workspace_class(function) and self._arguments(node):
            return super()._call(node, depth)
        attribute = self._member_call(node)[1] if function is not None else None
        if function is None or function.type != "attribute" or attribute is None:
            return Resolved()
        values = self._arguments(node)
        if self.node_text(attribute) not in _DEFAULT_GETTERS or not values:
            return Resolved()
        read = f"{self.node_text(function)}({self.node_text(values[0])})"
        fallback = self.resolve(values[1], depth + 1) if len(values) > 1 else Resolved()
        if fallback.literal is None:
            return Resolved(props=(read,))
        return Resolved(
            fallback.literal, f"{self._shown(fallback.literal)} (the default of `{read}`)", (read,)
        )

    def _declarations(self, statement: Node) -> Iterable[tuple[Node, Node | None]]:
        if statement.type == "parameters":
            return filter(None, map(_parameter, statement.named_children))
        assignment = statement.named_children[0] if statement.named_children else None
        if statement.type != "expression_statement" or assignment is None:
            return ()
        left = assignment.child_by_field_name("left")
        if assignment.type != "assignment" or left is None:
            return ()
        return [(left, assignment.child_by_field_name("right"))]

    def _sole_declaration(self, statement: Node) -> tuple[Node, Node | None] | None:
        return (
            next(iter(self._declarations(statement)), None)
            if statement.type != "parameters"
            else None
        )


def _parameter(parameter: Node) -> tuple[Node, Node | None] | None:
    """(name, default) of a parameter; the default is None where it has none."""
    if parameter.type == "identifier":
        return parameter, None
    if parameter.type == "typed_parameter":  # `env: str` has no name field
        name = parameter.named_children[0] if parameter.named_children else None
        return (name, None) if name is not None and name.type == "identifier" else None
    name = parameter.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return None
    default = parameter.child_by_field_name("value")
    return name, default if parameter.type in _DEFAULT_PARAMETERS else None


def _aliased(name: Node) -> tuple[Node | None, Node | None]:
    """The name imported and the alias it is imported as (None without one)."""
    if name.type == "aliased_import":
        return name.child_by_field_name("name"), name.child_by_field_name("alias")
    return name, None


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one Python file (none when it is not CDKTF code)."""
    return read_program(PythonProgram, path, text, module_dir)
