"""A backend argument that the engine versions `required_version` allows do not accept.

**What it flags.** An argument added in a newer engine than `required_version` allows (S3's
`use_lockfile` needs Terraform or OpenTofu 1.10), or one removed in the versions that will run
(S3's top-level `role_arn`, `session_name`, `external_id`, ... were removed in Terraform 1.10;
`use_legacy_workflow` in 1.8). With no `required_version`, CI installs the newest release, so a
removed argument fails there. When only some allowed versions are affected, it is a warning.

**Why it blocks deployment.** The engine rejects the argument: `terraform init` fails with
"Unsupported argument".

**Fails:** GCS encryption with Cloud KMS, which the `gcs` backend has since Terraform 1.4, in a
configuration held to 1.3:

```hcl
terraform {
  required_version = "~> 1.3.0"
  backend "gcs" {
    bucket             = "acme-tfstate"
    prefix             = "app"
    kms_encryption_key = "projects/acme/locations/europe-west1/keyRings/tfstate/cryptoKeys/state"
  }
}
```

**Passes:** `required_version` raised to the releases that have the argument (here in
`versions.tf`, where many configurations keep it):

```hcl
# versions.tf
terraform {
  required_version = ">= 1.4.0"
}

# backend.tf
terraform {
  backend "gcs" {
    bucket             = "acme-tfstate"
    prefix             = "app"
    kms_encryption_key = "projects/acme/locations/europe-west1/keyRings/tfstate/cryptoKeys/state"
  }
}
```

**Fix.** The block becomes a local backend, the original kept as a commented example; to keep the
remote backend, raise `required_version` or move to the replacement argument.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends, versions
from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG111", "engine-version-argument", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    engine = module.engine.value
    allowed = context.allowed_versions(module)
    if not allowed:
        return  # unreadable or unsatisfiable constraint: nothing to judge against
    product = "OpenTofu" if engine == "opentofu" else "Terraform"
    for backend, name, (added, removed, replacement) in base.argument_facts(
        module, context, backends.version_change
    ):
        if added is not None:
            bound = versions.parse_version(added)
            too_old = [v for v in allowed if v < bound]
            verb = f"was added in {product} {added}"
            fix_hint = f'raise `required_version` to ">= {added}"'
        elif removed is not None:
            bound = versions.parse_version(removed)
            too_old = [v for v in allowed if v >= bound]
            verb = f"was removed in {product} {removed}"
            fix_hint = f"use `{replacement}`" if replacement else "remove it"
        else:
            continue
        if not too_old:
            continue
        every = len(too_old) == len(allowed)
        scope = (
            "every version `required_version` allows"
            if module.required_versions
            else f"the {product} a fresh CI installs"
        )
        if not every:
            scope = (
                f"some versions `required_version` allows ({versions.format_version(too_old[0])})"
            )
        yield base.finding(
            META,
            backend,
            f"`{name}` of {backend.label} {verb}, so `init` fails with "
            f'"{backends.error_title(engine, "unsupported_argument")}" '
            f"on {scope}; {fix_hint}.",
            fix=context.local_fix(backend),
            severity=None if every else Severity.WARNING,
        )
