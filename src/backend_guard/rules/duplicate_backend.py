"""Two backends in one module, or a backend together with a `cloud` block.

**What it flags.** A module that declares more than one `backend` block (in one `terraform` block,
across files, or as two keys of a JSON `backend` object), or both a `backend` and a `cloud` block.
Override files (`override.tf`, `*_override.tf`) are not counted: their backend replaces the
others, which is how Terraform merges them.

**Why it blocks deployment.** `terraform init` refuses the module: "Duplicate 'backend'
configuration block" ("A module may have only one 'backend' configuration block") or
"Conflicting 'cloud' and 'backend' configuration blocks are present". In CDKTF this happens when a
stack has a `LocalBackend` and still an `addOverride('terraform.backend.s3...')`. Two constructs in
different arms of one `if`/`else`, `switch` or `?:` are not counted together: one stack gets one
of them.

**Fails:**

```hcl
# main.tf
terraform {
  backend "local" {}
}

# backend.tf
terraform {
  backend "s3" {}
}
```

**Passes:** exactly one backend (or cloud) block per root module:

```hcl
# main.tf
terraform {
  backend "local" {}
}
```

**Fix.** None offered: which one is meant is the author's choice. Delete all but one.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import BackendKind, Finding, Module, Origin, Severity
from backend_guard.rules import base

META = base.Meta("BG108", "duplicate-backend", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    written = [b for b in module.backends if b.origin is not Origin.OVERRIDE_FILE]
    if len(written) < 2 or len(context.effective_backends(module)) < 2:
        return
    for index, other in enumerate(written[1:], start=1):
        first = next((b for b in written[:index] if not b.exclusive_with(other)), None)
        if first is None:
            continue  # a CDKTF stack that creates one backend or the other, never both
        if {first.kind, other.kind} == {BackendKind.BACKEND, BackendKind.CLOUD}:
            title = backends.error_title(module.engine.value, "cloud_and_backend")
        else:
            title = backends.error_title(module.engine.value, "duplicate_backend")
        yield base.finding(
            META,
            other,
            f"{other.label} is a second state configuration in this module (the first is "
            f"{first.label} at {first.path}:{first.span.start_line}); {base.init(module)} fails "
            f'("{title}").',
        )
