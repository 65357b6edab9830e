"""Secrets stay secret, and nothing from the scanned repository runs, end to end.

The action runs as the runner starts it, through a launcher that first installs a Python audit
hook (PEP 578) in the action's interpreter: every new process (`subprocess`, `os.system`,
`os.exec*`, `os.posix_spawn`, `fork`), every module imported from the workspace, every code object
from a workspace file that is executed, is recorded, whatever code path would have done it. The
launcher also measures the interpreter's peak memory, can break the HTTP layer on purpose, and
skips the waits between retries (`test_github_faults` counts them instead).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend_guard.report.escaping import ZERO_WIDTH_SPACE
from tests import test_action_e2e as e2e
from tests.github_emulator import Emulator, Fault, GitRepo
from tests.github_emulator.scenario import event, open_pull_request, with_commits
from tests.github_emulator.server import Token
from tests.github_emulator.state import BOT
from tests.test_action_e2e import Result, Runner, Scene

scene = e2e.scene  # PR #2: a partial S3 backend and a bucket nobody creates; exits 1 when healthy

TOKEN = "ghs_" + "Hx7Rq2Vt9Lm4Pz8Kc3Wn6Ys1Bd5Fg0Jj2Ua7"  # the shape of a GITHUB_TOKEN
CANARY = "canary-7d1f0b2e-never-printed"  # a secret of the job the action has no business with
_CDKTF = Path(__file__).resolve().parent.parent / "fixtures" / "cdktf"

_LAUNCHER = """\
import atexit, json, os, resource, runpy, sys, types
import urllib3.util.retry

WORKSPACE = {workspace!r} + os.sep
WATCHED = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
           "os.forkpty", "pty.spawn", "os.startfile")
seen = []


def inside(path):  # "<frozen ...>", "<string>": no file
    if not isinstance(path, str) or path.startswith("<"):
        return False
    return os.path.abspath(path).startswith(WORKSPACE)


def hook(event, args):
    if event in WATCHED:
        seen.append(event + " " + repr(args)[:300])
    elif event == "exec" and inside(getattr(args[0], "co_filename", None)):
        seen.append("exec " + os.path.abspath(args[0].co_filename))
    elif event == "ctypes.dlopen" and inside(args[0]):
        seen.append("dlopen " + args[0])


def report():
    modules = [name for name, module in list(sys.modules.items())
               if inside(getattr(module, "__file__", None))]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with open({report!r}, "w") as handle:
        json.dump({{"events": seen, "modules": modules, "peak_bytes": peak}}, handle)


sys.path[0] = os.path.dirname({entrypoint!r})  # as `python entrypoint.py` would have it
sys.addaudithook(hook)
atexit.register(report)
sys.modules["urllib3.util.retry"].time = types.SimpleNamespace(sleep=lambda seconds: None)
os.environ.update({environment!r})
{breakage}
runpy.run_path({entrypoint!r}, run_name="__main__")
"""
# A library bug that puts the request's headers, and the environment, in an exception message.
BROKEN_HTTP = """\
import requests.adapters


def send(self, request, **kwargs):
    raise RuntimeError(f"cannot send {request.headers!r} with {dict(os.environ)!r}")


requests.adapters.HTTPAdapter.send = send
"""


@dataclass
class Audit:
    """What the launcher saw of the action's interpreter."""

    events: list[str]
    modules: list[str]
    peak_bytes: int


def audited(
    runner: Runner, *, environment: dict[str, str] | None = None, breakage: str = ""
) -> tuple[Runner, Path]:
    """A copy of `runner` that starts the action through the audit launcher, and where the
    launcher writes its `Audit`. `environment` is added to what the runner sets."""
    report = runner.tmp / "audit.json"
    launcher = runner.tmp / "launcher.py"
    launcher.write_text(
        _LAUNCHER.format(
            workspace=str(runner.workspace.resolve()),
            report=str(report),
            environment=environment or {},
            breakage=breakage,
            entrypoint=str(runner.entrypoint),
        ),
        encoding="utf-8",
    )
    return dataclasses.replace(runner, entrypoint=launcher), report


def read_audit(report: Path) -> Audit:
    return Audit(**json.loads(report.read_text(encoding="utf-8")))


def everything_written(result: Result, runner: Runner, emulator: Emulator) -> str:
    """Every channel the action writes to or through: its output, the file commands, the files in
    the workspace it may write, and what it sent to GitHub, as a reader would see them."""
    commands = runner.tmp / "file_commands"
    written = [result.stdout, result.stderr]
    written += [path.read_text(encoding="utf-8") for path in sorted(commands.iterdir())]
    written += [p.read_text(encoding="utf-8") for p in runner.workspace.glob("*.sarif")]
    written += [f"{r.path} {r.query} {r.body}" for r in emulator.requests]
    # as a reader sees it: Markdown escapes and zero-width spaces do not hide a secret
    return "\n".join(written).replace("\\", "").replace(ZERO_WIDTH_SPACE, "")


# -- the token ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("known", "fault", "breakage", "says"),
    [
        (True, None, "", "Review: "),
        (False, None, "", "HTTP 401 Bad credentials"),
        (True, Fault.server_error(500), "", "HTTP 500 Server Error"),
        (True, Fault.drop(), "", "ConnectionError"),
        (True, None, BROKEN_HTTP, "Review comments failed (RuntimeError)"),
    ],
    ids=["healthy", "401", "500", "dropped", "exception"],
)
def test_the_token_is_masked_first_and_never_written(
    scene: Scene, known: bool, fault: Fault | None, breakage: str, says: str
) -> None:
    if known:
        scene.emulator.tokens[TOKEN] = Token(True, BOT)
    if fault is not None:
        scene.emulator.inject(fault, count=10_000)
    environment = {"GITHUB_TOKEN": TOKEN, "DEPLOY_KEY": CANARY}
    runner, _ = audited(scene.runner, environment=environment, breakage=breakage)
    inputs = {"github-token": TOKEN, "sarif-file": "bg.sarif"}
    result = runner.run(scene.opened, "pull_request", **inputs)
    assert result.code == 1, result.stderr
    assert result.stdout.startswith(f"::add-mask::{TOKEN}\n")
    assert result.stderr == ""
    written = everything_written(result, scene.runner, scene.emulator)
    assert written.count(TOKEN) == 1  # the mask itself
    assert CANARY not in written and "DEPLOY_KEY" not in written
    assert says in result.summary.replace("\\", "")  # the summary escapes Markdown


def test_the_healthy_run_really_used_the_token(scene: Scene) -> None:
    """The token the other tests keep secret is the one that posted the review."""
    scene.emulator.tokens[TOKEN] = Token(True, BOT)
    result = scene.runner.run(scene.opened, "pull_request", **{"github-token": TOKEN})
    assert result.code == 1
    [review] = scene.emulator.reviews(2)
    assert review["user"]["login"] == BOT["login"]


# -- nothing from the repository runs ----------------------------------------------------------

_MODULE_TRAP = "import pathlib\npathlib.Path({marker!r}, {name!r}).touch()\n"
_SCRIPT_TRAP = "#!/bin/sh\ntouch {marker}/{name}\n"
# Modules a careless interpreter set-up would import from the working directory.
SHADOWING = ("sitecustomize", "usercustomize", "conftest", "setup", "hcl2", "github", "requests",
             "yaml", "tree_sitter", "backend_guard", "json", "re")  # fmt: skip


def _script(path: Path, markers: Path, name: str) -> None:
    """An executable shell script that leaves `name` in `markers` when it runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_SCRIPT_TRAP.format(marker=markers, name=name), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _trap_repository(workspace: Path, markers: Path) -> None:
    """A repository full of things that run when a tool builds, installs, imports or executes
    it; each leaves a file in `markers` if it ever runs."""

    def module(name: str) -> str:
        return _MODULE_TRAP.format(marker=str(markers), name=name)

    touch = f"touch {markers}"
    for name in SHADOWING:
        (workspace / f"{name}.py").write_text(module(name), encoding="utf-8")
    shutil.copytree(_CDKTF / "seed_stack", workspace / "cdktf-ts")
    package = json.loads((workspace / "cdktf-ts" / "package.json").read_text(encoding="utf-8"))
    hooks = ("preinstall", "install", "postinstall", "prepare", "build", "synth")
    package["scripts"] = {hook: f"{touch}/npm-{hook}" for hook in hooks}
    (workspace / "cdktf-ts" / "package.json").write_text(json.dumps(package), encoding="utf-8")
    shutil.copytree(_CDKTF / "python_app", workspace / "cdktf-py")
    main = workspace / "cdktf-py" / "main.py"
    main.write_text(module("cdktf-py-main") + main.read_text(encoding="utf-8"), encoding="utf-8")
    (workspace / "cdktf-py" / "setup.py").write_text(module("cdktf-py-setup"), encoding="utf-8")
    apps = {"typescript": "npx ts-node bin/tap.ts", "python": "python3 ./main.py"}
    for app, language in (("cdktf-ts", "typescript"), ("cdktf-py", "python")):
        config = {"language": language, "app": f"{touch}/cdktf-{language} && {apps[language]}"}
        (workspace / app / "cdktf.json").write_text(json.dumps(config), encoding="utf-8")
    (workspace / "stack").mkdir()
    (workspace / "stack" / "main.tf").write_text(
        'terraform {\n  backend "s3" {}\n}\n\n'
        'data "external" "x" {\n  program = ["sh", "-c", "' + touch + '/external"]\n}\n\n'
        'resource "null_resource" "x" {\n  provisioner "local-exec" {\n'
        f'    command = "{touch}/local-exec"\n  }}\n}}\n',
        encoding="utf-8",
    )
    (workspace / "stack" / "prod.s3.tfbackend").write_text('bucket = "acme"\n', encoding="utf-8")
    (workspace / "Makefile").write_text(
        f"init:\n\t{touch}/make\n\tterraform -chdir=stack init -backend-config=prod.s3.tfbackend\n",
        encoding="utf-8",
    )
    _script(workspace / "scripts" / "bootstrap.sh", markers, "script")
    _script(workspace / "terraform", markers, "terraform-in-workspace")
    _script(workspace / "git", markers, "git-in-workspace")
    provider = (
        "registry.terraform.io/hashicorp/aws/5.31.0/linux_amd64/terraform-provider-aws_v5.31.0_x5"
    )
    _script(workspace / "stack" / ".terraform" / "providers" / provider, markers, "provider")
    workflow = workspace / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        f"on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: {touch}/workflow && terraform init\n",
        encoding="utf-8",
    )


def test_nothing_from_the_scanned_repository_is_executed(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = GitRepo(tmp_path / "workspace")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    _trap_repository(repo.path, markers)
    head = repo.commit("Add the stacks")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    with Emulator(opened["repository"]) as emulator:
        open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        for hook in ("post-checkout", "pre-commit", "post-merge", "fsmonitor-watchman"):
            _script(repo.path / ".git" / "hooks" / hook, markers, hook)  # after the test's own git
        runner, report = audited(Runner(tmp_path, repo.path, emulator))
        result = runner.run(opened, "pull_request", **{"sarif-file": "bg.sarif"})
        assert emulator.violations == []
    assert result.code == 1, result.stderr
    audit = read_audit(report)
    assert audit.events == []
    assert audit.modules == []
    assert list(markers.iterdir()) == []
    annotated = {
        line.split("file=", 1)[1].split(",", 1)[0] for line in result.stdout.splitlines()[1:]
    }
    # the programs were read, not run
    assert {"cdktf-ts/lib/tap-stack.ts", "cdktf-py/main.py", "stack/main.tf"} <= annotated


_SPAWNING_SCAN = """\
import runpy, subprocess
import backend_guard.action


def scan(paths, settings):
    subprocess.run(["true"], check=True)
    runpy.run_path("trap.py")
    return original(paths, settings)


original, backend_guard.action.scan = backend_guard.action.scan, scan
"""


def test_the_audit_sees_what_an_action_that_ran_repository_code_would_do(scene: Scene) -> None:
    """The audit has no blind spot where the other tests look: a scan that started a process and
    ran a file of the repository is caught."""
    (scene.runner.workspace / "trap.py").write_text("x = 1\n", encoding="utf-8")
    runner, report = audited(scene.runner, breakage=_SPAWNING_SCAN)
    runner.run(event("push.new-branch"), "push")
    events = read_audit(report).events
    assert [e.split(" ", 1)[0] for e in events] == ["subprocess.Popen", "exec"]
    assert events[1] == f"exec {scene.runner.workspace.resolve() / 'trap.py'}"
