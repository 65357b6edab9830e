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

from collections.abc import Iterator

import tree_sitter_java
from tree_sitter import Node

from backend_guard.model import FileFacts, Span, Syntax
from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES
from backend_guard.sources.cdktf.class_based import ClassBasedProgram
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.facts import read_program
from backend_guard.sources.cdktf.resolved import unescape

PACKAGE = "com.hashicorp.cdktf"


class JavaProgram(ClassBasedProgram):
    """One parsed Java file and the `com.hashicorp.cdktf` classes it imports."""

    GRAMMAR = tree_sitter_java.language
    SYNTAX = Syntax.JAVA
    STRINGS = frozenset({"string_literal"})
    NUMBERS = frozenset(
        {
            "decimal_integer_literal",
            "hex_integer_literal",
            "octal_integer_literal",
            "binary_integer_literal",
            "decimal_floating_point_literal",
        }
    )
    BOOLEANS = frozenset({"true", "false"})
    LITERALS = STRINGS | NUMBERS | BOOLEANS
    CONSTRUCTORS = frozenset({"object_creation_expression"})
    CALLS = frozenset({"method_invocation"})
    MEMBER = ("method_invocation", "object", "name")
    REFERENCES = frozenset({"field_access"})
    STACK_SCOPES = frozenset({"class_declaration", "enum_declaration", "record_declaration"})
    BLOCKS = frozenset({"block", "constructor_body", "switch_block_statement_group"})
    MEMBERS = frozenset({"class_body"})

    def _read_imports(self) -> None:
        self.wildcard = False  # `import com.hashicorp.cdktf.*;`
        for statement in self.root.named_children:
            if statement.type != "import_declaration" or not statement.named_children:
                continue
            name = self.node_text(statement.named_children[0])
            if any(c.type == "asterisk" for c in statement.children):
                self.wildcard = self.wildcard or name == PACKAGE
            else:
                self._imported(name.rpartition(".")[2], name, PACKAGE)

    def class_named(self, node: Node) -> tuple[str | None, str | None]:
        """The cdktf class a type or name stands for (`S3Backend`, `com.hashicorp.cdktf.S3Backend`),
        and the package it is written with."""
        package, _, name = self._qualified(node).rpartition(".")
        if package == PACKAGE:
            return name, package
        if package or not (self.wildcard or name in self.classes):
            return None, None
        return name, None

    # -- constructs ---------------------------------------------------------------------------

    def _construct(self, node: Node) -> Construct | None:
        return self._built(node) if node.type == "method_invocation" else super()._construct(node)

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
        values = self._arguments(node)
        return Construct(
            chain, class_name, package, chain, self._stack(chain, values[0] if values else None)
        )

    def _member_call(self, call: Node) -> tuple[Node | None, Node | None]:
        return call.child_by_field_name("object"), call.child_by_field_name("name")

    def _config_body(self, node: Node) -> Node | None:
        """The `...builder()...build()` chain of a config."""
        return node if node.type == "method_invocation" else None

    # -- values -------------------------------------------------------------------------------

    def _declarators(self, statement: Node) -> list[Node]:
        if statement.type not in ("local_variable_declaration", "field_declaration"):
            return []
        return statement.children_by_field_name("declarator")

    def _initial_value(self, declarator: Node, name: Node) -> Node | None:
        return declarator.child_by_field_name("value")

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

    def _properties(self, construct: Construct) -> Iterator[tuple[str, Node, Span]]:
        """One property per call of the builder chain, from `builder()`/`create(...)` on."""
        result: list[tuple[str, Node, Span]] = []
        chain = construct.props
        while chain is not None and chain.type == "method_invocation":
            name, values = chain.child_by_field_name("name"), self._arguments(chain)
            if name is None or self.node_text(name) in ("builder", "create"):
                break
            if len(values) == 1:
                result.append((self.node_text(name), values[0], self.span_between(name, chain)))
            chain = chain.child_by_field_name("object")
        return reversed(result)


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one Java file (none when it is not CDKTF code)."""
    return read_program(JavaProgram, path, text, module_dir)
