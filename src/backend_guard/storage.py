"""What creates the external storage a backend names: resource types and their name attribute.

A backend is self-contained only if the storage it names (bucket, lock table, container, ...)
exists before `terraform init`; a resource elsewhere in the repository that creates it means a
documented bootstrap step exists. These tables say which resource creates which kind of storage;
their one source is `data/storage.toml`, read on first access.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

# resource type -> the attribute that holds the created storage's name
STORAGE_NAME_ATTRIBUTE: Mapping[str, str]
# CDKTF provider class -> the resource type it synthesizes (`new S3Bucket(this, 'state', {...})`);
# the storage's name is the config property of STORAGE_NAME_ATTRIBUTE, in the language's case.
CDKTF_STORAGE_CLASSES: Mapping[str, str]
# (backend type, argument) -> resource types that create what that argument names
STORAGE_CREATED_BY: Mapping[tuple[str, str], tuple[str, ...]]


class _Tables(NamedTuple):
    # Named as the module attributes `__getattr__` serves them as.
    STORAGE_NAME_ATTRIBUTE: Mapping[str, str]
    CDKTF_STORAGE_CLASSES: Mapping[str, str]
    STORAGE_CREATED_BY: Mapping[tuple[str, str], tuple[str, ...]]


@functools.cache
def _tables() -> _Tables:
    from backend_guard.knowledge import storage

    creators = storage()
    created_by: dict[tuple[str, str], tuple[str, ...]] = {}
    for creator in creators:
        for named in creator.named_by:
            created_by[named] = (*created_by.get(named, ()), creator.resource_type)
    return _Tables(
        MappingProxyType({c.resource_type: c.name_attribute for c in creators}),
        MappingProxyType({c.cdktf_class: c.resource_type for c in creators if c.cdktf_class}),
        MappingProxyType(created_by),
    )


def __getattr__(name: str) -> object:
    if name in _Tables._fields:
        return getattr(_tables(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def shown_as(backend_type: str, argument: str) -> str:
    """How a finding calls what `argument` of a `backend_type` backend names ("bucket",
    "DynamoDB lock table"); the argument's own name when no known resource creates it."""
    from backend_guard.knowledge import storage

    for creator in storage():
        if (backend_type, argument) in creator.named_by:
            return creator.shown_as
    return argument
