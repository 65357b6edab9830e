"""Every rule on whole little projects: what each policy reports, rule by rule, line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_guard.config import Settings
from backend_guard.model import Engine
from backend_guard.rules.base import Policy
from backend_guard.scan import scan

PROJECTS = Path(__file__).parent / "fixtures" / "projects"

# project -> (findings under self-contained, findings under remote-allowed); (rule, path, line)
EXPECTED: dict[str, tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]] = {
    "seed_partial_s3": ({("BG101", "provider.tf", 12)}, {("BG101", "provider.tf", 12)}),
    "local_ok": (set(), set()),
    "supplied_partial": ({("BG104", "infra/backend.tf", 5)}, set()),
    "external_s3": (
        {("BG104", "backend.tf", 4), ("BG112", "backend.tf", 4)},
        {("BG112", "backend.tf", 4)},
    ),
    "bootstrap_cycle": ({("BG105", "main.tf", 2)}, {("BG105", "main.tf", 2)}),
    "bootstrap_split": (set(), set()),
    "vars_in_backend": (
        {("BG102", "backend.tf", 2)},
        {("BG102", "backend.tf", 2)},
    ),
    "opentofu_early_eval": ({("BG104", "backend.tofu", 4)}, set()),
    "opentofu_dynamic": (
        {("BG102", "backend.tofu", 2)},
        {("BG102", "backend.tofu", 2)},
    ),
    "json_backend": (
        {("BG103", "main.tf.json", 6), ("BG104", "main.tf.json", 6)},
        {("BG103", "main.tf.json", 6)},
    ),
    "hcp_cloud": ({("BG106", "terraform.tf", 4)}, {("BG106", "terraform.tf", 4)}),
    # JSON has one form for blocks and object attributes: `workspaces` is not BG110
    "json_cloud_workspaces": (
        {("BG106", "terraform.tf.json", 4)},
        {("BG106", "terraform.tf.json", 4)},
    ),
    # a reference one block down is still in the backend: Terraform refuses it
    "cloud_workspace_variable": (
        {("BG102", "terraform.tf", 2), ("BG106", "terraform.tf", 2)},
        {("BG102", "terraform.tf", 2), ("BG106", "terraform.tf", 2)},
    ),
    "remote_empty": ({("BG106", "backend.tf", 2)}, {("BG106", "backend.tf", 2)}),
    "machine_local": (
        {("BG104", "backend.tf", 2), ("BG107", "backend.tf", 2)},
        {("BG107", "backend.tf", 2)},
    ),
    "duplicate_backend": (
        {("BG104", "backend.tf", 2), ("BG108", "main.tf", 2)},
        {("BG108", "main.tf", 2)},
    ),
    "unknown_type": ({("BG109", "backend.tf", 2)}, {("BG109", "backend.tf", 2)}),
    "unknown_argument": (
        {("BG101", "backend.tf", 4), ("BG110", "backend.tf", 4)},
        {("BG101", "backend.tf", 4), ("BG110", "backend.tf", 4)},
    ),
    "removed_argument": (
        {("BG104", "backend.tf", 2), ("BG111", "backend.tf", 2)},
        {("BG111", "backend.tf", 2)},
    ),
    "version_gated": (
        {("BG104", "versions.tf", 4), ("BG111", "versions.tf", 4)},
        {("BG111", "versions.tf", 4)},
    ),
    "deprecated_argument": (
        {("BG104", "backend.tf", 4), ("BG112", "backend.tf", 4)},
        {("BG112", "backend.tf", 4)},
    ),
    "child_module": (
        {("BG113", "modules/network/main.tf", 2)},
        {("BG113", "modules/network/main.tf", 2)},
    ),
    "override_local": (set(), set()),
    # the bucket's name is computed on both sides: the bootstrap may well create it
    "computed_bucket": (set(), set()),
    # external-state-storage is folded into the first explanation (tests/test_scan_stages.py)
    "partial_named_bucket": (
        {("BG101", "versions.tf", 12)},
        {("BG101", "versions.tf", 12)},
    ),
    # bucket, key and region reach a/ only: b/ cannot init under either policy
    "ci_per_module": (
        {("BG104", "a/backend.tf", 5), ("BG101", "b/backend.tf", 5)},
        {("BG101", "b/backend.tf", 5)},
    ),
    # one workflow runs `terraform` in tf/, another `tofu` in infra/: each its own engine
    "engine_per_workflow": (
        {("BG102", "tf/backend.tf", 2), ("BG104", "infra/backend.tf", 2)},
        {("BG102", "tf/backend.tf", 2)},
    ),
    # backend.hcl holds bucket and region, but nothing passes it
    "unpassed_settings_file": ({("BG101", "main.tf", 4)}, {("BG101", "main.tf", 4)}),
    # a matrix line serves envs/dev and envs/prod; a Makefile target serves tools/
    "ci_flags_shared": (
        {
            ("BG104", "envs/dev/backend.tf", 3),
            ("BG104", "envs/prod/backend.tf", 3),
            ("BG104", "tools/backend.tf", 3),
        },
        set(),
    ),
    # a loop passes each service's settings file: counted for both, with a note that says so
    "ci_loop_script": (
        {
            ("BG101", "services/api/backend.tf", 3),
            ("BG104", "services/api/backend.tf", 3),
            ("BG101", "services/worker/backend.tf", 3),
            ("BG104", "services/worker/backend.tf", 3),
        },
        {("BG101", "services/api/backend.tf", 3), ("BG101", "services/worker/backend.tf", 3)},
    ),
    # a local backend is never rewritten: a new path would orphan the state in state/
    "local_variable_path": ({("BG102", "backend.tf", 3)}, {("BG102", "backend.tf", 3)}),
    "bootstrap_lock_table": (
        {("BG105", "main.tf", 4), ("BG112", "main.tf", 4)},
        {("BG105", "main.tf", 4), ("BG112", "main.tf", 4)},
    ),
}


def findings_of(project: str, policy: Policy, monkeypatch: pytest.MonkeyPatch, **settings):
    monkeypatch.chdir(PROJECTS / project)
    result = scan(["."], Settings(policy=policy, **settings))
    return result, {(f.rule, f.path, f.span.start_line) for f in result.findings}


def test_every_project_has_an_expectation() -> None:
    on_disk = {p.name for p in PROJECTS.iterdir() if p.is_dir()} - {"unparseable"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_self_contained_policy(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, found = findings_of(project, Policy.SELF_CONTAINED, monkeypatch)
    assert found == EXPECTED[project][0]


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_remote_allowed_policy(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, found = findings_of(project, Policy.REMOTE_ALLOWED, monkeypatch)
    assert found == EXPECTED[project][1]


def test_unparseable_file_is_reported_with_its_line_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, found = findings_of("unparseable", Policy.SELF_CONTAINED, monkeypatch)
    assert [(rule, path) for rule, path, _ in found] == [("BG100", "backend.tf")]
    (finding,) = result.findings
    assert 2 <= finding.span.start_line <= 4
    assert "main.tf" in result.modules["."].files  # the other file was still read


def test_opentofu_project_read_as_terraform_ignores_tofu_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, found = findings_of(
        "opentofu_early_eval", Policy.SELF_CONTAINED, monkeypatch, engine=Engine.TERRAFORM
    )
    assert found == set()
    assert all(not path.endswith(".tofu") for path in result.modules["."].files)


def test_opentofu_precedence_hides_the_tf_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = findings_of("opentofu_early_eval", Policy.SELF_CONTAINED, monkeypatch)
    files = set(result.modules["."].files)
    assert "backend.tofu" in files and "backend.tf" not in files
    assert result.modules["."].engine is Engine.OPENTOFU


def test_messages_explain_the_seed_case(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = findings_of("seed_partial_s3", Policy.SELF_CONTAINED, monkeypatch)
    (finding,) = result.findings
    assert finding.message == (
        'backend "s3" has no `bucket`, `key` or `region` and nothing in this repository supplies '
        'them; `terraform init -input=false` fails ("Missing Required Value") and an interactive '
        "init stops for input."
    )
    assert finding.fix is not None
    assert finding.span.end_line == 12


def test_messages_name_the_engine_of_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = findings_of("opentofu_early_eval", Policy.SELF_CONTAINED, monkeypatch)
    (finding,) = result.findings
    assert "`tofu init` fails" in finding.message and "terraform init" not in finding.message
