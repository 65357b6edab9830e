"""What reaches each module at init time: settings files, flags, variables, env, the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_guard import discover
from backend_guard.choices import Engine
from backend_guard.config import Settings
from backend_guard.module_context import ModuleContext
from backend_guard.scan import collect

EMPTY_S3 = 'terraform {\n  backend "s3" {}\n}\n'


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def contexts(
    root: Path, files: dict[str, str], monkeypatch, **settings
) -> dict[str, ModuleContext]:
    write(root, files)
    monkeypatch.chdir(root)
    return collect.collect(discover.discover(["."]), Settings(**settings)).contexts


def keys(context: ModuleContext) -> set[str]:
    return {key for supplied in context.supplied for key in supplied.keys}


def test_settings_file_named_by_a_workflow_reaches_the_module_it_runs_in(
    tmp_path: Path, monkeypatch
) -> None:
    found = contexts(
        tmp_path,
        {
            "config/prod.s3.tfbackend": 'bucket = "acme-prod"\nkey = "app.tfstate"\nregion = "eu-west-1"\n',
            "app/backend.tf": EMPTY_S3,
            "other/backend.tf": EMPTY_S3,
            ".github/workflows/deploy.yml": (
                "jobs:\n  deploy:\n    env:\n      AWS_REGION: eu-west-1\n"
                "    defaults:\n      run:\n        working-directory: app\n    steps:\n"
                "      - run: terraform init -input=false -backend-config=../config/prod.s3.tfbackend\n"
            ),
        },
        monkeypatch,
    )
    (supplied,) = found["app"].supplied
    assert supplied.source == "config/prod.s3.tfbackend" and supplied.value("bucket") == "acme-prod"
    assert supplied.where.path == ".github/workflows/deploy.yml" and supplied.where.start_line == 9
    assert supplied.origin == "config/prod.s3.tfbackend, passed at .github/workflows/deploy.yml:9"
    assert "AWS_REGION" in found["app"].env
    assert found["other"].supplied == [] and "AWS_REGION" not in found["other"].env
    assert found["app"].supplied_for("gcs") == []  # named for s3


def test_make_targets_cd_and_chdir_tie_flags_to_folders(tmp_path: Path, monkeypatch) -> None:
    found = contexts(
        tmp_path,
        {
            "network/backend.tf": EMPTY_S3,
            "compute/backend.tf": EMPTY_S3,
            "dns/backend.tf": EMPTY_S3,
            "Makefile": (
                "init-network:\n\tcd network && terraform init "
                '-backend-config="key=$(ENV)/network.tfstate" -backend-config=bucket=acme-state\n'
                "init-compute:\n\tterraform -chdir=compute init \\\n"
                "\t  -backend-config=bucket=acme-state \\\n\t  -input=false\n"
            ),
        },
        monkeypatch,
    )
    network = {s.keys and next(iter(s.keys)): s for s in found["network"].supplied}
    assert set(network) == {"key", "bucket"} and network["key"].unknown
    assert network["bucket"].value("bucket") == "acme-state" and not network["bucket"].unknown
    assert keys(found["compute"]) == {"bucket"}
    assert found["dns"].supplied == []


def test_tf_cli_args_init_and_variables_from_the_step_env(tmp_path: Path, monkeypatch) -> None:
    found = contexts(
        tmp_path,
        {
            "infra/backend.tf": EMPTY_S3,
            "infra/prod.tfvars": 'environment = "prod"\nreplicas = 3\n',
            ".gitlab-ci.yml": (
                "variables:\n  TF_VAR_region: eu-west-1\n"
                "plan:\n  variables:\n    TF_CLI_ARGS_init: -backend-config=region=us-east-1\n"
                "  script:\n    - cd infra\n"
                "    - tofu init -var-file=prod.tfvars -var 'owner=platform'\n"
            ),
        },
        monkeypatch,
    )
    infra = found["infra"]
    assert keys(infra) == {"region"}
    (supplied,) = infra.supplied
    assert supplied.where.start_line == 5  # the variable's definition
    assert infra.fixed_flags == [supplied.where] and infra.removable_flags == []
    assert {name: value for name, (value, _) in infra.environment_variables.items()} == {
        "region": "eu-west-1"
    }
    assert {name: value for name, (value, _) in infra.variables.items()} == {
        "environment": "prod",
        "replicas": "3",
        "owner": "platform",
    }
    assert infra.variables["environment"][1].path == "infra/prod.tfvars"
    assert infra.variables["owner"][1].start_line == 8
    assert infra.engine is Engine.OPENTOFU and ".gitlab-ci.yml:8" in infra.engine_reason


def test_a_computed_folder_reaches_every_module_and_is_named(tmp_path: Path, monkeypatch) -> None:
    found = contexts(
        tmp_path,
        {
            "a/backend.tf": EMPTY_S3,
            "b/backend.tf": EMPTY_S3,
            "deploy.sh": (
                'for dir in a b; do\n  (cd "$dir" && terraform init -backend-config="$BACKEND_FILE")\n'
                "done\n"
            ),
        },
        monkeypatch,
    )
    for module in ("a", "b"):
        (supplied,) = found[module].supplied
        assert supplied.unknown and not supplied.keys
        assert [(s.path, s.start_line) for s in found[module].unplaced] == [("deploy.sh", 2)]


def test_a_matrix_of_folders_serves_each_and_its_flags_serve_them_all(
    tmp_path: Path, monkeypatch
) -> None:
    found = contexts(
        tmp_path,
        {
            "envs/dev/backend.tf": EMPTY_S3,
            "envs/prod/backend.tf": EMPTY_S3,
            "envs/lab/backend.tf": EMPTY_S3,
            ".github/workflows/plan.yml": (
                "jobs:\n  plan:\n    strategy:\n      matrix:\n        env: [dev, prod]\n"
                "    steps:\n      - uses: opentofu/setup-opentofu@v1\n"
                "      - working-directory: envs/${{ matrix.env }}\n"
                "        run: tofu init -backend-config=bucket=acme-${{ matrix.env }}\n"
            ),
        },
        monkeypatch,
    )
    for env in ("dev", "prod"):
        assert keys(found[f"envs/{env}"]) == {"bucket"}
        assert found[f"envs/{env}"].engine is Engine.OPENTOFU
        assert found[f"envs/{env}"].removable_flags == []  # one line serves both
    assert found["envs/lab"].supplied == [] and found["envs/lab"].engine is Engine.TERRAFORM


def test_a_script_called_with_a_folder_runs_there(tmp_path: Path, monkeypatch) -> None:
    found = contexts(
        tmp_path,
        {
            "stacks/api/backend.tf": EMPTY_S3,
            "stacks/web/backend.tf": EMPTY_S3,
            "scripts/init.sh": '#!/bin/sh\nset -eu\ncd "$1"\nterraform init -backend-config=key=app\n',
            ".github/workflows/ci.yml": (
                "jobs:\n  ci:\n    steps:\n      - run: ./scripts/init.sh stacks/api\n"
                "        env:\n          AWS_REGION: eu-west-1\n"
            ),
        },
        monkeypatch,
    )
    assert keys(found["stacks/api"]) == {"key"} and "AWS_REGION" in found["stacks/api"].env
    assert found["stacks/web"].supplied == []


def test_an_unpassed_settings_file_supplies_nothing_but_is_remembered(
    tmp_path: Path, monkeypatch
) -> None:
    found = contexts(
        tmp_path,
        {"backend.hcl": 'bucket = "acme"\nregion = "eu-west-1"\n', "main.tf": EMPTY_S3},
        monkeypatch,
    )
    assert found["."].supplied == []
    (unpassed,) = found["."].unpassed
    assert unpassed.source == "backend.hcl" and unpassed.keys == {"bucket", "region"}


@pytest.mark.parametrize(
    ("files", "engine", "reason"),
    [
        ({".opentofu-version": "1.9.0\n"}, Engine.OPENTOFU, "its `.opentofu-version`"),
        ({"main.tofu": EMPTY_S3}, Engine.OPENTOFU, "its `.tofu` files"),
        ({}, Engine.TERRAFORM, "the default engine"),
    ],
)
def test_without_ci_the_module_files_decide_the_engine(
    tmp_path: Path, monkeypatch, files: dict[str, str], engine: Engine, reason: str
) -> None:
    found = contexts(tmp_path / "repo", {"main.tf": EMPTY_S3, **files}, monkeypatch)
    assert (found["."].engine, found["."].engine_reason) == (engine, reason)


def test_unparseable_settings_file_is_a_problem_with_its_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"broken.tfbackend": 'bucket = "unterminated\n', "main.tf": EMPTY_S3})
    collected = collect.collect(discover.discover(["."]), Settings())
    (problem,) = collected.repo.problems
    assert problem.span.path == "broken.tfbackend" and "cannot be parsed" in problem.message


def test_other_ci_systems_composite_actions_and_bare_scripts_supply_settings(
    tmp_path: Path, monkeypatch
) -> None:
    init = "terraform init -backend-config=bucket=acme-state -backend-config=key=app.tfstate\n"
    found = contexts(
        tmp_path,
        {
            "main.tf": EMPTY_S3,
            ".gitlab-ci.yml": f"plan:\n  script:\n    - {init}",
            ".github/actions/init/action.yml": f"runs:\n  using: composite\n  steps:\n    - run: {init}",
            "bin/terraform-init": f"#!/bin/sh\nset -eu\n{init}",
            "src/notes": f"{init}",  # not a script folder: not read
        },
        monkeypatch,
    )
    assert {s.where.path for s in found["."].supplied} == {
        ".github/actions/init/action.yml",
        ".gitlab-ci.yml",
        "bin/terraform-init",
    }


def test_a_workflow_of_aliases_is_walked_once_per_node(tmp_path: Path, monkeypatch) -> None:
    aliases = ['s0: &s0 {run: "terraform init -backend-config=key=app"}']
    aliases += [f"s{i}: &s{i} [*s{i - 1}, *s{i - 1}, *s{i - 1}]" for i in range(1, 30)]
    found = contexts(
        tmp_path,
        {
            "main.tf": EMPTY_S3,
            ".github/workflows/bomb.yml": "\n".join([*aliases, "jobs: {x: {steps: [*s29]}}"]),
        },
        monkeypatch,
    )
    assert [s.where.start_line for s in found["."].supplied] == [1]


def test_a_cdktf_app_gets_the_environment_of_the_step_that_deploys_it(
    tmp_path: Path, monkeypatch
) -> None:
    program = (
        'import { App, TerraformStack, S3Backend } from "cdktf";\n'
        "class Api extends TerraformStack {\n"
        "  constructor(scope: App, id: string) {\n"
        "    super(scope, id);\n"
        '    new S3Backend(this, { bucket: process.env.STATE_BUCKET!, key: "api" });\n'
        "  }\n}\n"
        'new Api(new App(), "api");\n'
    )
    found = contexts(
        tmp_path,
        {
            "apps/api/cdktf.json": '{"app": "npx ts-node main.ts", "language": "typescript"}\n',
            "apps/api/main.ts": program,
            ".github/workflows/deploy.yml": (
                "jobs:\n  deploy:\n    steps:\n      - working-directory: apps/api\n"
                "        run: npx cdktf deploy --auto-approve\n"
                "        env:\n          STATE_BUCKET: acme-api-state\n"
            ),
        },
        monkeypatch,
    )
    (stack,) = [c for d, c in found.items() if d.startswith("apps/api/main.ts#")]
    assert stack.env["STATE_BUCKET"].value == "acme-api-state"
    assert stack.env["STATE_BUCKET"].where.start_line == 7
