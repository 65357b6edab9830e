"""The pre-commit hook: which changes run it, and what it runs.

pre-commit matches `files` with Python's `re.search` on each changed path; with `pass_filenames:
false` it runs `entry` once, from the repository's root, when any path matches.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
[HOOK] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("stacks/network/backend.tf", True),
        ("main.tofu", True),
        ("cdk.tf.json", True),
        ("env/prod.tfbackend", True),
        ("apps/web/cdktf.json", True),
        ("apps/web/lib/app-stack.ts", True),
        ("apps/api/main.py", True),
        ("apps/go/main.go", True),
        ("apps/java/src/main/java/com/acme/AppStack.java", True),
        ("apps/cs/Stacks/AppStack.cs", True),
        ("README.md", False),
        ("package.json", False),
        ("docs/backend.tf.md", False),
    ],
)
def test_the_hook_runs_when_configuration_or_a_cdktf_program_changes(path: str, runs: bool) -> None:
    assert bool(re.search(HOOK["files"], path)) is runs


def test_the_hook_scans_the_repository_with_the_console_script() -> None:
    assert HOOK["pass_filenames"] is False and HOOK["language"] == "python"
    command, *args = HOOK["entry"].split()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert command in scripts and args == ["check"]


def test_a_commit_that_changes_only_a_program_is_stopped(tmp_path: Path) -> None:
    """What pre-commit runs after `git add lib/app-stack.ts`: the entry, at the root, no files."""
    shutil.copytree(ROOT / "examples" / "cdktf-typescript", tmp_path / "app")
    command, *args = HOOK["entry"].split()
    script = Path(sys.executable).parent / command
    done = subprocess.run(
        [str(script), *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    assert "app/lib/app-stack.ts:22:5: error BG104" in done.stdout
