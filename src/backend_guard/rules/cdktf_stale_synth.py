"""Committed synthesized output whose backend the CDKTF program no longer makes.

**What it flags.** A `cdktf.out/stacks/<stack>/cdk.tf.json` beside its app's program that holds a
backend type none of the program's constructs makes any more: typically right after the program
was fixed (`S3Backend` became `LocalBackend`) while the committed output still says `s3`. While
the program and its output agree, only the program is reported, once.

**Why it matters.** `terraform init` in the stack's folder reads the synthesized file, not the
program: until `cdktf synth` writes it again, a pipeline that deploys the committed output keeps
the old backend.

**Fails** (note):

```typescript
// main.ts
import { Construct } from 'constructs';
import { App, LocalBackend, TerraformStack } from 'cdktf';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

```json
// cdktf.out/stacks/app/cdk.tf.json
{
  "terraform": {
    "backend": {
      "s3": { "bucket": "acme-state", "key": "app.tfstate", "region": "eu-west-1" }
    }
  }
}
```

**Passes:** the output synthesized again from the program:

```typescript
// main.ts
import { Construct } from 'constructs';
import { App, LocalBackend, TerraformStack } from 'cdktf';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

```json
// cdktf.out/stacks/app/cdk.tf.json
{
  "terraform": {
    "backend": {
      "local": { "path": "terraform.tfstate" }
    }
  }
}
```

**Fix.** None in the file: run `cdktf synth` and commit its output (or stop committing
`cdktf.out/`).
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG203", "stale-synthesized-output", Severity.NOTE)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in module.stale_backends:
        yield base.finding(
            META,
            backend,
            f"this synthesized output still holds {backend.label}, which the app's program no "
            "longer makes; run `cdktf synth` to write it again, as `terraform init` in this "
            "folder reads the output, not the program.",
        )
