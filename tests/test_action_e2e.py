"""The action end to end, as the container runs it: `python entrypoint.py` with a runner's environment.

There is no Docker engine here, so the test gives `entrypoint.py` what `docker run` would: the
workspace (a git checkout of a PR that adds a fixture project), the real event payload at
GITHUB_EVENT_PATH, inputs as INPUT_<NAME> with dashes kept, file commands, and GITHUB_API_URL
pointing at the GitHub emulator on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend_guard.apply import plan
from backend_guard.config import Settings
from backend_guard.scan import scan
from tests.github_emulator import READ_TOKEN, WRITE_TOKEN, Emulator, Fault, GitRepo
from tests.github_emulator.scenario import (
    PROJECTS,
    PullRequestRepo,
    event,
    from_fork,
    open_pull_request,
    with_commits,
)

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "entrypoint.py"
ACTION = ROOT / "action.yml"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]


@dataclass
class Runner:
    """Runs the action the way the runner starts its container."""

    tmp: Path
    workspace: Path
    emulator: Emulator
    python: str = sys.executable  # the interpreter of the environment the action is installed in
    entrypoint: Path = ENTRYPOINT

    def run(self, payload: dict[str, Any], event_name: str, **inputs: str) -> Result:
        commands = self.tmp / "file_commands"
        commands.mkdir(exist_ok=True)
        for name in ("output", "summary", "env", "path", "state"):
            (commands / name).write_text("")
        workflow = self.tmp / "workflow"
        workflow.mkdir(exist_ok=True)
        (workflow / "event.json").write_text(json.dumps(payload))
        defaults = {
            name: str(spec.get("default", ""))
            for name, spec in yaml.safe_load(ACTION.read_text())["inputs"].items()
        }
        defaults["github-token"] = WRITE_TOKEN  # what ${{ github.token }} evaluates to
        pull = payload.get("pull_request")
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.tmp / "home"),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTOR": "Codertocat",
            "RUNNER_OS": "Linux",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(workflow / "event.json"),
            "GITHUB_REPOSITORY": "Codertocat/Hello-World",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_SHA": "0" * 40 if pull else str(payload.get("after", "")),
            "GITHUB_REF": f"refs/pull/{pull['number']}/merge"
            if pull
            else str(payload.get("ref", "")),
            "GITHUB_API_URL": self.emulator.url,
            "GITHUB_GRAPHQL_URL": f"{self.emulator.url}/graphql",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_OUTPUT": str(commands / "output"),
            "GITHUB_STEP_SUMMARY": str(commands / "summary"),
            "GITHUB_ENV": str(commands / "env"),
            "GITHUB_PATH": str(commands / "path"),
            "GITHUB_STATE": str(commands / "state"),
        }
        if pull:
            env["GITHUB_HEAD_REF"] = pull["head"]["ref"]
            env["GITHUB_BASE_REF"] = pull["base"]["ref"]
        for name, value in {**defaults, **inputs}.items():
            env[f"INPUT_{name.replace(' ', '_').upper()}"] = value
        done = subprocess.run(
            [self.python, str(self.entrypoint)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return Result(
            done.returncode,
            done.stdout,
            done.stderr,
            (commands / "summary").read_text(),
            _outputs((commands / "output").read_text()),
        )


def _outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: `name=value` and `name<<DELIM` ... `DELIM`."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            found[name] = "\n".join(value)
        else:
            name, value_text = line.split("=", 1)
            found[name] = value_text
    return found


@dataclass
class Scene:
    runner: Runner
    pr: PullRequestRepo
    opened: dict[str, Any]

    @property
    def emulator(self) -> Emulator:
        return self.runner.emulator


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    """PR #2 of Codertocat/Hello-World adds a project with `backend "s3" {}` and one whose bucket
    nobody creates; the workspace is its checkout."""
    repo = GitRepo(tmp_path / "workspace")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    repo.copy_tree(PROJECTS / "seed_partial_s3", "stacks/pipeline")
    repo.copy_tree(PROJECTS / "external_s3", "stacks/network")
    head = repo.commit("Add the stacks")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    with Emulator(opened["repository"]) as emulator:
        pr = open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        yield Scene(Runner(tmp_path, repo.path, emulator), pr, opened)
        assert emulator.violations == []


def _annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"::(error|warning|notice) ", line)]


def test_pull_request_opened_reviews_annotates_summarises_and_fails(scene: Scene) -> None:
    result = scene.runner.run(scene.opened, "pull_request")
    assert result.code == 1, result.stderr
    assert result.stdout.startswith(f"::add-mask::{WRITE_TOKEN}\n")
    assert (
        result.stdout.count(WRITE_TOKEN) == 1 and WRITE_TOKEN not in result.stderr + result.summary
    )
    annotations = _annotations(result.stdout)
    assert any("file=stacks/pipeline/provider.tf" in a and "BG101" in a for a in annotations)
    assert any("file=stacks/network/backend.tf" in a for a in annotations)
    assert int(result.outputs["errors"]) >= 2
    assert result.outputs["findings"] == str(len(annotations))
    assert result.outputs["sarif-file"] == ""
    assert "BG101" in result.summary
    [review] = scene.emulator.reviews(2)
    assert review["commit_id"] == scene.pr.head_sha and review["state"] == "COMMENTED"
    comments = scene.emulator.comments(2)
    assert {c["path"] for c in comments} == {
        "stacks/pipeline/provider.tf",
        "stacks/network/backend.tf",
    }
    with_fix = [c for c in comments if "BG101" in c["body"] or "BG104" in c["body"]]
    assert len(with_fix) == 2 and all("```suggestion" in c["body"] for c in with_fix)
    assert any("BG112" in c["body"] for c in comments)  # a warning without a fix


def test_synchronize_with_the_fix_marks_comments_fixed_and_turns_green(scene: Scene) -> None:
    first = scene.runner.run(scene.opened, "pull_request")
    assert first.code == 1
    posted = len(scene.emulator.comments(2))
    result = scan([str(scene.runner.workspace)], Settings())
    for path, text in plan(result.findings, result.texts).updated.items():
        Path(path).write_text(text)  # what `backend-guard fix` (or the suggestions) would do
    before = scene.pr.head_sha
    after = scene.pr.push("Use local state")
    synchronize = with_commits(
        event("pull_request.synchronize"), base_sha=scene.pr.base_sha, head_sha=after, before=before
    )
    second = scene.runner.run(synchronize, "pull_request")
    assert second.code == 0, second.stdout + second.stderr
    assert second.outputs["errors"] == "0"
    assert len(scene.emulator.reviews(2)) == 1  # nothing new: no second review
    comments = scene.emulator.comments(2)
    assert len(comments) == posted == 3
    assert all(f"**Fixed** in {after[:12]}" in c["body"] for c in comments)
    assert all(thread.resolved for thread in scene.emulator.state.threads.values())


def test_rerun_on_the_same_commit_posts_nothing(scene: Scene) -> None:
    scene.runner.run(scene.opened, "pull_request")
    writes_before = len(scene.emulator.writes())
    again = scene.runner.run(scene.opened, "pull_request")
    assert again.code == 1
    assert len(scene.emulator.writes()) == writes_before
    assert len(scene.emulator.reviews(2)) == 1


def test_fork_pull_request_skips_comments_and_still_fails_on_findings(scene: Scene) -> None:
    result = scene.runner.run(
        from_fork(scene.opened), "pull_request", **{"github-token": READ_TOKEN}
    )
    assert result.code == 1
    assert scene.emulator.writes() == []
    assert "fork" in result.summary
    assert re.search(r"read\\?-only", result.summary)  # the summary escapes Markdown
    assert _annotations(result.stdout)


def test_api_outage_never_changes_the_verdict(scene: Scene) -> None:
    scene.emulator.inject(Fault.server_error(503), count=10_000)
    result = scene.runner.run(scene.opened, "pull_request")
    assert result.code == 1
    assert "503" in result.summary
    assert _annotations(result.stdout)
    assert scene.emulator.reviews(2) == []


def test_push_event_annotates_without_the_api(scene: Scene) -> None:
    push = event("push.new-branch")
    result = scene.runner.run(push, "push", **{"sarif-file": "backend-guard.sarif"})
    assert result.code == 1
    assert scene.emulator.requests == []
    sarif = json.loads((scene.runner.workspace / "backend-guard.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert result.outputs["sarif-file"] == "backend-guard.sarif"


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on_decides_the_exit_status(scene: Scene, fail_on: str, code: int) -> None:
    result = scene.runner.run(event("push.new-branch"), "push", **{"fail-on": fail_on})
    assert result.code == code


def test_clean_project_passes(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "workspace")
    repo.copy_tree(PROJECTS / "local_ok")
    repo.commit("Local state")
    push = event("push.new-branch")
    with Emulator(push["repository"]) as emulator:
        result = Runner(tmp_path, repo.path, emulator).run(push, "push")
    assert result.code == 0 and result.outputs["findings"] == "0"
    assert _annotations(result.stdout) == []


def test_bad_input_is_an_error_annotation_and_exit_2(scene: Scene) -> None:
    result = scene.runner.run(event("push.new-branch"), "push", **{"fail-on": "sometimes"})
    assert result.code == 2
    assert result.stdout.splitlines()[-1].startswith("::error title=backend-guard::")


def test_action_yml_inputs_are_exactly_those_the_action_reads() -> None:
    metadata = yaml.safe_load(ACTION.read_text())
    declared = set(metadata["inputs"])
    source = (ROOT / "src" / "backend_guard" / "action.py").read_text()
    read = set(re.findall(r'input_(?:value|bool|choice)\(\s*env,\s*"([^"]+)"', source))
    assert declared == read
    written = set(
        re.findall(r'^\s+"([a-z-]+)": ', source[source.index("_write_output(\n") :], re.MULTILINE)
    )
    assert set(metadata["outputs"]) == written
    assert metadata["runs"] == {"using": "docker", "image": "Dockerfile"}
    assert metadata["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert {
        name: metadata["inputs"][name].get("default")
        for name in ("path", "fail-on", "comment", "suggestions")
    } == {
        "path": ".",
        "fail-on": "error",
        "comment": "review",
        "suggestions": "true",
    }
    assert {"icon", "color"} <= set(metadata["branding"])


def test_dockerfile_installs_with_the_install_script() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    text = "\n".join(lines)
    assert lines[0] == "FROM python:3.11-slim"
    assert "COPY scripts/install.sh scripts/install.sh" in lines
    assert "RUN sh scripts/install.sh dependencies" in lines
    assert "RUN sh scripts/install.sh package \\" in lines
    assert text.index("requirements/runtime.txt") < text.index("install.sh dependencies")
    assert text.index("install.sh dependencies") < text.index("COPY src")
    assert text.index("COPY src") < text.index("install.sh package")
    assert "pip" not in text.replace("PIP_", "")  # every pip call is in the script
    assert lines[-1] == 'ENTRYPOINT ["python", "/app/entrypoint.py"]'
    assert not any(line.startswith("USER") for line in lines)
    script = (ROOT / "scripts" / "install.sh").read_text()
    assert "pip install --no-deps -r requirements/runtime.txt" in script
    assert "pip install --no-deps ." in script
    assert "hcl2.parses_to_tree('terraform {}')" in script
    locked = (ROOT / "requirements" / "runtime.txt").read_text()
    assert "PyGithub==2.10.0" in locked and "python-hcl2==" in locked
