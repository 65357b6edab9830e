"""JSON source: `.tf.json` and `.tofu.json` files (CDKTF's `cdk.tf.json` included) to `FileFacts`.

Terraform's JSON syntax: a block type maps to an object, or to an array of objects meaning several
blocks; `"//"` members are comments. Backend values are not template-evaluated in JSON, so a
`"${var.x}"` there is kept as text and marked as an uninterpolated template.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    Value,
    ValueKind,
    VersionConstraint,
)
from backend_guard.sources.json_spans import JsonError, Member, Node, Positions, parse
from backend_guard.storage import STORAGE_NAME_ATTRIBUTE


def read(path: str, text: str, module_dir: str, *, synthesized: bool = False) -> FileFacts:
    facts = FileFacts(path=path)
    positions = Positions(text)
    try:
        root = parse(text)
    except JsonError as error:
        line, column = positions.line_column(min(error.offset, len(text)))
        facts.problems.append(
            ParseProblem(
                Span(path, line, column, line, column), f"cannot be parsed as JSON: {error}"
            )
        )
        return facts
    if root.members is None:
        line, column = positions.line_column(root.start)
        facts.problems.append(
            ParseProblem(
                Span(path, line, column, line, column), "the top level must be a JSON object"
            )
        )
        return facts
    if synthesized:
        origin = Origin.SYNTHESIZED
    else:
        origin = Origin.OVERRIDE_FILE if is_override_file(path) else Origin.WRITTEN
    reader = _Reader(path, module_dir, positions, origin, facts)
    for terraform in _blocks(root.get("terraform")):
        reader.terraform(terraform)
    for resources in _blocks(root.get("resource")):
        reader.resources(resources)
    for modules in _blocks(root.get("module")):
        for call in _blocks(modules.members or []):
            for source in call.get("source"):
                value = source.node.value
                if isinstance(value, str) and value.startswith(("./", "../")):
                    facts.module_sources.append(value)
    return facts


def _blocks(members: list[Member]) -> Iterator[Node]:
    """Objects of a block type: `{...}` is one block, `[{...}, {...}]` several."""
    for member in members:
        node = member.node
        if node.members is not None:
            yield node
        elif node.items is not None:
            yield from (item for item in node.items if item.members is not None)


def _value(node: Node, text: str) -> Value:
    literal = node.plain()
    return Value(
        kind=ValueKind.LITERAL,
        text=text[node.start : node.end],
        literal=literal,
        uninterpolated_template=_has_template(literal),
    )


def _has_template(value: object) -> bool:
    if isinstance(value, str):
        return "${" in value.replace("$${", "")
    if isinstance(value, dict):
        return any(_has_template(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_template(item) for item in value)
    return False


class _Reader:
    def __init__(
        self, path: str, module_dir: str, positions: Positions, origin: Origin, facts: FileFacts
    ) -> None:
        self.path = path
        self.module_dir = module_dir
        self.positions = positions
        self.origin = origin
        self.facts = facts

    def span(self, start: int, end: int) -> Span:
        start_line, start_column = self.positions.line_column(start)
        end_line, end_column = self.positions.line_column(end)
        return Span(self.path, start_line, start_column, end_line, end_column)

    def terraform(self, block: Node) -> None:
        for version in block.get("required_version"):
            if isinstance(version.node.value, str):
                self.facts.required_versions.append(
                    VersionConstraint(
                        version.node.value, self.span(version.key_start, version.node.end)
                    )
                )
        for backends in _blocks(block.get("backend")):
            for member in backends.members or []:
                if member.key != "//" and member.node.members is not None:
                    self.backend(BackendKind.BACKEND, member, block)
        for member in block.get("cloud"):
            if member.node.members is not None:
                self.backend(BackendKind.CLOUD, member, block)

    def backend(self, kind: BackendKind, member: Member, enclosing: Node) -> None:
        text = self.positions.text
        body = member.node
        attributes = tuple(
            Attribute(
                name=attribute.key,
                value=_value(attribute.node, text),
                span=self.span(attribute.key_start, attribute.node.end),
            )
            for attribute in body.members or []
            if attribute.key != "//"
        )
        self.facts.backends.append(
            BackendConfig(
                kind=kind,
                type="cloud" if kind is BackendKind.CLOUD else member.key,
                attributes=attributes,
                span=self.span(member.key_start, body.end),
                header_span=self.span(member.key_start, body.start + 1),
                module_dir=self.module_dir,
                syntax=Syntax.JSON,
                origin=self.origin,
                enclosing_span=self.span(enclosing.start, enclosing.end),
            )
        )

    def resources(self, block: Node) -> None:
        text = self.positions.text
        for typed in block.members or []:
            wanted = STORAGE_NAME_ATTRIBUTE.get(typed.key)
            if wanted is None:
                continue
            for named in _blocks([typed]):
                for body in _blocks(named.members or []):
                    for name in body.get(wanted):
                        self.facts.storage.append(
                            StorageResource(
                                typed.key,
                                _value(name.node, text),
                                self.span(body.start, body.end),
                                self.module_dir,
                            )
                        )
