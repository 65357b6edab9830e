"""A backend block in a child module, which the engine ignores without a word.

**What it flags.** A `backend` or `cloud` block in a directory that another module of the
repository calls with `module "..." { source = "./..." }`.

**Why it matters.** Only the root module's backend is used; a child module's backend block is
silently ignored (no warning from `terraform init`). Whoever wrote it expected state to go there,
and it does not: the caller's backend (or local state) is used instead.

**Fails** (warning):

```hcl
# main.tf
module "network" {
  source = "./modules/network"
}

# modules/network/backend.tf
terraform {
  backend "s3" {
    bucket = "acme-state"
    key    = "network.tfstate"
    region = "eu-west-1"
  }
}
```

**Passes:** the backend in the root module that calls `modules/network`:

```hcl
# main.tf
terraform {
  backend "local" {}
}

module "network" {
  source = "./modules/network"
}

# modules/network/main.tf
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
```

**Fix.** None applied automatically: move the block to the root module, or delete it.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG113", "child-module-backend", Severity.WARNING)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    if module.is_root:
        return
    callers = base.words(sorted(module.called_from))
    for backend in module.backends:
        yield base.finding(
            META,
            backend,
            f"{backend.label} is in a child module (called from {callers}); Terraform ignores it "
            "without a warning and keeps state wherever the root module says.",
        )
