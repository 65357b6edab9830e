"""A backend construct in a branch the default environment does not take: with the variables its
condition reads unset, the app synthesizes no such backend. That is a warning naming the
condition (BG204), under both policies, not the stack's backend; once the CI sets a variable the
condition reads, the construct is judged as the stack's backend. The real cdktf confirms what a
default run synthesizes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend_guard.choices import Policy
from backend_guard.config import Settings
from backend_guard.scan import scan
from backend_guard.sources import cdktf_python, cdktf_typescript
from tests.cdktf_projects import FIXTURES
from tests.oracle import terraform_init
from tests.test_cdktf_synth import require_synth, run_app, terraform_block

POLICIES = pytest.mark.parametrize("policy", list(Policy))


@POLICIES
@pytest.mark.parametrize(
    ("project", "condition", "variable"),
    [
        ("ts_backend_by_env", "`backendKind === 'azurerm'`", "`TF_BACKEND`"),
        (
            "python_backend_by_env",
            '`os.getenv("STATE_BACKEND", "local") == "gcs"`',
            "`STATE_BACKEND`",
        ),
    ],
)
def test_a_construct_the_default_run_skips_is_a_warning_naming_the_condition(
    project: str,
    condition: str,
    variable: str,
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES / project)
    (finding,) = scan(["."], Settings(policy=policy)).findings
    assert (finding.rule, finding.severity.value) == ("BG204", "warning")
    assert f"made only when {condition}" in finding.message
    assert f"{variable} is unset, and nothing sets it" in finding.message


def test_once_the_ci_sets_the_variable_the_construct_is_the_stacks_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "ts_backend_by_env", app)
    workflow = app / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(
        text.replace('      CI: "true"\n', '      CI: "true"\n      TF_BACKEND: azurerm\n'),
        encoding="utf-8",
    )
    monkeypatch.chdir(app)
    assert [f.rule for f in scan(["."], Settings(policy=Policy.SELF_CONTAINED)).findings] == [
        "BG104"
    ]
    assert scan(["."], Settings(policy=Policy.REMOTE_ALLOWED)).findings == []


ARMS = {
    "ts": (
        cdktf_typescript,
        "main.ts",
        "import { GcsBackend, S3Backend, TerraformStack } from 'cdktf';\n"
        "const local = process.env.TF_EXECUTE_LOCAL === 'true';\n"
        "class S extends TerraformStack { constructor(scope: any, id: string) {\n"
        "  super(scope, id);\n"
        "  if (!local) { new S3Backend(this, { bucket: 'b', key: 'k', region: 'r' }); }\n"
        "  if (process.env.SHARED) { new GcsBackend(this, { bucket: 'g' }); }\n"
        "  else { new S3Backend(this, { bucket: 'c', key: 'k', region: 'r' }); }\n"
        "  const gcs = process.env.KIND === 'gcs' ? new GcsBackend(this, { bucket: 'h' }) : null;\n"
        "  if (id === 'prod') { new GcsBackend(this, { bucket: 'p' }); }\n"
        "} }\n",
    ),
    "py": (
        cdktf_python,
        "main.py",
        "import os\nfrom cdktf import GcsBackend, S3Backend, TerraformStack\n"
        "local = os.environ.get('TF_EXECUTE_LOCAL') == 'true'\n"
        "class S(TerraformStack):\n    def __init__(self, scope, id):\n"
        "        super().__init__(scope, id)\n"
        "        if not local:\n            S3Backend(self, bucket='b', key='k', region='r')\n"
        "        if os.getenv('SHARED'):\n            GcsBackend(self, bucket='g')\n"
        "        else:\n            S3Backend(self, bucket='c', key='k', region='r')\n"
        "        gcs = GcsBackend(self, bucket='h') if os.getenv('KIND') == 'gcs' else None\n"
        "        if id == 'prod':\n            GcsBackend(self, bucket='p')\n",
    ),
}


@pytest.mark.parametrize("lang", sorted(ARMS))
def test_which_arms_a_default_run_takes(lang: str) -> None:
    source, path, text = ARMS[lang]
    off = {
        b.attribute("bucket").value.literal: b.off_by_default  # type: ignore[union-attr]
        for b in source.read(path, text, path).backends
    }
    assert off["b"] is None  # `!local`: local is false with TF_EXECUTE_LOCAL unset
    assert off["g"] is not None and off["g"][1] == ("SHARED",)
    assert off["c"] is None  # the else arm of a condition false by default
    assert off["h"] is not None and off["h"][1] == ("KIND",)
    assert off["p"] is None  # a condition on a parameter may go either way


def test_the_real_default_synth_has_no_such_backend(tmp_path: Path) -> None:
    require_synth()
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_backend_by_env", app)
    assert run_app(app, tmp_path / "default").returncode == 0
    default = tmp_path / "default" / "stacks" / "events"
    assert list(terraform_block(default)["backend"]) == ["local"]
    assert terraform_init(default).ok
    assert run_app(app, tmp_path / "gcs", {"STATE_BACKEND": "gcs"}).returncode == 0
    chosen = terraform_block(tmp_path / "gcs" / "stacks" / "events")
    assert list(chosen["backend"]) == ["gcs"]
