"""A program's constructs as `BackendConfig` facts, one per stack, within the bounds every
source keeps."""

from __future__ import annotations

from tree_sitter import Node

from backend_guard.model import FileFacts, ParseProblem, StorageResource
from backend_guard.sources.cdktf.backend import backend_of
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.program import Program

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
        node = constructs[MAX_CONSTRUCTS].node
        problems.append(_past(program, node, f"{MAX_CONSTRUCTS} backend constructs"))
        constructs = constructs[:MAX_CONSTRUCTS]
    for construct in constructs:
        if len(construct.overrides) > MAX_OVERRIDES:
            node = construct.overrides[MAX_OVERRIDES][0]
            what = f"{MAX_OVERRIDES} backend overrides in stack {construct.stack}"
            problems.append(_past(program, node, what))
            del construct.overrides[MAX_OVERRIDES:]
    return constructs, problems


def _past(program: Program, node: Node, what: str) -> ParseProblem:
    """Reading stopped at `node`, past the bound `what` names."""
    return ParseProblem(
        program.span(node).start(),
        f"has more than {what}; those from here on were not read",
        limit=True,
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
