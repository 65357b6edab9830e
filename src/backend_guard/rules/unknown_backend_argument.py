"""An argument the backend type does not have, or a block where an attribute is needed.

**What it flags.** In a `backend` or `cloud` block: an argument name the type does not accept
(a typo such as `regoin`, an argument of another backend type, or one removed from the engine
version in use is reported by `engine-version-argument` instead); and an object-typed argument
written as a nested block, such as S3's `endpoints { s3 = "..." }` or `assume_role { ... }`, which
must be written `endpoints = { ... }`. That second check is for HCL only: JSON (and the JSON that
CDKTF synthesizes) writes blocks and object attributes the same way, as an object.

**Why it blocks deployment.** `terraform init` fails with "Unsupported argument" ("An argument
named "regoin" is not expected here.") or "Unsupported block type" ("Did you mean to define
argument "endpoints"?").

**Fails:** a typo, and `assume_role` written as a block:

```hcl
terraform {
  backend "s3" {
    bucket = "acme-network-state"
    key    = "network.tfstate"
    regoin = "eu-central-1"
    assume_role {
      role_arn = "arn:aws:iam::123456789012:role/terraform-state"
    }
  }
}
```

**Passes:** `region`, and `assume_role` as the object attribute it is:

```hcl
terraform {
  backend "s3" {
    bucket      = "acme-network-state"
    key         = "network.tfstate"
    region      = "eu-central-1"
    assume_role = { role_arn = "arn:aws:iam::123456789012:role/terraform-state" }
  }
}
```

**Fix.** The block becomes a local backend, the original kept as a commented example; to keep the
remote backend, correct the argument as the message says.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import Finding, Module, Severity, Syntax
from backend_guard.rules import base

META = base.Meta("BG110", "unknown-backend-argument", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    engine = module.engine.value
    for backend in context.effective_backends(module):
        backend_type = backends.lookup(engine, backend.type, kind=backend.kind.value)
        if backend_type is None:
            continue
        problems: list[str] = []
        for attribute in backend.attributes:
            name = attribute.name.split(".", 1)[0]
            argument = backend_type.arguments.get(name)
            if argument is None:
                if backends.was_removed(engine, backend.type, name):
                    continue  # engine-version-argument explains it with the version
                import difflib  # only for a misspelt argument: its import costs start-up

                close = difflib.get_close_matches(name, backend_type.arguments, n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                problems.append(
                    f'"{backends.error_title(engine, "unsupported_argument")}": `{name}`{hint}'
                )
            elif backend.syntax is not Syntax.HCL:
                continue
            elif attribute.written_as_block and not argument.is_block:
                problems.append(
                    f'"{backends.error_title(engine, "unsupported_block_type")}": `{name}` is an '
                    f"attribute, write `{name} = {{ ... }}`"
                )
            elif not attribute.written_as_block and argument.is_block:
                problems.append(
                    f'"{backends.error_title(engine, "unsupported_argument")}": `{name}` is a '
                    f"block, write `{name} {{ ... }}`"
                )
        if problems:
            yield base.finding(
                META,
                backend,
                f"{backend.label}: {base.init(module)} fails with {base.words(problems)}.",
                fix=context.local_fix(backend),
            )
