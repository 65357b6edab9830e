"""What CDKTF program sources share: the backend classes, property names, resolved values.

A CDKTF stack's backend is a construct (`new S3Backend(this, {...})`, `S3Backend(self, ...)`),
plus any `addOverride('terraform.backend.<type>.<arg>', value)` on the stack. Program sources turn
both into one `BackendConfig` per stack, with values resolved as far as reading allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
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
    StorageResource,
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
# `addOverride('terraform.backend', { s3: {...} })` and `addOverride('terraform.backend.s3', {...})`:
# a whole backend, or all its arguments, as one object.
WHOLE_OVERRIDE_PATH = re.compile(r"terraform\.backend(?:\.(?P<type>[a-z0-9_]+))?")

# Bindings whose value keeps one environment's state apart from another's.
_ENVIRONMENT_NAME = re.compile(r"(?i)^(environment_?suffix|env_?suffix|environment|env|stage)$")

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")

# Reading a construct walks the program, and each fix parses it again: a file with more
# constructs or overrides than any real stack has is read up to these bounds, and says so.
MAX_CONSTRUCTS = 20
MAX_OVERRIDES = 200


def override_entries(
    path: str, value: Node, pairs: Callable[[Node], Iterable[tuple[str, Node]]]
) -> list[tuple[str, str, Node]]:
    """(backend type, argument, value) of each backend argument an override of `path` to `value`
    sets; `pairs` lists the (key, value) pairs of an object or dictionary in the language."""
    match = OVERRIDE_PATH.fullmatch(path)
    if match is not None:
        return [(match["type"], match["argument"], value)]
    whole = WHOLE_OVERRIDE_PATH.fullmatch(path)
    if whole is None:
        return []
    by_type = [(whole["type"], value)] if whole["type"] else list(pairs(value))
    return [
        (backend_type, argument, item)
        for backend_type, arguments in by_type
        for argument, item in pairs(arguments)
    ]


class Binds(Protocol):
    def node_text(self, node: Node) -> str: ...
    def binding(self, name: str, at: Node) -> Node | None: ...


def stack_targets(program: Binds, construct: Construct) -> list[Node]:
    """The stacks the construct's overrides are called on (`stack.addOverride(...)`), not the
    construct itself (`backend.addOverride(...)` on `const backend = new S3Backend(...)`)."""
    targets = []
    for call, *_ in construct.overrides:
        function = call.child_by_field_name("function")
        target = function.child_by_field_name("object") if function is not None else None
        if target is None or target.type != "identifier":
            continue
        value = program.binding(program.node_text(target), target)
        if value is None or value.start_byte != construct.node.start_byte:
            targets.append(target)
    return targets


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
    # The config is computed where the source cannot follow it (a parameter, a spread, `**kwargs`):
    # which arguments it holds is unknown.
    opaque: bool = False


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


def with_default(
    value: Resolved, default: Resolved, written: str, shown: Callable[[object], str]
) -> Resolved:
    """`x ?? "d"`, `x or "d"`: x when it is known, else the default it falls back to (`written`
    is x as the program writes it, `shown` how the language shows a known value)."""
    if value.literal is not None:
        return value
    if default.literal is None:
        return Resolved(props=value.props + default.props)
    return Resolved(
        default.literal,
        f"{shown(default.literal)} (the default of `{written}`)",
        value.props + default.props,
    )


def concatenated(parts: Iterable[str | Resolved]) -> Resolved:
    """A string made of text and interpolated values: known when every value is."""
    texts: list[str] = []
    props: tuple[str, ...] = ()
    known = True
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
            continue
        props += part.props
        if part.literal is None:
            known = False
        else:
            texts.append(str(part.literal))
    return Resolved("".join(texts) if known else None, props=props)


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


# Node types, across the five grammars, whose children are exclusive arms (`if`/`elif`/`else`,
# `?:`), and node types that are one arm of a `switch` or `match`.
_BRANCHING = frozenset({"if_statement", "ternary_expression", "conditional_expression"})
_CASES = frozenset(
    {
        "switch_case",
        "switch_default",
        "case_clause",
        "expression_case",
        "type_case",
        "default_case",
        "switch_block_statement_group",
        "switch_rule",
        "switch_section",
    }
)


def branches(node: Node) -> tuple[tuple[int, int], ...]:
    """The arms `node` sits in: (start of the branching node, start of the arm) for each."""
    found: list[tuple[int, int]] = []
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in _BRANCHING or child.type in _CASES:
            found.append((parent.start_byte, child.start_byte))
        child, parent = parent, parent.parent
    return tuple(found)


def walk(node: Node) -> Iterator[Node]:
    """Every node below `node`, in source order, without recursion (input may nest deeply)."""
    cursor = node.walk()
    while True:
        yield cursor.node  # type: ignore[misc]  # None only for a cursor outside its tree
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
        branches=branches(construct.node),
        arguments_unknown=construct.opaque,
    )


class ReadableProgram(Program, Protocol):
    """A program that finds its own constructs."""

    def constructs(self) -> list[Construct]: ...
    def first_error(self) -> Node | None: ...
    @property
    def classes(self) -> dict[str, str]: ...
    def storage(self) -> list[tuple[str, str, Node, Node]]: ...


def facts_of(
    program: ReadableProgram, module_dir: str, syntax: Syntax, callee: str, path: str
) -> FileFacts:
    """One file's backends, one per stack, read up to MAX_CONSTRUCTS constructs of
    MAX_OVERRIDES overrides, and a syntax error when the file has backends or imports a backend
    class."""
    facts = FileFacts(path=path)
    constructs, facts.problems = bounded(program, program.constructs())
    for construct in constructs:
        facts.backends.append(backend_of(program, construct, module_dir, syntax, callee))
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
