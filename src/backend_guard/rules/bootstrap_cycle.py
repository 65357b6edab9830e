"""A configuration that creates the very bucket its own backend stores state in.

**What it flags.** A root module whose backend names a bucket, container or lock table that a
resource of the same module creates (`backend "s3" { bucket = "acme-state" }` next to
`resource "aws_s3_bucket" "state" { bucket = "acme-state" }`).

**Why it blocks deployment.** `terraform init` configures the backend before anything is applied,
so on the first run the bucket does not exist yet and init fails; the resource that would create
it never gets a chance. The usual way out is to apply once with local state and migrate with
`terraform init -migrate-state` afterwards, or to create the storage in a separate bootstrap
configuration. Once the bucket exists, every later init works: under the policy `remote-allowed`
(storage made beforehand is fine) the finding is a warning about that first apply.

**Fails:**

```hcl
terraform {
  backend "s3" {
    bucket = "acme-state"
    key    = "bootstrap.tfstate"
    region = "eu-west-1"
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-state"
}
```

**Passes:** the bucket created by a bootstrap configuration that keeps its own state locally:

```hcl
terraform {
  backend "local" {}
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-state"
}
```

**Fix.** The block becomes a local backend, the remote one kept as a comment to restore (and migrate
to with `terraform init -migrate-state`) once the bucket exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import BackendKind, Finding, Module, Severity
from backend_guard.rules import base
from backend_guard.rules.storage_names import named_storage

META = base.Meta("BG105", "bootstrap-cycle", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        if backend.kind is not BackendKind.BACKEND:
            continue
        for item in named_storage(backend, context):
            own = [c for c in item.creators if c.module_dir == backend.module_dir]
            if not own:
                continue
            creator = own[0]
            created = (
                f"{backend.label} keeps state in {item.shown}, which `{creator.resource_type}` at "
                f"{creator.span.path}:{creator.span.start_line} in this same configuration creates"
            )
            if context.policy is base.Policy.REMOTE_ALLOWED:
                yield base.finding(
                    META,
                    backend,
                    f"{created}; the first apply needs local state, moved there afterwards with "
                    f"{base.init(module, ' -migrate-state')}; once it exists, later inits work.",
                    fix=context.local_fix(backend),
                    severity=Severity.WARNING,
                )
            else:
                yield base.finding(
                    META,
                    backend,
                    f"{created}; {base.init(module)} needs it before this configuration can "
                    "create it.",
                    fix=context.local_fix(backend),
                )
            break
