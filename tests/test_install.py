"""The action as its image holds it: installed by scripts/install.sh into a fresh virtualenv.

There is no Docker engine here, so the test does what the Dockerfile does, with the same script:
copy the same files, install the locked dependencies, then the package (warming python-hcl2's
grammar cache), and run `python entrypoint.py` from that environment against the GitHub emulator.
pip reads only the local wheelhouse the Makefile builds next to the dev virtualenv
(`$(VENV)/wheelhouse`), so the test sends nothing over the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.github_emulator import Emulator, GitRepo
from tests.github_emulator.scenario import PROJECTS, event, open_pull_request, with_commits
from tests.test_action_e2e import ROOT, Runner

WHEELHOUSE = Path(sys.prefix) / "wheelhouse"
# What the Dockerfile copies into /app, in its order.
COPIED = ("scripts/install.sh", "requirements/runtime.txt", "pyproject.toml", "README.md", "src")


def _wheelhouse() -> Path:
    if WHEELHOUSE.is_dir():
        return WHEELHOUSE
    reason = f"no wheelhouse at {WHEELHOUSE}: `make` builds it with the dev virtualenv"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _sh(args: list[str], *, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _offline_env(tmp_path: Path, venv: Path) -> dict[str, str]:
    return {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",  # the wheelhouse only: no network
        "PIP_FIND_LINKS": str(_wheelhouse()),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_CACHE_DIR": "1",
    }


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path, int]:
    """What the image holds: /app, its Python, python-hcl2's grammar cache and its mtime."""
    tmp_path = tmp_path_factory.mktemp("image")
    app = tmp_path / "app"
    for relative in COPIED:
        source, target = ROOT / relative, app / relative
        if source.is_dir():
            shutil.copytree(
                source, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = _offline_env(tmp_path, venv)
    _sh(["sh", "scripts/install.sh", "dependencies"], cwd=app, env=env)
    _sh(["sh", "scripts/install.sh", "package"], cwd=app, env=env)
    shutil.copy2(ROOT / "entrypoint.py", app / "entrypoint.py")
    python = str(venv / "bin" / "python")
    where = _sh(
        [
            python,
            "-c",
            "import backend_guard, hcl2.parser as p; print(backend_guard.__file__); print(p.PARSER_FILE)",
        ],
        cwd=tmp_path,
        env=env,
    ).split()
    module, grammar_cache = Path(where[0]), Path(where[1])
    assert module.is_relative_to(venv)  # the installed copy, not the checkout's src/
    assert grammar_cache.is_relative_to(venv) and grammar_cache.stat().st_size > 0
    warmed = grammar_cache.stat().st_mtime_ns
    parse_caches = (module.parent / "data" / "__pycache__").glob("*.toml.json")
    assert sorted(c.name for c in parse_caches if c.stat().st_size) == [
        "opentofu.toml.json",
        "storage.toml.json",
        "terraform.toml.json",
    ]
    frozen = _sh([python, "-m", "pip", "list", "--format=freeze"], cwd=tmp_path, env=env)
    locked = (ROOT / "requirements" / "runtime.txt").read_text().split()
    tools = {"pip", "setuptools", "wheel"}  # whatever `python -m venv` brings
    installed = {line for line in frozen.lower().split() if line.split("==")[0] not in tools}
    assert installed == {line.lower() for line in locked} | {"backend-guard==0.1.0"}

    return app, python, grammar_cache, warmed


def test_the_install_script_builds_an_environment_that_runs_the_action(
    image: tuple[Path, str, Path, int], tmp_path: Path
) -> None:
    app, python, grammar_cache, warmed = image
    repo = GitRepo(tmp_path / "workspace")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    repo.copy_tree(PROJECTS / "seed_partial_s3", "stacks/pipeline")
    repo.copy_tree(PROJECTS / "external_s3", "stacks/network")
    head = repo.commit("Add the stacks")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    with Emulator(opened["repository"]) as emulator:
        open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        runner = Runner(
            tmp_path, repo.path, emulator, python=python, entrypoint=app / "entrypoint.py"
        )
        result = runner.run(opened, "pull_request")
        assert emulator.violations == []
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    [review] = emulator.reviews(2)
    assert review["commit_id"] == head
    comments = emulator.comments(2)
    assert {c["path"] for c in comments} == {
        "stacks/pipeline/provider.tf",
        "stacks/network/backend.tf",
    }
    assert sum("```suggestion" in c["body"] for c in comments) == 2
    assert "BG101" in result.summary and int(result.outputs["errors"]) >= 2
    assert grammar_cache.stat().st_mtime_ns == warmed  # the run used the cache the install built


def _image_job_step() -> dict[str, Any]:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    [step] = [s for s in ci["jobs"]["image"]["steps"] if "docker run" in s.get("run", "")]
    return step


def test_the_image_runs_on_the_examples_as_the_ci_image_job_runs_it(
    image: tuple[Path, str, Path, int], tmp_path: Path
) -> None:
    """The CI job's environment, with its /github/workspace mount made a directory here."""
    app, python, _, _ = image
    step = _image_job_step()
    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "examples", workspace / "examples")
    events = Path("tests/data/github-api/events")
    shutil.copytree(ROOT / events, workspace / events)
    (workspace / ".image-run").mkdir()
    env = {
        name: str(value).replace("/github/workspace", str(workspace))
        for name, value in step["env"].items()
    }
    env |= {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    assert env["GITHUB_EVENT_NAME"] == "push" and Path(env["GITHUB_EVENT_PATH"]).is_file()
    done = subprocess.run(
        [python, str(app / "entrypoint.py")],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert 'test "$status" = 1' in step["run"]
    assert done.returncode == 1, done.stdout + done.stderr
    output = (workspace / ".image-run" / "output").read_text()
    assert "errors=4" in output.splitlines()
    assert "BG104" in (workspace / ".image-run" / "summary").read_text()


def test_the_wheel_runs_in_a_fresh_virtualenv_as_pipx_and_uvx_run_it(tmp_path: Path) -> None:
    """`pipx run backend-guard` and `uvx backend-guard` install the wheel with its declared
    dependencies into a fresh environment and run the console script named after the package."""
    dist = tmp_path / "dist"
    venv = tmp_path / "venv"
    env = _offline_env(tmp_path, venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = str(venv / "bin" / "pip")
    _sh([pip, "wheel", "--no-deps", "-w", str(dist), str(ROOT)], cwd=tmp_path, env=env)
    [wheel] = dist.glob("backend_guard-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "backend-guard = backend_guard.cli:main" in archive.read(entry_points).decode()
    assert "backend_guard/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "bench/"))]
    _sh([pip, "install", str(wheel)], cwd=tmp_path, env=env)
    script = str(venv / "bin" / "backend-guard")
    assert _sh([script, "--version"], cwd=tmp_path, env=env) == "backend-guard 0.1.0\n"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    done = subprocess.run(
        [script, "check", "examples"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert "examples/cdktf-typescript/lib/app-stack.ts:22:5: error BG104" in done.stdout
    missing = subprocess.run(
        [script, "check", "nowhere"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert (missing.returncode, missing.stdout) == (2, "")
    assert "nowhere: no such file or directory" in missing.stderr
