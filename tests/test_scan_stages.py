"""The scan's stages: rules that never hide each other, and the precedence table that folds one
backend's findings into the one that explains it first."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from backend_guard.config import Settings
from backend_guard.model import Severity
from backend_guard.rules import RULES
from backend_guard.scan import scan
from backend_guard.scan.resolve import FOLDED_INTO

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
RULES_DIR = Path(__file__).parent.parent / "src" / "backend_guard" / "rules"

# project, the file and line of its backend, the rule that explains it first, and what
# external-state-storage says once that rule is off
FOLDED = [
    (
        "partial_named_bucket",
        "versions.tf",
        12,
        "BG101",
        'backend "s3" keeps state in bucket "acme-payments-tf-state", which nothing in this '
        "repository creates; in a fresh account `terraform init` fails because it does not exist.",
    ),
    (
        "vars_in_backend",
        "backend.tf",
        2,
        "BG102",
        'backend "s3" keeps state in bucket `"tfstate-${var.environment}"`, which nothing in this '
        "repository creates; in a fresh account `terraform init` fails because it does not exist.",
    ),
    (
        "bootstrap_lock_table",
        "main.tf",
        4,
        "BG105",
        'backend "s3" keeps state in DynamoDB lock table "acme-tf-locks", which nothing in this '
        'repository creates; init passes but the first plan fails ("Error acquiring the state '
        'lock").',
    ),
]


def _shown(project: str, settings: Settings) -> list[tuple[str, str, int]]:
    result = scan(["."], settings)
    return [(f.rule, f.path, f.span.start_line) for f in result.findings]


@pytest.mark.parametrize(("project", "path", "line", "first", "message"), FOLDED)
def test_by_default_the_first_explanation_is_shown_and_storage_is_folded(
    project: str, path: str, line: int, first: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECTS / project)
    result = scan(["."], Settings())
    assert (first, path, line) in [(f.rule, f.path, f.span.start_line) for f in result.findings]
    assert "BG104" not in {f.rule for f in result.findings}
    (folded,) = result.folded
    assert (folded.rule, folded.path, folded.span.start_line) == ("BG104", path, line)
    assert folded.message == message


@pytest.mark.parametrize(("project", "path", "line", "first", "message"), FOLDED)
def test_turning_the_first_rule_off_lets_external_state_storage_speak(
    project: str, path: str, line: int, first: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECTS / project)
    result = scan(["."], Settings(disabled=frozenset({first})))
    (storage,) = [f for f in result.findings if f.rule == "BG104"]
    assert (storage.path, storage.span.start_line, storage.message) == (path, line, message)
    assert storage.fix is not None
    assert result.folded == []


def test_suppressing_the_first_finding_inline_lets_external_state_storage_speak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(PROJECTS / "partial_named_bucket", tmp_path / "p")
    versions = tmp_path / "p" / "versions.tf"
    text = versions.read_text(encoding="utf-8")
    versions.write_text(
        text.replace(
            '  backend "s3" {',
            '  # backend-guard:ignore BG101 -- the wrapper adds key and region\n  backend "s3" {',
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "p")
    assert _shown(".", Settings()) == [("BG104", "versions.tf", 13)]


def test_a_severity_setting_does_not_unfold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECTS / "partial_named_bucket")
    result = scan(["."], Settings(severities={"BG101": Severity.NOTE}))
    assert [(f.rule, f.severity.value) for f in result.findings] == [("BG101", "note")]


def test_the_precedence_table_names_rules_and_has_no_cycle() -> None:
    ids = {rule.id for rule in RULES}
    for folded, first in FOLDED_INTO.items():
        assert folded in ids and set(first) <= ids
        assert not set(first) & set(FOLDED_INTO), "a rule that is folded folds nothing"


def test_no_rule_imports_another_rule() -> None:
    """Rules share helpers (base, storage_names), never each other's checks."""
    rule_modules = {path.stem for path in RULES_DIR.glob("*.py")} - {
        "__init__",
        "base",
        "storage_names",
    }
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                imported = {n.removeprefix("backend_guard.rules.") for n in names}
                assert not imported & (rule_modules - {path.stem}), f"{path.name} imports a rule"
