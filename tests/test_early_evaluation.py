"""OpenTofu's early evaluation of variables and locals in a backend, on whole little modules.

The module's own files give declarations, defaults, locals and `terraform.tfvars` /
`*.auto.tfvars(.json)` values; what the CI passes comes in as mappings of variable name to
(value text, where it is given), the command line's over the files, `TF_VAR_*` under them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_guard.config import Settings
from backend_guard.discover import discover
from backend_guard.early_evaluation import resolve_module
from backend_guard.model import Module, Span
from backend_guard.rules.base import Policy
from backend_guard.scan import scan
from backend_guard.scan.collect import collect

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
CI = Span(".github/workflows/deploy.yml", 21, 9, 21, 60)


def _module(project: Path, monkeypatch: pytest.MonkeyPatch) -> Module:
    """The root module of `project` as collected, before early evaluation."""
    monkeypatch.chdir(project)
    monkeypatch.setattr(
        "backend_guard.early_evaluation.resolve_module", lambda module, storage, **ci: None
    )
    return collect(discover(["."]), Settings()).modules["."]


def _values(module: Module) -> dict[str, object]:
    return {a.name: a.value.literal for a in module.backends[0].attributes}


def test_a_value_the_ci_passes_completes_a_missing_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _module(PROJECTS / "opentofu_missing_variable", monkeypatch)
    resolve_module(module)
    bucket = module.backends[0].attribute("bucket")
    assert bucket is not None and bucket.value.unset == ("state_bucket",)

    module = _module(PROJECTS / "opentofu_missing_variable", monkeypatch)
    resolve_module(module, passed={"state_bucket": ("acme-billing-state", CI)})
    bucket = module.backends[0].attribute("bucket")
    assert bucket is not None and bucket.value.unset == ()
    assert bucket.value.known == (
        '"acme-billing-state" (from `var.state_bucket` = "acme-billing-state" passed at '
        ".github/workflows/deploy.yml:21)"
    )
    # defaults.auto.tfvars sets the environment
    assert _values(module)["key"] == "billing/dev.tfstate"


def test_the_command_line_wins_over_files_and_files_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _module(PROJECTS / "opentofu_missing_variable", monkeypatch)
    resolve_module(
        module,
        passed={"environment": ("prod", CI)},
        environment={"state_bucket": ("from-env", CI), "environment": ("ignored", CI)},
    )
    values = _values(module)
    assert values["key"] == "billing/prod.tfstate"
    assert values["bucket"] == "from-env"  # nothing else sets it
    assert values["region"] == "us-east-1"  # the default

    module = _module(PROJECTS / "opentofu_missing_variable", monkeypatch)
    resolve_module(module, environment={"environment": ("from-env", CI)})
    assert _values(module)["key"] == "billing/dev.tfstate"  # defaults.auto.tfvars wins


def _write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")


def _resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]):
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    result = scan(["."], Settings(policy=Policy.REMOTE_ALLOWED))
    return result.modules["."].backends[0], result.findings


BACKEND = """\
terraform {
  backend "s3" {
    bucket = %s
    key    = "app.tfstate"
    region = "eu-west-1"
  }
}
"""


TEAM = {
    "variables.tf": 'variable "team" {\n  default = "web"\n}\n',
    "locals.tf": """\
locals {
  env   = "prod"
  names = { web = "web-bucket" }
  loop  = local.again
  again = local.loop
}
""",
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('format("%s-%s-state", var.team, local.env)', "web-prod-state"),
        ('join("-", [var.team, "state"])', "web-state"),
        ('replace(upper(var.team), "W", "V")', "VEB"),
        ('trimsuffix("${var.team}-state-", "-")', "web-state"),
        ('coalesce("", var.team)', "web"),
        ("local.names[var.team]", "web-bucket"),
        ('"${path.module}/x-${terraform.workspace}"', "./x-default"),
    ],
)
def test_built_in_functions_and_references(
    expression: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend, findings = _resolved(
        tmp_path,
        monkeypatch,
        {"backend.tofu": BACKEND % expression, **TEAM},
    )
    assert backend.attribute("bucket").value.literal == expected
    assert findings == []


@pytest.mark.parametrize(
    "expression",
    [
        'replace(var.team, "/w+/", "x")',  # a regular expression: not evaluated here
        'var.team == "web" ? "a" : "b"',
        "local.loop",
        "sha256(var.team)",
    ],
)
def test_what_is_not_evaluated_stays_unknown_and_draws_no_verdict(
    expression: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend, findings = _resolved(
        tmp_path,
        monkeypatch,
        {"backend.tofu": BACKEND % expression, **TEAM},
    )
    bucket = backend.attribute("bucket")
    assert bucket.value.known is None and bucket.value.unset == ()
    assert findings == []


def test_an_undeclared_variable_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend, findings = _resolved(tmp_path, monkeypatch, {"backend.tofu": BACKEND % "var.nope"})
    assert backend.attribute("bucket").value.unset == ("nope",)
    assert [f.rule for f in findings] == ["BG101"]


def test_json_declarations_and_definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend, _ = _resolved(
        tmp_path,
        monkeypatch,
        {
            "backend.tofu": BACKEND % "local.bucket",
            "variables.tf.json": json.dumps({"variable": {"team": {"default": "web"}}}),
            "locals.tf.json": json.dumps({"locals": {"bucket": "${var.team}-state"}}),
        },
    )
    # a JSON local is a template OpenTofu evaluates; it is not evaluated here
    assert backend.attribute("bucket").value.known is None
    backend, _ = _resolved(
        tmp_path,
        monkeypatch,
        {
            "locals.tf.json": json.dumps({"locals": {"bucket": "plain-state"}}),
            "terraform.tfvars.json": json.dumps({"team": "api"}),
        },
    )
    assert backend.attribute("bucket").value.literal == "plain-state"


def test_terraform_modules_are_not_evaluated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend, findings = _resolved(
        tmp_path,
        monkeypatch,
        {
            "backend.tf": BACKEND % "var.team",
            "variables.tf": 'variable "team" {\n  default = "web"\n}\n',
        },
    )
    assert backend.attribute("bucket").value.known is None
    assert [f.rule for f in findings] == ["BG102"]


def test_opentofu_before_1_8_is_not_evaluated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend, findings = _resolved(
        tmp_path,
        monkeypatch,
        {
            "backend.tofu": (BACKEND % "var.team").replace(
                "terraform {", 'terraform {\n  required_version = "~> 1.7.0"'
            ),
            "variables.tf": 'variable "team" {\n  default = "web"\n}\n',
        },
    )
    assert backend.attribute("bucket").value.known is None
    assert [f.rule for f in findings] == ["BG102"]


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='\\"$%'), max_size=30
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(default=_TEXT, assigned=st.one_of(st.none(), _TEXT))
def test_a_string_comes_through_as_written(
    default: str, assigned: str | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("module")
    files = {
        "backend.tofu": BACKEND % '"s-${var.name}"',
        "variables.tf": f'variable "name" {{\n  default = "{default}"\n}}\n',
    }
    if assigned is not None:
        files["terraform.tfvars"] = f'name = "{assigned}"\n'
    _write(directory, files)
    result = scan([str(directory)], Settings())
    backend = next(m.backends[0] for m in result.modules.values() if m.backends)
    expected = f"s-{assigned if assigned is not None else default}"
    assert backend.attribute("bucket").value.literal == expected


def test_storage_names_are_valued_with_the_modules_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(PROJECTS / "bootstrap_variable_name")
    (bucket,) = [s for s in scan(["."], Settings()).storage if s.resource_type == "aws_s3_bucket"]
    assert bucket.name.literal == "acme-orders-state"
    assert bucket.name.known == (
        '"acme-orders-state" (from `var.state_bucket` = "acme-orders-state" in '
        "bootstrap/terraform.tfvars:1)"
    )
    monkeypatch.chdir(PROJECTS / "computed_bucket")
    (bucket,) = [s for s in scan(["."], Settings()).storage if s.resource_type == "aws_s3_bucket"]
    assert not bucket.name.is_known  # no default, no definitions file: the name stays unknown


def test_a_definitions_file_init_does_not_load_is_named_as_the_likely_intent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "env").mkdir()
    _write(
        tmp_path / "stack",
        {
            "backend.tofu": BACKEND % "var.team",
            "variables.tf": 'variable "team" {}\n',
            "env/prod.tfvars": 'team = "web"\n',
            "env/dev.tfvars.json": '{"region": "eu-west-1"}',
        },
    )
    monkeypatch.chdir(tmp_path)
    module = scan(["."], Settings()).modules["stack"]
    bucket = module.backends[0].attribute("bucket")
    assert bucket is not None
    assert (bucket.value.unset, bucket.value.unset_set_in) == (
        ("team",),
        ("stack/env/prod.tfvars",),
    )
    (finding,) = scan(["."], Settings()).findings
    assert finding.message.endswith(
        "`stack/env/prod.tfvars` sets it, but init reads such a file only when named: "
        "`tofu init -var-file=env/prod.tfvars`."
    )
