"""Values a program reads from its environment at synth time: `process.env.BUCKET`,
`os.environ["BUCKET"]`, `os.getenv("BUCKET")`, `os.Getenv("BUCKET")`, `System.getenv("BUCKET")`,
`Environment.GetEnvironmentVariable("BUCKET")`.

Such a value is what the CI that synthesizes the app sets; where nothing sets it, it is unset (or
the default the program falls back to), and that is what the synthesized backend holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from backend_guard.sources.cdktf.resolved import Resolved, with_default

if TYPE_CHECKING:
    from backend_guard.sources.cdktf.program import Program

# Member access and subscript fields, across the grammars: (object field, name field).
_FIELDS = (("object", "property"), ("object", "index"), ("value", "subscript"))


def variable_read(program: Program, node: Node) -> Resolved:
    """A member access or subscript: the environment variable it reads, if it reads one
    (`process.env.BUCKET`, `process.env["BUCKET"]`, `os.environ["BUCKET"]`)."""
    read = Resolved(props=(program._reference(node),))
    for object_field, name_field in _FIELDS:
        owner, name = node.child_by_field_name(object_field), node.child_by_field_name(name_field)
        if owner is None or name is None:
            continue
        if program.node_text(owner).replace("?.", ".") not in program.ENV_OBJECTS:
            return read
        variable = (
            program.node_text(name)
            if name.type in ("property_identifier", "identifier")
            else program.resolve(name).literal
        )
        if not isinstance(variable, str):
            return read
        return Resolved(props=read.props, env=(variable,), reads=(variable,))
    return read


def getter_call(program: Program, node: Node, depth: int) -> Resolved | None:
    """`os.getenv("BUCKET")`, `os.Getenv("BUCKET")`, `System.getenv("BUCKET")`: the variable it
    reads, and the default it falls back to when given one (`os.getenv("BUCKET", "acme")`);
    None when `node` is no such call."""
    callee = _callee(program, node)
    if callee not in program.ENV_GETTERS:
        return None
    values = program._arguments(node)
    variable = program.resolve(values[0], depth + 1).literal if values else None
    if not isinstance(variable, str):
        return None
    written = f"{callee}({program.node_text(values[0])})"
    read = Resolved(props=(written,), env=(variable,), reads=(variable,))
    if len(values) < 2:
        return read
    return with_default(read, program.resolve(values[1], depth + 1), written, program._shown)


def _callee(program: Program, call: Node) -> str:
    """What a call calls, as written: `os.getenv` in `os.getenv("X")`."""
    receiver, name = program._member_call(call)
    if name is None:
        return ""
    owner = f"{program.node_text(receiver)}." if receiver is not None else ""
    return owner + program.node_text(name)
