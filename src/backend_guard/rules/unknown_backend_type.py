"""A backend type that does not exist, or that was removed.

**What it flags.** `backend "<type>"` where the engine has no such type: a typo (`backend "s4"`),
`backend "cloud"` (HCP Terraform is a `cloud` block, not a backend), a type removed in
Terraform 1.3 (`artifactory`, `etcd`, `etcdv3`, `manta`, `swift`), the old `azure` alias, or `oci`
under OpenTofu, which does not have it.

**Why it blocks deployment.** `terraform init` fails with "Unsupported backend type" (for example
"The "etcd" backend is not supported in Terraform v1.3 or later.").

**Fails:**

```hcl
terraform {
  backend "azure" {
    storage_account_name = "acmestate"
  }
}
```

**Passes:**

```hcl
terraform {
  backend "azurerm" {
    storage_account_name = "acmestate"
    container_name       = "tfstate"
    key                  = "app.tfstate"
    use_azuread_auth     = true
  }
}
```

**Fix.** The block becomes a local backend, the original kept as a commented example.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import BackendKind, Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG109", "unknown-backend-type", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    engine = module.engine.value
    for backend in context.effective_backends(module):
        if backend.kind is not BackendKind.BACKEND:
            continue
        if backends.lookup(engine, backend.type) is not None:
            continue
        reason = backends.unsupported_reason(engine, backend.type)
        yield base.finding(
            META,
            backend,
            f"{backend.label}: {base.init(module)} fails "
            f'("{backends.error_title(engine, "unsupported_backend_type")}": {reason}).',
            fix=context.local_fix(backend),
        )
