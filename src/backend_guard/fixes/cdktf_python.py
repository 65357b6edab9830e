"""The local-backend fix for a CDKTF Python stack, as edits.

`S3Backend(self, bucket=..., ...)` becomes `LocalBackend(self, path=...)`, with a path per
environment (`f"terraform.{environment_suffix}.tfstate"`) when such a name is in scope; the
stack's backend overrides go, and so do names assigned only to feed the old backend; `from cdktf
import ...` gains `LocalBackend` and loses the old class when nothing else uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tree_sitter import Node

from backend_guard.apply import apply_edits
from backend_guard.fixes.cdktf_edits import Edits, indent_at, unused_import_edits, used_only_by
from backend_guard.model import BackendConfig, Fix
from backend_guard.sources.cdktf.cdktf_api import environment_binding
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.tree import walk
from backend_guard.sources.cdktf_python import Program

LOCAL = "LocalBackend"


def local_backend_fix(backend: BackendConfig, text: str) -> Fix | None:
    program = Program(backend.path, text)
    construct = next(
        (c for c in program.constructs() if program.span(c.node) == backend.span), None
    )
    if construct is None or (construct.class_name in ("", LOCAL) and not construct.overrides):
        return None
    edits = Edits(program)
    replaced = construct.class_name not in ("", LOCAL)
    if replaced:
        edits.replace(construct.node, _construct_text(program, construct))
    for call, *_ in construct.overrides:
        edits.remove_statement(call, comment_above=True)
    bindings = program.dedicated_bindings(construct)
    for _, statement, _ in bindings:
        edits.remove_statement(statement)
    if replaced and construct.namespace is None:
        _update_import(program, construct, edits)
    if not replaced:
        description = "remove the backend override, which would add a second backend"
    else:
        names = [name for name, _, _ in bindings]
        removed = f", removes {', '.join(names)}" if names else ""
        overrides = ", drops the backend override" if construct.overrides else ""
        description = f"use {LOCAL} instead of {construct.class_name}{overrides}{removed}"
    return Fix(description=description, edits=edits.result(backend.path))


def _local_class(program: Program, construct: Construct) -> str:
    if construct.namespace:
        return f"{construct.namespace}.{LOCAL}"
    return next((name for name, cls in program.classes.items() if cls == LOCAL), LOCAL)


def _construct_text(program: Program, construct: Construct) -> str:
    arguments = construct.props
    positional = [
        a
        for a in (arguments.named_children if arguments else [])
        if a.type not in ("keyword_argument", "comment")
    ]
    scope = program.node_text(positional[0]) if positional else "self"
    environment = environment_binding(program.names_in_scope(construct.node))
    quote = '"' if program.text.count('"') >= program.text.count("'") else "'"
    if environment:
        path = f"f{quote}terraform.{{{environment}}}.tfstate{quote}"
    else:
        path = f"{quote}terraform.tfstate{quote}"
    local = _local_class(program, construct)
    first = arguments.named_children[0] if arguments and arguments.named_children else None
    # One line unless the arguments stood one per line below the call: `S3Backend(self,\n  ...)`
    # has no line of their own to indent from.
    if first is None or first.start_point[0] == arguments.start_point[0]:
        return f"{local}({scope}, path={path})"
    text = program.text
    inner = indent_at(text, program.offset(first.start_byte))
    closing = indent_at(text, program.offset(arguments.end_byte) - 1)
    body = program.node_text(arguments)
    trailing = "," if body[:-1].rstrip().endswith(",") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    return (
        f"{local}({newline}{inner}{scope},{newline}{inner}path={path}{trailing}{newline}{closing})"
    )


def _update_import(program: Program, construct: Construct, edits: Edits) -> None:
    """Add `LocalBackend` to the first `from cdktf import`; drop the names that only the replaced
    construct used (its class, `NamedCloudWorkspace`, ...), removing imports left empty."""
    add = LOCAL not in program.classes
    _rewrite_imports(
        program, edits, lambda name: used_only_by(_uses(program), name, construct.node), add
    )


def tidy(before: str, after: str, path: str) -> str:
    """`after` without the imported names that `before` used and `after` no longer does: the
    backend class when each of a file's stacks had its own construct (no single fix may drop it),
    and names that only fed the replaced constructs (`import { STATE_BUCKET } from './settings'`)."""
    edits = unused_import_edits(
        Program(path, before),
        Program(path, after),
        _uses,
        lambda program, edits, drop, add: _rewrite_imports(
            program, edits, drop, add, only_cdktf=False
        ),
    )
    return apply_edits(after, edits.result(path))


def _rewrite_imports(
    program: Program,
    edits: Edits,
    drop: Callable[[str], bool],
    add: bool,
    *,
    only_cdktf: bool = True,
) -> None:
    """Rewrite each `from cdktf import` (each `from ... import` unless `only_cdktf`) without the
    names `drop` picks, and with `LocalBackend` in the first of them when `add`; an import left
    empty goes."""
    statements = [
        s
        for s in program.root.children
        if s.type == "import_from_statement"
        and (module := s.child_by_field_name("module_name")) is not None
        and (not only_cdktf or program.node_text(module) == "cdktf")
        and s.children_by_field_name("name")
    ]
    for index, statement in enumerate(statements):
        names = statement.children_by_field_name("name")
        keep = []
        for name in names:
            alias = name.child_by_field_name("alias") if name.type == "aliased_import" else name
            local = program.node_text(alias) if alias is not None else ""
            if drop(local):
                continue
            keep.append(program.node_text(name))
        if index == 0 and add:
            sorted_before = [k.lower() for k in keep] == sorted(k.lower() for k in keep)
            keep.append(LOCAL)
            if sorted_before:
                keep.sort(key=str.lower)
        if not keep:
            edits.remove_statement(statement, imports=True)
            continue
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


def _uses(program: Program) -> Iterator[tuple[str, Node]]:
    """Every identifier of the program that is not an imported name itself, with its node."""
    for node in walk(program.root):
        if node.type != "identifier":
            continue
        if node.parent is None or node.parent.type not in ("aliased_import", "dotted_name"):
            yield program.node_text(node), node
