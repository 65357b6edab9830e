"""Repository context: settings files, `-backend-config` flags, env vars, OpenTofu hints."""

from __future__ import annotations

from pathlib import Path

from backend_guard.context import build


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_settings_file_named_by_a_workflow(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "config/prod.s3.tfbackend": 'bucket = "acme-prod"\nkey = "app.tfstate"\nregion = "eu-west-1"\n',
            ".github/workflows/deploy.yml": (
                "jobs:\n  deploy:\n    env:\n      AWS_REGION: eu-west-1\n    steps:\n"
                "      - run: terraform init -input=false -backend-config=config/prod.s3.tfbackend\n"
            ),
        },
    )
    context = build(["config/prod.s3.tfbackend"], [".github/workflows/deploy.yml"], [])
    from_file, from_flag = context.supplied
    assert from_file.backend_type == "s3" and from_file.value("bucket") == "acme-prod"
    assert from_flag.keys == {"bucket", "key", "region"}
    assert (
        from_flag.where.path == ".github/workflows/deploy.yml" and from_flag.where.start_line == 6
    )
    assert "AWS_REGION" in context.env
    assert context.supplied_for("gcs") == []


def test_key_value_flags_and_tf_cli_args(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "Makefile": (
                'init:\n\tterraform init -backend-config="key=$(ENV)/app.tfstate" '
                "-backend-config=bucket=acme-state\n"
            ),
            "ci.sh": 'export TF_CLI_ARGS_init="-backend-config=region=us-east-1"\nterraform init\n',
        },
    )
    context = build([], ["Makefile", "ci.sh"], [])
    by_key = {key: s for s in context.supplied for key in s.keys}
    assert set(by_key) == {"key", "bucket", "region"}
    assert by_key["key"].unknown  # computed by make
    assert not by_key["bucket"].unknown and by_key["bucket"].value("bucket") == "acme-state"
    assert "TF_CLI_ARGS_init" in context.env


def test_computed_file_flag_is_unknown(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"deploy.sh": 'terraform init -backend-config="$BACKEND_FILE"\n'})
    (supplied,) = build([], ["deploy.sh"], []).supplied
    assert supplied.unknown and not supplied.keys


def test_opentofu_and_token_hints(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            ".github/workflows/plan.yml": (
                "steps:\n  - uses: opentofu/setup-opentofu@v1\n  - run: tofu init\n"
                "    env:\n      TF_TOKEN_app_terraform_io: ${{ secrets.TFC_TOKEN }}\n"
            )
        },
    )
    context = build([], [".github/workflows/plan.yml"], [])
    assert context.opentofu_hint is not None and context.opentofu_hint.start_line == 2
    assert context.token_hint is not None and context.token_hint.start_line == 5


def test_unparseable_settings_file_is_a_problem_with_its_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"broken.tfbackend": 'bucket = "unterminated\n'})
    context = build(["broken.tfbackend"], [], [])
    assert context.supplied == []
    (problem,) = context.problems
    assert problem.span.path == "broken.tfbackend" and "cannot be parsed" in problem.message


def test_other_ci_systems_composite_actions_and_bare_scripts_supply_settings(
    tmp_path: Path, monkeypatch
) -> None:
    from backend_guard.discover import discover

    monkeypatch.chdir(tmp_path)
    init = "terraform init -backend-config=bucket=acme-state -backend-config=key=app.tfstate\n"
    write(
        tmp_path,
        {
            ".gitlab-ci.yml": f"plan:\n  script:\n    - {init}",
            ".github/actions/init/action.yml": f"runs:\n  using: composite\n  steps:\n    - run: {init}",
            "bin/terraform-init": f"#!/bin/sh\nset -eu\n{init}",
            "src/notes": f"{init}",  # not a script folder: not read
        },
    )
    found = discover(["."])
    assert sorted(found.automation_files) == [
        ".github/actions/init/action.yml",
        ".gitlab-ci.yml",
        "bin/terraform-init",
    ]
    context = build(found.setting_files, found.automation_files, [])
    assert {s.where.path for s in context.supplied} == set(found.automation_files)
