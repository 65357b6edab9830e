"""A `cloud` block or `backend "remote"`: HCP Terraform state a fresh CI cannot reach.

**What it flags.** A `cloud { ... }` block or a `backend "remote"` block. Under the policy
`self-contained`, always; under `remote-allowed`, when the organization or the workspace is
missing and no `TF_CLOUD_ORGANIZATION` / `TF_WORKSPACE` supplies it, or when nothing in the
repository configures an API token (`TF_TOKEN_<host>`, `cli_config_credentials_token`).

**Why it blocks deployment.** Both need an HCP Terraform (or Terraform Enterprise) organization, a
workspace and an API token. `terraform init` contacts `https://<hostname>/.well-known/terraform.json`
and then fails with "Required token could not be found" in a CI without the token; an empty
`remote` block fails at once with "Invalid organization value" and "Invalid workspaces
configuration". `cdktf init` writes such a backend by default.

**Fails:**

```hcl
terraform {
  cloud {
    organization = "acme"
    workspaces {
      name = "network-prod"
    }
  }
}
```

**Passes:**

```hcl
terraform {
  backend "local" {
    path = "terraform.tfstate"
  }
}
```

**Fix.** The block becomes a local backend, the original kept as a commented example.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import BackendConfig, BackendKind, Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG106", "hcp-terraform-backend", Severity.ERROR)


def _gaps(backend: BackendConfig, module: Module, context: base.RuleContext) -> list[str]:
    env = context.of(module).env
    unset = base.unset_settings(backend, context)
    gaps = []
    if "TF_CLOUD_ORGANIZATION" not in env:
        if "organization" in unset:
            gaps.append(f"organization from `{unset['organization']}`, which nothing sets")
        elif backend.attribute("organization") is None:
            gaps.append("no organization")
    workspaces = backend.attribute("workspaces")
    # A value the program computes (`{ name: workspaceName }`) names a workspace; an empty one does not.
    empty = workspaces is None or (workspaces.value.is_known and not workspaces.value.literal)
    if "TF_WORKSPACE" not in env:
        if "workspaces" in unset:
            gaps.append(f"workspace from `{unset['workspaces']}`, which nothing sets")
        elif empty:
            gaps.append("no workspace")
    if backend.attribute("token") is None and context.repo.token_hint is None:
        gaps.append("no API token configured anywhere in the repository")
    return gaps


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        if not (backend.kind is BackendKind.CLOUD or backend.type == "remote"):
            continue
        gaps = _gaps(backend, module, context)
        if context.policy is base.Policy.REMOTE_ALLOWED and not gaps:
            continue
        organization = backend.attribute("organization")
        where = (
            f" organization {base.shown(organization.value)}"
            if organization and "organization" not in base.unset_settings(backend, context)
            else ""
        )
        detail = f" ({base.words(gaps)})" if gaps else ""
        yield base.finding(
            META,
            backend,
            f"{backend.label} keeps state in HCP Terraform{where}{detail}; a fresh CI has no "
            f"organization, workspace or token for it, so {base.init(module)} fails "
            f'("{backends.error_title(module.engine.value, "missing_token")}").',
            fix=context.local_fix(backend),
        )
