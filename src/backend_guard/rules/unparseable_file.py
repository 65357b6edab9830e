"""A configuration file that cannot be parsed.

**What it flags.** A `.tf`, `.tofu`, `.tf.json` or `.tofu.json` file (or the part of it that can
hold a backend) that is not valid HCL or JSON, is not UTF-8 text, or cannot be read.

**Why it blocks deployment.** `terraform init` parses every configuration file of the module
first and stops at the first syntax error, before it configures any backend. backend-guard cannot
judge the backend of a file it cannot read either, so it says so instead of staying silent.

**Fails:**

```hcl
terraform {
  backend "s3" {
    bucket = "acme-state
  }
}
```

**Passes:**

```hcl
terraform {
  backend "local" {}
}
```

A file, block or program past one of backend-guard's own bounds (8 MiB per configuration file,
1 MiB per CDKTF program, 64 KiB per parsed block, 200 levels of nesting, 20 backends per file,
200 arguments per backend, 200 overrides per stack) is reported as a warning at the place reading
stopped: Terraform may accept it, but what lies beyond was not checked.

**Fix.** None offered: correct the syntax at the reported line.
"""

from __future__ import annotations

from collections.abc import Iterator

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules import base

META = base.Meta("BG100", "unparseable-file", Severity.ERROR)


def check(module: Module, context: base.RuleContext) -> Iterator[Finding]:
    for problem in context.problems.get(module.dir, []):
        if problem.limit:
            yield base.finding(
                META,
                problem.span,
                f"{problem.message} (a bound of backend-guard's, not of the engine)",
                severity=Severity.WARNING,
            )
        else:
            yield base.finding(
                META, problem.span, f"{problem.message}; {base.init(module)} stops here"
            )
