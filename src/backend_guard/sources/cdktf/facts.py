"""A program's constructs as `BackendConfig` facts, one per stack, within the bounds every
source keeps."""

from __future__ import annotations

from backend_guard.model import (
    Attribute,
    BackendConfig,
    BackendKind,
    FileFacts,
    Origin,
    ParseProblem,
    StorageResource,
)
from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES, argument_name
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.program import Program
from backend_guard.sources.cdktf.tree import branches

# Reading a construct walks the program, and each fix parses it again: a file with more
# constructs or overrides than any real stack has is read up to these bounds, and says so.
MAX_CONSTRUCTS = 20
MAX_OVERRIDES = 200


def read_program(language: type[Program], path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one file of `language` (none when it is not CDKTF
    code)."""
    if language.MARKER not in text:
        return FileFacts(path=path)
    program = language(path, text)
    if not program.is_cdktf():
        return FileFacts(path=path)
    return facts_of(program, module_dir)


def bounded(
    program: Program, constructs: list[Construct]
) -> tuple[list[Construct], list[ParseProblem]]:
    """The first MAX_CONSTRUCTS constructs, each with at most MAX_OVERRIDES overrides, and a
    problem where reading stopped."""
    problems: list[ParseProblem] = []
    if len(constructs) > MAX_CONSTRUCTS:
        span = program.span(constructs[MAX_CONSTRUCTS].node)
        problems.append(
            ParseProblem(
                span.start(),
                f"has more than {MAX_CONSTRUCTS} backend constructs; "
                "those from here on were not read",
                limit=True,
            )
        )
        constructs = constructs[:MAX_CONSTRUCTS]
    for construct in constructs:
        if len(construct.overrides) > MAX_OVERRIDES:
            span = program.span(construct.overrides[MAX_OVERRIDES][0])
            problems.append(
                ParseProblem(
                    span.start(),
                    f"has more than {MAX_OVERRIDES} backend overrides in stack {construct.stack}; "
                    "those from here on were not read",
                    limit=True,
                )
            )
            del construct.overrides[MAX_OVERRIDES:]
    return constructs, problems


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


def facts_of(program: Program, module_dir: str) -> FileFacts:
    """One file's backends, one per stack, read up to MAX_CONSTRUCTS constructs of
    MAX_OVERRIDES overrides, and a syntax error when the file has backends or imports a backend
    class."""
    facts = FileFacts(path=program.path)
    constructs, facts.problems = bounded(program, program.constructs())
    for construct in constructs:
        facts.backends.append(backend_of(program, construct, module_dir))
    for resource_type, stack, name, node in program.storage()[:MAX_CONSTRUCTS]:
        facts.storage.append(
            StorageResource(
                resource_type, program.value(name), program.span(node), f"{module_dir}#{stack}"
            )
        )
    error = program.first_error()
    # A file that imports a backend class from cdktf is CDKTF code even when the error hides
    # every construct: silence would pass a stack that cannot synthesize.
    if error is not None and (facts.backends or program.classes):
        read = "may be read incompletely" if facts.backends else "could not be read"
        facts.problems.append(
            ParseProblem(program.span(error), f"has a syntax error; its backend {read}")
        )
    return facts
