"""A CDKTF escape hatch that writes into the stack's backend: `addOverride('terraform.backend...')`.

**What it flags.** `this.addOverride('terraform.backend.<type>.<argument>', value)` in TypeScript
(`self.add_override(...)` in Python), or `addOverride` on the backend construct itself. As an
error when the override names another backend type than the stack's construct (a `LocalBackend`
with an `s3` override); as a warning when it adds to the stack's own backend, which it ties to that
type.

**Why it blocks deployment.** Synth merges the override into `terraform.backend` of the
synthesized `cdk.tf.json`. Next to another backend type it makes a second backend key, and
`terraform init` fails ("Duplicate 'backend' configuration block"); synth itself says nothing.
A common way in: `S3Backend` is switched to `LocalBackend`, and the leftover
`addOverride('terraform.backend.s3.use_lockfile', true)` still makes an `s3` backend.

**Fails:**

```typescript
import { Construct } from 'constructs';
import { App, LocalBackend, TerraformStack } from 'cdktf';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    this.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

**Passes:** a backend construct without backend overrides (`addOverride` on resources is fine):

```typescript
import { Construct } from 'constructs';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    const assets = new S3Bucket(this, 'assets', { bucketPrefix: 'app-assets-' });
    assets.addOverride('lifecycle.prevent_destroy', true);
  }
}

const app = new App();
new AppStack(app, 'app');
app.synth();
```

**Fix.** The override statement is removed (and, with a remote backend, the construct becomes a
`LocalBackend` as for `external-state-storage`).
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard import backends
from backend_guard.model import Finding, Module, Origin, Severity, Span
from backend_guard.rules import base

META = base.Meta("BG201", "backend-override", Severity.WARNING)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        calls: dict[Span, list[str]] = {}  # one call may set several arguments (a whole object)
        for override in backend.overrides:
            calls.setdefault(override.span, []).append(override.name)
        for override in backend.overrides:
            names = calls.pop(override.span, None)
            if names is None:
                continue
            names_other_type = backend.attribute(override.name) is not override
            alone = backend.origin is Origin.ESCAPE_HATCH
            if names_other_type and not alone:
                message = (
                    f"this override adds a second backend next to the stack's {backend.label}; "
                    "the synthesized configuration then has two backend keys and `terraform "
                    "init` fails "
                    f'("{backends.error_title(module.engine.value, "duplicate_backend")}").'
                )
                severity = Severity.ERROR
            else:
                message = (
                    f"this override sets {base.words([f'`{n}`' for n in names])} of "
                    f"{backend.label} behind the "
                    "construct's back; switching the construct to another backend (such as "
                    "LocalBackend) would leave it behind as a second backend, which `terraform "
                    "init` refuses "
                    f'("{backends.error_title(module.engine.value, "duplicate_backend")}").'
                )
                severity = None
            yield base.finding(
                META,
                override.span,
                message,
                fix=context.local_fix(backend),
                severity=severity,
                detail=f"{backend.stack}|{override.name}",
            )
