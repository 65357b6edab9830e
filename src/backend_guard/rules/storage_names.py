"""Shared by the storage rules: what a backend names, and whether the repository creates it."""

from __future__ import annotations

from dataclasses import dataclass

from backend_guard import storage
from backend_guard.model import BackendConfig, StorageResource, Value
from backend_guard.rules import base


@dataclass(frozen=True)
class NamedStorage:
    argument: str  # e.g. "bucket", "dynamodb_table"
    name: object  # the literal name when known, else None
    shown: str  # how a message shows it: '"acme-state"', "`var.bucket`", "(supplied by ci.s3.tfbackend)"
    creators: tuple[StorageResource, ...]  # resources in the repository that create it
    # The name is computed where it is supplied, and the repository creates storage of this kind:
    # the two may be the same, which a static reading cannot tell.
    maybe_created: bool = False


def _describe(value: Value) -> tuple[object, str]:
    named = bool(value.known) or (value.is_known and isinstance(value.literal, str))
    return (value.literal if named else None), base.shown(value)


def named_storage(backend: BackendConfig, context: base.RuleContext) -> list[NamedStorage]:
    result: list[NamedStorage] = []
    # Looked up here, not at import: the data is read only once a module has a backend.
    for (backend_type, argument), resource_types in storage.STORAGE_CREATED_BY.items():
        if backend_type != backend.type:
            continue
        attribute = backend.attribute(argument)
        if attribute is not None:
            name, shown = _describe(attribute.value)
        else:
            module_context = context.contexts.get(backend.module_dir)
            supplied = [
                s
                for s in (module_context.supplied_for(backend.type) if module_context else [])
                if argument in s.keys
            ]
            if not supplied:
                continue
            name = None if supplied[0].unknown else supplied[0].value(argument)
            shown = f'"{name}" (from {supplied[0].origin})' if name else "(supplied at init)"
        candidates = context.storage_named(resource_types)
        if name is not None:
            creators = tuple(c for c in candidates if c.name.is_known and c.name.literal == name)
        elif attribute is not None:  # the same expression in both places names the same thing
            creators = tuple(c for c in candidates if c.name.text == attribute.value.text)
        else:
            creators = ()
        maybe = name is None and not creators and bool(candidates)
        result.append(NamedStorage(argument, name, shown, creators, maybe_created=maybe))
    return result
