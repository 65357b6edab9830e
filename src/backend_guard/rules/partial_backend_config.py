"""A backend that lacks required settings and nothing in the repository supplies them.

**What it flags.** A `backend` block (often the empty `backend "s3" {}` of a "partial
configuration") whose required arguments are neither written in the block nor supplied by
anything the repository contains: a `*.tfbackend` / `backend.hcl` file, a `-backend-config` flag in
a workflow, Makefile or script, `TF_CLI_ARGS_init`, or an environment variable the backend reads
(such as `AWS_REGION` for the S3 region). For OpenTofu 1.8 and later, which evaluates variables in
a backend at init, also a variable the backend uses (`bucket = var.state_bucket`, directly or
through a local) that has no default, no value in the module's `terraform.tfvars` or
`*.auto.tfvars` and none that the CI passes; a definitions file that sets it but that init does
not load by itself (`prod.tfvars`) is named as the likely intent. In a CDKTF program, a required
setting read from an environment variable (`process.env.BACKEND_BUCKET!`,
`os.getenv("STATE_BUCKET")`) that no workflow, job or step `env:` and no `.env` file the app loads
sets is missing too: synth leaves it out (or empty).

**Why it blocks deployment.** `terraform init` needs every required value before it can reach the
state. With `-input=false`, as in CI, it fails at once (for S3: three errors, "Missing Required
Value" for `bucket` and `key` and "Missing region value"); without it, it stops and prompts for
each value, which fails or hangs in a pipeline. `tofu init -input=false` likewise fails on a
variable it cannot get ("Failed to request input from user for variable var.state_bucket").

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
    backend: BackendConfig, module: Module, context: base.RuleContext, unset: dict[str, str]
) -> list[str]:
    """Required settings of `backend` that nothing provides (those in `unset` count as not
    written); [] when something may provide them."""
    backend_type = backends.lookup(module.engine.value, backend.type)
    if backend_type is None or backend.kind is not BackendKind.BACKEND or backend.type == "remote":
        return []  # HCP Terraform settings are hcp-terraform-backend's
    if backend.arguments_unknown:
        return []  # a config the program computes may hold any of them
    supplied = context.repo.supplied_for(backend.type)
    if any(s.unknown and not s.keys for s in supplied):
        return []  # a computed -backend-config file: it may supply anything
    present = {a.name for a in backend.attributes if a.name not in unset}
    for item in supplied:
        present |= item.keys
    env = set(context.repo.env)
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


def _what(missing: list[str], unset: dict[str, str], label: str) -> str:
    """`backend "s3" has no `key` and nothing in this repository supplies it`, or with values
    from the environment: `... takes `bucket` from `BACKEND_BUCKET`, which nothing sets`."""
    absent = [name for name in missing if name not in unset]
    from_env = [f"`{name}` from `{unset[name]}`" for name in missing if name in unset]
    parts = []
    if absent:
        names = [f"`{name}`" for name in absent]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        pronoun = "it" if len(names) == 1 else "them"
        parts.append(f"has no {listed} and nothing in this repository supplies {pronoun}")
    if from_env:
        parts.append(f"takes {base.words(from_env)}, which nothing sets")
    return f"{label} " + "; it ".join(parts)


def _missing_settings_message(
    backend: BackendConfig, module: Module, missing: list[str], unset: dict[str, str]
) -> str:
    error = backends.init_error(module.engine.value, backend.type)
    fails = f"fails ({error})" if error.startswith('"') else f"fails {error}".rstrip()
    return (
        f"{_what(missing, unset, backend.label)}; {base.init(module, ' -input=false')} "
        f"{fails} and an interactive init stops for input."
    )


def _unset_variables_message(backend: BackendConfig, module: Module) -> str:
    """OpenTofu's early evaluation needs a value for each variable the backend uses."""
    uses = [
        f"`{a.name}` uses {base.words([f'`var.{name}`' for name in a.value.unset])}"
        for a in backend.attributes
        if a.value.unset
    ]
    names = sorted({name for a in backend.attributes for name in a.value.unset})
    return (
        f"{backend.label}: {base.words(uses)}, which {'has' if len(names) == 1 else 'have'} no "
        "default, no value in the module's "
        "`terraform.tfvars` or `*.auto.tfvars` and none that the CI passes; "
        f"{base.init(module, ' -input=false')} fails "
        f'("Failed to request input from user for variable var.{names[0]}") and an '
        f"interactive init stops for input.{_set_elsewhere(backend, module)}"
    )


def _set_elsewhere(backend: BackendConfig, module: Module) -> str:
    """The definitions files that set the variables, which init reads only when named."""
    files = list(dict.fromkeys(path for a in backend.attributes for path in a.value.unset_set_in))
    if not files:
        return ""
    verb = "sets" if len(files) == 1 else "set"
    shown = base.words([f"`{path}`" for path in files])
    flags = "".join(f" -var-file={path.removeprefix(module.dir + '/')}" for path in files[:1])
    return f" {shown} {verb} it, but init reads such a file only when named: {base.init(module, flags)}."


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        unset = base.unset_settings(backend, context)
        missing = missing_settings(backend, module, context, unset)
        parts = [_missing_settings_message(backend, module, missing, unset)] if missing else []
        if any(a.value.unset for a in backend.attributes):
            parts.append(_unset_variables_message(backend, module))
        if parts:
            yield base.finding(META, backend, " ".join(parts), fix=context.local_fix(backend))
