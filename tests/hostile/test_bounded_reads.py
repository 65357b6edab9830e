"""Every read is bounded: each kind of file has a byte cap, and a file past it is reported, not read.

A pull request chooses every file's size, and a sparse gigabyte costs it nothing. Each case puts
one huge file of one kind beside the ordinary undeployable module and runs the real CLI in a
fresh process under an address-space cap: the file must be reported at its line 1 as past a bound
of backend-guard's (a warning), the ordinary finding must still be there, and the run's own peak
memory must stay under 300 MB.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_guard.bounded import Kind
from tests.hostile.measured import PEAK_MEMORY_LIMIT, run_cli
from tests.hostile.test_bad_input import NORMAL_FINDING, PAST_A_BOUND, Sparse, project, utf8

GIB, MIB = 1024**3, 1024**2


def repeated(line: str, size: int) -> bytes:
    """Real text of about `size` bytes: `line` over and over."""
    return utf8(line * (size // len(line) + 1))


TS_STACK = utf8(
    'import { S3Backend, TerraformStack } from "cdktf";\nnew S3Backend(this, { bucket: "acme" });\n'
)

# path -> (content, the kind whose cap it passes)
HUGE: dict[str, tuple[bytes | Sparse, Kind]] = {
    "tfbackend-1.7-mb": (
        repeated('tag_value = "acme-platform-state"\n', 1_700_000),
        Kind.BACKEND_SETTINGS,
    ),
    "tfbackend-1-gb-sparse": (Sparse(utf8('bucket = "acme"\n'), GIB), Kind.BACKEND_SETTINGS),
    "makefile-94-mb": (
        repeated("\tterraform init -backend-config=bucket=acme-state\n", 94 * MIB),
        Kind.AUTOMATION,
    ),
    "workflow-1-gb-sparse": (Sparse(utf8("on: push\n"), GIB), Kind.AUTOMATION),
    "script-20-mb": (repeated("export AWS_REGION=eu-west-1\n", 20 * MIB), Kind.AUTOMATION),
    "terraform-2-gb-sparse": (
        Sparse(utf8('terraform {\n  backend "s3" {}\n}\n'), 2 * GIB),
        Kind.TERRAFORM,
    ),
    "program-1-gb-sparse": (Sparse(TS_STACK, GIB), Kind.PROGRAM),
}
WHERE = {
    "tfbackend-1.7-mb": "infra/prod.s3.tfbackend",
    "tfbackend-1-gb-sparse": "infra/huge.s3.tfbackend",
    "makefile-94-mb": "Makefile",
    "workflow-1-gb-sparse": ".github/workflows/plan.yml",
    "script-20-mb": "scripts/deploy",
    "terraform-2-gb-sparse": "stacks/huge/main.tf",
    "program-1-gb-sparse": "app/main.ts",
}


def expected(path: str, kind: Kind) -> str:
    return f"{path}:1:1: {PAST_A_BOUND} is larger than {kind.cap_text} and was not read"


@pytest.mark.parametrize("name", list(HUGE))
def test_a_file_past_its_cap_is_reported_not_read(tmp_path: Path, name: str) -> None:
    content, kind = HUGE[name]
    files = {WHERE[name]: content}
    if kind is Kind.PROGRAM:
        files["app/cdktf.json"] = utf8('{"language": "typescript", "app": "npx ts-node main.ts"}')
    run = run_cli(project(tmp_path / "repo", files), "check", ".")
    assert (run.status, run.err) == (1, "")
    assert any(line.startswith(expected(WHERE[name], kind)) for line in run.lines), run.out
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1
    assert run.peak_rss < PEAK_MEMORY_LIMIT


def test_every_huge_file_at_once_stays_within_the_memory_bound(tmp_path: Path) -> None:
    files = {WHERE[name]: content for name, (content, _) in HUGE.items()}
    files["app/cdktf.json"] = utf8('{"language": "typescript", "app": "npx ts-node main.ts"}')
    run = run_cli(project(tmp_path / "repo", files), "check", ".")
    assert run.status == 1
    for name, (_, kind) in HUGE.items():
        assert any(line.startswith(expected(WHERE[name], kind)) for line in run.lines), name
    assert run.peak_rss < PEAK_MEMORY_LIMIT


@pytest.mark.parametrize("size", [15 * MIB, GIB])
def test_a_huge_settings_file_is_refused_at_once(tmp_path: Path, size: int) -> None:
    settings = Sparse(utf8("rules:\n  BG101: off\n"), size)
    run = run_cli(project(tmp_path / "repo", {".backend-guard.yml": settings}), "check", ".")
    assert run.status == 2
    assert run.err == ".backend-guard.yml:1: is larger than 64 KiB and was not read\n".join(
        ["backend-guard: ", ""]
    )
    assert run.peak_rss < PEAK_MEMORY_LIMIT


def test_definitions_files_are_bounded_and_never_read_through_a_link(tmp_path: Path) -> None:
    """OpenTofu evaluates a backend's variables from the module's definitions files: a sparse
    gigabyte `terraform.tfvars` is not read (the variable has no value, as init would find it
    unreadable), and an `*.auto.tfvars` that links out of the workspace is never followed."""
    outside = tmp_path / "outside.auto.tfvars"
    outside.write_text('state_bucket = "secret-bucket-outside"\n', encoding="utf-8")
    root = project(
        tmp_path / "repo",
        {
            "tofu/main.tofu": utf8(
                'variable "state_bucket" {}\n\nterraform {\n  backend "s3" {\n'
                '    bucket = var.state_bucket\n    key    = "app.tfstate"\n'
                '    region = "eu-west-1"\n  }\n}\n'
            ),
            "tofu/terraform.tfvars": Sparse(utf8('state_bucket = "acme"\n'), GIB),
        },
    )
    (root / "tofu" / "linked.auto.tfvars").symlink_to(outside)
    run = run_cli(root, "check", "--engine", "opentofu", ".")
    assert run.peak_rss < PEAK_MEMORY_LIMIT
    assert NORMAL_FINDING in run.out
    assert "secret-bucket-outside" not in run.out
    assert "tofu/main.tofu" in run.out and "var.state_bucket" in run.out
