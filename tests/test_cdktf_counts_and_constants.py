"""What a CDKTF app counts as, and how its constants are shown.

Every app is a root module, whatever its language and whether or not its program names a backend
(synth adds the local one); its program files are scanned files. A constant bound in another
module of the app (`import { STATE_BUCKET } from './settings'`, `from config.remote import
TERRAFORM_ORGANIZATION`) is read there, so messages show its value, never its name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend_guard.choices import Policy
from backend_guard.cli import main
from backend_guard.config import Settings
from backend_guard.scan import scan
from tests.cdktf_projects import FIXTURES

POLICIES = pytest.mark.parametrize("policy", list(Policy))


@POLICIES
def test_an_app_without_a_backend_construct_is_a_root_module(
    policy: Policy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(FIXTURES / "python_implicit_local")
    result = scan(["."], Settings(policy=policy))
    assert (result.findings, result.root_modules, result.files_scanned) == ([], 1, 1)
    assert main(["check", "--policy", policy.value, "."]) == 0
    assert "no problems in 1 root module (1 file scanned)" in capsys.readouterr().out


def test_every_stack_of_an_app_with_backends_is_a_root_module_and_the_app_no_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES / "ts_shared_settings")
    result = scan(["."], Settings())
    assert result.root_modules == 2
    assert sorted(d for d, m in result.modules.items() if m.is_root and m.files) == [
        "main.ts#LedgerStack",
        "main.ts#SettlementStack",
    ]


@POLICIES
@pytest.mark.parametrize(
    ("project", "shown"),
    [
        ("ts_shared_settings", 'bucket "payments-terraform-state"'),
        ("python_settings_module", 'organization "acme-platform"'),
    ],
)
def test_a_constant_of_another_module_of_the_app_is_shown_by_its_value(
    project: str, shown: str, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES / project)
    findings = scan(["."], Settings(policy=policy)).findings
    if project == "ts_shared_settings" and policy is Policy.REMOTE_ALLOWED:
        assert findings == []  # a complete S3 backend
        return
    assert findings and all(shown in f.message for f in findings), findings
    assert not any("STATE_BUCKET" in f.message or "ORGANIZATION" in f.message for f in findings)


def test_a_module_outside_the_app_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "ts_shared_settings", app)
    (tmp_path / "settings.ts").write_text(
        "export const STATE_BUCKET = 'outside';\n", encoding="utf-8"
    )
    main_ts = app / "main.ts"
    main_ts.write_text(
        main_ts.read_text(encoding="utf-8").replace("'./settings'", "'../settings'"),
        encoding="utf-8",
    )
    monkeypatch.chdir(app)
    messages = [f.message for f in scan(["."], Settings()).findings]
    assert messages and all("`STATE_BUCKET`" in m and "outside" not in m for m in messages)
