"""A remote backend whose storage nothing in the repository creates (policy `self-contained`).

**What it flags.** Under the default policy `self-contained` (a fresh cloud account with
credentials and nothing else), a backend that keeps state in storage that must already exist: an
S3, GCS, COS, OSS or OCI bucket, an Azure storage account and container, a DynamoDB lock table, a
PostgreSQL database, a Consul cluster, a Kubernetes cluster or an HTTP state service, when no
resource in the repository creates it (a bootstrap configuration with `aws_s3_bucket`,
`google_storage_bucket`, `azurerm_storage_container`, ...). Names are compared as they come out:
a resource's name from its module's variables (defaults, `terraform.tfvars`, `*.auto.tfvars`), an
OpenTofu backend's from its own; a name that cannot be told is never taken for the state's. The
configuration looks complete, but it deploys only where someone made the bucket by hand.

**Why it blocks deployment.** No backend creates its own bucket or container. In a fresh account
`terraform init` fails (S3: "Failed to get existing workspaces: S3 bucket "…" does not exist.");
a missing DynamoDB lock table even passes init and fails at the first plan ("Error acquiring the
state lock"), so a green init proves nothing.

**Fails:**

```hcl
terraform {
  backend "s3" {
    bucket         = "acme-tf-states"
    key            = "prod/network.tfstate"
    region         = "us-east-1"
    dynamodb_table = "tf-locks"
  }
}
```

**Passes:** a local backend; or, with policy `remote-allowed`, any complete remote backend; or a
repository whose bootstrap configuration creates the bucket in another root module (in CDKTF,
`new S3Bucket(this, 'state', { bucket: 'acme-tf-states' })` in another stack):

```hcl
# bootstrap/main.tf
resource "aws_s3_bucket" "state" {
  bucket = "acme-tf-states"
}

# network/backend.tf
terraform {
  backend "s3" {
    bucket = "acme-tf-states"
    key    = "prod/network.tfstate"
    region = "us-east-1"
  }
}
```

**Fix.** The block becomes a local backend; the remote one is kept as a commented example with a
note on enabling it with `terraform init -backend-config=...` once the storage exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import BackendKind, Finding, Module, Severity
from backend_guard.rules import base
from backend_guard.rules.storage_names import named_storage
from backend_guard.storage import shown_as

META = base.Meta("BG104", "external-state-storage", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    if context.policy is not base.Policy.SELF_CONTAINED:
        return
    for backend in context.effective_backends(module):
        if backend.kind is not BackendKind.BACKEND:
            continue
        backend_type = backends.lookup(module.engine.value, backend.type)
        if backend_type is None or not backend_type.remote_storage or backend.type == "remote":
            continue
        storage = named_storage(backend, context)
        absent = [item for item in storage if not item.creators and not item.maybe_created]
        if storage and not absent:
            continue
        if absent:
            what = base.words(
                [f"{shown_as(backend.type, item.argument)} {item.shown}" for item in absent]
            )
            lock_only = all(item.argument == "dynamodb_table" for item in absent)
            consequence = (
                "init passes but the first plan fails "
                f'("{backends.error_title(module.engine.value, "state_lock")}")'
                if lock_only
                else f"in a fresh account {base.init(module)} fails because it does not exist"
            )
            message = (
                f"{backend.label} keeps state in {what}, which nothing in this repository "
                f"creates; {consequence}."
            )
        else:
            message = (
                f"{backend.label} needs {backend_type.pre_existing}, which a fresh account does "
                f"not have; {base.init(module)} cannot reach the state."
            )
        yield base.finding(META, backend, message, fix=context.local_fix(backend))
