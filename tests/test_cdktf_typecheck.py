"""TypeScript fixes type-check against the real `cdktf` and `constructs` packages.

Each TypeScript fixture project is copied, fixed with backend-guard, and compiled with `tsc
--noEmit` under the strict settings of cdktf's own project template (`noUnusedLocals` included, so
an import the fix leaves behind fails as surely as a wrong prop). The compiler and the libraries
come from `tests/cdktf_toolchain` (`npm ci --prefix tests/cdktf_toolchain`, run by the set-up, never
by the tests). `@cdktf/provider-aws`, which the seed stack imports for code the fix leaves alone, is
replaced by the type declarations in `tests/cdktf_toolchain/types/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backend_guard.apply import plan, write
from backend_guard.config import Settings
from backend_guard.scan import scan
from tests.requires import skip_or_fail

FIXTURES = Path(__file__).parent / "fixtures" / "cdktf"
TOOLCHAIN = Path(__file__).parent / "cdktf_toolchain"
TSC = TOOLCHAIN / "node_modules" / "typescript" / "bin" / "tsc"
PROJECTS = [
    "seed_stack",
    "ts_alias",
    "ts_cloud",
    "ts_gcs",
    "ts_leftover_override",
    "ts_local",
    "ts_namespace",
    "ts_shared_settings",
    "ts_state_store",
]
TIMEOUT = 300


def require_toolchain() -> None:
    """Skip when the npm packages are not installed, except in CI, where that is a failure."""
    missing = []
    if shutil.which("node") is None:
        missing.append("`node` is not on PATH")
    if not TSC.is_file():
        missing.append(
            "tests/cdktf_toolchain/node_modules is absent "
            "(run `npm ci --prefix tests/cdktf_toolchain`)"
        )
    if not missing:
        return
    skip_or_fail("the TypeScript type-check", "; ".join(missing))


def typecheck_project(source: Path, destination: Path) -> Path:
    """A copy of `source` set up to compile against the toolchain."""
    shutil.copytree(source, destination)
    shutil.copy(TOOLCHAIN / "tsconfig.json", destination / "tsconfig.json")
    shutil.copytree(TOOLCHAIN / "types", destination / "types")
    (destination / "node_modules").symlink_to(TOOLCHAIN / "node_modules", target_is_directory=True)
    return destination


def fix_in_place(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    result = scan(["."], Settings())
    write(plan(result.findings, result.texts), result.texts)
    assert scan(["."], Settings()).findings == []


def tsc(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(TSC), "--noEmit", "--pretty", "false", "-p", str(root)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={"PATH": os.environ.get("PATH", os.defpath), "HOME": str(root)},
        check=False,
    )


@pytest.mark.parametrize("project", PROJECTS)
def test_fixture_compiles_before_the_fix(project: str, tmp_path: Path) -> None:
    require_toolchain()
    root = typecheck_project(FIXTURES / project, tmp_path / project)
    completed = tsc(root)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("project", PROJECTS)
def test_fixed_stack_compiles(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_toolchain()
    root = typecheck_project(FIXTURES / project, tmp_path / project)
    before = {p: p.read_bytes() for p in root.rglob("*.ts") if "node_modules" not in p.parts}
    fix_in_place(root, monkeypatch)
    if project != "ts_local":
        assert any(p.read_bytes() != data for p, data in before.items())  # it did change
    completed = tsc(root)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize(
    ("mistake", "error"),
    [
        (("import { LocalBackend,", "import { LocalBackend, S3Backend,"), "TS6133"),  # unused
        (("path: `terraform", "bucket: `terraform"), "TS2353"),  # no such prop
        (("import { LocalBackend, ", "import { "), "TS2304"),  # not imported
    ],
)
def test_a_mistake_in_the_fixed_seed_fails_the_check(
    mistake: tuple[str, str], error: str, tmp_path: Path
) -> None:
    require_toolchain()
    root = typecheck_project(FIXTURES / "seed_stack", tmp_path / "seed_stack")
    stack = root / "lib" / "tap-stack.ts"
    fixed = (FIXTURES / "seed_stack.expected" / "lib" / "tap-stack.ts").read_text()
    assert mistake[0] in fixed
    stack.write_text(fixed.replace(mistake[0], mistake[1], 1), encoding="utf-8")
    completed = tsc(root)
    assert completed.returncode != 0
    assert error in completed.stdout, completed.stdout
