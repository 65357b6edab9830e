"""HCL source: `.tf` and `.tofu` files to `FileFacts`.

Only the top-level blocks that can matter are parsed (python-hcl2 is slow on whole files):
`terraform` blocks (backend, cloud, required_version), `resource` blocks of types that create state
storage, and `module` blocks with a local `source`. Each is cut out by `hcl_blocks` with its
position kept, so every span below is exact in the original file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import hcl2
from lark import Token, Tree

from backend_guard.filekinds import is_override_file
from backend_guard.model import (
    Attribute,
    BackendConfig,
    BackendKind,
    FileFacts,
    Origin,
    ParseProblem,
    Span,
    StorageResource,
    Syntax,
    VersionConstraint,
)
from backend_guard.sources.hcl_blocks import (
    TopLevelBlock,
    UnbalancedInputError,
    isolate,
    top_level_blocks,
)
from backend_guard.sources.hcl_values import value_of
from backend_guard.storage import STORAGE_NAME_ATTRIBUTE

_LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.\.?/[^"]*)"')


def read(path: str, text: str, module_dir: str) -> FileFacts:
    facts = FileFacts(path=path)
    try:
        blocks = top_level_blocks(text, {"terraform", "resource", "module"})
    except UnbalancedInputError as error:
        facts.problems.append(_problem(path, error.line, 1, f"cannot be parsed: {error}"))
        return facts
    origin = Origin.OVERRIDE_FILE if is_override_file(path) else Origin.WRITTEN
    for block in blocks:
        if block.type == "module":
            facts.module_sources.extend(_LOCAL_SOURCE.findall(text, block.start, block.end))
            continue
        if block.type == "resource" and (
            not block.labels or block.labels[0] not in STORAGE_NAME_ATTRIBUTE
        ):
            continue
        fragment = isolate(text, block)
        try:
            tree = hcl2.parses_to_tree(fragment)
        except Exception as error:  # python-hcl2 raises Lark errors and its own ValueErrors
            line = getattr(error, "line", block.start_line) or block.start_line
            column = getattr(error, "column", 1) or 1
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            facts.problems.append(
                _problem(
                    path, line, column, f"cannot be parsed: {first_line or type(error).__name__}"
                )
            )
            continue
        for node in _top_blocks(tree):
            if block.type == "terraform":
                _read_terraform_block(node, fragment, path, module_dir, origin, facts)
            else:
                _read_storage_resource(node, fragment, path, module_dir, block, facts)
    return facts


def _problem(path: str, line: int, column: int, message: str) -> ParseProblem:
    return ParseProblem(Span(path, line, column, line, column), message)


def _top_blocks(tree: Tree) -> Iterator[Tree]:
    body = tree.children[0]
    for child in body.children:
        if isinstance(child, Tree) and child.data == "block":
            yield child


def _span(path: str, node: Tree) -> Span:
    meta = node.meta
    return Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def _block_parts(block: Tree) -> tuple[str, list[str], Tree, Token]:
    """A block's type, its labels, its body and its opening brace."""
    names: list[str] = []
    body: Tree | None = None
    brace: Token | None = None
    for child in block.children:
        if isinstance(child, Token):
            if child.type == "LBRACE":
                brace = child
            continue
        if child.data == "body":
            body = child
        elif child.data in ("identifier", "keyword", "literal_value"):
            names.append(str(child.children[0]))
        elif child.data == "string":
            names.append(
                "".join(str(t) for t in child.scan_values(lambda v: isinstance(v, Token)))[1:-1]
            )
    assert body is not None and brace is not None
    return names[0], names[1:], body, brace


def _attributes(body: Tree, text: str, path: str) -> Iterator[Attribute]:
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = str(child.children[0].children[0])
            yield Attribute(
                name=name, value=value_of(child.children[-1], text), span=_span(path, child)
            )
        elif child.data == "block":
            block_type, labels, inner, _ = _block_parts(child)
            nested = {a.name: a.value.literal for a in _attributes(inner, text, path)}
            value = value_of(child, text)
            yield Attribute(
                name=block_type if not labels else f"{block_type}.{'.'.join(labels)}",
                value=type(value)(kind=value.kind, text=value.text, literal=nested),
                span=_span(path, child),
                written_as_block=True,
            )


def _read_terraform_block(
    node: Tree, text: str, path: str, module_dir: str, origin: Origin, facts: FileFacts
) -> None:
    _, _, body, _ = _block_parts(node)
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute" and str(child.children[0].children[0]) == "required_version":
            value = value_of(child.children[-1], text)
            if isinstance(value.literal, str):
                facts.required_versions.append(VersionConstraint(value.literal, _span(path, child)))
        if child.data != "block":
            continue
        block_type, labels, inner, brace = _block_parts(child)
        if block_type == "backend" and labels:
            kind, backend_type = BackendKind.BACKEND, labels[0]
        elif block_type == "cloud":
            kind, backend_type = BackendKind.CLOUD, "cloud"
        else:
            continue
        span = _span(path, child)
        facts.backends.append(
            BackendConfig(
                kind=kind,
                type=backend_type,
                attributes=tuple(_attributes(inner, text, path)),
                span=span,
                header_span=Span(
                    path, span.start_line, span.start_column, brace.line, brace.end_column
                ),
                module_dir=module_dir,
                syntax=Syntax.HCL,
                origin=origin,
                enclosing_span=_span(path, node),
            )
        )


def _read_storage_resource(
    node: Tree, text: str, path: str, module_dir: str, block: TopLevelBlock, facts: FileFacts
) -> None:
    resource_type = block.labels[0]
    _, _, body, _ = _block_parts(node)
    wanted = STORAGE_NAME_ATTRIBUTE[resource_type]
    for attribute in _attributes(body, text, path):
        if attribute.name == wanted:
            facts.storage.append(
                StorageResource(resource_type, attribute.value, _span(path, node), module_dir)
            )
