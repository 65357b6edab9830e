"""A backend that lacks required settings and nothing in the repository supplies them.

**What it flags.** A `backend` block (often the empty `backend "s3" {}` of a "partial
configuration") whose required arguments are neither written in the block nor supplied to the
module at init time: by a `-backend-config` flag (a `*.tfbackend` / `backend.hcl` file, or
`key=value`) or `TF_CLI_ARGS_init` in a workflow step, Makefile or script that runs in the module's
folder, or by an environment variable the backend reads (such as `AWS_REGION` for the S3 region)
that the step defines. A settings file that nothing passes supplies nothing; the message names it
as the likely intent. For OpenTofu 1.8 and later, which evaluates variables in a backend at
init, also a variable the backend uses (`bucket = var.state_bucket`, directly or through a local)
that has no default, no value in the module's `terraform.tfvars` or `*.auto.tfvars` and none that
its CI passes; a definitions file that sets it but that init does not load by itself
(`prod.tfvars`) is named as the likely intent. In a CDKTF program, a required setting read from an
environment variable (`process.env.BACKEND_BUCKET!`, `os.getenv("STATE_BUCKET")`) that no
workflow, job or step `env:` that synthesizes the app and no `.env` file the app loads sets is
missing too: synth leaves it out (or empty).

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

import os
from collections.abc import Iterator, Mapping

from backend_guard import backends
from backend_guard.model import BackendConfig, BackendKind, Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG101", "partial-backend-config", Severity.ERROR)


def missing_settings(
    backend: BackendConfig,
    module: Module,
    context: base.RuleContext,
    *,
    placed: bool = False,
    unset: Mapping[str, str] | None = None,
) -> list[str]:
    """Required settings of `backend` that nothing provides; [] when something may provide them.
    `placed`: count only what commands known to run in the module's folder supply; `unset`:
    arguments a program reads from environment variables nothing sets, which count as not
    written."""
    backend_type = backends.lookup(module.engine.value, backend.type)
    if backend_type is None or backend.kind is not BackendKind.BACKEND or backend.type == "remote":
        return []  # HCP Terraform settings are hcp-terraform-backend's
    if backend.arguments_unknown:
        return []  # a config the program computes may hold any of them
    module_context = context.of(module)
    supplied = module_context.supplied_for(backend.type)
    if placed:
        supplied = [s for s in supplied if s not in module_context.supplied_unplaced]
    if any(s.unknown and not s.keys for s in supplied):
        return []  # a computed -backend-config file: it may supply anything
    present = {a.name for a in backend.attributes if a.name not in (unset or {})}
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


def _missing_settings_message(
    backend: BackendConfig,
    module: Module,
    context: base.RuleContext,
    missing: list[str],
    unset: Mapping[str, str],
) -> str:
    return (
        f"{_what(backend, module, context, missing, unset)}; "
        f"{base.init(module, ' -input=false')} {_fails(backend, module)} and an interactive init "
        f"stops for input.{_likely_intent(missing, module, context)}"
    )


def _what(
    backend: BackendConfig,
    module: Module,
    context: base.RuleContext,
    missing: list[str],
    unset: Mapping[str, str],
) -> str:
    """`backend "s3" has no `key` and nothing ... supplies it`, and for values a program reads
    from the environment: `... takes `bucket` from `BACKEND_BUCKET`, which nothing sets`."""
    absent = [name for name in missing if name not in unset]
    from_env = [f"`{name}` from `{unset[name]}`" for name in missing if name in unset]
    parts = []
    if absent:
        names = [f"`{name}`" for name in absent]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        pronoun = "it" if len(names) == 1 else "them"
        parts.append(
            f"has no {listed} and {_suppliers(module, context)} supplies "
            f"{pronoun}{_given(backend, module, context)}"
        )
    if from_env:
        parts.append(f"takes {base.words(from_env)}, which nothing sets")
    return f"{backend.label} " + "; it ".join(parts)


def _fails(backend: BackendConfig, module: Module) -> str:
    error = backends.init_error(module.engine.value, backend.type)
    return f"fails ({error})" if error.startswith('"') else f"fails {error}".rstrip()


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
        missing = missing_settings(backend, module, context, unset=unset)
        parts = (
            [_missing_settings_message(backend, module, context, missing, unset)] if missing else []
        )
        if any(a.value.unset for a in backend.attributes):
            parts.append(_unset_variables_message(backend, module))
        if parts:
            yield base.finding(META, backend, " ".join(parts), fix=context.local_fix(backend))
        elif not missing:
            note = _unplaced_note(backend, module, context)
            if note is not None:
                yield note


def _unplaced_note(
    backend: BackendConfig, module: Module, context: base.RuleContext
) -> Finding | None:
    """A note when only a command whose folder cannot be told (a loop, a computed path) supplies
    the settings: it is counted for every module, which may not be so."""
    missing = missing_settings(backend, module, context, placed=True)
    if not missing:
        return None
    places = sorted(
        {f"{s.where.path}:{s.where.start_line}" for s in context.of(module).supplied_unplaced}
    )
    return base.finding(
        META,
        backend.span,
        f"{backend.label} gets {base.words([f'`{n}`' for n in missing])} only from "
        f"{base.words(places)}, whose folder cannot be told (a loop or a computed path), so it "
        f"counts for every module; if it does not run in `{module.dir}`, "
        f"{base.init(module, ' -input=false')} {_fails(backend, module)}.",
        severity=Severity.NOTE,
        detail=f"{module.dir}|unplaced",
    )


def _given(backend: BackendConfig, module: Module, context: base.RuleContext) -> str:
    """What the module is given at init time, and where it comes from."""
    parts = []
    for supplied in context.of(module).supplied_for(backend.type):
        if supplied.keys:
            names = base.words([f"`{name}`" for name in sorted(supplied.keys)])
            parts.append(f"{names} from {supplied.origin}")
    return f" (it gets {'; '.join(parts)})" if parts else ""


def _suppliers(module: Module, context: base.RuleContext) -> str:
    """Who could have supplied the settings: the repository, or what runs in the module's folder
    when the repository passes settings to other modules."""
    if not any(c.supplied for c in context.contexts.values()):
        return "nothing in this repository"
    return (
        f"nothing that runs in `{module.dir}`"
        if module.dir != "."
        else "nothing that runs at the root"
    )


def _likely_intent(missing: list[str], module: Module, context: base.RuleContext) -> str:
    """A settings file beside the module that holds missing settings and that no flag passes."""
    wanted = {name for entry in missing for name in entry.split(" / ")}
    for settings in context.of(module).unpassed:
        held = sorted(wanted & settings.keys)
        if held and settings.source:
            folder = os.path.dirname(settings.source)
            where = f"in `{folder}/`" if folder else "at the root"
            shown = base.words([f"`{name}`" for name in held])
            return (
                f" `{os.path.basename(settings.source)}` {where} holds {shown}: pass it with "
                "`-backend-config`."
            )
    return ""
