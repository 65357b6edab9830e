"""A deterministic, realistic monorepo for the benchmark.

The mix follows a corpus of 21 public module repositories (10,481 `.tf` files, 22 MB): files of
about 2 KB of resources, variables, outputs and module calls; about 12 % with a `terraform {}`
block; about 1 % with a backend, of every type, some partial, some written with expressions;
backends that only look like backends (commented out, inside strings and heredocs); a few
`.tf.json` files; a few dozen CDKTF apps in TypeScript and Python; and `node_modules` and
`.terraform` folders full of `.tf` files that a scan must skip.

    python bench/generate.py OUT_DIR --files 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

BACKENDS = [
    'backend "s3" {\n    bucket = "acme-state-{n}"\n    key    = "svc/{n}.tfstate"\n    region = "eu-west-1"\n  }',
    'backend "s3" {}',
    'backend "s3" {\n    bucket       = "acme-state"\n    key          = "${{var.env}}/{n}.tfstate"\n    region       = "us-east-1"\n    use_lockfile = true\n  }',
    'backend "gcs" {\n    bucket = "acme-tf-{n}"\n    prefix = "env/prod"\n  }',
    'backend "azurerm" {\n    resource_group_name  = "tfstate"\n    storage_account_name = "acmetf{n}"\n    container_name       = "tfstate"\n    key                  = "prod.terraform.tfstate"\n  }',
    'backend "remote" {\n    organization = "acme"\n    workspaces {\n      name = "svc-{n}"\n    }\n  }',
    'cloud {\n    organization = "acme"\n    workspaces {\n      tags = ["svc"]\n    }\n  }',
    'backend "http" {\n    address = "https://state.example.com/{n}"\n  }',
    'backend "pg" {\n    conn_str = "postgres://state.internal/terraform"\n  }',
    'backend "consul" {\n    address = "consul.internal:8500"\n    path    = "tf/{n}"\n  }',
    'backend "local" {\n    path = "terraform.tfstate"\n  }',
]

DECOYS = [
    '# terraform {\n#   backend "s3" {}\n# }\n',
    '/*\nterraform {\n  backend "gcs" { bucket = "old" }\n}\n*/\n',
    'locals {\n  doc = "use terraform { backend \\"s3\\" {} } in the root"\n}\n',
    'locals {\n  snippet = <<-EOT\n    terraform {\n      backend "s3" {\n        bucket = "x"\n      }\n    }\n  EOT\n}\n',
]

TS_APP = """import {{ Construct }} from "constructs";
import {{ App, TerraformStack, {backend} }} from "cdktf";

class Stack{n} extends TerraformStack {{
  constructor(scope: Construct, id: string) {{
    super(scope, id);
    new {backend}(this, {{ {props} }});
  }}
}}

const app = new App();
new Stack{n}(app, "stack-{n}");
app.synth();
"""

PY_APP = """from constructs import Construct
from cdktf import App, TerraformStack, {backend}


class Stack{n}(TerraformStack):
    def __init__(self, scope: Construct, ns: str):
        super().__init__(scope, ns)
        {backend}(self, {props})


app = App()
Stack{n}(app, "stack-{n}")
app.synth()
"""


def resource(rng: random.Random, n: int) -> str:
    kind = rng.choice(["aws_instance", "aws_security_group", "aws_iam_role", "aws_lambda_function"])
    tags = "\n".join(f'    {k} = "{k}-{n}-{rng.randrange(1000)}"' for k in ("Name", "Team", "Env"))
    body = [
        f'resource "{kind}" "r{n}" {{',
        f'  name        = "svc-{n}-${{var.environment}}"',
        f"  count       = var.enabled ? {rng.randrange(1, 4)} : 0",
        f'  description = "Managed by Terraform; see docs/{n}.md for the {{ braces }}"',
        "  tags = {",
        tags,
        "  }",
        "  lifecycle {",
        "    ignore_changes = [tags]",
        "  }",
        "}",
        "",
    ]
    return "\n".join(body) + "\n"


def variable(n: int) -> str:
    return (
        f'variable "v{n}" {{\n  type        = string\n  default     = "value-{n}"\n'
        f'  description = "Setting number {n} (a string)."\n}}\n\n'
    )


def output(n: int) -> str:
    return f'output "o{n}" {{\n  value = aws_instance.r{n}[*].id\n}}\n\n'


def module_call(n: int) -> str:
    return f'module "m{n}" {{\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.1.{n % 9}"\n  name    = "vpc-{n}"\n}}\n\n'


def terraform_block(rng: random.Random, n: int, backend: str | None) -> str:
    parts = [
        "terraform {",
        '  required_version = ">= 1.5"',
        "  required_providers {",
        "    aws = {",
        '      source  = "hashicorp/aws"',
        f'      version = "~> 5.{rng.randrange(60)}"',
        "    }",
        "  }",
    ]
    if backend is not None:
        parts.append("  " + backend.replace("{n}", str(n)))
    parts.append("}")
    return "\n".join(parts) + "\n\n"


def config_file(rng: random.Random, n: int, size: int) -> tuple[str, bool]:
    """A `.tf` file of about `size` bytes; True when it holds a backend."""
    text = ""
    has_backend = False
    roll = rng.random()
    if roll < 0.12:
        backend = None
        if roll < 0.01:
            template = BACKENDS[n % len(BACKENDS)]
            backend = template.replace("{{", "{").replace("}}", "}")
            has_backend = True
        text += terraform_block(rng, n, backend)
    if rng.random() < 0.02:
        text += rng.choice(DECOYS)
    pieces = [resource, variable, output, module_call]
    i = 0
    while len(text) < size:
        piece = pieces[i % 4]
        text += piece(rng, n * 100 + i) if piece is resource else piece(n * 100 + i)
        i += 1
    return text, has_backend


def json_file(n: int) -> str:
    document: dict[str, object] = {
        "terraform": {"required_version": ">= 1.5"},
        "resource": {"aws_sqs_queue": {f"q{n}": {"name": f"queue-{n}"}}},
    }
    if n % 3 == 0:
        document["terraform"] = {
            "backend": {
                "s3": {"bucket": "acme-json-${var.env}", "key": "q.tfstate", "region": "eu-west-1"}
            }
        }
    return json.dumps(document, indent=2) + "\n"


def cdktf_app(root: Path, rng: random.Random, n: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    python = n % 3 == 0
    local = n % 4 == 0
    backend = "LocalBackend" if local else "S3Backend"
    if python:
        props = (
            'path="terraform.tfstate"'
            if local
            else 'bucket="acme-cdktf", key="app.tfstate", region="eu-west-1"'
        )
        (root / "main.py").write_text(
            PY_APP.format(n=n, backend=backend, props=props), encoding="utf-8"
        )
        app = "python3 main.py"
    else:
        props = (
            "path: 'terraform.tfstate'"
            if local
            else "bucket: 'acme-cdktf', key: 'app.tfstate', region: 'eu-west-1'"
        )
        (root / "main.ts").write_text(
            TS_APP.format(n=n, backend=backend, props=props), encoding="utf-8"
        )
        (root / "package.json").write_text(
            '{"name": "app", "dependencies": {"cdktf": "0.20.11"}}\n', encoding="utf-8"
        )
        app = "npx ts-node main.ts"
    (root / "cdktf.json").write_text(
        json.dumps({"language": "python" if python else "typescript", "app": app}) + "\n",
        encoding="utf-8",
    )
    # a vendored dependency and a provider cache that a scan must not read
    vendored = root / "node_modules" / "cdktf" / "lib"
    vendored.mkdir(parents=True, exist_ok=True)
    (vendored / "index.ts").write_text("export class S3Backend {}\n" * 50, encoding="utf-8")


def generate(out: Path, files: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    counts = {"tf": 0, "tf.json": 0, "backends": 0, "cdktf apps": 0, "skipped": 0, "bytes": 0}
    per_module = 8
    for n in range(files):
        module = out / f"team{n // 800:02d}" / f"svc{n // per_module:04d}"
        module.mkdir(parents=True, exist_ok=True)
        if n % 97 == 5:
            text = json_file(n)
            path = module / f"generated{n}.tf.json"
            counts["tf.json"] += 1
        else:
            text, has_backend = config_file(rng, n, int(rng.lognormvariate(7.4, 0.6)))
            path = module / ("backend.tf" if has_backend else f"file{n}.tf")
            counts["tf"] += 1
            counts["backends"] += has_backend
        if n % 500 == 3:  # a bootstrap configuration that creates state buckets
            text += f'resource "aws_s3_bucket" "state" {{\n  bucket = "acme-state-{n + 1}"\n}}\n'
        path.write_text(text, encoding="utf-8")
        counts["bytes"] += len(text)
        if n % 250 == 7:  # provider caches and vendored modules, with backends of their own
            cache = module / ".terraform" / "modules" / "vpc"
            cache.mkdir(parents=True, exist_ok=True)
            (cache / "main.tf").write_text(
                terraform_block(rng, n, 'backend "s3" {}'), encoding="utf-8"
            )
            counts["skipped"] += 1
    for n in range(max(1, files // 300)):
        cdktf_app(out / "apps" / f"app{n:03d}", rng, n)
        counts["cdktf apps"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.files, args.seed)))


if __name__ == "__main__":
    main()
