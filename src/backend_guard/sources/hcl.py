"""HCL source: `.tf` and `.tofu` files to `FileFacts`.

Only the top-level blocks that can matter are parsed (python-hcl2 is slow on whole files):
`terraform` blocks (backend, cloud, required_version), `resource` blocks of types that create state
storage, and `module` blocks with a local `source`. Each is cut out by `hcl_blocks` with its
position kept, so every span below is exact in the original file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from backend_guard.filekinds import is_override_file
from backend_guard.model import (
    FileFacts,
    Origin,
    ParseProblem,
    Span,
    VersionConstraint,
)
from backend_guard.sources import hcl_literal_block
from backend_guard.sources.hcl_blocks import (
    TopLevelBlock,
    UnbalancedInputError,
    top_level_blocks,
)
from backend_guard.sources.json_spans import Positions
from backend_guard.storage import STORAGE_NAME_ATTRIBUTE

if TYPE_CHECKING:
    from lark import Tree

_T = TypeVar("_T")

# Where a block that matters can be; lexing stops after the last of these. Each pattern starts
# with a literal, which the regular expression engine finds fast.
_TERRAFORM_BLOCK = re.compile(r"terraform\s*\{")
_CANDIDATE_WORDS = ('"./', '"../', *(f'"{name}"' for name in STORAGE_NAME_ATTRIBUTE))
_LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.\.?/[^"]*)"')
# `required_version` is always a literal string (Terraform refuses anything else there).
# python-hcl2 takes about ten milliseconds per kilobyte; real backend and storage blocks are a
# few kilobytes. A larger block is reported, not parsed.
MAX_PARSED_BLOCK_CHARS = 64 * 1024
_REQUIRED_VERSION = re.compile(
    r'^[ \t]*(?P<name>required_version)[ \t]*=[ \t]*"(?P<value>[^"\\\n]*)"', re.MULTILINE
)


def read(path: str, text: str, module_dir: str, *, max_backends: int | None = None) -> FileFacts:
    """The facts of one file. With `max_backends`, backend and `cloud` blocks after that many
    are not read (the caller reports what it cuts; a file of thousands is hostile or generated,
    and each may cost the parser milliseconds)."""
    facts = FileFacts(path=path)
    last = _last_candidate(text)
    if last < 0:
        return facts
    try:
        blocks = top_level_blocks(text, {"terraform", "resource", "module"}, until=last)
    except UnbalancedInputError as error:
        facts.problems.append(_problem(path, error.line, 1, f"cannot be parsed: {error}"))
        return facts
    origin = Origin.OVERRIDE_FILE if is_override_file(path) else Origin.WRITTEN
    # One table of line starts for the whole file: counting newlines from the top for every
    # block would make a file of many blocks quadratic.
    positions = Positions(text)
    for block in blocks:
        if block.type == "module":
            facts.module_sources.extend(_LOCAL_SOURCE.findall(text, block.start, block.end))
        elif block.type == "terraform":
            _read_terraform_block(block, positions, path, module_dir, origin, facts, max_backends)
        elif block.labels and block.labels[0] in STORAGE_NAME_ATTRIBUTE:
            _read_storage_block(block, text, module_dir, facts)
    return facts


def _last_candidate(text: str) -> int:
    last = max(text.rfind(word) for word in _CANDIDATE_WORDS)
    for match in _TERRAFORM_BLOCK.finditer(text, last + 1):
        last = match.start()
    return last


def _tree() -> ModuleType:
    from backend_guard.sources import hcl_tree

    return hcl_tree


def _read_storage_block(block: TopLevelBlock, text: str, module_dir: str, facts: FileFacts) -> None:
    """The storage a `resource` block of a storage-creating type makes."""
    path = facts.path
    for storage in _read_block(
        block,
        text,
        facts,
        lambda literal: hcl_literal_block.read_storage(literal, text, path, module_dir),
        lambda node, fragment: _tree().storage_of(node, fragment, path, module_dir, block),
    ):
        facts.storage.extend(storage)


def _read_block(
    block: TopLevelBlock,
    text: str,
    facts: FileFacts,
    literal: Callable[[TopLevelBlock], _T | None],
    parsed: Callable[[Tree, str], _T | None],
) -> list[_T]:
    """What `block` holds: read straight from its text when it is written in literals (the fast
    path), else from each node python-hcl2 makes of it. A block too large to parse is reported
    and holds nothing."""
    path = facts.path
    if block.end - block.start > MAX_PARSED_BLOCK_CHARS:
        header = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
        message = (
            f"the `{header}` block is larger than {MAX_PARSED_BLOCK_CHARS // 1024} KiB "
            "and was not read"
        )
        facts.problems.append(
            _problem(path, block.start_line, block.start_column, message, limit=True)
        )
        return []
    found = literal(block)
    if found is not None:
        return [found]
    fragment, nodes, problem = _tree().parse(block, text, path)
    if problem is not None:
        facts.problems.append(problem)
    return [each for node in nodes if (each := parsed(node, fragment)) is not None]


def _problem(
    path: str, line: int, column: int, message: str, *, limit: bool = False
) -> ParseProblem:
    return ParseProblem(Span(path, line, column, line, column), message, limit)


def _read_terraform_block(
    block: TopLevelBlock,
    positions: Positions,
    path: str,
    module_dir: str,
    origin: Origin,
    facts: FileFacts,
    max_backends: int | None,
) -> None:
    """Backends, `cloud` and `required_version` of a `terraform` block.

    Only the `backend` and `cloud` blocks are handed to the parser: `required_providers`, the
    bulk of most `terraform` blocks, never holds anything a rule reads.
    """
    text = positions.text
    body_start = text.index("{", block.start) + 1
    body_end = block.end - 1
    try:
        nested = top_level_blocks(
            text, None, body_start, body_end, start_line=positions.line_column(body_start)[0]
        )
    except UnbalancedInputError as error:
        facts.problems.append(_problem(path, error.line, 1, f"cannot be parsed: {error}"))
        return
    enclosing = Span(path, block.start_line, block.start_column, *positions.line_column(block.end))
    for inner in nested:
        if inner.type not in ("backend", "cloud"):
            continue
        if max_backends is not None and len(facts.backends) >= max_backends:
            break
        facts.backends += _read_block(
            inner,
            text,
            facts,
            lambda literal: hcl_literal_block.read_backend(
                literal, text, path, module_dir, origin, enclosing
            ),
            lambda node, fragment: _tree().backend_of(
                node, fragment, path, module_dir, origin, enclosing
            ),
        )
    nested_ranges = [(inner.start, inner.end) for inner in nested]
    for match in _REQUIRED_VERSION.finditer(text, body_start, body_end):
        if any(start <= match.start() < end for start, end in nested_ranges):
            continue
        line, column = positions.line_column(match.start("name"))
        end_line, end_column = positions.line_column(match.end())
        span = Span(path, line, column, end_line, end_column)
        facts.required_versions.append(VersionConstraint(match.group("value"), span))
