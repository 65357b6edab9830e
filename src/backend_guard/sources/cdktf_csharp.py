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

from collections.abc import Iterator

import tree_sitter_c_sharp
from tree_sitter import Node

from backend_guard.model import FileFacts, Span, Syntax
from backend_guard.sources.cdktf.class_based import ClassBasedProgram
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.facts import read_program
from backend_guard.sources.cdktf.resolved import Resolved, concatenated, unescape
from backend_guard.sources.cdktf.tree import walk

NAMESPACE = "HashiCorp.Cdktf"


class CSharpProgram(ClassBasedProgram):
    """One parsed C# file and the names it uses `HashiCorp.Cdktf` and its classes under."""

    GRAMMAR = tree_sitter_c_sharp.language
    SYNTAX = Syntax.CSHARP
    STRINGS = frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal"})
    NUMBERS = frozenset({"integer_literal", "real_literal"})
    BOOLEANS = frozenset({"boolean_literal"})
    LITERALS = STRINGS | NUMBERS | BOOLEANS
    TEMPLATES = frozenset({"interpolated_string_expression"})
    INTERPOLATIONS = frozenset({"interpolation"})
    CALLS = frozenset({"invocation_expression"})
    MEMBER = ("member_access_expression", "expression", "name")
    OVERRIDE = "AddOverride"
    MARKER = "Cdktf"
    REFERENCES = frozenset({"member_access_expression"})
    DEFAULTS = frozenset({("binary_expression", "??")})
    STACK_SCOPES = frozenset(
        {
            "class_declaration",
            "struct_declaration",
            "record_declaration",
            "record_struct_declaration",
        }
    )
    BLOCKS = frozenset({"block", "compilation_unit"})  # top-level statements too
    MEMBERS = frozenset({"declaration_list"})

    def _read_imports(self) -> None:
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
            self._imported(self.node_text(alias), name, NAMESPACE)

    def _qualified(self, node: Node) -> str:
        return super()._qualified(node).removeprefix("global::")

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

    def _config_body(self, node: Node) -> Node | None:
        """The `{ Bucket = ..., ... }` of `new S3BackendConfig { ... }` or `new() { ... }`."""
        if node.type in ("object_creation_expression", "implicit_object_creation_expression"):
            return next(
                (c for c in node.named_children if c.type == "initializer_expression"), None
            )
        return None

    def _argument(self, node: Node) -> Node | None:
        """The expression of an argument, named ones (`props: ...`) too."""
        if node.type != "argument":
            return None
        name = node.child_by_field_name("name")
        # `this` is no named node: the argument stands for it
        return next((c for c in node.named_children if c != name), node)

    # -- values -------------------------------------------------------------------------------

    def _bound_by(self, statement: Node, name: str) -> Node | None:
        if statement.type == "global_statement" and statement.named_children:
            statement = statement.named_children[0]
        return super()._bound_by(statement, name)

    def _declarators(self, statement: Node) -> list[Node]:
        if statement.type not in ("local_declaration_statement", "field_declaration"):
            return []
        return [
            declarator
            for declaration in statement.named_children
            if declaration.type == "variable_declaration"
            for declarator in declaration.named_children
        ]

    def _initial_value(self, declarator: Node, name: Node) -> Node | None:
        """`"b"` in `bucket = "b"`: the declarator's child after its name (the grammar gives it no
        field)."""
        return next(
            (
                c
                for c in declarator.named_children
                if c != name and c.type != "bracketed_argument_list"
            ),
            None,
        )

    def _call(self, node: Node, depth: int) -> Resolved:
        """`Environment.GetEnvironmentVariable("X")`: a value the program is given."""
        if node.type != "invocation_expression":
            return super()._call(node, depth)
        function = node.child_by_field_name("function")
        text = self.node_text(function) if function is not None else ""
        if text.rpartition(".")[2] == "GetEnvironmentVariable":
            return Resolved(props=(self.node_text(node),))
        return Resolved()

    def _string(self, node: Node) -> str:
        text = self.node_text(node)
        if node.type == "verbatim_string_literal":
            return text[2:-1].replace('""', '"')
        if node.type == "raw_string_literal":
            return _raw(
                "".join(self.node_text(c) for c in node.children if c.type == "raw_string_content")
            )
        return unescape(text[1:-1])

    def _template(self, node: Node, depth: int) -> Resolved:
        verbatim = "@" in self.node_text(node).split('"', 1)[0]
        parts: list[str | Resolved] = []
        for child in node.named_children:
            if child.type == "string_content":
                content = self.node_text(child)
                parts.append(content.replace('""', '"') if verbatim else content)
            elif child.type == "escape_sequence":
                parts.append(unescape(self.node_text(child)))
            elif child.type == "interpolation":
                inside = [c for c in child.named_children if c.type != "interpolation_brace"]
                # `{x,5:N}` aligns and formats x: what it shows is not x as written
                parts.append(self.resolve(inside[0], depth + 1) if len(inside) == 1 else Resolved())
        return concatenated(parts)

    # -- facts ------------------------------------------------------------------------------

    def _properties(self, construct: Construct) -> Iterator[tuple[str, Node, Span]]:
        """The assignments of the config's initializer."""
        for assignment in construct.props.named_children if construct.props is not None else []:
            left, right = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            )
            if (
                assignment.type == "assignment_expression"
                and left is not None
                and right is not None
            ):
                yield self.node_text(left), right, self.span(assignment)


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
    return read_program(CSharpProgram, path, text, module_dir)
