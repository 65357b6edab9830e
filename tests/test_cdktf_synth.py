"""Python fixes checked against the real thing: synthesize each fixture app with the PyPI `cdktf`
package (which runs the library in `node` through jsii) before and after backend-guard's fix, and
let Terraform initialise the fixed output.

Before the fix, the synthesized `terraform` block holds the remote backend (or `cloud`); after it,
only `local`, and `terraform init -input=false` succeeds. Synthesis runs like the Terraform oracle,
inside a network namespace that holds only loopback (`unshare -n`), so it follows the oracle's
rule: skipped where the namespace is not available, except in CI, where that fails the test. The
fixtures use no provider packages, so each synthesis takes a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backend_guard.apply import plan, write
from backend_guard.config import Settings
from backend_guard.scan import scan
from tests.cdktf_projects import FIXTURES
from tests.oracle import require_oracle, terraform_init
from tests.requires import skip_or_fail

TIMEOUT = 180

# project -> what the synthesized `terraform` block holds before the fix: backend types, or cloud
BEFORE: dict[str, dict[str, set[str]]] = {
    "python_app": {"backend": {"s3"}},
    "python_namespace": {"backend": {"s3"}},
    "python_alias_gcs": {"backend": {"gcs"}},
    "python_cloud": {"cloud": set()},
    "python_settings_module": {"cloud": set()},
    "python_leftover_override": {"backend": {"local", "s3"}},
    "python_state_store": {"backend": {"s3"}},
    "python_toplevel_stack": {"backend": {"s3"}},
}


def require_synth() -> None:
    """Skip (outside CI) or fail (in CI) when the namespace, node or cdktf is missing."""
    require_oracle()
    missing = []
    if shutil.which("node") is None:
        missing.append("`node` is not on PATH")
    if importlib.util.find_spec("cdktf") is None:
        missing.append("the cdktf package is not installed")
    if not missing:
        return
    skip_or_fail("CDKTF synthesis", "; ".join(missing))


def run_app(
    app: Path, outdir: Path, env: dict[str, str] | None = None, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the app (`python main.py`) offline, with `env` added to its environment; HOME is
    `home`, by default a folder beside `outdir`."""
    home = home or outdir.with_name(f"{outdir.name}-home")
    home.mkdir(exist_ok=True)
    return subprocess.run(
        ["unshare", "-n", sys.executable, "main.py"],
        cwd=app,
        env={
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(home),
            "CDKTF_OUTDIR": str(outdir),
            "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def synth(app: Path, outdir: Path) -> Path:
    """Run the app offline; return the directory of its only stack."""
    completed = run_app(app, outdir)
    assert completed.returncode == 0, completed.stderr
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    (stack,) = manifest["stacks"].values()
    return outdir / stack["workingDirectory"]


def terraform_block(stack_dir: Path) -> dict[str, Any]:
    document = json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))
    block: dict[str, Any] = document.get("terraform", {})
    return block


def fix_in_place(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    result = scan(["."], Settings())
    assert result.findings, "the fixture should have something to fix"
    write(plan(result.findings, result.texts), result.texts)
    assert scan(["."], Settings()).findings == []


@pytest.mark.parametrize("project", sorted(BEFORE))
def test_synthesized_backend_is_local_after_the_fix_and_terraform_accepts_it(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_synth()
    app = tmp_path / project
    shutil.copytree(FIXTURES / project, app)

    before = terraform_block(synth(app, tmp_path / "before"))
    expected = BEFORE[project]
    assert set(before.get("backend", {})) == expected.get("backend", set())
    assert ("cloud" in before) == ("cloud" in expected)

    fix_in_place(app, monkeypatch)
    stack_dir = synth(app, tmp_path / "after")
    after = terraform_block(stack_dir)
    assert "cloud" not in after
    assert list(after["backend"]) == ["local"]
    assert after["backend"]["local"]["path"].startswith("terraform.")

    init = terraform_init(stack_dir)
    assert init.ok, init.output


def test_leftover_override_makes_terraform_refuse_the_synthesized_output(
    tmp_path: Path,
) -> None:
    """The reason BG201 is an error: synth accepts the stack, Terraform does not."""
    require_synth()
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_leftover_override", app)
    stack_dir = synth(app, tmp_path / "out")
    init = terraform_init(stack_dir)
    assert not init.ok
    assert "Duplicate 'backend' configuration block" in init.errors, init.output


def test_python_app_keeps_the_environment_in_the_state_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_synth()
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_app", app)
    fix_in_place(app, monkeypatch)
    after = terraform_block(synth(app, tmp_path / "out"))
    assert after["backend"] == {"local": {"path": "terraform.dev.tfstate"}}


def test_clean_app_synthesizes_its_local_backend(tmp_path: Path) -> None:
    require_synth()
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_local", app)
    stack_dir = synth(app, tmp_path / "out")
    assert terraform_block(stack_dir)["backend"] == {"local": {"path": "terraform.dev.tfstate"}}
    assert terraform_init(stack_dir).ok
