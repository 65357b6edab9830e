"""A deprecated backend argument, with its replacement.

**What it flags.** Arguments the engine still accepts but warns about, for the versions
`required_version` allows: S3's `dynamodb_table` on Terraform 1.11 and later (use `use_lockfile`),
`endpoint` / `dynamodb_endpoint` / `iam_endpoint` / `sts_endpoint` (use `endpoints = { ... }`),
`force_path_style` (use `use_path_style`), `shared_credentials_file` (use
`shared_credentials_files`), the top-level assume-role arguments on OpenTofu, and azurerm's
`endpoint` on Terraform 1.11 and later (use `msi_endpoint`).

**Why it matters.** It does not block today's deployment, which is why it is a warning; but
deprecated arguments are removed in later releases (the top-level `role_arn` was, in Terraform
1.10), and setting both the old and the new name fails with "Conflicting Parameters".

**Fails** (warning): an S3-compatible store (MinIO) set up the way Terraform 1.5 documented it:

```hcl
terraform {
  backend "s3" {
    bucket           = "platform-state"
    key              = "minio/app.tfstate"
    region           = "us-east-1"
    endpoint         = "https://minio.acme.internal:9000"
    force_path_style = true
  }
}
```

**Passes:** the same store with the arguments that replace them, an `endpoints` object and
`use_path_style`, which need Terraform 1.6:

```hcl
terraform {
  required_version = ">= 1.6.0"
  backend "s3" {
    bucket         = "platform-state"
    key            = "minio/app.tfstate"
    region         = "us-east-1"
    use_path_style = true
    endpoints = {
      s3 = "https://minio.acme.internal:9000"
    }
  }
}
```

**Fix.** None applied automatically; the message names the replacement.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends, versions
from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG112", "deprecated-backend-argument", Severity.WARNING)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    allowed = context.allowed_versions(module)
    if not allowed:
        return
    for backend, name, (since, replacement) in base.argument_facts(
        module, context, backends.deprecation
    ):
        if all(v < versions.parse_version(since) for v in allowed):
            continue
        instead = f"; use `{replacement}` instead" if replacement else ""
        yield base.finding(
            META,
            backend,
            f"`{name}` of {backend.label} is deprecated since {since}{instead}.",
        )
