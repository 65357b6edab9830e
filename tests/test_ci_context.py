"""Per-module context on whole projects: what each module's CI gives it, and fixes that keep
that CI green."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend_guard.cli import main
from backend_guard.config import Settings
from backend_guard.github.diffmap import DiffMap, Hunk
from backend_guard.github.review import compose
from backend_guard.model import Engine, Severity
from backend_guard.rules.base import Policy
from backend_guard.scan import scan

PROJECTS = Path(__file__).parent / "fixtures" / "projects"


def copy(project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / project
    shutil.copytree(PROJECTS / project, target)
    monkeypatch.chdir(target)
    return target


def by_rule(project: str, monkeypatch: pytest.MonkeyPatch, policy: Policy, paths=(".",)):
    monkeypatch.chdir(PROJECTS / project)
    result = scan(list(paths), Settings(policy=policy))
    return result, {(f.rule, f.path): f for f in result.findings}


def test_settings_passed_to_one_module_leave_its_twin_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, found = by_rule("ci_per_module", monkeypatch, Policy.REMOTE_ALLOWED)
    assert set(found) == {("BG101", "b/backend.tf")}
    assert found["BG101", "b/backend.tf"].message.startswith(
        'backend "s3" has no `bucket`, `key` or `region` and nothing that runs in `b` supplies them'
    )
    assert {key for s in result.contexts["a"].supplied for key in s.keys} == {
        "bucket",
        "key",
        "region",
    }
    _, found = by_rule("ci_per_module", monkeypatch, Policy.SELF_CONTAINED)
    assert '"acme-orders-state" (from .github/workflows/deploy.yml:19)' in (
        found["BG104", "a/backend.tf"].message
    )


def test_each_module_gets_the_engine_that_runs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    result, found = by_rule("engine_per_workflow", monkeypatch, Policy.SELF_CONTAINED)
    assert result.modules["tf"].engine is Engine.TERRAFORM
    assert result.modules["infra"].engine is Engine.OPENTOFU
    assert (
        result.contexts["tf"].engine_reason
        == "`terraform` runs it at .github/workflows/terraform.yml:11"
    )
    assert (
        result.contexts["infra"].engine_reason == "`tofu` runs it at .github/workflows/tofu.yml:10"
    )
    assert '"Variables not allowed"' in found["BG102", "tf/backend.tf"].message
    assert "`tofu init` fails" in found["BG104", "infra/backend.tf"].message
    # the same answers when the paths are scanned together
    together = scan(["tf", "infra", ".github"], Settings())
    assert together.modules["tf"].engine is Engine.TERRAFORM
    assert together.modules["infra"].engine is Engine.OPENTOFU


def test_a_settings_file_nothing_passes_is_named_as_the_likely_intent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for policy in Policy:
        _, found = by_rule("unpassed_settings_file", monkeypatch, policy)
        assert found["BG101", "main.tf"].message.endswith(
            "`backend.hcl` at the root holds `bucket` and `region`: pass it with `-backend-config`."
        )


def test_fix_drops_the_flags_that_reach_only_the_fixed_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("ci_per_module", tmp_path, monkeypatch)
    assert main(["fix", "."]) == 0
    workflow = (root / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert "-backend-config" not in workflow
    assert "terraform init -input=false\n      - run: terraform apply" in workflow
    assert main(["check", "."]) == 0
    capsys.readouterr()


def test_fix_exits_1_naming_each_line_it_cannot_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("ci_flags_shared", tmp_path, monkeypatch)
    assert main(["fix", "--diff", "."]) == 1
    shown = capsys.readouterr()
    assert "-\t  -backend-config=../state.s3.tfbackend \\\n" in shown.out
    assert shown.err == (
        ".github/workflows/deploy.yml:17: still passes -backend-config to a module whose backend "
        "the fix makes local; change this line by hand\n"
    )
    assert main(["fix", "."]) == 1
    assert (
        ".github/workflows/deploy.yml:17: still passes -backend-config" in capsys.readouterr().out
    )
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "tools-init:\n\tcd tools && terraform init -input=false\n\ntools-apply" in makefile
    workflow = (root / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert workflow == (PROJECTS / "ci_flags_shared/.github/workflows/deploy.yml").read_text(
        encoding="utf-8"
    )


def test_the_ci_edit_is_a_suggestion_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = by_rule("ci_per_module", monkeypatch, Policy.SELF_CONTAINED)
    every_line = frozenset(range(1, 40))
    diff = DiffMap(
        {
            "a/backend.tf": [Hunk(every_line, every_line)],
            ".github/workflows/deploy.yml": [Hunk(every_line, every_line)],
        }
    )
    review = compose(result.findings, result.texts, diff)
    on_workflow = [c for c in review.comments if c.path == ".github/workflows/deploy.yml"]
    (comment,) = on_workflow
    assert (comment.start_line, comment.line) == (19, 21)
    assert "```suggestion\n```" in comment.body
    assert "makes that module's backend local" in comment.body
    on_backend = next(c for c in review.comments if c.path == "a/backend.tf")
    assert "```suggestion\n" in on_backend.body and "-backend-config=bucket" not in on_backend.body


@pytest.mark.parametrize(
    ("project", "mentions"),
    [("hcp_cloud", False), ("external_s3", False), ("seed_partial_s3", True)],
)
def test_the_kept_block_note_mentions_backend_config_only_for_partial_settings(
    project: str, mentions: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, _ = by_rule(project, monkeypatch, Policy.SELF_CONTAINED)
    (fix,) = {f.fix for f in result.findings if f.fix}
    assert ("-backend-config" in fix.edits[0].text) is mentions


def test_a_local_backend_is_never_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("local_variable_path", tmp_path, monkeypatch)
    before = (root / "backend.tf").read_text(encoding="utf-8")
    result = scan(["."], Settings())
    assert [(f.rule, f.fix) for f in result.findings] == [("BG102", None)]
    main(["fix", "."])
    assert (root / "backend.tf").read_text(encoding="utf-8") == before
    assert "BG102 backend-expression has no automatic fix" in capsys.readouterr().out


def test_a_loop_counts_for_every_module_and_a_note_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, found = by_rule("ci_loop_script", monkeypatch, Policy.REMOTE_ALLOWED)
    note = found["BG101", "services/api/backend.tf"]
    assert note.severity is Severity.NOTE
    assert note.message.startswith(
        'backend "s3" gets `bucket`, `key` and `region` only from scripts/deploy-all.sh:8, whose '
        "folder cannot be told (a loop or a computed path)"
    )
    _, found = by_rule("ci_loop_script", monkeypatch, Policy.SELF_CONTAINED)
    error = found["BG104", "services/worker/backend.tf"]
    assert '"acme-services-state" (from services/worker/prod.s3.tfbackend, passed at ' in (
        error.message
    )
    assert error.fix is not None and [(s.path, s.start_line) for s in error.fix.left] == [
        ("scripts/deploy-all.sh", 8)
    ]


def test_a_partly_supplied_backend_names_what_it_gets_and_from_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / "prod.s3.tfbackend").write_text('bucket = "acme"\nregion = "eu-west-1"\n')
    (tmp_path / "main.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    (tmp_path / ".github/workflows/plan.yml").write_text(
        "jobs:\n  plan:\n    steps:\n      - run: terraform init -backend-config=prod.s3.tfbackend\n"
    )
    monkeypatch.chdir(tmp_path)
    (finding,) = scan(["."], Settings(policy=Policy.REMOTE_ALLOWED)).findings
    assert finding.message.startswith(
        'backend "s3" has no `key` and nothing that runs at the root supplies it (it gets `bucket` '
        "and `region` from prod.s3.tfbackend, passed at .github/workflows/plan.yml:4); "
    )


@pytest.mark.parametrize(("folder", "findings"), [("infra", []), (".", ["BG101"])])
def test_opentofu_early_evaluation_gets_the_variables_the_module_ci_passes(
    folder: str, findings: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra/backend.tofu").write_text(
        'variable "state_bucket" {\n  type = string\n}\n\nterraform {\n  backend "s3" {\n'
        '    bucket = var.state_bucket\n    key    = "infra.tfstate"\n'
        '    region = "eu-west-1"\n  }\n}\n'
    )
    (tmp_path / ".github/workflows/plan.yml").write_text(
        f"jobs:\n  plan:\n    steps:\n      - working-directory: {folder}\n"
        "        run: tofu init -input=false -var state_bucket=acme-infra-state\n"
    )
    monkeypatch.chdir(tmp_path)
    result = scan(["."], Settings(policy=Policy.REMOTE_ALLOWED))
    assert [f.rule for f in result.findings] == findings
    if not findings:
        bucket = result.modules["infra"].backends[0].attribute("bucket")
        assert bucket is not None and bucket.value.literal == "acme-infra-state"
