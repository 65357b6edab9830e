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
    # OpenTofu evaluates the variables early: the bucket is named, and the artifacts bucket's
    # computed name is never taken for it
    "opentofu_tfvars": ({("BG104", "backend.tofu", 4)}, set()),
    # `state_bucket` is set only in prod.tfvars, which nothing passes
    "opentofu_missing_variable": (
        {("BG101", "backend.tofu", 2)},
        {("BG101", "backend.tofu", 2)},
    ),
    "opentofu_remote_organization": (
        {("BG106", "backend.tofu", 2)},
        {("BG106", "backend.tofu", 2)},
    ),
    # a credentials file is a warning: init does not read it with credentials in the environment
    "credentials_file": (
        {("BG104", "backend.tf", 4), ("BG107", "backend.tf", 4)},
        {("BG107", "backend.tf", 4)},
    ),
    "local_services": (
        {
            ("BG104", "pg/backend.tf", 2),
            ("BG107", "pg/backend.tf", 2),
            ("BG104", "consul/backend.tf", 2),
            ("BG107", "consul/backend.tf", 2),
            ("BG104", "http/backend.tf", 2),
            ("BG107", "http/backend.tf", 2),
        },
        {
            ("BG107", "pg/backend.tf", 2),
            ("BG107", "consul/backend.tf", 2),
            ("BG107", "http/backend.tf", 2),
        },
    ),
    # the bootstrap names its bucket through a variable set in its terraform.tfvars
    "bootstrap_variable_name": (set(), set()),
    "bootstrap_lock_table": (
        {("BG105", "main.tf", 4), ("BG112", "main.tf", 4)},
        {("BG105", "main.tf", 4), ("BG112", "main.tf", 4)},
    ),
    # one backend file linked into two modules: one finding, where it is written
    # (tests/test_linked_backends.py)
    "linked_backend": (
        {("BG101", "shared/backend.tofu", 3)},
        {("BG101", "shared/backend.tofu", 3)},
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


def _severities(project: str, policy: Policy, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    result, _ = findings_of(project, policy, monkeypatch)
    return {f"{f.rule} {f.path}": f.severity.value for f in result.findings}


def test_a_bootstrap_cycle_is_a_warning_where_remote_storage_may_exist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _severities("bootstrap_cycle", Policy.SELF_CONTAINED, monkeypatch) == {
        "BG105 main.tf": "error"
    }
    result, _ = findings_of("bootstrap_cycle", Policy.REMOTE_ALLOWED, monkeypatch)
    (finding,) = result.findings
    assert finding.severity.value == "warning"
    assert "first apply needs local state" in finding.message
    assert "`terraform init -migrate-state`" in finding.message


@pytest.mark.parametrize("policy", list(Policy))
def test_a_credentials_file_is_a_warning_and_a_profile_an_error(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _severities("credentials_file", policy, monkeypatch)["BG107 backend.tf"] == "warning"
    assert _severities("machine_local", policy, monkeypatch)["BG107 backend.tf"] == "error"
    result, _ = findings_of("credentials_file", policy, monkeypatch)
    (finding,) = [f for f in result.findings if f.rule == "BG107"]
    assert '["/home/alice/.aws/credentials"]' in finding.message
    assert "the CI must provide them there" in finding.message


@pytest.mark.parametrize("policy", list(Policy))
def test_localhost_addresses_of_state_services_are_machine_local(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, _ = findings_of("local_services", policy, monkeypatch)
    messages = {f.path: f.message for f in result.findings if f.rule == "BG107"}
    assert (
        '`conn_str` = "postgres://terraform@localhost/terraform_state' in messages["pg/backend.tf"]
    )
    assert '`address` = "127.0.0.1:8500"' in messages["consul/backend.tf"]
    assert "`lock_address`" in messages["http/backend.tf"]
    assert all("connection refused" in message for message in messages.values())


def test_opentofu_messages_show_the_values_and_where_they_come_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, _ = findings_of("opentofu_tfvars", Policy.SELF_CONTAINED, monkeypatch)
    (finding,) = result.findings
    assert finding.message.startswith(
        'backend "s3" keeps state in bucket "acme-tofu-state" (from `var.state_bucket` = '
        '"acme-tofu-state" in terraform.tfvars:1), which nothing in this repository creates'
    )
    backend = result.modules["."].backends[0]
    values = {a.name: a.value.literal for a in backend.attributes}
    # terraform.tfvars, then ci.auto.tfvars.json over the default; lower() evaluated
    assert values["key"] == "orders/prod/terraform.tfstate"
    assert values["region"] == "eu-west-1"
    key = backend.attribute("key")
    assert key is not None and key.value.known is not None
    assert '`var.environment` = "Prod" in ci.auto.tfvars.json:1' in key.value.known
    assert "`local.state_key` at locals.tf:2" in key.value.known


def test_an_opentofu_variable_nothing_sets_is_missing_under_both_policies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for policy in Policy:
        result, _ = findings_of("opentofu_missing_variable", policy, monkeypatch)
        (finding,) = result.findings
        assert finding.severity.value == "error"
        assert finding.message.startswith(
            'backend "s3": `bucket` uses `var.state_bucket`, which has no default'
        )
        assert "var.state_bucket" in finding.message and "var.environment" not in finding.message
        assert finding.message.endswith(
            "`prod.tfvars` sets it, but init reads such a file only when named: "
            "`tofu init -var-file=prod.tfvars`."
        )


def test_a_constant_shows_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = findings_of("opentofu_remote_organization", Policy.SELF_CONTAINED, monkeypatch)
    (finding,) = result.findings
    assert 'organization "acme-platform" (from `local.organization` at locals.tofu:2)' in (
        finding.message
    )
    assert "local.organization (" not in finding.message


def test_a_cdktf_constant_shows_its_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cdktf.json").write_text('{"language": "typescript", "app": "npx ts-node main.ts"}')
    (tmp_path / "main.ts").write_text(
        'import { App, TerraformStack, RemoteBackend, NamedRemoteWorkspace } from "cdktf";\n'
        'import { Construct } from "constructs";\n\n'
        'const TerraformRemoteBackendOrganization = "acme-platform";\n\n'
        "class EdgeStack extends TerraformStack {\n"
        "  constructor(scope: Construct, id: string) {\n"
        "    super(scope, id);\n"
        "    new RemoteBackend(this, {\n"
        "      organization: TerraformRemoteBackendOrganization,\n"
        '      workspaces: new NamedRemoteWorkspace("edge"),\n'
        "    });\n  }\n}\n\n"
        'const app = new App();\nnew EdgeStack(app, "edge");\napp.synth();\n'
    )
    monkeypatch.chdir(tmp_path)
    (finding,) = [f for f in scan(["."], Settings()).findings if f.rule == "BG106"]
    assert 'HCP Terraform organization "acme-platform"' in finding.message
