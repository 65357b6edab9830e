"""The Terraform oracle itself, and the backend facts other tests lean on it for.

Each `oracle` test runs the real `terraform init -input=false` on a small project in a
loopback-only network namespace; the S3 ones against the AWS emulator on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tests.oracle as oracle
from tests.oracle import ENDPOINT_PLACEHOLDER, network_probe, terraform_init, terraform_init_files
from tests.oracle.diagnostics import read_json_output

VARIABLES_TF = """\
variable "environment" {
  type    = string
  default = "staging"
}

variable "state_path" {
  type    = string
  default = "state/terraform.tfstate"
}
"""

MAIN_TF = """\
locals {
  name = "network-${var.environment}"
}

resource "terraform_data" "network" {
  input = local.name
}

output "name" {
  value = terraform_data.network.output
}
"""

BUCKET = "acme-terraform-state"

COMPLETE_S3_TF = f"""\
terraform {{
  backend "s3" {{
    bucket         = "{BUCKET}"
    key            = "network/terraform.tfstate"
    region         = "eu-west-1"
    use_path_style = true
  }}
}}
"""


def project(backend_tf: str, **extra: str) -> dict[str, str]:
    """A small root module: its settings file plus variables, locals, a resource and an output."""
    return {"backend.tf": backend_tf, "variables.tf": VARIABLES_TF, "main.tf": MAIN_TF, **extra}


@pytest.fixture
def _oracle() -> None:
    oracle.require_oracle()


oracle_test = pytest.mark.usefixtures("_oracle")


# ------------------------------------------------------------------------------------------
# Backend facts, checked against the real Terraform
# ------------------------------------------------------------------------------------------


@pytest.mark.oracle
@oracle_test
def test_empty_s3_block_fails_with_the_backends_own_errors(tmp_path: Path) -> None:
    result = terraform_init_files(tmp_path, project('terraform {\n  backend "s3" {}\n}\n'))
    assert not result.ok
    assert result.errors == [
        "Missing Required Value",
        "Missing Required Value",
        "Missing region value",
    ]
    assert {(d.filename, d.line) for d in result.diagnostics} == {("backend.tf", 2)}
    assert 'The attribute "bucket" is required by the backend.' in result.output


@pytest.mark.oracle
@oracle_test
def test_local_backend_succeeds(tmp_path: Path) -> None:
    result = terraform_init_files(tmp_path, project('terraform {\n  backend "local" {}\n}\n'))
    assert result.ok, result.output
    assert (result.errors, result.warnings) == ([], [])
    assert (
        json.loads((tmp_path / ".terraform" / "terraform.tfstate").read_text())["backend"]["type"]
        == "local"
    )


@pytest.mark.oracle
@oracle_test
def test_complete_s3_backend_succeeds_when_the_bucket_exists(tmp_path: Path) -> None:
    result = terraform_init_files(tmp_path, project(COMPLETE_S3_TF), s3_buckets=[BUCKET])
    assert result.ok, result.output
    assert result.errors == []
    assert 'Successfully configured the backend "s3"!' in result.output


@pytest.mark.oracle
@oracle_test
def test_complete_s3_backend_fails_when_the_bucket_does_not_exist(tmp_path: Path) -> None:
    result = terraform_init_files(tmp_path, project(COMPLETE_S3_TF), s3_buckets=["someone-else"])
    assert not result.ok
    # One diagnostic, although its summary embeds the SDK's own "Error: ..." line.
    assert len(result.errors) == 1, result.output
    assert (
        result.errors[0]
        == f'Failed to get existing workspaces: S3 bucket "{BUCKET}" does not exist.'
    )
    assert "NoSuchBucket" in result.output


@pytest.mark.oracle
@oracle_test
def test_backend_config_file_completes_an_empty_s3_block(tmp_path: Path) -> None:
    files = project(
        'terraform {\n  backend "s3" {}\n}\n',
        **{
            "config/ci.s3.tfbackend": f'bucket         = "{BUCKET}"\n'
            'key            = "network/terraform.tfstate"\n'
            'region         = "eu-west-1"\n'
            "use_path_style = true\n"
        },
    )
    result = terraform_init_files(
        tmp_path, files, args=["-backend-config=config/ci.s3.tfbackend"], s3_buckets=[BUCKET]
    )
    assert result.ok, result.output


@pytest.mark.oracle
@oracle_test
def test_dynamodb_lock_table_is_accepted_with_a_deprecation_warning(tmp_path: Path) -> None:
    backend_tf = COMPLETE_S3_TF.replace(
        "use_path_style = true", 'use_path_style = true\n    dynamodb_table = "terraform-locks"'
    )
    result = terraform_init_files(
        tmp_path, project(backend_tf), s3_buckets=[BUCKET], dynamodb_tables=["terraform-locks"]
    )
    assert result.ok, result.output
    assert result.warnings == ["Deprecated Parameter"]


@pytest.mark.oracle
@oracle_test
def test_variable_in_a_backend_block_is_not_allowed(tmp_path: Path) -> None:
    backend_tf = 'terraform {\n  backend "local" {\n    path = var.state_path\n  }\n}\n'
    result = terraform_init_files(tmp_path, project(backend_tf))
    assert not result.ok
    assert result.errors == ["Variables not allowed"]
    assert (result.diagnostics[0].filename, result.diagnostics[0].line) == ("backend.tf", 3)


@pytest.mark.oracle
@oracle_test
def test_a_variable_in_a_nested_block_of_the_cloud_block_is_not_allowed(tmp_path: Path) -> None:
    """Terraform refuses a reference before it looks for a token: the error is the variable's."""
    cloud_tf = (
        'terraform {\n  cloud {\n    organization = "acme"\n    workspaces {\n'
        "      name = var.environment\n    }\n  }\n}\n"
    )
    result = terraform_init_files(tmp_path, project(cloud_tf))
    assert not result.ok
    assert "Variables not allowed" in result.errors
    assert (result.diagnostics[-1].filename, result.diagnostics[-1].line) == ("backend.tf", 5)


@pytest.mark.oracle
@oracle_test
def test_two_backend_blocks_are_a_duplicate(tmp_path: Path) -> None:
    files = project(
        'terraform {\n  backend "local" {}\n}\n',
        **{"state.tf": COMPLETE_S3_TF},
    )
    result = terraform_init_files(tmp_path, files)
    assert not result.ok
    # Terraform announces configuration errors with an error of its own, left out of `errors`.
    assert [d.is_preamble for d in result.diagnostics] == [True, False]
    assert result.errors == ["Duplicate 'backend' configuration block"]
    assert result.diagnostics[1].filename == "state.tf"
    assert "previously configured at backend.tf:2" in result.output


@pytest.mark.oracle
@oracle_test
def test_consul_without_path_crashes_terraform(tmp_path: Path) -> None:
    result = terraform_init_files(tmp_path, project('terraform {\n  backend "consul" {}\n}\n'))
    assert not result.ok
    assert result.errors == []
    assert "TERRAFORM CRASH" in result.output


@pytest.mark.oracle
@oracle_test
@pytest.mark.parametrize(
    "setting",
    [
        'shared_credentials_files = ["/home/alice/.aws/credentials"]',
        'shared_credentials_file  = "/home/alice/.aws/credentials"',
        'shared_config_files      = ["/home/alice/.aws/config"]',
    ],
)
def test_a_credentials_file_is_not_read_with_credentials_in_the_environment(
    setting: str, tmp_path: Path
) -> None:
    backend_tf = COMPLETE_S3_TF.replace(
        "use_path_style = true", f"use_path_style = true\n    {setting}"
    )
    result = terraform_init_files(tmp_path, project(backend_tf), s3_buckets=[BUCKET])
    assert result.ok, result.output


@pytest.mark.oracle
@oracle_test
def test_a_profile_only_the_author_has_fails(tmp_path: Path) -> None:
    backend_tf = COMPLETE_S3_TF.replace(
        "use_path_style = true", 'use_path_style = true\n    profile        = "alice-admin"'
    )
    result = terraform_init_files(tmp_path, project(backend_tf), s3_buckets=[BUCKET])
    assert not result.ok
    assert "failed to get shared config profile, alice-admin" in result.output


@pytest.mark.oracle
@oracle_test
@pytest.mark.parametrize(
    ("backend", "refused"),
    [
        (
            '"pg" {\n    conn_str = "postgres://tf@localhost/state?sslmode=disable"',
            "127.0.0.1:5432",
        ),
        ('"consul" {\n    address = "localhost:8500"\n    path = "app"', "127.0.0.1:8500"),
        ('"http" {\n    address = "http://localhost:8080/state"', "127.0.0.1:8080"),
    ],
)
def test_a_localhost_state_service_is_refused_where_none_runs(
    backend: str, refused: str, tmp_path: Path
) -> None:
    result = terraform_init_files(
        tmp_path, project(f"terraform {{\n  backend {backend}\n  }}\n}}\n")
    )
    assert not result.ok
    assert f"dial tcp {refused}: connect: connection refused" in result.output


# ------------------------------------------------------------------------------------------
# The harness: environment, placeholder, isolation, availability
# ------------------------------------------------------------------------------------------


@pytest.mark.oracle
@oracle_test
def test_terraform_sees_the_callers_env_and_nothing_of_the_test_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    files = project('terraform {\n  backend "s3" {}\n}\n')
    leaked = terraform_init_files(tmp_path, files)
    assert "Missing region value" in leaked.errors
    given_env = terraform_init(tmp_path, env={"AWS_DEFAULT_REGION": "eu-west-1"})
    assert given_env.errors == ["Missing Required Value", "Missing Required Value"]


@pytest.mark.oracle
@oracle_test
def test_endpoint_placeholder_is_replaced_with_the_emulator(tmp_path: Path) -> None:
    backend_tf = COMPLETE_S3_TF.replace(
        "use_path_style = true",
        f'use_path_style = true\n    endpoints      = {{ s3 = "{ENDPOINT_PLACEHOLDER}" }}',
    )
    # The attribute wins over the variable, so success means the placeholder was replaced.
    result = terraform_init_files(
        tmp_path,
        project(backend_tf),
        env={"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"},
        s3_buckets=[BUCKET],
    )
    assert result.ok, result.output
    assert 's3 = "http://127.0.0.1:' in (tmp_path / "backend.tf").read_text()


@pytest.mark.oracle
@oracle_test
def test_the_namespace_reaches_nothing_beyond_loopback() -> None:
    probe = network_probe()
    assert probe["interfaces"] == ["lo"]
    assert probe["connect"] == "ENETUNREACH"
    assert probe["resolve"] != "ok"


def test_runner_refuses_to_run_outside_a_loopback_only_namespace(tmp_path: Path) -> None:
    if [name for _, name in socket.if_nameindex()] == ["lo"]:
        pytest.skip("this machine itself has loopback only")
    request = {"mode": "init", "workdir": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, str(Path(oracle.__file__).with_name("runner.py"))],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path)},
        check=False,
    )
    assert completed.returncode == 3
    assert "refusing to run" in completed.stderr
    assert completed.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_unavailable_oracle_is_skipped_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(oracle, "unavailable_reason", lambda: "no unshare here")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no unshare here"):
        oracle.require_oracle()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        oracle.require_oracle()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        oracle.require_oracle()


def test_available_oracle_neither_skips_nor_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oracle, "unavailable_reason", lambda: None)
    monkeypatch.setenv("CI", "true")
    oracle.require_oracle()


# ------------------------------------------------------------------------------------------
# Reading Terraform's -json output
# ------------------------------------------------------------------------------------------


def _diagnostic_line(severity: str, summary: str, detail: str) -> str:
    body = {"severity": severity, "summary": summary, "detail": detail}
    return json.dumps(
        {"@message": f"{severity}: {summary}", "type": "diagnostic", "diagnostic": body}
    )


lines_of_text = st.text(st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc")), max_size=40)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["error", "warning"]), lines_of_text, lines_of_text, lines_of_text
        ),
        max_size=5,
    )
)
def test_titles_are_first_summary_lines_in_order(
    diagnostics: list[tuple[str, str, str, str]],
) -> None:
    stdout = "".join(
        _diagnostic_line(severity, f"{first}\n\nError: {rest}", detail) + "\n"
        for severity, first, rest, detail in diagnostics
    )
    parsed, text = read_json_output(stdout)
    assert [(d.severity, d.title) for d in parsed] == [(s, f) for s, f, _, _ in diagnostics]
    for _, first, rest, detail in diagnostics:
        assert first in text and rest in text and detail in text


def test_lines_that_are_not_json_messages_are_kept_verbatim() -> None:
    stdout = (
        json.dumps({"@message": "Initializing the backend...", "type": "init_output"})
        + "\npanic: value is null\n[1, 2]\n"
    )
    parsed, text = read_json_output(stdout)
    assert parsed == []
    assert text == "Initializing the backend...\npanic: value is null\n[1, 2]\n"
