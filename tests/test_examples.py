"""examples/ is what `make demo` and the CI self-test run on: what it holds, what the README
shows of it, and the CDKTF app's fix compiling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backend_guard.cli import main
from backend_guard.config import Settings
from backend_guard.scan import scan
from tests.test_cdktf_typecheck import fix_in_place, require_toolchain, tsc, typecheck_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_examples_hold_one_case_of_each_kind(at_root: None) -> None:
    result = scan(["examples/"], Settings())
    assert {(f.rule, f.path, f.span.start_line) for f in result.findings} == {
        ("BG101", "examples/partial-s3/provider.tf", 12),
        ("BG102", "examples/variables-in-backend/backend.tf", 4),
        ("BG106", "examples/hcp-cloud/terraform.tf", 4),
        ("BG104", "examples/cdktf-typescript/lib/app-stack.ts", 22),
        ("BG201", "examples/cdktf-typescript/lib/app-stack.ts", 28),
        ("BG202", "examples/cdktf-typescript/lib/app-stack.ts", 18),
    }


def test_the_self_test_job_expects_what_the_examples_hold(at_root: None) -> None:
    result = scan(["examples"], Settings())
    counts = {
        "FINDINGS": len(result.findings),
        "ERRORS": sum(f.severity.value == "error" for f in result.findings),
        "WARNINGS": sum(f.severity.value == "warning" for f in result.findings),
    }
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    [check] = [s for s in ci["jobs"]["self-test"]["steps"] if s.get("name") == "Check the outputs"]
    expected = dict(re.findall(r'test "\$(\w+)" = (\d+)', check["run"]))
    assert expected == {name: str(count) for name, count in counts.items()}
    image = next(s for s in ci["jobs"]["image"]["steps"] if "docker run" in s.get("run", ""))
    assert f"grep -q '^errors={counts['ERRORS']}$'" in image["run"]


def _readme_demo() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("`make demo` prints one line per finding")
    block = readme[readme.index("```\n", start) + 4 :]
    return block[: block.index("```\n")].splitlines()


def test_the_readme_shows_what_make_demo_prints(
    at_root: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "examples/"]) == 1
    printed = capsys.readouterr().out.splitlines()
    shown = _readme_demo()
    assert len(shown) >= 4
    remaining = iter(printed)
    assert all(line in remaining for line in shown)  # printed lines, in the order printed
    assert shown[-1] == printed[-1]  # the count
    assert any("examples/cdktf-typescript/" in line for line in shown)
    assert main(["fix", "--diff", "examples/cdktf-typescript"]) == 0
    diff = capsys.readouterr().out
    assert f"```diff\n{diff}```\n" in (ROOT / "README.md").read_text()


def test_the_cdktf_example_compiles_before_and_after_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_toolchain()
    root = typecheck_project(EXAMPLES / "cdktf-typescript", tmp_path / "app")
    completed = tsc(root)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    fix_in_place(root, monkeypatch)
    fixed = (root / "lib" / "app-stack.ts").read_text()
    assert "new LocalBackend(this" in fixed and "S3Backend" not in fixed
    completed = tsc(root)
    assert completed.returncode == 0, completed.stdout + completed.stderr
