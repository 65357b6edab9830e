"""A variable, local value, path, reference or function call inside a backend block.

**What it flags.** An argument of a `backend` or `cloud` block whose value is an expression that
refers to named values (`var.x`, `local.x`, `path.module`, `data.x.y`, a resource) or calls a
function, including inside a template string such as `"state-${var.env}.tfstate"`.

**Why it blocks deployment.** Terraform configures the backend before it evaluates anything else,
so it refuses such values: `terraform init` fails with "Variables not allowed" ("Variables may not
be used here.") or "Function calls not allowed". OpenTofu 1.8 and later evaluates variables, locals,
`path.*`, `terraform.workspace` and built-in functions early, so for OpenTofu only references to
data sources, resources, module outputs and provider-defined functions are flagged (and any
expression when `required_version` admits OpenTofu before 1.8). The variables and locals OpenTofu
evaluates are valued as it does (defaults, `terraform.tfvars`, `*.auto.tfvars`), so other rules
judge the bucket they name; a variable nothing sets is partial-backend-config's (BG101).

**Fails** (Terraform):

```hcl
terraform {
  backend "s3" {
    bucket = "tfstate-${var.environment}"
    key    = "app.tfstate"
    region = var.region
  }
}
```

**Passes:**

```hcl
terraform {
  backend "s3" {
    bucket = "tfstate-prod"
    key    = "app.tfstate"
    region = "eu-west-1"
  }
}
```

**Fix.** The block becomes a local backend, the original kept as a commented example; to keep a
remote backend, write literal values or pass them with `terraform init -backend-config=...`.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.early_evaluation import STATIC_ROOTS, evaluates_early
from backend_guard.model import (
    Attribute,
    BackendConfig,
    Engine,
    Finding,
    Module,
    Severity,
    ValueKind,
)
from backend_guard.rules import base

META = base.Meta("BG102", "backend-expression", Severity.ERROR)


def _tofu_refuses(attribute: Attribute) -> list[str]:
    value = attribute.value
    bad = [
        ref
        for ref in value.references
        if ref.split(".", 1)[0] not in STATIC_ROOTS or ref == "terraform.applying"
    ]
    bad += [f"{name}()" for name in value.functions if "::" in name or name == "for"]
    return bad


def _problems(attribute: Attribute, tofu_early: bool) -> list[str]:
    value = attribute.value
    if value.kind is not ValueKind.EXPRESSION or not (value.references or value.functions):
        return []
    if tofu_early:
        return _tofu_refuses(attribute)
    parts = [f"`{ref}`" for ref in value.references]
    return parts + [f"`{name}()`" for name in value.functions if name != "for"] or ["an expression"]


def _evaluates_early(module: Module, context: base.RuleContext) -> bool:
    engine = Engine.OPENTOFU if context.is_opentofu(module) else Engine.TERRAFORM
    return evaluates_early(engine, [c.text for c in module.required_versions])


def refused_expressions(
    backend: BackendConfig, module: Module, context: base.RuleContext
) -> list[tuple[Attribute, list[str]]]:
    """The backend's attributes whose expressions the module's engine refuses, with the parts."""
    tofu_early = _evaluates_early(module, context)
    return [(a, p) for a in backend.attributes if (p := _problems(a, tofu_early))]


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    tofu = context.is_opentofu(module)
    tofu_early = _evaluates_early(module, context)
    for backend in context.effective_backends(module):
        flagged = refused_expressions(backend, module, context)
        if not flagged:
            continue
        uses = "; ".join(f"`{a.name}` uses {base.words(p)}" for a, p in flagged)
        if tofu_early:
            message = (
                f"{backend.label}: {uses}, which OpenTofu cannot evaluate before state exists; "
                "`tofu init` fails."
            )
        else:
            any_reference = any(a.value.references for a, _ in flagged)
            title = "Variables not allowed" if any_reference else "Function calls not allowed"
            engine = "OpenTofu before 1.8" if tofu else "Terraform"
            message = (
                f"{backend.label}: {uses}; {engine} does not evaluate expressions in a backend "
                f'block, so `init` fails ("{title}").'
            )
        yield base.finding(META, backend, message, fix=context.local_fix(backend))
