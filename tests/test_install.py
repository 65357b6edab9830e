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
from pathlib import Path

import pytest

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


def test_the_install_script_builds_an_environment_that_runs_the_action(tmp_path: Path) -> None:
    wheelhouse = _wheelhouse()
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
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",  # the wheelhouse only: no network
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_CACHE_DIR": "1",
    }
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
    frozen = _sh([python, "-m", "pip", "list", "--format=freeze"], cwd=tmp_path, env=env)
    locked = (ROOT / "requirements" / "runtime.txt").read_text().split()
    tools = {"pip", "setuptools", "wheel"}  # whatever `python -m venv` brings
    installed = {line for line in frozen.lower().split() if line.split("==")[0] not in tools}
    assert installed == {line.lower() for line in locked} | {"backend-guard==0.1.0"}

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
