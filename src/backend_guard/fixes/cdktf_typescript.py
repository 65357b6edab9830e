"""The local-backend fix for a CDKTF TypeScript stack, as edits.

The backend construct becomes `new LocalBackend(this, { path: ... })`, with a path per environment
(`terraform.${environmentSuffix}.tfstate`) when such a binding is in scope; the stack's backend
overrides go, and so do the `const`s that only fed the old backend; the `cdktf` import gains
`LocalBackend` and loses the old class when nothing else uses it. Every other byte stays, and the
new code follows the file's own quotes, semicolons and indentation.
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
from backend_guard.sources.cdktf_typescript import Program

LOCAL = "LocalBackend"


def local_backend_fix(backend: BackendConfig, text: str) -> Fix | None:
    program = Program(backend.path, text)
    construct = next(
        (c for c in program.constructs() if program.span(c.node) == backend.span), None
    )
    if construct is None or _names_a_type(program, construct):
        return None
    edits = Edits(program)
    local = _local_class(program, construct)
    if construct.class_name == LOCAL:
        if not construct.overrides:
            return None
    elif construct.class_name:
        edits.replace(construct.node, _construct_text(program, construct, local))
    for call, *_ in construct.overrides:
        edits.remove_statement(call, comment_above=True)
    bindings = program.dedicated_bindings(construct)
    for _, declaration, _ in bindings:
        edits.remove_statement(declaration)
    if construct.class_name not in ("", LOCAL):
        _update_import(program, construct, local, edits)
    names = [name for name, _, _ in bindings]
    removed = f", removes {', '.join(names)}" if names else ""
    overrides = ", drops the backend override" if construct.overrides else ""
    if construct.class_name in ("", LOCAL):
        description = "remove the backend override, which would add a second backend"
    else:
        description = f"use {LOCAL} instead of {construct.class_name}{overrides}{removed}"
    return Fix(description=description, edits=edits.result(backend.path))


def _names_a_type(program: Program, construct: Construct) -> bool:
    """Whether the construct's class is also a type in the file (`(): S3Backend => ...`, a field
    `backend: S3Backend`): a LocalBackend in its place would not type-check, so no fix is made."""
    callee = construct.node.child_by_field_name("constructor")
    if callee is None or not construct.class_name or construct.class_name == LOCAL:
        return False
    name = program.node_text(callee)
    return any(
        node.type in ("type_identifier", "nested_type_identifier")
        and program.node_text(node) == name
        for node in walk(program.root)
    )


def _local_class(program: Program, construct: Construct) -> str:
    if construct.namespace:
        return f"{construct.namespace}.{LOCAL}"
    for local, class_name in program.classes.items():
        if class_name == LOCAL:
            return local
    return LOCAL


def _quote(program: Program) -> str:
    text = program.text
    return '"' if text.count('"') > text.count("'") else "'"


def _construct_text(program: Program, construct: Construct, local: str) -> str:
    arguments = construct.node.child_by_field_name("arguments")
    scope = (
        arguments.named_children[0] if arguments is not None and arguments.named_children else None
    )
    scope_text = program.node_text(scope) if scope is not None else "this"
    environment = environment_binding(program.names_in_scope(construct.node))
    if environment:
        path = "`terraform.${" + environment + "}.tfstate`"
    else:
        quote = _quote(program)
        path = f"{quote}terraform.tfstate{quote}"
    props = construct.props
    if props is None or props.start_point[0] == props.end_point[0]:
        return f"new {local}({scope_text}, {{ path: {path} }})"
    text = program.text
    first = props.named_children[0] if props.named_children else None
    inner = indent_at(text, program.offset(first.start_byte)) if first else "  "
    closing = indent_at(text, program.offset(props.end_byte) - 1)
    body = text[program.offset(props.start_byte) : program.offset(props.end_byte)]
    trailing = "," if body.rstrip()[:-1].rstrip().endswith(",") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    return (
        f"new {local}({scope_text}, {{{newline}{inner}path: {path}{trailing}{newline}{closing}}})"
    )


def _update_import(program: Program, construct: Construct, local: str, edits: Edits) -> None:
    """Add `LocalBackend` to the first `cdktf` import; drop the names that only the replaced
    construct used (its class, `NamedCloudWorkspace`, ...), removing imports left empty."""
    if construct.namespace:
        return
    add = local == LOCAL and LOCAL not in program.classes
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
    """Rewrite the named `cdktf` imports (all named imports unless `only_cdktf`) without the
    names `drop` picks, and with `LocalBackend` in the first of them when `add`; an import left
    empty goes."""
    statements = [
        s
        for s in program.root.children
        if s.type == "import_statement"
        and (source := s.child_by_field_name("source")) is not None
        and (not only_cdktf or program.node_text(source).strip("'\"`") == "cdktf")
        and any(n.type == "named_imports" for n in walk(s))
    ]
    for index, statement in enumerate(statements):
        named = next(n for n in walk(statement) if n.type == "named_imports")
        specifiers = [n for n in named.named_children if n.type == "import_specifier"]
        keep = []
        for specifier in specifiers:
            alias = specifier.child_by_field_name("alias") or specifier.child_by_field_name("name")
            name = program.node_text(alias) if alias is not None else ""
            if drop(name):
                continue
            keep.append(program.node_text(specifier))
        if index == 0 and add:
            keep.append(LOCAL)
            if [k.lower() for k in keep[:-1]] == sorted(k.lower() for k in keep[:-1]):
                keep.sort(key=str.lower)
        if not keep:
            clause = statement.named_children[0]
            if clause.type == "import_clause" and len(clause.named_children) == 1:
                edits.remove_statement(statement, imports=True)  # nothing but the emptied `{ ... }`
            continue
        original = program.node_text(named)
        if "\n" in original:
            indent = (
                indent_at(program.text, program.offset(specifiers[0].start_byte))
                if specifiers
                else "  "
            )
            newline = "\r\n" if "\r\n" in original else "\n"
            closing = indent_at(program.text, program.offset(named.end_byte) - 1)
            replacement = (
                "{" + newline + "".join(f"{indent}{k},{newline}" for k in keep) + closing + "}"
            )
        else:
            pad = " " if original.startswith("{ ") else ""
            replacement = "{" + pad + ", ".join(keep) + pad + "}"
        if replacement != original:
            edits.replace(named, replacement, imports=True)


def _uses(program: Program) -> Iterator[tuple[str, Node]]:
    """Every identifier of the program that is not an import's own name, with its node."""
    for node in walk(program.root):
        if node.type in ("identifier", "type_identifier"):
            parent = node.parent
            if parent is None or parent.type != "import_specifier":
                yield program.node_text(node), node
