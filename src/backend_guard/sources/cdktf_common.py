"""What CDKTF program sources share: the backend classes, property names, resolved values.

A CDKTF stack's backend is a construct (`new S3Backend(this, {...})`, `S3Backend(self, ...)`),
plus any `addOverride('terraform.backend.<type>.<arg>', value)` on the stack. Program sources turn
both into one `BackendConfig` per stack, with values resolved as far as reading allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from tree_sitter import Node, Parser

from backend_guard.model import (
    Attribute,
    BackendConfig,
    BackendKind,
    FileFacts,
    Origin,
    ParseProblem,
    Span,
    Syntax,
    Value,
    ValueKind,
)

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

# cdktf's workspace classes, and the `workspaces` setting each synthesizes from its first argument.
WORKSPACE_CLASSES: dict[str, str] = {
    "NamedCloudWorkspace": "name",
    "TaggedCloudWorkspaces": "tags",
    "NamedRemoteWorkspace": "name",
    "PrefixedRemoteWorkspaces": "prefix",
}

OVERRIDE_PATH = re.compile(
    r"terraform\.backend\.(?P<type>[a-z0-9_]+)\.(?P<argument>[A-Za-z0-9_.]+)"
)

# Bindings whose value keeps one environment's state apart from another's.
_ENVIRONMENT_NAME = re.compile(r"(?i)^(environment_?suffix|env_?suffix|environment|env|stage)$")

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")

# Reading a construct walks the program, and each fix parses it again: a file with more
# constructs or overrides than any real stack has is read up to these bounds, and says so.
MAX_CONSTRUCTS = 20
MAX_OVERRIDES = 200


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


def workspace(class_name: str, argument: Resolved | None) -> Resolved:
    """`NamedCloudWorkspace('web')` as the `workspaces` setting synth writes: `{'name': 'web'}`
    (the name stays None when the program computes it)."""
    if class_name not in WORKSPACE_CLASSES or argument is None:
        return Resolved()
    return Resolved({WORKSPACE_CLASSES[class_name]: argument.literal}, props=argument.props)


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

    def span_between(self, first: Node, last: Node) -> Span:
        """From the start of `first` to the end of `last`: `.bucket("b")` in a builder chain."""
        start, end = self.span(first), self.span(last)
        return Span(self.path, start.start_line, start.start_column, end.end_line, end.end_column)

    def first_error(self) -> Node | None:
        if not self.root.has_error:
            return None
        return next((n for n in walk(self.root) if n.type == "ERROR" or n.is_missing), None)


def bounded(
    program: ParsedSource, constructs: list[Construct]
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
                )
            )
            del construct.overrides[MAX_OVERRIDES:]
    return constructs, problems


class Program(Protocol):
    """What each language's program offers `backend_of`."""

    def span(self, node: Node) -> Span: ...
    def value(self, node: Node) -> Value: ...
    def attributes(self, construct: Construct) -> list[Attribute]: ...
    def dedicated_bindings(self, construct: Construct) -> list[tuple[str, Node, Node]]: ...


def backend_of(
    program: Program, construct: Construct, module_dir: str, syntax: Syntax, callee: str
) -> BackendConfig:
    """One stack's backend: the construct's properties and the overrides of the same type
    (`program` is a language's `Program`; `callee` names the field of the constructor node)."""
    overrides = [
        Attribute(argument_name(argument), program.value(value), program.span(call))
        for call, _, argument, value in construct.overrides
    ]
    if construct.class_name:
        kind, backend_type = BACKEND_CLASSES[construct.class_name]
        origin = Origin.PROGRAM
        function = construct.node.child_by_field_name(callee)
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
        syntax=syntax,
        origin=origin,
        stack=construct.stack,
        overrides=tuple(overrides),
        dedicated_bindings=tuple(dedicated),
    )


# -- what the Go, Java and C# sources share ---------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f"}
_ESCAPE = re.compile(
    r"\\(u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)", re.S
)
_NUMBER_SUFFIX = re.compile(r"[lLuUfFdDmM]+$")


def unescape(text: str) -> str:
    """A backslash escape of Go, Java or C# (`\\n`, `\\"`, `\\u00e9`) as the text it stands for."""

    def one(match: re.Match[str]) -> str:
        body = match[1]
        if body[0] in "uUx" and len(body) > 1:
            code = int(body[1:].strip("{}"), 16)
            return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)
        return _ESCAPES.get(body, body)

    return _ESCAPE.sub(one, text)


def number(text: str) -> object:
    """A numeric literal's value (`3`, `0x1F`, `1_000L`, `2.5f`), or None."""
    plain = text.replace("_", "")
    hexadecimal = plain[:2].lower() == "0x"  # where `f` and `d` are digits
    plain = plain.rstrip("lLuU") if hexadecimal else _NUMBER_SUFFIX.sub("", plain)
    try:
        return int(plain, 0)
    except ValueError:
        pass
    try:
        return float(plain)
    except ValueError:
        return None


def shown(value: object) -> str:
    """A known value as a message shows it: `'acme'`, `true`, `3`."""
    if isinstance(value, str):
        return f"'{value}'"
    return str(value).lower() if isinstance(value, bool) else str(value)


def attach_override(
    found: list[Construct],
    by_stack: dict[str, Construct],
    owner: Construct | None,
    call: Node,
    path: str,
    value: Node,
    stack: str,
) -> None:
    """Add `addOverride(path, value)` to the backend it writes into: `owner`, the construct the
    call was made on, or for `terraform.backend.<type>.<argument>` the stack's backend (a
    backend of its own when the stack has no construct, as synth makes one)."""
    if owner is not None:
        owner.overrides.append((call, BACKEND_CLASSES[owner.class_name][1], path, value))
        return
    match = OVERRIDE_PATH.fullmatch(path)
    if match is None:
        return
    owner = by_stack.get(stack)
    if owner is None:
        owner = Construct(call, "", None, None, stack)
        by_stack[stack] = owner
        found.append(owner)
    owner.overrides.append((call, match["type"], match["argument"], value))


class ReadableProgram(Program, Protocol):
    """A program that finds its own constructs, as the Go, Java and C# ones do."""

    def constructs(self) -> list[Construct]: ...
    def first_error(self) -> Node | None: ...


def facts_of(
    program: ReadableProgram, module_dir: str, syntax: Syntax, callee: str, path: str
) -> FileFacts:
    """One file's backends, one per stack, and a syntax error when the file has backends."""
    facts = FileFacts(path=path)
    for construct in program.constructs():
        facts.backends.append(backend_of(program, construct, module_dir, syntax, callee))
    error = program.first_error()
    if error is not None and facts.backends:
        facts.problems.append(
            ParseProblem(
                program.span(error), "has a syntax error; its backend may be read incompletely"
            )
        )
    return facts
