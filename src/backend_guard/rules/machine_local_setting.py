"""A backend setting that points at the author's machine: a profile, a credentials file, a path.

**What it flags.** Backend arguments that name things only a workstation has: an AWS `profile`,
`shared_credentials_file(s)` / `shared_config_files`, a GCS `credentials` file, a Kubernetes
`config_path`, certificate files, and absolute or home-relative paths (`/Users/...`, `~/...`,
`C:\\...`) in any argument.

**Why it blocks deployment.** A CI runner has no `~/.aws/config` with that profile and no file at
that path: `terraform init` fails while configuring credentials ("failed to get shared config
profile", "no such file or directory") before it ever reaches the state.

**Fails:**

```hcl
terraform {
  backend "s3" {
    bucket  = "acme-state"
    key     = "app.tfstate"
    region  = "eu-west-1"
    profile = "acme-admin"
  }
}
```

**Passes:** credentials from the environment the CI provides (`AWS_ACCESS_KEY_ID`, OIDC role):

```hcl
terraform {
  backend "local" {}
}
```

**Fix.** The block becomes a local backend, the original kept as a commented example.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG107", "machine-local-setting", Severity.ERROR)

_LOCAL_PATH = re.compile(r"^(?:~[/\\]|/(?:Users|home|root)/|[A-Za-z]:[\\/])")


def _local_paths(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if _LOCAL_PATH.match(value) else []
    if isinstance(value, list):
        return [p for item in value for p in _local_paths(item)]
    if isinstance(value, dict):
        return [p for item in value.values() for p in _local_paths(item)]
    return []


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        backend_type = backends.lookup(module.engine.value, backend.type)
        if backend_type is None or not backend_type.remote_storage:
            continue  # a local backend's path is its own business
        found: list[str] = []
        for attribute in backend.attributes:
            argument = backend_type.arguments.get(attribute.name)
            if argument is not None and argument.machine_local:
                found.append(f"`{attribute.name}` = {attribute.value.text}")
            elif paths := _local_paths(attribute.value.literal):
                found.append(f"`{attribute.name}` = {paths[0]!r}")
        if found:
            yield base.finding(
                META,
                backend,
                f"{backend.label} uses {base.words(found)}, which exists only on the author's "
                f"machine; in CI {base.init(module)} fails while loading credentials or files.",
                fix=context.local_fix(backend),
            )
