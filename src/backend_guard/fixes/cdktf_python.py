"""The local-backend fix for a CDKTF Python stack, in Python's words.

`S3Backend(self, bucket=..., ...)` becomes `LocalBackend(self, path=...)`, with a path per
environment (`f"terraform.{environment_suffix}.tfstate"`) when such a name is in scope; `from cdktf
import ...` gains `LocalBackend` and loses the names only the old construct used.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from backend_guard.fixes.cdktf_edits import Edits, indent_at
from backend_guard.fixes.cdktf_local_backend import ProgramFix, multiline_layout
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.program import Program
from backend_guard.sources.cdktf.tree import walk
from backend_guard.sources.cdktf_python import PythonProgram


class PythonFix(ProgramFix):
    PROGRAM = PythonProgram

    def construct_text(self, program: Program, construct: Construct, local: str) -> str:
        arguments = construct.props
        children = arguments.named_children if arguments is not None else []
        positional = [a for a in children if a.type not in ("keyword_argument", "comment")]
        scope = program.node_text(positional[0]) if positional else "self"
        quote = '"' if program.text.count('"') >= program.text.count("'") else "'"
        path = self.path_text(program, construct, quote)
        # One line unless the arguments stood one per line below the call: `S3Backend(self,\n  ...)`
        # has no line of their own to indent from.
        if (
            arguments is None
            or not children
            or children[0].start_point[0] == arguments.start_point[0]
        ):
            return f"{local}({scope}, path={path})"
        inner, closing, trailing, newline = multiline_layout(program, arguments, children[0])
        return (
            f"{local}({newline}{inner}{scope},{newline}{inner}path={path}{trailing}{newline}"
            f"{closing})"
        )

    def environment_path(self, environment: str, quote: str) -> str:
        return f"f{quote}terraform.{{{environment}}}.tfstate{quote}"

    def import_statements(self, program: Program, *, only_cdktf: bool) -> list[Node]:
        return [
            s
            for s in program.root.children
            if s.type == "import_from_statement"
            and (module := s.child_by_field_name("module_name")) is not None
            and (not only_cdktf or program.node_text(module) == "cdktf")
            and s.children_by_field_name("name")
        ]

    def imported(self, program: Program, statement: Node) -> list[tuple[str, Node]]:
        result = []
        for name in statement.children_by_field_name("name"):
            alias = name.child_by_field_name("alias") if name.type == "aliased_import" else name
            result.append((program.node_text(alias) if alias is not None else "", name))
        return result

    def replace_names(
        self, program: Program, edits: Edits, statement: Node, keep: list[str]
    ) -> None:
        names = statement.children_by_field_name("name")
        first, last = names[0], names[-1]
        original = program.text[program.offset(first.start_byte) : program.offset(last.end_byte)]
        if "\n" in original:
            indent = indent_at(program.text, program.offset(first.start_byte))
            newline = "\r\n" if "\r\n" in original else "\n"
            replacement = f",{newline}{indent}".join(keep)
        else:
            replacement = ", ".join(keep)
        if replacement != original:
            edits.replace_range(first, last, replacement, imports=True)

    def uses(self, program: Program) -> Iterator[tuple[str, Node]]:
        for node in walk(program.root):
            if node.type != "identifier":
                continue
            if node.parent is None or node.parent.type not in ("aliased_import", "dotted_name"):
                yield program.node_text(node), node


_FIX = PythonFix()
local_backend_fix = _FIX.local_backend_fix
tidy = _FIX.tidy
