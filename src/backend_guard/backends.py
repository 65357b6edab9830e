"""What each state backend type accepts, per engine: the queries the rules ask of the knowledge.

The facts live in `data/terraform.toml` (Terraform 1.15.5) and `data/opentofu.toml` (OpenTofu
1.12.6), each fact with the upstream source it came from; `knowledge.py` reads them on first use.
For every backend type: its arguments (type, whether written as an attribute or a nested block,
which are required and which environment variables can supply them, which name storage that must
already exist, which refer to the author's machine), the engine versions that added, deprecated or
removed an argument, and the backend names the engine rejects.

Conventions:

- `required` means `init` fails without the argument unless one of its `env` variables is set.
  With `-input=false` neither engine enforces schema-required arguments generically; each backend
  checks its own, so `required` follows what the backend checks, not only the schema flag (S3's
  `region` is schema-optional but the backend insists on it or `AWS_REGION`).
- `added_in` is None for arguments present in every release considered: Terraform 1.0.0 and
  later, OpenTofu 1.6.0 (its first release) and later.
- Collections (`LIST`, `SET`, `MAP`) hold strings throughout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backend_guard.knowledge import EngineKnowledge


class ValueType(StrEnum):
    STRING = "string"
    BOOL = "bool"
    NUMBER = "number"
    LIST = "list"
    SET = "set"
    MAP = "map"
    OBJECT = "object"  # an object-typed attribute (`endpoints = { s3 = "..." }`) or a nested block
    ANY = "any"  # Terraform's cloud `workspaces.tags`: a set of strings or a map of strings


@dataclass(frozen=True)
class Argument:
    """One argument of a backend (or `cloud`) block."""

    name: str
    type: ValueType = ValueType.STRING
    required: bool = False
    env: tuple[str, ...] = ()  # environment variables that can supply it instead
    machine_local: bool = False  # names something only the author's machine has
    # a credentials file init never reads when the environment holds credentials (§10 verified)
    credentials_file: bool = False
    host: bool = (
        False  # names a host or holds an address: `localhost` there is the author's machine
    )
    names_storage: str | None = None  # the external thing it names, which must already exist
    is_block: bool = False  # written `name { ... }`; otherwise `name = value`
    nested: Mapping[str, Argument] = field(default_factory=lambda: MappingProxyType({}))
    added_in: str | None = None
    deprecated_in: str | None = None
    replacement: str | None = None  # what to use instead, once deprecated or removed
    removed_in: str | None = None
    source: str = ""  # where upstream the facts above come from


@dataclass(frozen=True)
class BackendType:
    """A backend type (or the `cloud` block) as one engine release accepts it."""

    name: str
    arguments: Mapping[str, Argument]  # what the newest release accepts
    remote_storage: bool  # False for `local` and `inmem`
    pre_existing: str  # what must already exist, e.g. "an S3 bucket"
    documentation_url: str | None
    required_groups: tuple[tuple[str, ...], ...] = ()  # at least one of each group must be set
    removed_arguments: Mapping[str, Argument] = field(
        default_factory=lambda: MappingProxyType({})
    )  # arguments older releases accepted and the newest rejects ("Unsupported argument")
    added_in: str | None = None  # engine version that added the type
    init_error: str | None = None  # title of init's first error when required settings are missing
    init_failure: str | None = None  # how init fails then, where no one error title says it
    source: str = ""  # where upstream the facts above come from


# Read from the data on first access (see `__getattr__`): importing this module parses nothing.
TERRAFORM: Mapping[str, BackendType]
OPENTOFU: Mapping[str, BackendType]
# The `cloud` block of `terraform { cloud { ... } }`: not a backend type (`backend "cloud"` is
# rejected), but its arguments are looked up the same way.
CLOUD_BLOCK: Mapping[str, BackendType]
# Backend names the engines reject with "Unsupported backend type", and the error's detail.
REMOVED_BACKENDS: Mapping[str, Mapping[str, str]]
TERRAFORM_VERSION: str
OPENTOFU_VERSION: str


def _knowledge(engine: str) -> EngineKnowledge:
    from backend_guard import knowledge  # imported on first use, with the TOML parser

    return knowledge.engine(engine)


def __getattr__(name: str) -> object:
    engines = ("terraform", "opentofu")
    match name:
        case "TERRAFORM" | "OPENTOFU":
            return _knowledge(name.lower()).backends
        case "TERRAFORM_VERSION" | "OPENTOFU_VERSION":
            return _knowledge(name.partition("_")[0].lower()).release
        case "CLOUD_BLOCK":
            return MappingProxyType({engine: _knowledge(engine).cloud for engine in engines})
        case "REMOVED_BACKENDS":
            return MappingProxyType({e: _knowledge(e).removed_types for e in engines})
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def backend_types(engine: str) -> Mapping[str, BackendType]:
    """Every backend type `engine` ("terraform" or "opentofu") accepts, by name."""
    return _knowledge(engine).backends


def lookup(engine: str, type: str, kind: str = "backend") -> BackendType | None:
    """The backend type (kind "backend") or the cloud block (kind "cloud"); None if unknown."""
    if kind == "cloud":
        return _knowledge(engine).cloud
    return _knowledge(engine).backends.get(type)


def argument(engine: str, type: str, name: str, kind: str = "backend") -> Argument | None:
    """An argument the engine's newest release accepts; `name` may be dotted (`endpoints.s3`)."""
    backend = lookup(engine, type, kind)
    if backend is None:
        return None
    head, _, rest = name.partition(".")
    found = backend.arguments.get(head)
    for part in rest.split(".") if rest else ():
        if found is None:
            return None
        found = found.nested.get(part)
    return found


def unsupported_reason(engine: str, type: str) -> str:
    """The detail of the engine's "Unsupported backend type" error for `type`."""
    knowledge = _knowledge(engine)
    if type == "cloud":
        return knowledge.cloud_label
    return knowledge.removed_types.get(type, knowledge.unknown_type.replace("{name}", type))


def init_error(engine: str, type: str) -> str:
    """How `init -input=false` fails when required settings of `type` are missing: the first
    error's title in quotes, or a phrase where there is no one title; "" when not known."""
    for knowledge in _with_terraform(engine):
        backend = knowledge.backends.get(type)
        if backend is not None and backend.init_error is not None:
            return f'"{backend.init_error}"'
        if backend is not None and backend.init_failure is not None:
            return backend.init_failure
    return ""


def error_title(engine: str, key: str) -> str:
    """The title of an engine error findings quote, by its key in the data's `errors` table
    (`unsupported_argument` -> "Unsupported argument")."""
    for knowledge in _with_terraform(engine):
        if key in knowledge.errors:
            return knowledge.errors[key].title
    raise KeyError(key)


def _with_terraform(engine: str) -> list[EngineKnowledge]:
    """The engine's data, then Terraform's: error titles are recorded as Terraform 1.15.5 prints
    them, and stand in for OpenTofu's, which are not recorded."""
    return [_knowledge(name) for name in dict.fromkeys((engine, "terraform"))]


def _removed(engine: str, type: str, name: str) -> Argument | None:
    backend = _knowledge(engine).backends.get(type)
    return None if backend is None else backend.removed_arguments.get(name)


def was_removed(engine: str, type: str, name: str) -> bool:
    """Whether an older release accepted the argument and the engine's newest rejects it."""
    return _removed(engine, type, name) is not None


def deprecation(engine: str, type: str, name: str) -> tuple[str, str | None] | None:
    """(deprecated since, replacement) for an argument the newest release accepts but deprecates.

    Arguments already removed are not reported here; see `version_change`.
    """
    found = argument(engine, type, name)
    if found is None or found.deprecated_in is None:
        return None
    return found.deprecated_in, found.replacement


def version_change(
    engine: str, type: str, name: str
) -> tuple[str | None, str | None, str | None] | None:
    """(added in, removed in, replacement) for an argument whose acceptance depends on version.

    For an argument the newest release accepts: (version that added it, None, None), or None
    when every release considered has it. For one it rejects: (None, version that removed it,
    what to use instead). None for names the engine never had.
    """
    removed = _removed(engine, type, name)
    if removed is not None:
        return None, removed.removed_in, removed.replacement
    found = argument(engine, type, name)
    if found is None or found.added_in is None:
        return None
    return found.added_in, None, None


def _parse(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def accepts(engine: str, type: str, name: str, version: tuple[int, int, int]) -> bool | None:
    """Whether release `version` of the engine accepts the argument; None if the type is unknown.

    Considers the type's own history too (`oci` exists from Terraform 1.12.0).
    """
    backend = _knowledge(engine).backends.get(type)
    if backend is None:
        return None
    if backend.added_in is not None and version < _parse(backend.added_in):
        return False
    found = argument(engine, type, name) or backend.removed_arguments.get(name)
    if found is None:
        return False
    if found.added_in is not None and version < _parse(found.added_in):
        return False
    return found.removed_in is None or version < _parse(found.removed_in)
