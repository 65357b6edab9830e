"""Reads the backend knowledge in `data/*.toml` into typed records, refusing malformed data.

`data/terraform.toml` and `data/opentofu.toml` hold what each engine accepts in a backend or
`cloud` block; `data/storage.toml` holds which resource creates the storage a backend names. Each
file is read once, on first use, so importing the package costs no parsing. A file that breaks
the shape expected here stops with a `KnowledgeError` naming the file and the key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, NoReturn

from backend_guard import toml_cache
from backend_guard.backends import Argument, BackendType, ValueType

DATA = Path(__file__).parent / "data"
ENGINES = ("terraform", "opentofu")

_VERSION = re.compile(r"\d+\.\d+\.\d+")
_ARGUMENT_KEYS = (
    "type",
    "required",
    "env",
    "machine_local",
    "credentials_file",
    "host",
    "names_storage",
    "block",
    "nested",
    "added_in",
    "deprecated_in",
    "replacement",
    "removed_in",
    "source",
)
_BACKEND_KEYS = (
    "source",
    "remote_storage",
    "pre_existing",
    "documentation",
    "added_in",
    "required_groups",
    "init_error",
    "init_failure",
    "arguments",
    "removed_arguments",
)
_STORAGE_KEYS = ("named_by", "name_attribute", "shown_as", "cdktf_class", "source")


class KnowledgeError(ValueError):
    """A data file that does not have the expected shape."""


# The records are named tuples: immutable as frozen dataclasses are, and made in a tenth of the
# time when the module is imported, which every scan that reads a file does.
class ErrorTitle(NamedTuple):
    """The title of an engine error that findings quote."""

    title: str  # e.g. "Unsupported argument"
    source: str


class EngineKnowledge(NamedTuple):
    """Everything one engine's data file says."""

    release: str  # the engine release the facts describe
    repository: str  # where each `source` path is found, at tag v<release>
    backends: Mapping[str, BackendType]
    cloud: BackendType  # the `cloud` block of `terraform { cloud { ... } }`
    # backend name -> the detail of the engine's "Unsupported backend type" error
    removed_types: Mapping[str, str]
    unknown_type: str  # the detail for any other unknown name; `{name}` stands for it
    cloud_label: str  # the detail for `backend "cloud"`
    errors: Mapping[str, ErrorTitle]  # what findings quote, by key ("unsupported_argument")


class StorageCreator(NamedTuple):
    """A resource type that creates storage a backend names."""

    resource_type: str  # e.g. "aws_s3_bucket"
    name_attribute: str  # the attribute holding the created storage's name
    shown_as: str  # how a message names what it creates, e.g. "DynamoDB lock table"
    named_by: tuple[tuple[str, str], ...]  # (backend type or "cloud", argument) naming it
    cdktf_class: str | None  # the CDKTF provider class that synthesizes it
    source: str


class _Table:
    """One TOML table, read by typed accessors that fail naming the file and the key."""

    def __init__(self, file: str, key: str, data: object) -> None:
        if not isinstance(data, dict):
            raise KnowledgeError(f"{file}: {key}: expected a table, found {_kind(data)}")
        self.file, self.key, self.data = file, key, data

    def fail(self, key: str, problem: str) -> NoReturn:
        where = f"{self.key}.{key}" if self.key else key
        raise KnowledgeError(f"{self.file}: {where}: {problem}")

    def only(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                self.fail(key, f"unknown key (expected one of {', '.join(allowed)})")

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"expected a string, found {_kind(value)}")
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if not value:
            self.fail(key, "missing")
        return value

    def version(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not _VERSION.fullmatch(value):
            self.fail(key, f'expected a version such as "1.10.0", found "{value}"')
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, found {_kind(value)}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(key, f"expected a list of strings, found {_kind(value)}")
        return tuple(value)

    def table(self, key: str) -> _Table | None:
        value = self.data.get(key)
        return None if value is None else _Table(self.file, self._child(key), value)

    def tables(self) -> Iterator[tuple[str, _Table]]:
        for key, value in self.data.items():
            yield key, _Table(self.file, self._child(key), value)

    def _child(self, key: str) -> str:
        return f"{self.key}.{key}" if self.key else key


def _kind(value: object) -> str:
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")


def _read(path: Path, *, cached: bool) -> _Table:
    """The file's top table; `cached`: through the parse cache, for the package's own data."""
    try:
        if cached:
            return _Table(str(path), "", toml_cache.load(path))
        return _Table(str(path), "", toml_cache.parse(path.read_bytes().decode("utf-8")))
    except ValueError as error:  # not TOML, or not UTF-8
        raise KnowledgeError(f"{path}: {error}") from None


def _argument(name: str, table: _Table, inherited_source: str) -> Argument:
    table.only(_ARGUMENT_KEYS)
    try:
        value_type = ValueType(table.text("type") or "string")
    except ValueError:
        table.fail("type", f"expected one of {', '.join(t.value for t in ValueType)}")
    source = table.text("source") or inherited_source
    nested = _arguments(table, "nested", source)
    if (value_type is ValueType.OBJECT) != bool(nested):
        table.fail("nested", 'arguments of type "object", and only they, list nested arguments')
    if table.flag("block") and value_type is not ValueType.OBJECT:
        table.fail("block", 'only an argument of type "object" can be a block')
    return Argument(
        name,
        value_type,
        required=table.flag("required"),
        env=table.texts("env"),
        machine_local=table.flag("machine_local"),
        credentials_file=table.flag("credentials_file"),
        host=table.flag("host"),
        names_storage=table.text("names_storage"),
        is_block=table.flag("block"),
        nested=nested,
        added_in=table.version("added_in"),
        deprecated_in=table.version("deprecated_in"),
        replacement=table.text("replacement"),
        removed_in=table.version("removed_in"),
        source=source,
    )


def _arguments(parent: _Table, key: str, source: str) -> Mapping[str, Argument]:
    items = _tables(parent, key)
    return MappingProxyType({name: _argument(name, item, source) for name, item in items})


def _backend(name: str, table: _Table) -> BackendType:
    table.only(_BACKEND_KEYS)
    source = table.required_text("source")
    arguments = _arguments(table, "arguments", source)
    groups = table.data.get("required_groups", [])
    if not isinstance(groups, list) or not all(isinstance(group, list) for group in groups):
        table.fail("required_groups", f"expected a list of lists, found {_kind(groups)}")
    for group in groups:
        for member in group:
            if member not in arguments:
                table.fail("required_groups", f'"{member}" is not one of its arguments')
    return BackendType(
        name,
        arguments,
        remote_storage=table.flag("remote_storage"),
        pre_existing=table.required_text("pre_existing"),
        documentation_url=table.text("documentation"),
        required_groups=tuple(tuple(group) for group in groups),
        removed_arguments=_arguments(table, "removed_arguments", source),
        added_in=table.version("added_in"),
        init_error=table.text("init_error"),
        init_failure=table.text("init_failure"),
        source=source,
    )


class _Backends(Mapping[str, BackendType]):
    """The `backends` table, each backend type read and checked when first looked up: a scan
    asks for the few types its modules use, not for the dozen the engine has."""

    def __init__(self, table: _Table) -> None:
        self._table = table
        self._read: dict[str, BackendType] = {}

    def __getitem__(self, name: str) -> BackendType:
        backend = self._read.get(name)
        if backend is None:
            table = self._table.table(name)
            if table is None:
                raise KeyError(name)
            backend = self._read[name] = _backend(name, table)
        return backend

    def __iter__(self) -> Iterator[str]:
        return iter(self._table.data)

    def __len__(self) -> int:
        return len(self._table.data)


def load_engine(path: Path) -> EngineKnowledge:
    """The engine data file at `path`, every backend type in it checked."""
    knowledge = _engine(_read(path, cached=False))
    for _ in knowledge.backends.values():
        pass
    return knowledge


def _engine(top: _Table) -> EngineKnowledge:
    top.only(("release", "repository", "unsupported_types", "errors", "backends", "cloud"))
    unsupported = top.table("unsupported_types") or top.fail("unsupported_types", "missing")
    unsupported.only(("source", "removed_source", "unknown", "cloud", "removed"))
    unsupported.required_text("source")
    unsupported.required_text("removed_source")
    removed = unsupported.table("removed")
    backends = top.table("backends") or top.fail("backends", "missing")
    cloud = top.table("cloud") or top.fail("cloud", "missing")
    return EngineKnowledge(
        release=top.version("release") or top.fail("release", "missing"),
        repository=top.required_text("repository"),
        backends=_Backends(backends),
        cloud=_backend("cloud", cloud),
        removed_types=MappingProxyType(
            {name: removed.required_text(name) for name in removed.data} if removed else {}
        ),
        unknown_type=unsupported.required_text("unknown"),
        cloud_label=unsupported.required_text("cloud"),
        errors=MappingProxyType({key: _error(item) for key, item in _tables(top, "errors")}),
    )


def _error(table: _Table) -> ErrorTitle:
    table.only(("title", "source"))
    return ErrorTitle(table.required_text("title"), table.required_text("source"))


def _tables(parent: _Table, key: str) -> Iterator[tuple[str, _Table]]:
    table = parent.table(key)
    return table.tables() if table is not None else iter(())


def _creator(resource_type: str, table: _Table) -> StorageCreator:
    table.only(_STORAGE_KEYS)
    named_by = []
    for name in table.texts("named_by"):
        backend_type, dot, argument = name.partition(".")
        if not (dot and backend_type and argument):
            table.fail("named_by", f'expected "<backend type>.<argument>", found "{name}"')
        named_by.append((backend_type, argument))
    return StorageCreator(
        resource_type,
        name_attribute=table.required_text("name_attribute"),
        shown_as=table.required_text("shown_as"),
        named_by=tuple(named_by),
        cdktf_class=table.text("cdktf_class"),
        source=table.required_text("source"),
    )


def load_storage(path: Path) -> tuple[StorageCreator, ...]:
    """The storage data file at `path`, checked."""
    return _storage(_read(path, cached=False))


def _storage(top: _Table) -> tuple[StorageCreator, ...]:
    return tuple(_creator(name, table) for name, table in top.tables())


@functools.cache
def engine(name: str) -> EngineKnowledge:
    """What the package's data says about engine `name` ("terraform" or "opentofu")."""
    if name not in ENGINES:
        raise KeyError(name)
    return _engine(_read(DATA / f"{name}.toml", cached=True))


@functools.cache
def storage() -> tuple[StorageCreator, ...]:
    """Every resource type the package's data knows to create backend storage, in file order."""
    return _storage(_read(DATA / "storage.toml", cached=True))
