"""CDKTF TypeScript (and JavaScript) programs to `BackendConfig` facts, with tree-sitter.

Nothing is run: the backend constructs of the `cdktf` package, however imported
(`import { S3Backend as S3 } from 'cdktf'`, `import * as cdktf from 'cdktf'`), are found in the
syntax tree, and their property values are resolved as far as reading allows: literals, template
strings, `const` bindings in scope, `props?.x || 'default'`, `props?.x ?? 'default'`,
`process.env.X || 'default'` and default parameter values. `this.addOverride('terraform.backend.
<type>.<arg>', value)` adds to the stack's backend. Bindings that exist only to feed the backend
(`const stateBucket = props?.stateBucket || '...'`) are recorded, so the fix can remove them.
What only TypeScript has: configs behind `as`, `satisfies`, `<T>` and `!`, and shorthand properties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import tree_sitter_typescript
from tree_sitter import Node

from backend_guard.model import FileFacts, Syntax
from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES
from backend_guard.sources.cdktf.facts import read_program
from backend_guard.sources.cdktf.program import Program
from backend_guard.sources.cdktf.tree import walk

_SHORTHAND = "shorthand_property_identifier"


class TypeScriptProgram(Program):
    """One parsed TypeScript file and what it imports from `cdktf`."""

    GRAMMAR = tree_sitter_typescript.language_typescript  # `.tsx` and `.jsx`: `_grammar`
    SYNTAX = Syntax.TYPESCRIPT
    # `new S3Backend(this, { ... })`, `new cdktf.S3Backend(...)`, `this.addOverride(...)`
    CONSTRUCTORS, CALLEE = frozenset({"new_expression"}), "constructor"
    CALLS, MEMBER = frozenset({"call_expression"}), ("member_expression", "object", "property")
    STACK_MAKER = "new_expression"
    STACK_SCOPES = frozenset({"class_declaration", "class"})
    # 'text', `text ${value}`, 3, true, null
    STRINGS = frozenset({"string"})
    TEMPLATES = frozenset({"template_string"})
    TEMPLATE_TEXT, INTERPOLATIONS = (
        frozenset({"string_fragment"}),
        frozenset({"template_substitution"}),
    )
    NUMBERS, BOOLEANS = frozenset({"number"}), frozenset({"true", "false"})
    LITERALS = frozenset({"string", "number", "true", "false", "null"})
    # `{ bucket }` reads `bucket`; `props?.bucket ?? 'default'`
    NAMES = frozenset({"identifier", _SHORTHAND})
    REFERENCES = frozenset({"member_expression"})
    DEFAULTS = frozenset({("binary_expression", "||"), ("binary_expression", "??")})
    UNWRAPPED = {
        "parenthesized_expression": 0,
        "as_expression": 0,  # `{...} as S3BackendConfig`
        "satisfies_expression": 0,
        "non_null_expression": 0,  # `config!`
        "type_assertion": -1,  # `<S3BackendConfig>{...}`
    }
    # `const`s are in scope all through their block, and a parameter without a default hides a
    # `const` of its name outside.
    BLOCKS, MEMBERS, SHADOWING = frozenset(), None, True
    READS_STORAGE = READS_BINDINGS = True

    @classmethod
    def _grammar(cls, path: str) -> Callable[[], object]:
        if path.endswith((".tsx", ".jsx")):
            return tree_sitter_typescript.language_tsx
        return cls.GRAMMAR

    def _read_imports(self) -> None:
        for statement in self.root.children:
            source = statement.child_by_field_name("source")
            if statement.type != "import_statement" or source is None:
                continue
            if self.node_text(source).strip("'\"`") == "cdktf":
                self._read_import(statement)

    def _read_import(self, statement: Node) -> None:
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

    def is_cdktf(self) -> bool:
        return not self.root.has_error or bool(self.classes or self.namespaces)

    def _config_body(self, node: Node) -> Node | None:
        return node if node.type == "object" else None

    def _entries(self, body: Node) -> Iterator[tuple[str, Node, Node]]:
        for pair in body.named_children:
            if pair.type == _SHORTHAND:
                yield self.node_text(pair), pair, pair
                continue
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type == "pair" and key is not None and value is not None:
                yield _unquote(self.node_text(key)), value, pair

    def _storage_config(self, node: Node, values: list[Node]) -> Iterator[tuple[str, Node]]:
        """`{ bucket: 'acme-state' }` in `new S3Bucket(this, 'state', { ... })`."""
        body = self._object(values[2]) if len(values) > 2 else None
        for key, value, _ in self._entries(body) if body is not None else ():
            yield key, value

    def _string(self, node: Node) -> str:
        return _unquote(self.node_text(node))

    def _number(self, text: str) -> object:
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return None

    def _shown(self, value: object) -> str:
        return f"'{value}'" if isinstance(value, str) else str(value).lower()

    def _reference(self, node: Node) -> str:
        return self.node_text(node).replace("?.", ".")

    def _declarations(self, statement: Node) -> Iterable[tuple[Node, Node | None]]:
        if statement.type == "export_statement":  # `export const STATE_BUCKET = '...'`
            statement = statement.child_by_field_name("declaration") or statement
        if statement.type in ("lexical_declaration", "variable_declaration"):
            declarators = statement.named_children
            key_field, value_field = "name", "value"
        elif statement.type == "formal_parameters":
            declarators = statement.named_children
            key_field, value_field = "pattern", "value"
        else:
            return
        for declarator in declarators:
            key = declarator.child_by_field_name(key_field)
            if key is not None:
                yield key, declarator.child_by_field_name(value_field)

    def _sole_declaration(self, statement: Node) -> tuple[Node, Node | None] | None:
        if statement.type != "lexical_declaration" or len(statement.named_children) != 1:
            return None
        return next(iter(self._declarations(statement)), None)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        return text[1:-1].replace("\\'", "'").replace('\\"', '"')
    return text


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one TypeScript file (none when it is not CDKTF code)."""
    return read_program(TypeScriptProgram, path, text, module_dir)
