"""A backend that lacks required settings and nothing in the repository supplies them.

**What it flags.** A `backend` block (often the empty `backend "s3" {}` of a "partial
configuration") whose required arguments are neither written in the block nor supplied by
anything the repository contains: a `*.tfbackend` / `backend.hcl` file, a `-backend-config` flag in
a workflow, Makefile or script, `TF_CLI_ARGS_init`, or an environment variable the backend reads
(such as `AWS_REGION` for the S3 region).

**Why it blocks deployment.** `terraform init` needs every required value before it can reach the
state. With `-input=false`, as in CI, it fails at once (for S3: three errors, "Missing Required
Value" for `bucket` and `key` and "Missing region value"); without it, it stops and prompts for
each value, which fails or hangs in a pipeline.

**Fails:**

```hcl
terraform {
  required_version = ">= 1.5.0"
  backend "s3" {}
}
```

**Passes** (the values are supplied at init time by a file the workflow names):

```hcl
# main.tf
terraform {
  backend "s3" {}
}

# ci.s3.tfbackend
bucket = "acme-state"
key    = "app.tfstate"
region = "eu-west-1"
```

```yaml
# .github/workflows/deploy.yml
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: terraform init -input=false -backend-config=ci.s3.tfbackend
```

**Fix.** The block becomes `backend "local" { path = "terraform.tfstate" }`; the original is kept
right above it as a commented example, with a comment saying how to enable remote state at init
time. Nothing else in the file changes.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import BackendConfig, BackendKind, Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG101", "partial-backend-config", Severity.ERROR)


def missing_settings(
    backend: BackendConfig, module: Module, context: base.RuleContext
) -> list[str]:
    """Required settings of `backend` that nothing provides; [] when something may provide them."""
    backend_type = backends.lookup(module.engine.value, backend.type)
    if backend_type is None or backend.kind is not BackendKind.BACKEND or backend.type == "remote":
        return []  # HCP Terraform settings are hcp-terraform-backend's
    if backend.arguments_unknown:
        return []  # a config the program computes may hold any of them
    module_context = context.of(module)
    supplied = module_context.supplied_for(backend.type)
    if any(s.unknown and not s.keys for s in supplied):
        return []  # a computed -backend-config file: it may supply anything
    present = {a.name for a in backend.attributes}
    for item in supplied:
        present |= item.keys
    env = set(module_context.env)
    missing = [
        name
        for name, argument in backend_type.arguments.items()
        if argument.required and name not in present and not env.intersection(argument.env)
    ]
    for group in backend_type.required_groups:
        if not present.intersection(group) and not any(
            env.intersection(backend_type.arguments[name].env)
            for name in group
            if name in backend_type.arguments
        ):
            missing.append(" / ".join(group))
    return missing


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        missing = missing_settings(backend, module, context)
        if not missing:
            continue
        names = [f"`{name}`" for name in missing]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        pronoun = "it" if len(names) == 1 else "them"
        error = backends.init_error(module.engine.value, backend.type)
        fails = f"fails ({error})" if error.startswith('"') else f"fails {error}".rstrip()
        yield base.finding(
            META,
            backend,
            f"{backend.label} has no {listed} and nothing in this repository supplies {pronoun}; "
            f"{base.init(module, ' -input=false')} {fails} and an interactive init stops for input.",
            fix=context.local_fix(backend),
        )
