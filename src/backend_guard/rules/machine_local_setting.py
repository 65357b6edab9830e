"""A backend setting that points at the author's machine: a profile, a file, a local address.

**What it flags.** Backend arguments that name things only a workstation has: an AWS `profile`, a
GCS `credentials` file, a Kubernetes `config_path`, certificate files, absolute or home-relative
paths (`/Users/...`, `~/...`, `C:\\...`) in any argument, and a `localhost` address in a `pg`
`conn_str` (`postgres://terraform@localhost/state`), a `consul` `address` or an `http` `address`
(`lock_address`, `unlock_address`).
An S3 credentials file (`shared_credentials_files`, the older `shared_credentials_file`,
`shared_config_files`) is a warning rather than an error.

**Why it blocks deployment.** A CI runner has no `~/.aws/config` with that profile, no file at
that path and no database or Consul agent of the author's listening on its own `localhost`:
`terraform init` fails while configuring credentials ("failed to get shared config profile") or
reaching the state ("connect: connection refused"). A credentials file is different: init never
reads it when the environment holds credentials (`AWS_ACCESS_KEY_ID`, an OIDC role), so the
configuration deploys, but only from a CI that provides them there.

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
from typing import NamedTuple

from backend_guard import backends
from backend_guard.backends import BackendType
from backend_guard.model import BackendConfig, Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG107", "machine-local-setting", Severity.ERROR)

_LOCAL_PATH = re.compile(r"^(?:~[/\\]|/(?:Users|home|root)/|[A-Za-z]:[\\/])")
# A loopback host in a URL, `host:port`, or a libpq `host=` setting.
_LOCAL_HOST = re.compile(
    r"(?:^|[/@=\s,])(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0)(?=$|[:/\s?,])",
    re.IGNORECASE,
)


def _local_paths(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if _LOCAL_PATH.match(value) else []
    if isinstance(value, list):
        return [p for item in value for p in _local_paths(item)]
    if isinstance(value, dict):
        return [p for item in value.values() for p in _local_paths(item)]
    return []


class _Settings(NamedTuple):
    failing: list[str]  # names a file or profile a CI runner does not have
    addresses: list[str]  # reaches the state on the machine init runs on
    credentials: list[str]  # a credentials file init reads only without credentials in the env


def _settings(backend: BackendConfig, backend_type: BackendType) -> _Settings:
    found = _Settings([], [], [])
    for attribute in backend.attributes:
        argument = backend_type.arguments.get(attribute.name)
        shown = f"`{attribute.name}` = {base.shown(attribute.value)}"
        literal = attribute.value.literal
        if argument is not None and argument.credentials_file:
            found.credentials.append(shown)
        elif argument is not None and argument.machine_local:
            found.failing.append(shown)
        elif argument is not None and argument.host and isinstance(literal, str):
            if _LOCAL_HOST.search(literal):
                found.addresses.append(shown)
        elif paths := _local_paths(literal):
            found.failing.append(f"`{attribute.name}` = {paths[0]!r}")
    return found


def _message(backend: BackendConfig, module: Module, found: _Settings) -> str:
    init = base.init(module)
    parts = []
    if found.failing:
        parts.append(
            f"{backend.label} uses {base.words(found.failing)}, which exists only on the "
            f"author's machine; in CI {init} fails while loading credentials or files."
        )
    if found.addresses:
        parts.append(
            f"{backend.label} reaches its state at {base.words(found.addresses)}: the machine "
            f"init runs on, where a CI runner has no such service; {init} fails "
            '("connection refused").'
        )
    if found.credentials:
        parts.append(
            f"{backend.label} names the credentials file {base.words(found.credentials)}, which "
            f"exists only on the author's machine; {init} does not read it when the environment "
            "holds credentials, so the CI must provide them there (for S3: "
            "`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, or an OIDC role)."
        )
    return " ".join(parts)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        backend_type = backends.lookup(module.engine.value, backend.type)
        if backend_type is None or not backend_type.remote_storage:
            continue  # a local backend's path is its own business
        found = _settings(backend, backend_type)
        if not (found.failing or found.addresses or found.credentials):
            continue
        yield base.finding(
            META,
            backend,
            _message(backend, module, found),
            fix=context.local_fix(backend),
            severity=None if found.failing or found.addresses else Severity.WARNING,
        )
