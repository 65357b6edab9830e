"""A backend construct, with the overrides written into it, as the `BackendConfig` synth makes of
it."""

from __future__ import annotations

from backend_guard.model import Attribute, BackendConfig, BackendKind, Origin
from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES, argument_name
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.program import Program
from backend_guard.sources.cdktf.tree import branches


def backend_of(program: Program, construct: Construct, module_dir: str) -> BackendConfig:
    """One stack's backend: the construct's properties and the overrides of the same type."""
    overrides = [
        Attribute(argument_name(argument), program.value(value), program.span(call))
        for call, _, argument, value in construct.overrides
    ]
    if construct.class_name:
        kind, backend_type = BACKEND_CLASSES[construct.class_name]
        origin = Origin.PROGRAM
        function = construct.node.child_by_field_name(program.CALLEE)
        header = program.span(function if function is not None else construct.node)
    else:
        kind, backend_type = BackendKind.BACKEND, construct.overrides[0][1]
        origin = Origin.ESCAPE_HATCH
        header = program.span(construct.node)
    same_type = [
        a for a, (_, t, *_) in zip(overrides, construct.overrides, strict=True) if t == backend_type
    ]
    dedicated = [
        Attribute(name, program.value(value), program.span(declaration))
        for name, declaration, value in program.dedicated_bindings(construct)
    ]
    return BackendConfig(
        kind=kind,
        type=backend_type,
        attributes=(*program.attributes(construct), *same_type),
        span=program.span(construct.node),
        header_span=header,
        module_dir=f"{module_dir}#{construct.stack}",
        syntax=program.SYNTAX,
        origin=origin,
        stack=construct.stack,
        overrides=tuple(overrides),
        dedicated_bindings=tuple(dedicated),
        branches=branches(construct.node),
        arguments_unknown=construct.opaque,
    )
