"""What the `cdktf` package offers a program: its backend and workspace classes, the paths its
`addOverride` writes a backend with, and how a construct's properties become backend arguments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from tree_sitter import Node

from backend_guard.model import BackendKind

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

LOCAL = "LocalBackend"

OVERRIDE_PATH = re.compile(
    r"terraform\.backend\.(?P<type>[a-z0-9_]+)\.(?P<argument>[A-Za-z0-9_.]+)"
)
# `addOverride('terraform.backend', { s3: {...} })` and `addOverride('terraform.backend.s3', {...})`:
# a whole backend, or all its arguments, as one object.
WHOLE_OVERRIDE_PATH = re.compile(r"terraform\.backend(?:\.(?P<type>[a-z0-9_]+))?")

# Bindings whose value keeps one environment's state apart from another's.
_ENVIRONMENT_NAME = re.compile(r"(?i)^(environment_?suffix|env_?suffix|environment|env|stage)$")

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


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
