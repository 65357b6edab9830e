"""A CDKTF backend construct in a branch that a default run does not take.

**What it flags.** A backend construct inside an `if`, `else` or `?:` arm whose condition reads
environment variables and, with them unset (or at the defaults the program gives them), does not
select that arm: `if (process.env.TF_BACKEND === 'azurerm') { new AzurermBackend(...) }`, when
no workflow, job or step `env:` and no `.env` file the app loads sets `TF_BACKEND`.

**Why it matters.** Such a construct is not the stack's backend when the CI synthesizes the app:
the stack gets whatever else it makes, else the local backend synth adds, and its state stays on
the runner. Judging the construct as the stack's backend would report errors a default run never
meets; what deserves attention is the condition.

**Fails** (warning):

```typescript
// main.ts
import { Construct } from 'constructs';
import { App, AzurermBackend, TerraformStack } from 'cdktf';

const backendKind = process.env.TF_BACKEND ?? 'local';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    if (backendKind === 'azurerm') {
      new AzurermBackend(this, {
        storageAccountName: 'acmestate',
        containerName: 'tfstate',
        key: 'app.tfstate',
      });
    }
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

**Passes:** the workflow that deploys sets the variable, so the construct is judged as the
stack's backend:

```typescript
// main.ts
import { Construct } from 'constructs';
import { App, AzurermBackend, TerraformStack } from 'cdktf';

const backendKind = process.env.TF_BACKEND ?? 'local';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    if (backendKind === 'azurerm') {
      new AzurermBackend(this, {
        storageAccountName: 'acmestate',
        containerName: 'tfstate',
        key: 'app.tfstate',
      });
    }
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

```yaml
# .github/workflows/deploy.yml
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      TF_BACKEND: azurerm
    steps:
      - uses: actions/checkout@v4
      - run: npx cdktf deploy --auto-approve app
```

**Fix.** None applied: set the variable in the CI that deploys the stack, or drop the branch.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG204", "backend-off-by-default", Severity.WARNING)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    if not module.is_root:
        return
    for backend in module.backends:
        if backend.off_by_default is None or context.runs_by_default(backend):
            continue
        condition, variables = backend.off_by_default
        names = base.words([f"`{name}`" for name in variables])
        yield base.finding(
            META,
            backend,
            f"{backend.label} is made only when {condition}, which does not hold while "
            f"{names} {'is' if len(variables) == 1 else 'are'} unset, and nothing sets "
            f"{'it' if len(variables) == 1 else 'them'}; a default run of the app synthesizes "
            "no such backend, so the stack keeps its state elsewhere (locally, unless another "
            "construct runs). Set the variable in the CI that deploys the stack, or drop the "
            "branch.",
        )
