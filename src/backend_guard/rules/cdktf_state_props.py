"""CDKTF program bindings that exist only to feed the remote backend.

**What it flags.** A `const` (TypeScript) or an assignment (Python) whose only use is the
backend construct or its overrides, such as `stateBucket` and `stateBucketRegion` below, with
the stack props they read (`props?.stateBucket`).

**Why it matters.** They make the stack look configurable for remote state while the value is a
default nobody overrides, and when the backend becomes local they are dead code (lint errors for
unused variables in strict TypeScript builds, which can fail `cdktf synth`).

**Fails** (note):

```typescript
import { Construct } from 'constructs';
import { App, S3Backend, TerraformStack } from 'cdktf';

interface AppStackProps {
  stateBucket?: string;
  stateBucketRegion?: string;
}

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string, props?: AppStackProps) {
    super(scope, id);
    const stateBucket = props?.stateBucket || 'acme-tf-states';
    const stateBucketRegion = props?.stateBucketRegion || 'us-east-1';
    new S3Backend(this, { bucket: stateBucket, key: 'app.tfstate', region: stateBucketRegion });
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

**Passes:** a binding that other code uses too, here the region the provider shares with the
backend:

```typescript
import { Construct } from 'constructs';
import { App, S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const region = process.env.AWS_REGION ?? 'us-east-1';
    new AwsProvider(this, 'aws', { region });
    new S3Backend(this, { bucket: 'acme-tf-states', key: 'app.tfstate', region });
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

**Fix.** Part of the local-backend fix: the bindings are removed with the construct. Props in an
interface are left alone (other code may pass them), but the message names them.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG202", "state-config-props", Severity.NOTE)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        if backend.type == "local" or not backend.dedicated_bindings:
            continue
        fix = context.local_fix(backend)
        for binding in backend.dedicated_bindings:
            props = [p for p in binding.value.references if p.count(".") == 1]
            fed = f" from {base.words([f'`{p}`' for p in props])}" if props else ""
            yield base.finding(
                META,
                binding.span,
                f"`{binding.name}`{fed} exists only to configure {backend.label}; with local "
                "state it is dead code (the fix removes it; interface props stay for callers).",
                fix=fix,
                detail=binding.name,
            )
