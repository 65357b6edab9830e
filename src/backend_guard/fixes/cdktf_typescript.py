"""The local-backend fix for a CDKTF TypeScript stack, in TypeScript's words.

The backend construct becomes `new LocalBackend(this, { path: ... })`, with a path per environment
(`terraform.${environmentSuffix}.tfstate`) when such a binding is in scope, following the file's
own quotes and indentation; `import { ... } from 'cdktf'` gains `LocalBackend` and loses the names
only the old construct used. No fix is made where the backend class is also a type in the file.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from backend_guard.fixes.cdktf_edits import Edits
from backend_guard.fixes.cdktf_local_backend import ProgramFix, multiline_layout
from backend_guard.sources.cdktf.cdktf_api import LOCAL
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.program import Program
from backend_guard.sources.cdktf.tree import walk
from backend_guard.sources.cdktf_typescript import TypeScriptProgram


class TypeScriptFix(ProgramFix):
    PROGRAM = TypeScriptProgram

    def blocks(self, program: Program, construct: Construct) -> bool:
        """`(): S3Backend => new LocalBackend(...)`, a field `backend: S3Backend`: a construct
        whose class is also a type in the file would not type-check as a LocalBackend."""
        callee = construct.node.child_by_field_name("constructor")
        if callee is None or not construct.class_name or construct.class_name == LOCAL:
            return False
        name = program.node_text(callee)
        return any(
            node.type in ("type_identifier", "nested_type_identifier")
            and program.node_text(node) == name
            for node in walk(program.root)
        )

    def construct_text(self, program: Program, construct: Construct, local: str) -> str:
        arguments = construct.node.child_by_field_name("arguments")
        scope = arguments.named_children[0] if arguments and arguments.named_children else None
        scope_text = program.node_text(scope) if scope is not None else "this"
        quote = '"' if program.text.count('"') > program.text.count("'") else "'"
        path = self.path_text(program, construct, quote)
        props = construct.props
        if props is None or props.start_point[0] == props.end_point[0]:
            return f"new {local}({scope_text}, {{ path: {path} }})"
        first = props.named_children[0] if props.named_children else None
        inner, closing, trailing, newline = multiline_layout(program, props, first)
        return (
            f"new {local}({scope_text}, {{{newline}{inner}path: {path}{trailing}{newline}"
            f"{closing}}})"
        )

    def environment_path(self, environment: str, quote: str) -> str:
        return "`terraform.${" + environment + "}.tfstate`"

    def import_statements(self, program: Program, *, only_cdktf: bool) -> list[Node]:
        return [
            s
            for s in program.root.children
            if s.type == "import_statement"
            and (source := s.child_by_field_name("source")) is not None
            and (not only_cdktf or program.node_text(source).strip("'\"`") == "cdktf")
            and _named_imports(s) is not None
        ]

    def imported(self, program: Program, statement: Node) -> list[tuple[str, Node]]:
        named = _named_imports(statement)
        specifiers = (
            [n for n in named.named_children if n.type == "import_specifier"] if named else []
        )
        return [(program.node_text(_local_name(s)), s) for s in specifiers]

    def goes_when_empty(self, program: Program, statement: Node) -> bool:
        """Only when it imports nothing but the emptied `{ ... }` (no default import beside)."""
        clause = statement.named_children[0]
        return clause.type == "import_clause" and len(clause.named_children) == 1

    def replace_names(
        self, program: Program, edits: Edits, statement: Node, keep: list[str]
    ) -> None:
        named = _named_imports(statement)
        if named is None:
            return
        original = program.node_text(named)
        if "\n" in original:
            specifiers = [n for n in named.named_children if n.type == "import_specifier"]
            inner, closing, _, newline = multiline_layout(
                program, named, specifiers[0] if specifiers else None
            )
            newline = "\r\n" if "\r\n" in original else "\n"
            replacement = (
                "{" + newline + "".join(f"{inner}{k},{newline}" for k in keep) + closing + "}"
            )
        else:
            pad = " " if original.startswith("{ ") else ""
            replacement = "{" + pad + ", ".join(keep) + pad + "}"
        if replacement != original:
            edits.replace(named, replacement, imports=True)

    def uses(self, program: Program) -> Iterator[tuple[str, Node]]:
        for node in walk(program.root):
            if node.type in ("identifier", "type_identifier"):
                parent = node.parent
                if parent is None or parent.type != "import_specifier":
                    yield program.node_text(node), node


def _named_imports(statement: Node) -> Node | None:
    return next((n for n in walk(statement) if n.type == "named_imports"), None)


def _local_name(specifier: Node) -> Node:
    return (
        specifier.child_by_field_name("alias") or specifier.child_by_field_name("name") or specifier
    )


_FIX = TypeScriptFix()
local_backend_fix = _FIX.local_backend_fix
tidy = _FIX.tidy
