"""What CDKTF program sources share: the backend classes, property names, resolved values.

A CDKTF stack's backend is a construct (`new S3Backend(this, {...})`, `S3Backend(self, ...)`),
plus any `addOverride('terraform.backend.<type>.<arg>', value)` on the stack. Program sources turn
both into one `BackendConfig` per stack, with values resolved as far as reading allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node, Parser

from backend_guard.model import BackendKind, Span, Value, ValueKind

# cdktf's backend classes (packages/cdktf/lib/backends, v0.21.0), and those removed in 0.20.
BACKEND_CLASSES: dict[str, tuple[BackendKind, str]] = {
    "LocalBackend": (BackendKind.BACKEND, "local"),
    "S3Backend": (BackendKind.BACKEND, "s3"),
    "RemoteBackend": (BackendKind.BACKEND, "remote"),
    "CloudBackend": (BackendKind.CLOUD, "cloud"),
    "GcsBackend": (BackendKind.BACKEND, "gcs"),
    "AzurermBackend": (BackendKind.BACKEND, "azurerm"),
    "ConsulBackend": (BackendKind.BACKEND, "consul"),
    "CosBackend": (BackendKind.BACKEND, "cos"),
    "HttpBackend": (BackendKind.BACKEND, "http"),
    "OssBackend": (BackendKind.BACKEND, "oss"),
    "PgBackend": (BackendKind.BACKEND, "pg"),
    "SwiftBackend": (BackendKind.BACKEND, "swift"),
    "ArtifactoryBackend": (BackendKind.BACKEND, "artifactory"),
    "EtcdBackend": (BackendKind.BACKEND, "etcd"),
    "EtcdV3Backend": (BackendKind.BACKEND, "etcdv3"),
    "MantaBackend": (BackendKind.BACKEND, "manta"),
}

OVERRIDE_PATH = re.compile(
    r"terraform\.backend\.(?P<type>[a-z0-9_]+)\.(?P<argument>[A-Za-z0-9_.]+)"
)

# Bindings whose value keeps one environment's state apart from another's.
_ENVIRONMENT_NAME = re.compile(r"(?i)^(environment_?suffix|env_?suffix|environment|env|stage)$")

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def argument_name(prop: str) -> str:
    """A construct property's backend argument: `dynamodbTable` -> `dynamodb_table`."""
    return _CAMEL.sub(r"_\1", prop).lower()


def environment_binding(names: list[str]) -> str | None:
    """The binding, among those in scope, that names the environment; the most specific wins."""
    matches = [name for name in names if _ENVIRONMENT_NAME.match(name)]
    return (
        min(matches, key=lambda name: (not name.lower().startswith("environment"), len(name)))
        if matches
        else None
    )


@dataclass
class Construct:
    node: Node  # the construct's call (`new S3Backend(...)`), or the override's when alone
    class_name: str
    namespace: str | None  # `cdktf` in `new cdktf.S3Backend(...)`
    props: Node | None  # the object literal (TypeScript) or the argument list (Python)
    stack: str
    # (call, backend type, argument, value) of each override of the stack's backend
    overrides: list[tuple[Node, str, str, Node]] = field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    """What reading the program tells about a value."""

    literal: object = None  # the value, when it is known (or the default it falls back to)
    known: str | None = None  # how a message should show what is known
    props: tuple[str, ...] = ()  # the props / parameters it reads, e.g. ("props.stateBucket",)


def program_value(text: str, resolved: Resolved, *, literal_syntax: bool) -> Value:
    if literal_syntax:
        return Value(ValueKind.LITERAL, text, resolved.literal)
    return Value(
        ValueKind.PROGRAM,
        text,
        resolved.literal,
        references=resolved.props,
        known=resolved.known,
    )


def walk(node: Node) -> Iterator[Node]:
    """Every node below `node`, in source order, without recursion (input may nest deeply)."""
    cursor = node.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node == node:
                return


class ParsedSource:
    """A program file and its syntax tree, with tree-sitter's byte positions turned into the
    character lines and columns every other part of backend-guard uses."""

    def __init__(self, path: str, text: str, parser: Parser) -> None:
        self.path = path
        self.text = text
        self.data = text.encode("utf-8")
        self.tree = parser.parse(self.data)
        self.root = self.tree.root_node
        self.classes: dict[str, str] = {}  # local name -> cdktf backend class
        self.namespaces: set[str] = set()  # local names of the cdktf module itself
        self._ascii = len(self.data) == len(text)
        self._lines = None if self._ascii else self.data.split(b"\n")

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def offset(self, byte: int) -> int:
        """The character offset of a byte offset."""
        return byte if self._ascii else len(self.data[:byte].decode("utf-8", "replace"))

    def _column(self, row: int, byte_column: int) -> int:
        if self._lines is None:
            return byte_column + 1
        return len(self._lines[row][:byte_column].decode("utf-8", "replace")) + 1

    def span(self, node: Node) -> Span:
        (row, column), (end_row, end_column) = node.start_point, node.end_point
        return Span(
            self.path,
            row + 1,
            self._column(row, column),
            end_row + 1,
            self._column(end_row, end_column),
        )

    def first_error(self) -> Node | None:
        if not self.root.has_error:
            return None
        return next((n for n in walk(self.root) if n.type == "ERROR" or n.is_missing), None)
