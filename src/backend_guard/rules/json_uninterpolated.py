"""A `${...}` template in a JSON backend value, which the engine takes literally.

**What it flags.** A string in the backend object of a `.tf.json` file (CDKTF's `cdk.tf.json`
included) that contains `${`, such as `"path": "${var.state_path}"`.

**Why it blocks deployment.** In JSON syntax Terraform does not evaluate templates inside a
backend block: it neither fails nor substitutes, it uses the characters `${var.state_path}` as the
value. The state then goes to a bucket, key or path that nobody meant, and the S3 bucket named
`acme-${var.env}` does not exist, so init or the first plan fails, or state is silently lost.

**Fails:**

```json
{"terraform": {"backend": {"s3": {"bucket": "acme-${var.env}", "key": "app.tfstate", "region": "eu-west-1"}}}}
```

**Passes:**

```json
{"terraform": {"backend": {"local": {"path": "terraform.tfstate"}}}}
```

**Fix.** The backend member becomes `"local": {"path": "terraform.tfstate"}`.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG103", "json-uninterpolated-template", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for backend in context.effective_backends(module):
        templated = [a for a in backend.attributes if a.value.uninterpolated_template]
        if not templated:
            continue
        shown = ", ".join(f"`{a.name}` = {a.value.text}" for a in templated)
        yield base.finding(
            META,
            backend,
            f"{backend.label} in JSON has {shown}; Terraform does not evaluate templates in a "
            "backend block and uses these characters literally, so the state goes to a location "
            "nobody created.",
            fix=context.local_fix(backend),
        )
