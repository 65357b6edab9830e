"""What each state backend type accepts, per engine: the knowledge base the rules query.

Covers Terraform 1.15.5 and OpenTofu 1.12.6. For every backend type: its arguments (type, whether
written as an attribute or a nested block, which are required and which environment variables
can supply them, which name storage that must already exist, which refer to the author's
machine), the engine versions that added, deprecated or removed an argument, and the backend
names the engine rejects.

Where the data comes from:

- Terraform: the backend schemas in `hashicorp/terraform` at tag v1.15.5
  (`internal/backend/remote-state/<type>/backend.go`, `internal/backend/local/backend.go`,
  `internal/backend/remote/backend.go`, `internal/cloud/backend.go`); versions by comparing the
  same files at each release tag. The argument lists are checked against the real Terraform
  1.15.5 in `tests/test_backends_data.py`.
- OpenTofu: the same files in `opentofu/opentofu` at tag v1.12.6, compared across release tags.
  OpenTofu cannot be run in the test environment, so its data rests on reading the source alone.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

TERRAFORM_VERSION = "1.15.5"
OPENTOFU_VERSION = "1.12.6"


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
    names_storage: str | None = None  # the external thing it names, which must already exist
    created_by: tuple[tuple[str, str], ...] = ()  # (resource type, its name attribute) creating it
    is_block: bool = False  # written `name { ... }`; otherwise `name = value`
    nested: Mapping[str, Argument] = field(default_factory=lambda: MappingProxyType({}))
    added_in: str | None = None
    deprecated_in: str | None = None
    replacement: str | None = None  # what to use instead, once deprecated or removed
    removed_in: str | None = None


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


def _index(arguments: Iterable[Argument]) -> Mapping[str, Argument]:
    return MappingProxyType({argument.name: argument for argument in arguments})


def _arg(name: str, type: ValueType = ValueType.STRING, **fields: Any) -> Argument:
    return Argument(name, type, **fields)


def _obj(name: str, nested: Iterable[Argument], **fields: Any) -> Argument:
    """An object-typed attribute: `name = { ... }`."""
    return Argument(name, ValueType.OBJECT, nested=_index(nested), **fields)


def _block(name: str, nested: Iterable[Argument], **fields: Any) -> Argument:
    """A nested block: `name { ... }`."""
    return _obj(name, nested, is_block=True, **fields)


def _backend(
    name: str,
    arguments: Iterable[Argument],
    removed_arguments: Iterable[Argument] = (),
    **fields: Any,
) -> BackendType:
    return BackendType(
        name, _index(arguments), removed_arguments=_index(removed_arguments), **fields
    )


S, B, N = ValueType.STRING, ValueType.BOOL, ValueType.NUMBER
LIST, SET, MAP = ValueType.LIST, ValueType.SET, ValueType.MAP

_TF_DOCS = "https://developer.hashicorp.com/terraform/language/backend/{}"
_TOFU_DOCS = "https://opentofu.org/docs/language/settings/backends/{}/"

# --------------------------------------------------------------------------------------------
# Terraform 1.15.5
# --------------------------------------------------------------------------------------------

_TF_LOCAL = _backend(
    "local",
    [_arg("path"), _arg("workspace_dir")],
    remote_storage=False,
    pre_existing="nothing (state is a file in the working directory)",
    documentation_url=_TF_DOCS.format("local"),
)

_TF_INMEM = _backend(
    "inmem",
    [_arg("lock_id")],
    remote_storage=False,
    pre_existing="nothing (state lives in memory and is lost when the process exits)",
    documentation_url=None,  # an undocumented test backend
)

# The remote backend reads no environment variable for its settings; the token may come from
# the CLI configuration or `TF_TOKEN_<hostname>` (a variable named after the host).
_TF_REMOTE = _backend(
    "remote",
    [
        _arg("hostname"),  # defaults to app.terraform.io
        _arg(
            "organization",
            required=True,
            names_storage="HCP Terraform organization",
            created_by=(("tfe_organization", "name"),),
        ),
        _arg("token"),
        _block(
            "workspaces",
            [
                _arg("name", names_storage="HCP Terraform workspace"),
                _arg("prefix"),
            ],
            required=True,  # with exactly one of `name` or `prefix`
        ),
    ],
    remote_storage=True,
    pre_existing="an HCP Terraform or Terraform Enterprise organization, workspace and API token",
    documentation_url=_TF_DOCS.format("remote"),
)

_AZURE_CREATED_BY = {
    "storage_account_name": (("azurerm_storage_account", "name"),),
    "container_name": (("azurerm_storage_container", "name"),),
    "resource_group_name": (("azurerm_resource_group", "name"),),
}

_TF_AZURERM = _backend(
    "azurerm",
    [
        _arg("subscription_id", env=("ARM_SUBSCRIPTION_ID",)),
        _arg(
            "resource_group_name",
            names_storage="resource group",
            created_by=_AZURE_CREATED_BY["resource_group_name"],
        ),
        _arg(
            "storage_account_name",
            required=True,
            names_storage="storage account",
            created_by=_AZURE_CREATED_BY["storage_account_name"],
        ),
        _arg(
            "container_name",
            required=True,
            names_storage="blob container",
            created_by=_AZURE_CREATED_BY["container_name"],
        ),
        _arg("key", required=True),
        _arg("lookup_blob_endpoint", B, env=("ARM_USE_DNS_ZONE_ENDPOINT",), added_in="1.11.2"),
        _arg("snapshot", B, env=("ARM_SNAPSHOT",)),
        _arg("environment", env=("ARM_ENVIRONMENT",)),
        _arg("metadata_host", env=("ARM_METADATA_HOSTNAME", "ARM_METADATA_HOST")),
        _arg("access_key", env=("ARM_ACCESS_KEY",)),
        _arg("sas_token", env=("ARM_SAS_TOKEN",)),
        _arg("tenant_id", env=("ARM_TENANT_ID",)),
        _arg("client_id", env=("ARM_CLIENT_ID",)),
        _arg(
            "client_id_file_path",
            env=("ARM_CLIENT_ID_FILE_PATH",),
            machine_local=True,
            added_in="1.11.0",
        ),
        _arg("endpoint", deprecated_in="1.11.0", replacement="msi_endpoint"),
        _arg("client_certificate", env=("ARM_CLIENT_CERTIFICATE",), added_in="1.11.0"),
        _arg(
            "client_certificate_path",
            env=("ARM_CLIENT_CERTIFICATE_PATH",),
            machine_local=True,
        ),
        _arg("client_certificate_password", env=("ARM_CLIENT_CERTIFICATE_PASSWORD",)),
        _arg("client_secret", env=("ARM_CLIENT_SECRET",)),
        _arg(
            "client_secret_file_path",
            env=("ARM_CLIENT_SECRET_FILE_PATH",),
            machine_local=True,
            added_in="1.11.0",
        ),
        _arg("use_oidc", B, env=("ARM_USE_OIDC",), added_in="1.2.0"),
        _arg(
            "ado_pipeline_service_connection_id",
            env=("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"),
            added_in="1.11.2",
        ),
        _arg(
            "oidc_request_token",
            env=("ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"),
            added_in="1.2.0",
        ),
        _arg(
            "oidc_request_url",
            env=("ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"),
            added_in="1.2.0",
        ),
        _arg("oidc_token", env=("ARM_OIDC_TOKEN",), added_in="1.3.4"),
        _arg(
            "oidc_token_file_path",
            env=("ARM_OIDC_TOKEN_FILE_PATH",),
            machine_local=True,
            added_in="1.3.4",
        ),
        _arg("use_msi", B, env=("ARM_USE_MSI",)),
        _arg("msi_endpoint", env=("ARM_MSI_ENDPOINT",)),
        _arg("use_cli", B, env=("ARM_USE_CLI",), added_in="1.11.0"),
        _arg(
            "use_aks_workload_identity",
            B,
            env=("ARM_USE_AKS_WORKLOAD_IDENTITY",),
            added_in="1.11.0",
        ),
        _arg("use_azuread_auth", B, env=("ARM_USE_AZUREAD",)),
    ],
    # Checked by the backend itself: "One of `access_key`, `sas_token`, `use_azuread_auth` and
    # `resource_group_name` must be specified".
    required_groups=(("access_key", "sas_token", "use_azuread_auth", "resource_group_name"),),
    removed_arguments=[
        _arg("use_microsoft_graph", B, added_in="1.1.0", deprecated_in="1.2.0", removed_in="1.3.0"),
    ],
    remote_storage=True,
    pre_existing="an Azure storage account and blob container",
    documentation_url=_TF_DOCS.format("azurerm"),
)

# Besides `ca_file`, `cert_file` and `key_file`, which the backend reads from the environment
# itself, the Consul API client falls back to its own CONSUL_HTTP_* variables.
_TF_CONSUL = _backend(
    "consul",
    [
        _arg("path", required=True),  # Terraform crashes without it rather than reporting it
        _arg("access_token", env=("CONSUL_HTTP_TOKEN",)),
        _arg("address", env=("CONSUL_HTTP_ADDR",)),  # defaults to the local agent
        _arg("scheme", env=("CONSUL_HTTP_SSL",)),
        _arg("datacenter"),
        _arg("http_auth", env=("CONSUL_HTTP_AUTH",)),
        _arg("gzip", B),
        _arg("lock", B),
        _arg("ca_file", env=("CONSUL_CACERT",), machine_local=True),
        _arg("cert_file", env=("CONSUL_CLIENT_CERT",), machine_local=True),
        _arg("key_file", env=("CONSUL_CLIENT_KEY",), machine_local=True),
    ],
    remote_storage=True,
    pre_existing="a reachable Consul cluster and an ACL token",
    documentation_url=_TF_DOCS.format("consul"),
)

_COS_BUCKET = _arg(
    "bucket",
    required=True,
    names_storage="COS bucket",
    created_by=(("tencentcloud_cos_bucket", "bucket"),),
)

_TF_COS = _backend(
    "cos",
    [
        _arg("secret_id", env=("TENCENTCLOUD_SECRET_ID",)),
        _arg("secret_key", env=("TENCENTCLOUD_SECRET_KEY",)),
        _arg("security_token", env=("TENCENTCLOUD_SECURITY_TOKEN",), added_in="1.4.0"),
        _arg("region", required=True, env=("TENCENTCLOUD_REGION",)),
        _COS_BUCKET,
        _arg("endpoint", env=("TENCENTCLOUD_ENDPOINT",), added_in="1.6.0"),
        _arg("domain", env=("TENCENTCLOUD_DOMAIN",), added_in="1.6.0"),
        _arg("prefix"),
        _arg("key"),
        _arg("encrypt", B),
        _arg("acl"),
        _arg("accelerate", B, added_in="1.3.0"),
        _block(
            "assume_role",
            [
                _arg("role_arn", required=True, env=("TENCENTCLOUD_ASSUME_ROLE_ARN",)),
                _arg("session_name", required=True, env=("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME",)),
                _arg(
                    "session_duration",
                    N,
                    required=True,
                    env=("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION",),
                ),
                _arg("policy"),
                _arg(
                    "external_id", env=("TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID",), added_in="1.10.0"
                ),
            ],
            added_in="1.4.0",
        ),
        # Both point into ~/.tccli on the author's machine.
        _arg(
            "shared_credentials_dir",
            env=("TENCENTCLOUD_SHARED_CREDENTIALS_DIR",),
            machine_local=True,
            added_in="1.10.0",
        ),
        _arg("profile", env=("TENCENTCLOUD_PROFILE",), machine_local=True, added_in="1.10.0"),
        _arg("cam_role_name", env=("TENCENTCLOUD_CAM_ROLE_NAME",), added_in="1.10.0"),
    ],
    remote_storage=True,
    pre_existing="a Tencent Cloud COS bucket",
    documentation_url=_TF_DOCS.format("cos"),
)

_GCS_BUCKET = _arg(
    "bucket",
    required=True,
    names_storage="GCS bucket",
    created_by=(("google_storage_bucket", "name"),),
)

_TF_GCS = _backend(
    "gcs",
    [
        _GCS_BUCKET,
        _arg("prefix"),
        # A key file's path or the key JSON itself: either a file on the author's machine or a
        # secret written into the configuration; CI authenticates through the environment.
        _arg(
            "credentials",
            env=("GOOGLE_BACKEND_CREDENTIALS", "GOOGLE_CREDENTIALS"),
            machine_local=True,
        ),
        _arg("access_token", env=("GOOGLE_OAUTH_ACCESS_TOKEN",)),
        _arg(
            "impersonate_service_account",
            env=(
                "GOOGLE_BACKEND_IMPERSONATE_SERVICE_ACCOUNT",
                "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT",
            ),
        ),
        _arg("impersonate_service_account_delegates", LIST),
        _arg("encryption_key", env=("GOOGLE_ENCRYPTION_KEY",)),
        _arg("kms_encryption_key", env=("GOOGLE_KMS_ENCRYPTION_KEY",), added_in="1.4.0"),
        _arg(
            "storage_custom_endpoint",
            env=("GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT", "GOOGLE_STORAGE_CUSTOM_ENDPOINT"),
            added_in="1.4.0",
        ),
    ],
    remote_storage=True,
    pre_existing="a Google Cloud Storage bucket",
    documentation_url=_TF_DOCS.format("gcs"),
)

_TF_HTTP = _backend(
    "http",
    [
        _arg(
            "address",
            required=True,
            env=("TF_HTTP_ADDRESS",),
            names_storage="HTTP state service",
        ),
        _arg("update_method", env=("TF_HTTP_UPDATE_METHOD",)),
        _arg("lock_address", env=("TF_HTTP_LOCK_ADDRESS",)),
        _arg("unlock_address", env=("TF_HTTP_UNLOCK_ADDRESS",)),
        _arg("lock_method", env=("TF_HTTP_LOCK_METHOD",)),
        _arg("unlock_method", env=("TF_HTTP_UNLOCK_METHOD",)),
        _arg("username", env=("TF_HTTP_USERNAME",)),
        _arg("password", env=("TF_HTTP_PASSWORD",)),
        _arg("skip_cert_verification", B),
        _arg("retry_max", N, env=("TF_HTTP_RETRY_MAX",)),
        _arg("retry_wait_min", N, env=("TF_HTTP_RETRY_WAIT_MIN",)),
        _arg("retry_wait_max", N, env=("TF_HTTP_RETRY_WAIT_MAX",)),
        # The three PEM arguments hold certificate data, not file paths.
        _arg(
            "client_ca_certificate_pem",
            env=("TF_HTTP_CLIENT_CA_CERTIFICATE_PEM",),
            added_in="1.4.0",
        ),
        _arg("client_certificate_pem", env=("TF_HTTP_CLIENT_CERTIFICATE_PEM",), added_in="1.4.0"),
        _arg("client_private_key_pem", env=("TF_HTTP_CLIENT_PRIVATE_KEY_PEM",), added_in="1.4.0"),
    ],
    remote_storage=True,
    pre_existing="an HTTP state service",
    documentation_url=_TF_DOCS.format("http"),
)

_KUBERNETES_EXEC = _block(
    "exec",
    [
        _arg("api_version", required=True),
        _arg("command", required=True),
        _arg("env", MAP),
        _arg("args", LIST),
    ],
)

_TF_KUBERNETES = _backend(
    "kubernetes",
    [
        _arg("secret_suffix", required=True),
        _arg("labels", MAP),
        _arg("namespace", env=("KUBE_NAMESPACE",), names_storage="Kubernetes namespace"),
        _arg("in_cluster_config", B, env=("KUBE_IN_CLUSTER_CONFIG",)),
        _arg("load_config_file", B, env=("KUBE_LOAD_CONFIG_FILE",)),
        _arg("host", env=("KUBE_HOST",)),
        _arg("username", env=("KUBE_USER",)),
        _arg("password", env=("KUBE_PASSWORD",)),
        _arg("insecure", B, env=("KUBE_INSECURE",)),
        # Certificate and key data (PEM), not paths.
        _arg("client_certificate", env=("KUBE_CLIENT_CERT_DATA",)),
        _arg("client_key", env=("KUBE_CLIENT_KEY_DATA",)),
        _arg("cluster_ca_certificate", env=("KUBE_CLUSTER_CA_CERT_DATA",)),
        _arg(
            "config_paths", LIST, env=("KUBE_CONFIG_PATHS",), machine_local=True, added_in="1.1.0"
        ),
        _arg("config_path", env=("KUBE_CONFIG_PATH",), machine_local=True),
        _arg("config_context", env=("KUBE_CTX",)),
        _arg("config_context_auth_info", env=("KUBE_CTX_AUTH_INFO",)),
        _arg("config_context_cluster", env=("KUBE_CTX_CLUSTER",)),
        _arg("token", env=("KUBE_TOKEN",)),
        _arg("proxy_url", env=("KUBE_PROXY_URL",), added_in="1.6.0"),
        _KUBERNETES_EXEC,
    ],
    remote_storage=True,
    pre_existing="a reachable Kubernetes cluster with the namespace and rights to its Secrets",
    documentation_url=_TF_DOCS.format("kubernetes"),
)


def _oci(name: str, **fields: Any) -> Argument:
    # The backend reads each setting it does not find in the block from `OCI_<name>` (the
    # attribute name as written, lower case), then from a variable named like the attribute.
    return _arg(name, env=(f"OCI_{name}",), **fields)


_TF_OCI = _backend(
    "oci",
    [
        _oci("key"),
        # Checked in the block itself ("Missing Required Value"): no environment fallback.
        _arg(
            "bucket",
            required=True,
            names_storage="OCI Object Storage bucket",
            created_by=(("oci_objectstorage_bucket", "name"),),
        ),
        _arg("namespace", required=True),
        _oci("region"),
        _oci("tenancy_ocid"),
        _oci("user_ocid"),
        _oci("fingerprint"),
        _oci("private_key"),
        _oci("private_key_path", machine_local=True),
        _oci("private_key_password"),
        _oci("auth"),
        _oci("config_file_profile", machine_local=True),  # a profile in ~/.oci/config
        _oci("workspace_key_prefix"),
        _oci("kms_key_id"),
        _oci("sse_customer_key"),
        _oci("sse_customer_key_sha256"),
        _oci("sse_customer_algorithm"),
    ],
    remote_storage=True,
    pre_existing="an OCI Object Storage bucket",
    documentation_url=_TF_DOCS.format("oci"),
    added_in="1.12.0",
)

_OSS_BUCKET = _arg(
    "bucket",
    required=True,
    names_storage="OSS bucket",
    created_by=(("alicloud_oss_bucket", "bucket"),),
)
_OSS_TABLESTORE_TABLE = _arg(
    "tablestore_table",
    names_storage="TableStore table",
    created_by=(("alicloud_ots_table", "table_name"),),
)

_TF_OSS = _backend(
    "oss",
    [
        _arg(
            "access_key",
            env=("ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY_ID"),
        ),
        _arg(
            "secret_key",
            env=(
                "ALICLOUD_SECRET_KEY",
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                "ALICLOUD_ACCESS_KEY_SECRET",
            ),
        ),
        _arg("security_token", env=("ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN")),
        _arg("ecs_role_name", env=("ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA")),
        _arg("region", env=("ALICLOUD_REGION", "ALIBABA_CLOUD_REGION", "ALICLOUD_DEFAULT_REGION")),
        _arg(
            "sts_endpoint",
            env=("ALICLOUD_STS_ENDPOINT", "ALIBABA_CLOUD_STS_ENDPOINT"),
            added_in="1.0.11",
        ),
        _arg(
            "tablestore_endpoint",
            env=("ALICLOUD_TABLESTORE_ENDPOINT", "ALIBABA_CLOUD_TABLESTORE_ENDPOINT"),
        ),
        _arg(
            "endpoint", env=("ALICLOUD_OSS_ENDPOINT", "ALIBABA_CLOUD_OSS_ENDPOINT", "OSS_ENDPOINT")
        ),
        _OSS_BUCKET,
        _arg("prefix"),
        _arg("key"),
        _arg("tablestore_instance_name", added_in="1.12.0"),
        _OSS_TABLESTORE_TABLE,
        _arg("encrypt", B),
        _arg("acl"),
        _arg(
            "shared_credentials_file",
            env=("ALICLOUD_SHARED_CREDENTIALS_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE"),
            machine_local=True,
        ),
        _arg("profile", env=("ALICLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE"), machine_local=True),
        # The source calls this block superseded by the flat assume_role_* arguments but does
        # not mark it deprecated, and it draws no warning.
        _block(
            "assume_role",
            [
                _arg(
                    "role_arn",
                    required=True,
                    env=("ALICLOUD_ASSUME_ROLE_ARN", "ALIBABA_CLOUD_ROLE_ARN"),
                ),
                _arg(
                    "session_name",
                    env=("ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALIBABA_CLOUD_ROLE_SESSION_NAME"),
                ),
                _arg("policy"),
                _arg("session_expiration", N),
            ],
        ),
        _arg(
            "assume_role_role_arn",
            env=("ALICLOUD_ASSUME_ROLE_ARN", "ALIBABA_CLOUD_ROLE_ARN"),
            added_in="1.1.0",
        ),
        _arg(
            "assume_role_session_name",
            env=("ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALIBABA_CLOUD_ROLE_SESSION_NAME"),
            added_in="1.1.0",
        ),
        _arg("assume_role_policy", added_in="1.1.0"),
        _arg("assume_role_session_expiration", N, added_in="1.1.0"),
    ],
    remote_storage=True,
    pre_existing="an Alibaba Cloud OSS bucket (and the TableStore table, when locking is set)",
    documentation_url=_TF_DOCS.format("oss"),
)

_TF_PG = _backend(
    "pg",
    [
        # Schema-optional, but without it the driver tries a PostgreSQL server on the local
        # machine, which a CI runner does not have.
        _arg(
            "conn_str",
            required=True,
            env=("PG_CONN_STR",),
            names_storage="PostgreSQL database",
        ),
        _arg("schema_name", env=("PG_SCHEMA_NAME",)),
        _arg("skip_schema_creation", B, env=("PG_SKIP_SCHEMA_CREATION",)),
        _arg("skip_table_creation", B, env=("PG_SKIP_TABLE_CREATION",)),
        _arg("skip_index_creation", B, env=("PG_SKIP_INDEX_CREATION",)),
    ],
    remote_storage=True,
    pre_existing="a reachable PostgreSQL server with the database",
    documentation_url=_TF_DOCS.format("pg"),
)

_S3_BUCKET = _arg(
    "bucket",
    required=True,
    names_storage="S3 bucket",
    created_by=(("aws_s3_bucket", "bucket"),),
)
_S3_REGION = _arg("region", required=True, env=("AWS_REGION", "AWS_DEFAULT_REGION"))
_S3_DYNAMODB_TABLE = _arg(
    "dynamodb_table",
    names_storage="DynamoDB lock table",
    created_by=(("aws_dynamodb_table", "name"),),
)
_S3_ROLE_TOP_LEVEL = {
    # top-level name -> its place under `assume_role` (deprecated 1.6.0)
    "role_arn": ("role_arn", S),
    "session_name": ("session_name", S),
    "external_id": ("external_id", S),
    "assume_role_duration_seconds": ("duration", N),
    "assume_role_policy": ("policy", S),
    "assume_role_policy_arns": ("policy_arns", SET),
    "assume_role_tags": ("tags", MAP),
    "assume_role_transitive_tag_keys": ("transitive_tag_keys", SET),
}
_S3_DEPRECATED_ENDPOINTS = {
    "endpoint": "s3",
    "dynamodb_endpoint": "dynamodb",
    "iam_endpoint": "iam",
    "sts_endpoint": "sts",
}
# Removed in Terraform 1.10.0 ("Unsupported argument"), still accepted (deprecated) by OpenTofu.
_S3_ROLE_ARGUMENTS = [
    _arg(name, type, deprecated_in="1.6.0", replacement=f"assume_role.{nested}")
    for name, (nested, type) in _S3_ROLE_TOP_LEVEL.items()
]
_S3_LEGACY_WORKFLOW = _arg(
    "use_legacy_workflow", B, added_in="1.6.0", deprecated_in="1.7.0", removed_in="1.8.0"
)

_TF_S3 = _backend(
    "s3",
    [
        _S3_BUCKET,
        _arg("key", required=True),
        _S3_REGION,
        _arg("allowed_account_ids", SET, added_in="1.6.0"),
        _arg("forbidden_account_ids", SET, added_in="1.6.0"),
        *(
            _arg(name, deprecated_in="1.6.0", replacement=f"endpoints.{nested}")
            for name, nested in _S3_DEPRECATED_ENDPOINTS.items()
        ),
        _obj(
            "endpoints",
            [
                _arg(
                    "dynamodb",
                    env=("AWS_ENDPOINT_URL_DYNAMODB", "AWS_DYNAMODB_ENDPOINT"),
                    deprecated_in="1.11.0",  # marked so in the schema, with `dynamodb_table`
                ),
                _arg("iam", env=("AWS_ENDPOINT_URL_IAM", "AWS_IAM_ENDPOINT")),
                _arg("s3", env=("AWS_ENDPOINT_URL_S3", "AWS_S3_ENDPOINT")),
                _arg("sso", env=("AWS_ENDPOINT_URL_SSO",), added_in="1.6.4"),
                _arg("sts", env=("AWS_ENDPOINT_URL_STS", "AWS_STS_ENDPOINT")),
            ],
            added_in="1.6.0",
        ),
        _arg(
            "ec2_metadata_service_endpoint",
            env=("AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_METADATA_URL"),
            added_in="1.6.0",
        ),
        _arg(
            "ec2_metadata_service_endpoint_mode",
            env=("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",),
            added_in="1.6.0",
        ),
        _arg("sts_region", added_in="1.6.0"),
        _arg("encrypt", B),
        _arg("acl"),
        _arg("access_key"),
        _arg("secret_key"),
        _arg("kms_key_id", names_storage="KMS key"),
        replace(_S3_DYNAMODB_TABLE, deprecated_in="1.11.0", replacement="use_lockfile"),
        _arg("use_lockfile", B, added_in="1.10.0"),
        _arg("profile", env=("AWS_PROFILE",), machine_local=True),  # ~/.aws/config profile
        _arg("retry_mode", env=("AWS_RETRY_MODE",), added_in="1.6.0"),
        _arg(
            "shared_config_files",
            SET,
            env=("AWS_SHARED_CONFIG_FILE",),
            machine_local=True,
            added_in="1.6.0",
        ),
        _arg(
            "shared_credentials_file",
            machine_local=True,
            deprecated_in="1.6.0",
            replacement="shared_credentials_files",
        ),
        _arg(
            "shared_credentials_files",
            SET,
            env=("AWS_SHARED_CREDENTIALS_FILE",),
            machine_local=True,
            added_in="1.6.0",
        ),
        _arg("token"),
        _arg("skip_credentials_validation", B),
        _arg("skip_requesting_account_id", B, added_in="1.6.1"),
        _arg("skip_metadata_api_check", B),
        _arg("skip_region_validation", B),
        _arg("skip_s3_checksum", B, added_in="1.6.3"),
        _arg("sse_customer_key", env=("AWS_SSE_CUSTOMER_KEY",)),
        _arg("workspace_key_prefix"),
        _arg("force_path_style", B, deprecated_in="1.6.0", replacement="use_path_style"),
        _arg("use_path_style", B, added_in="1.6.0"),
        _arg("max_retries", N),
        _obj(
            "assume_role",
            [
                _arg("role_arn", required=True),
                _arg("duration"),
                _arg("external_id"),
                _arg("policy"),
                _arg("policy_arns", SET),
                _arg("session_name"),
                _arg("source_identity"),
                _arg("tags", MAP),
                _arg("transitive_tag_keys", SET),
            ],
            added_in="1.6.0",
        ),
        _obj(
            "assume_role_with_web_identity",
            [
                _arg("role_arn", required=True),
                _arg("duration"),
                _arg("policy"),
                _arg("policy_arns", SET),
                _arg("session_name"),
                _arg("web_identity_token"),
                _arg("web_identity_token_file", machine_local=True),
            ],
            added_in="1.6.0",
        ),
        _arg("custom_ca_bundle", env=("AWS_CA_BUNDLE",), machine_local=True, added_in="1.6.0"),
        _arg("http_proxy", added_in="1.6.0"),
        _arg("https_proxy", added_in="1.6.4"),
        _arg("no_proxy", added_in="1.6.4"),
        _arg("insecure", B, added_in="1.6.0"),
        _arg("use_fips_endpoint", B, env=("AWS_USE_FIPS_ENDPOINT",), added_in="1.6.0"),
        _arg("use_dualstack_endpoint", B, env=("AWS_USE_DUALSTACK_ENDPOINT",), added_in="1.6.0"),
    ],
    removed_arguments=[
        *(replace(argument, removed_in="1.10.0") for argument in _S3_ROLE_ARGUMENTS),
        _S3_LEGACY_WORKFLOW,
    ],
    remote_storage=True,
    pre_existing="an S3 bucket",
    documentation_url=_TF_DOCS.format("s3"),
)

_TF_CLOUD = _backend(
    "cloud",
    [
        _arg("hostname", env=("TF_CLOUD_HOSTNAME",)),  # defaults to app.terraform.io
        _arg(
            "organization",
            required=True,
            env=("TF_CLOUD_ORGANIZATION",),
            names_storage="HCP Terraform organization",
            created_by=(("tfe_organization", "name"),),
        ),
        _arg("token"),  # else CLI configuration credentials or TF_TOKEN_<hostname>
        _block(
            "workspaces",
            [
                _arg("name", env=("TF_WORKSPACE",), names_storage="HCP Terraform workspace"),
                _arg("tags", ValueType.ANY),
                _arg("project", env=("TF_CLOUD_PROJECT",)),
            ],
            required=True,  # with `name` or `tags`, unless TF_WORKSPACE names the workspace
            env=("TF_WORKSPACE",),
        ),
    ],
    remote_storage=True,
    pre_existing="an HCP Terraform organization, workspace and API token",
    documentation_url="https://developer.hashicorp.com/terraform/cli/cloud/settings",
)

# --------------------------------------------------------------------------------------------
# OpenTofu 1.12.6: Terraform's data where the two agree (without Terraform's version history,
# since OpenTofu 1.6.0 already had those arguments), with the differences spelled out.
# --------------------------------------------------------------------------------------------


def _tofu_argument(argument: Argument) -> Argument:
    nested = _index(_tofu_argument(item) for item in argument.nested.values())
    return replace(argument, nested=nested, added_in=None, deprecated_in=None, replacement=None)


def _tofu(
    backend: BackendType,
    *,
    without: Iterable[str] = (),
    changed: Iterable[Argument] = (),
    **fields: Any,
) -> BackendType:
    """`backend` as OpenTofu has it: arguments dropped, replaced or added by name."""
    dropped = set(without)
    arguments = {
        name: _tofu_argument(argument)
        for name, argument in backend.arguments.items()
        if name not in dropped
    }
    for argument in changed:
        arguments[argument.name] = argument
    fields.setdefault("documentation_url", _TOFU_DOCS.format(backend.name))
    return replace(
        backend,
        arguments=MappingProxyType(arguments),
        removed_arguments=MappingProxyType({}),
        **fields,
    )


_TOFU_AZURERM = _backend(
    "azurerm",
    [
        _TF_AZURERM.arguments["storage_account_name"],
        _TF_AZURERM.arguments["container_name"],
        _arg("key", required=True),
        _arg("metadata_host", env=("ARM_METADATA_HOST",)),
        _arg("environment", env=("ARM_ENVIRONMENT",)),
        _arg("access_key", env=("ARM_ACCESS_KEY",)),
        _arg("sas_token", env=("ARM_SAS_TOKEN",)),
        _arg("snapshot", B, env=("ARM_SNAPSHOT",)),
        _TF_AZURERM.arguments["resource_group_name"],
        _arg("client_id", env=("ARM_CLIENT_ID",)),
        _arg(
            "client_id_file_path",
            env=("ARM_CLIENT_ID_FILE_PATH",),
            machine_local=True,
            added_in="1.11.0",
        ),
        _arg("endpoint", deprecated_in="1.11.0"),  # "unused and does not affect any execution"
        _arg("timeout_seconds", N, env=("ARM_TIMEOUT_SECONDS",), added_in="1.9.0"),
        _arg("subscription_id", env=("ARM_SUBSCRIPTION_ID",)),
        _arg("tenant_id", env=("ARM_TENANT_ID",)),
        _arg("client_certificate", env=("ARM_CLIENT_CERTIFICATE",), added_in="1.11.0"),
        _arg("client_certificate_password", env=("ARM_CLIENT_CERTIFICATE_PASSWORD",)),
        _arg(
            "client_certificate_path",
            env=("ARM_CLIENT_CERTIFICATE_PATH",),
            machine_local=True,
        ),
        _arg("client_secret", env=("ARM_CLIENT_SECRET",)),
        _arg(
            "client_secret_file_path",
            env=("ARM_CLIENT_SECRET_FILE_PATH",),
            machine_local=True,
            added_in="1.11.0",
        ),
        _arg("use_msi", B, env=("ARM_USE_MSI",)),
        # Deprecated in favour of the MSI_ENDPOINT environment variable.
        _arg("msi_endpoint", env=("ARM_MSI_ENDPOINT",), deprecated_in="1.11.0"),
        _arg("use_oidc", B, env=("ARM_USE_OIDC",)),
        _arg("oidc_token", env=("ARM_OIDC_TOKEN",)),
        _arg(
            "oidc_token_file_path",
            env=("ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"),
            machine_local=True,
        ),
        _arg(
            "oidc_request_url",
            env=("ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"),
        ),
        _arg(
            "oidc_request_token",
            env=("ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"),
        ),
        _arg(
            "ado_service_connection_id",
            env=(
                "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID",
                "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID",
                "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
            ),
            added_in="1.12.0",
        ),
        _arg(
            "use_aks_workload_identity",
            B,
            env=("ARM_USE_AKS_WORKLOAD_IDENTITY",),
            added_in="1.11.0",
        ),
        _arg("use_azuread_auth", B, env=("ARM_USE_AZUREAD",)),
        _arg("use_cli", B, env=("ARM_USE_CLI",), added_in="1.11.0"),
        _arg("customer_provided_key", env=("ARM_CUSTOMER_PROVIDED_KEY",), added_in="1.12.0"),
        # The variable name is spelled this way in the source.
        _arg("encryption_scope", env=("ARM_ENCYRPTION_SCOPE",), added_in="1.12.0"),
    ],
    # No "one of access_key / sas_token / ..." check: authentication falls back to the Azure CLI.
    remote_storage=True,
    pre_existing=_TF_AZURERM.pre_existing,
    documentation_url=_TOFU_DOCS.format("azurerm"),
)

_TOFU_COS = _tofu(
    _TF_COS,
    without=("endpoint", "domain", "shared_credentials_dir", "profile", "cam_role_name"),
    changed=[
        _block(
            "assume_role",
            [
                _arg("role_arn", required=True, env=("TENCENTCLOUD_ASSUME_ROLE_ARN",)),
                _arg("session_name", required=True, env=("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME",)),
                _arg(
                    "session_duration",
                    N,
                    required=True,
                    env=("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION",),
                ),
                _arg("policy"),
            ],
        ),
    ],
)

_TOFU_OSS = _tofu(
    _TF_OSS,
    without=("tablestore_instance_name",),
    changed=[
        _arg("access_key", env=("ALICLOUD_ACCESS_KEY", "ALICLOUD_ACCESS_KEY_ID")),
        _arg("secret_key", env=("ALICLOUD_SECRET_KEY", "ALICLOUD_ACCESS_KEY_SECRET")),
        _arg("security_token", env=("ALICLOUD_SECURITY_TOKEN",)),
        _arg("ecs_role_name", env=("ALICLOUD_ECS_ROLE_NAME",)),
        _arg("region", env=("ALICLOUD_REGION", "ALICLOUD_DEFAULT_REGION")),
        _arg("sts_endpoint", env=("ALICLOUD_STS_ENDPOINT",)),
        _arg("tablestore_endpoint", env=("ALICLOUD_TABLESTORE_ENDPOINT",)),
        _arg("endpoint", env=("ALICLOUD_OSS_ENDPOINT", "OSS_ENDPOINT")),
        _arg(
            "shared_credentials_file",
            env=("ALICLOUD_SHARED_CREDENTIALS_FILE",),
            machine_local=True,
        ),
        _arg("profile", env=("ALICLOUD_PROFILE",), machine_local=True),
        _block(
            "assume_role",
            [
                _arg("role_arn", required=True, env=("ALICLOUD_ASSUME_ROLE_ARN",)),
                _arg("session_name", env=("ALICLOUD_ASSUME_ROLE_SESSION_NAME",)),
                _arg("policy"),
                _arg("session_expiration", N),
            ],
        ),
        _arg("assume_role_role_arn", env=("ALICLOUD_ASSUME_ROLE_ARN",)),
        _arg("assume_role_session_name", env=("ALICLOUD_ASSUME_ROLE_SESSION_NAME",)),
    ],
)

_TOFU_S3 = _tofu(
    _TF_S3,
    changed=[
        *(
            _arg(name, deprecated_in="1.6.0", replacement=f"endpoints.{nested}")
            for name, nested in _S3_DEPRECATED_ENDPOINTS.items()
        ),
        _obj(
            "endpoints",
            [
                _arg("s3", env=("AWS_ENDPOINT_URL_S3", "AWS_S3_ENDPOINT")),
                _arg("iam", env=("AWS_ENDPOINT_URL_IAM", "AWS_IAM_ENDPOINT")),
                _arg("sts", env=("AWS_ENDPOINT_URL_STS", "AWS_STS_ENDPOINT")),
                _arg("dynamodb", env=("AWS_ENDPOINT_URL_DYNAMODB", "AWS_DYNAMODB_ENDPOINT")),
            ],
        ),
        # The backend itself reads fewer variables than Terraform's for these.
        _arg("ec2_metadata_service_endpoint", env=("AWS_EC2_METADATA_SERVICE_ENDPOINT",)),
        _arg("retry_mode"),
        _arg("use_fips_endpoint", B),
        _arg("use_dualstack_endpoint", B),
        _S3_DYNAMODB_TABLE,  # not deprecated in OpenTofu
        _arg("use_lockfile", B, added_in="1.10.0"),
        _arg("state_tags", MAP, added_in="1.11.0"),
        _arg("lock_tags", MAP, added_in="1.11.0"),
        *_S3_ROLE_ARGUMENTS,
        _arg("force_path_style", B, deprecated_in="1.6.0", replacement="use_path_style"),
        _arg(
            "shared_credentials_file",
            machine_local=True,
            deprecated_in="1.6.0",  # a "Deprecated Parameter" warning, not a schema flag
            replacement="shared_credentials_files",
        ),
        _obj(
            "assume_role",
            [
                _arg("role_arn", required=True),
                _arg("duration"),
                _arg("external_id"),
                _arg("policy"),
                _arg("policy_arns", SET),
                _arg("session_name"),
                _arg("tags", MAP),
                _arg("transitive_tag_keys", SET),
            ],
        ),
        _obj(
            "assume_role_with_web_identity",
            [
                _arg("role_arn", env=("AWS_ROLE_ARN",)),
                _arg("web_identity_token", env=("AWS_WEB_IDENTITY_TOKEN",)),
                _arg(
                    "web_identity_token_file",
                    env=("AWS_WEB_IDENTITY_TOKEN_FILE",),
                    machine_local=True,
                ),
                _arg("session_name", env=("AWS_ROLE_SESSION_NAME",)),
                _arg("policy"),
                _arg("policy_arns", SET),
                _arg("duration"),
            ],
        ),
    ],
)
_TOFU_S3 = replace(_TOFU_S3, removed_arguments=_index([_S3_LEGACY_WORKFLOW]))

_TOFU_CLOUD = _tofu(
    _TF_CLOUD,
    changed=[
        replace(
            _TF_CLOUD.arguments["workspaces"],
            nested=_index(
                [
                    _arg("name", env=("TF_WORKSPACE",), names_storage="workspace"),
                    _arg("tags", SET),
                    _arg("project", env=("TF_CLOUD_PROJECT",)),
                ]
            ),
        ),
        replace(_TF_CLOUD.arguments["organization"], names_storage="organization"),
    ],
    pre_existing="a cloud backend organization, workspace and API token",
    documentation_url="https://opentofu.org/docs/cli/cloud/settings/",
)

TERRAFORM: Mapping[str, BackendType] = MappingProxyType(
    {
        backend.name: backend
        for backend in (
            _TF_LOCAL,
            _TF_REMOTE,
            _TF_AZURERM,
            _TF_CONSUL,
            _TF_COS,
            _TF_GCS,
            _TF_HTTP,
            _TF_INMEM,
            _TF_KUBERNETES,
            _TF_OCI,
            _TF_OSS,
            _TF_PG,
            _TF_S3,
        )
    }
)

OPENTOFU: Mapping[str, BackendType] = MappingProxyType(
    {
        backend.name: backend
        for backend in (
            _tofu(_TF_LOCAL),
            _tofu(
                _TF_REMOTE,
                pre_existing="a TACOS (such as HCP Terraform) organization, "
                "workspace and API token",
            ),
            _TOFU_AZURERM,
            _tofu(_TF_CONSUL),
            _TOFU_COS,
            _tofu(
                _TF_GCS,
                changed=[
                    _arg(
                        "universe_domain",
                        env=("GOOGLE_BACKEND_UNIVERSE_DOMAIN",),
                        added_in="1.11.5",
                    )
                ],
            ),
            _tofu(_TF_HTTP, changed=[_arg("headers", MAP, added_in="1.7.0")]),
            _tofu(_TF_INMEM, documentation_url=None),
            _tofu(_TF_KUBERNETES, without=("proxy_url",)),
            _TOFU_OSS,
            _tofu(
                _TF_PG,
                changed=[
                    _arg("table_name", env=("PG_TABLE_NAME",), added_in="1.10.0"),
                    _arg("index_name", env=("PG_INDEX_NAME",), added_in="1.10.0"),
                ],
            ),
            _TOFU_S3,
        )
    }
)

# The `cloud` block of `terraform { cloud { ... } }`: not a backend type (`backend "cloud"` is
# rejected), but its arguments are looked up the same way.
CLOUD_BLOCK: Mapping[str, BackendType] = MappingProxyType(
    {"terraform": _TF_CLOUD, "opentofu": _TOFU_CLOUD}
)

# Backend names the engines reject with "Unsupported backend type"; OpenTofu's messages say
# "OpenTofu" where Terraform's say "Terraform".
_REMOVED_IN_1_3 = ("artifactory", "etcd", "etcdv3", "manta", "swift")
REMOVED_BACKENDS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        engine: MappingProxyType(
            {
                **{
                    name: f'The "{name}" backend is not supported in {product} v1.3 or later.'
                    for name in _REMOVED_IN_1_3
                },
                "azure": 'The "azure" backend name has been removed, please use "azurerm".',
            }
        )
        for engine, product in (("terraform", "Terraform"), ("opentofu", "OpenTofu"))
    }
)

_CLOUD_LABEL = {
    "terraform": (
        'There is no explicit backend type named "cloud". To configure HCP Terraform, '
        "declare a 'cloud' block instead."
    ),
    "opentofu": (
        'There is no explicit backend type named "cloud". To configure cloud backend, '
        "declare a 'cloud' block instead."
    ),
}

_ENGINES = {"terraform": TERRAFORM, "opentofu": OPENTOFU}


def backend_types(engine: str) -> Mapping[str, BackendType]:
    """Every backend type `engine` ("terraform" or "opentofu") accepts, by name."""
    return _ENGINES[engine]


def lookup(engine: str, type: str, kind: str = "backend") -> BackendType | None:
    """The backend type (kind "backend") or the cloud block (kind "cloud"); None if unknown."""
    if kind == "cloud":
        return CLOUD_BLOCK[engine]
    return _ENGINES[engine].get(type)


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
    if type == "cloud":
        return _CLOUD_LABEL[engine]
    return REMOVED_BACKENDS[engine].get(type, f'There is no backend type named "{type}".')


def _removed(engine: str, type: str, name: str) -> Argument | None:
    backend = _ENGINES[engine].get(type)
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
    backend = _ENGINES[engine].get(type)
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
