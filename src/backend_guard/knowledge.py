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
from typing import Any, NamedTuple, NoReturn

from backend_guard import toml_cache
from backend_guard.backends import Argument, BackendType, ValueType

DATA = Path(__file__).parent / "data"
ENGINES = ("terraform", "opentofu")

_VERSION = re.compile(r"\d+\.\d+\.\d+")
# The keys a table may hold, each with the kind of value it takes (see `_problem`).
_ARGUMENT_KEYS = {
    "type": "text",
    "required": "flag",
    "env": "texts",
    "machine_local": "flag",
    "credentials_file": "flag",
    "host": "flag",
    "names_storage": "text",
    "block": "flag",
    "nested": "table",
    "added_in": "version",
    "deprecated_in": "version",
    "replacement": "text",
    "removed_in": "version",
    "source": "text",
}
_BACKEND_KEYS = {
    "source": "text",
    "remote_storage": "flag",
    "pre_existing": "text",
    "documentation": "text",
    "added_in": "version",
    "required_groups": "lists",
    "init_error": "text",
    "init_failure": "text",
    "arguments": "table",
    "removed_arguments": "table",
}
_ENGINE_KEYS = {
    "release": "version",
    "repository": "text",
    "unsupported_types": "table",
    "errors": "table",
    "backends": "table",
    "cloud": "table",
}
_UNSUPPORTED_KEYS = {
    "source": "text",
    "removed_source": "text",
    "unknown": "text",
    "cloud": "text",
    "removed": "table",
}
_ERROR_KEYS = {"title": "text", "source": "text"}
_STORAGE_KEYS = {
    "named_by": "texts",
    "name_attribute": "text",
    "shown_as": "text",
    "cdktf_class": "text",
    "source": "text",
}
_VALUE_TYPES = {value_type.value: value_type for value_type in ValueType}
_NO_ARGUMENTS: Mapping[str, Argument] = MappingProxyType({})


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

    def check(self, keys: Mapping[str, str]) -> dict[str, Any]:
        """The table's data, once every key in it is one of `keys` and holds a value of its kind.

        One pass over the keys a table has (an argument has two or three), not one look-up per
        key it may have: the knowledge is read in every run that meets a backend.
        """
        for key, value in self.data.items():
            kind = keys.get(key)
            if kind is None:
                self.fail(key, f"unknown key (expected one of {', '.join(keys)})")
            problem = _problem(kind, value)
            if problem is not None:
                self.fail(key, problem)
        return self.data

    def required_text(self, key: str) -> str:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"expected a string, found {_kind(value)}")
        if not value:
            self.fail(key, "missing")
        return value

    def table(self, key: str) -> _Table | None:
        value = self.data.get(key)
        return None if value is None else _Table(self.file, self._child(key), value)

    def tables(self) -> Iterator[tuple[str, _Table]]:
        for key, value in self.data.items():
            yield key, _Table(self.file, self._child(key), value)

    def _child(self, key: str) -> str:
        return f"{self.key}.{key}" if self.key else key


def _problem(kind: str, value: object) -> str | None:
    """What is wrong with `value` as a value of `kind`; None when nothing is."""
    match kind:
        case "text" | "version" if not isinstance(value, str):
            return f"expected a string, found {_kind(value)}"
        case "version" if not _VERSION.fullmatch(str(value)):
            return f'expected a version such as "1.10.0", found "{value}"'
        case "flag" if not isinstance(value, bool):
            return f"expected true or false, found {_kind(value)}"
        case "texts" if not _list_of(str, value):
            return f"expected a list of strings, found {_kind(value)}"
        case "lists" if not _list_of(list, value):
            return f"expected a list of lists, found {_kind(value)}"
        case "table" if not isinstance(value, dict):
            return f"expected a table, found {_kind(value)}"
    return None


def _list_of(item_type: type, value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, item_type) for item in value)


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
    data = table.check(_ARGUMENT_KEYS)
    value_type = _VALUE_TYPES.get(data.get("type") or "string")
    if value_type is None:
        table.fail("type", f"expected one of {', '.join(_VALUE_TYPES)}")
    source = data.get("source") or inherited_source
    nested = _arguments(table, "nested", source)
    if (value_type is ValueType.OBJECT) != bool(nested):
        table.fail("nested", 'arguments of type "object", and only they, list nested arguments')
    is_block = data.get("block", False)
    if is_block and value_type is not ValueType.OBJECT:
        table.fail("block", 'only an argument of type "object" can be a block')
    return Argument(
        name,
        value_type,
        required=data.get("required", False),
        env=tuple(data.get("env", ())),
        machine_local=data.get("machine_local", False),
        credentials_file=data.get("credentials_file", False),
        host=data.get("host", False),
        names_storage=data.get("names_storage"),
        is_block=is_block,
        nested=nested,
        added_in=data.get("added_in"),
        deprecated_in=data.get("deprecated_in"),
        replacement=data.get("replacement"),
        removed_in=data.get("removed_in"),
        source=source,
    )


def _arguments(parent: _Table, key: str, source: str) -> Mapping[str, Argument]:
    if key not in parent.data:
        return _NO_ARGUMENTS
    items = _tables(parent, key)
    return MappingProxyType({name: _argument(name, item, source) for name, item in items})


def _backend(name: str, table: _Table) -> BackendType:
    data = table.check(_BACKEND_KEYS)
    source = table.required_text("source")
    arguments = _arguments(table, "arguments", source)
    groups = data.get("required_groups", [])
    for group in groups:
        for member in group:
            if member not in arguments:
                table.fail("required_groups", f'"{member}" is not one of its arguments')
    return BackendType(
        name,
        arguments,
        remote_storage=data.get("remote_storage", False),
        pre_existing=table.required_text("pre_existing"),
        documentation_url=data.get("documentation"),
        required_groups=tuple(tuple(group) for group in groups),
        removed_arguments=_arguments(table, "removed_arguments", source),
        added_in=data.get("added_in"),
        init_error=data.get("init_error"),
        init_failure=data.get("init_failure"),
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
    top.check(_ENGINE_KEYS)
    unsupported = top.table("unsupported_types") or top.fail("unsupported_types", "missing")
    unsupported.check(_UNSUPPORTED_KEYS)
    unsupported.required_text("source")
    unsupported.required_text("removed_source")
    removed = unsupported.table("removed")
    backends = top.table("backends") or top.fail("backends", "missing")
    cloud = top.table("cloud") or top.fail("cloud", "missing")
    return EngineKnowledge(
        release=top.required_text("release"),
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
    table.check(_ERROR_KEYS)
    return ErrorTitle(table.required_text("title"), table.required_text("source"))


def _tables(parent: _Table, key: str) -> Iterator[tuple[str, _Table]]:
    table = parent.table(key)
    return table.tables() if table is not None else iter(())


def _creator(resource_type: str, table: _Table) -> StorageCreator:
    data = table.check(_STORAGE_KEYS)
    named_by = []
    for name in data.get("named_by", ()):
        backend_type, dot, argument = name.partition(".")
        if not (dot and backend_type and argument):
            table.fail("named_by", f'expected "<backend type>.<argument>", found "{name}"')
        named_by.append((backend_type, argument))
    return StorageCreator(
        resource_type,
        name_attribute=table.required_text("name_attribute"),
        shown_as=table.required_text("shown_as"),
        named_by=tuple(named_by),
        cdktf_class=data.get("cdktf_class"),
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
