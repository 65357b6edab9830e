"""A backend file linked into several modules (`app/backend.tofu -> ../shared/backend.tofu`) is
one finding, at the file itself, that names the modules; the folder of snippets the links point
to is no root module; and the fix rewrites the file once, keeping the links.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend_guard.apply import plan, write
from backend_guard.choices import Policy
from backend_guard.config import Settings
from backend_guard.scan import scan

PROJECT = Path(__file__).parent / "fixtures" / "projects" / "linked_backend"


@pytest.mark.parametrize("policy", list(Policy))
def test_a_linked_backend_is_one_finding_that_names_its_modules(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT)
    result = scan(["."], Settings(policy=policy))
    (finding,) = result.findings
    assert (finding.rule, finding.path) == ("BG101", "shared/backend.tofu")
    assert "linked into the modules `app` and `network`" in finding.message
    assert result.root_modules == 2
    assert sorted(d for d, m in result.modules.items() if m.files) == ["app", "network"]


def test_the_fix_rewrites_the_shared_file_once_and_keeps_the_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, symlinks=True)
    monkeypatch.chdir(project)
    result = scan(["."], Settings())
    fixes = plan(result.findings, result.texts)
    assert set(fixes.updated) == {"shared/backend.tofu"}
    write(fixes, result.texts)
    for module in ("app", "network"):
        link = project / module / "backend.tofu"
        assert link.is_symlink() and 'backend "local"' in link.read_text(encoding="utf-8")
    assert scan(["."], Settings()).findings == []
