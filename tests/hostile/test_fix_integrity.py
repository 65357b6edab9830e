"""`backend-guard fix` loses nothing the user wrote, on whole little projects through the CLI.

A Terraform root module (`infra/`, with a partial `backend "s3" {}`) and a CDKTF TypeScript stack
(`app/`, with `new S3Backend(this, {...})`) are fixed while faults are injected: the process killed
between writing and renaming, a full disk, a file edited or swapped for a symlink between the scan
and the write. Every original stays byte for byte, or is replaced whole by its fixed text; what
the fix keeps (permissions, owner, line endings, byte-order mark, tabs, final newline) is checked
on the bytes; `fix --diff` and `check` are shown to change nothing at all, down to the mtimes.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_guard import apply, discover
from backend_guard import scan as scanning
from backend_guard.cli import main

BOM = codecs.BOM_UTF8
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

VERSIONS_TF = """\
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}
"""
PROVIDERS_TF = """\
provider "aws" {
  region = var.region

  default_tags {
    tags = { Service = "orders" }
  }
}
"""
BACKEND_TF = """\
# State lives in the platform team's bucket.
terraform {
  backend "s3" {}
}
"""
MAIN_TF = """\
variable "region" {
  type    = string
  default = "eu-west-1"
}

resource "aws_sqs_queue" "orders" {
  name                      = "orders"
  message_retention_seconds = 86400
}
"""
CDKTF_JSON = """\
{
  "language": "typescript",
  "app": "npx ts-node bin/main.ts",
  "terraformProviders": ["aws@~> 5.40"]
}
"""
MAIN_TS = """\
import { App } from "cdktf";
import { OrdersStack } from "../lib/orders-stack";

const app = new App();
new OrdersStack(app, "orders-dev");
app.synth();
"""
STACK_TS = """\
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";

export class OrdersStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const stateBucket = "orders-terraform-state";

    new AwsProvider(this, "aws", { region: "eu-west-1" });

    new S3Backend(this, {
      bucket: stateBucket,
      key: `${id}.tfstate`,
      region: "eu-west-1",
    });
    // Native S3 locking, no DynamoDB table
    this.addOverride("terraform.backend.s3.use_lockfile", true);
  }
}
"""
PROJECT = {
    "infra/versions.tf": VERSIONS_TF,
    "infra/providers.tf": PROVIDERS_TF,
    "infra/backend.tf": BACKEND_TF,
    "infra/main.tf": MAIN_TF,
    "app/cdktf.json": CDKTF_JSON,
    "app/bin/main.ts": MAIN_TS,
    "app/lib/orders-stack.ts": STACK_TS,
}
FIXED = ("app/lib/orders-stack.ts", "infra/backend.tf")  # what `fix` rewrites, in its order

# What one file system entry is, for before/after comparisons: type, mode, owner, mtime, content.
Entry = tuple[int, int, int, int, int, bytes | str | None]


def write_project(root: Path, *, newline: str = "\n", bom: bool = False) -> Path:
    """The project under `root`, every file with `newline` line endings and optionally a BOM."""
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((BOM if bom else b"") + text.replace("\n", newline).encode())
    return root


def snapshot(root: Path, *, directories: bool = True) -> dict[str, Entry]:
    """Every entry under `root` (links not followed): mode, owner, mtime and bytes or link target.
    A directory's mtime changes when anything is created in it, even if removed again."""
    entries: dict[str, Entry] = {}
    for directory, names, files in os.walk(root):
        for name in [*names, *files]:
            path = os.path.join(directory, name)
            status = os.lstat(path)
            if stat.S_ISDIR(status.st_mode) and not directories:
                continue
            content: bytes | str | None = None
            if stat.S_ISLNK(status.st_mode):
                content = os.readlink(path)
            elif stat.S_ISREG(status.st_mode):
                content = Path(path).read_bytes()
            entries[os.path.relpath(path, root)] = (
                stat.S_IFMT(status.st_mode),
                stat.S_IMODE(status.st_mode),
                status.st_uid,
                status.st_gid,
                status.st_mtime_ns,
                content,
            )
    if directories:
        status = os.lstat(root)
        entries["."] = (0, stat.S_IMODE(status.st_mode), 0, 0, status.st_mtime_ns, None)
    return entries


def contents(root: Path) -> dict[str, bytes]:
    """The bytes of every regular file under `root`."""
    return {
        name: entry[5]
        for name, entry in snapshot(root, directories=False).items()
        if isinstance(entry[5], bytes)
    }


def fixed_reference(tmp_path: Path, **style: Any) -> dict[str, bytes]:
    """What a clean `fix` makes of the project in `style`: the bytes of every file after it."""
    reference = write_project(tmp_path / "reference", **style)
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()):
        patch.chdir(reference)
        assert main(["fix", "."]) == 0
    return contents(reference)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def check_json(capsys: pytest.CaptureFixture[str], root: str) -> dict[str, Any]:
    status, out, _ = run(capsys, "check", "--format", "json", root)
    report = json.loads(out)
    report["status"] = status
    return report


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project under `repo/`, with the current directory one level up."""
    monkeypatch.chdir(tmp_path)
    return write_project(tmp_path / "repo")


def stray_temporaries(root: Path) -> list[str]:
    return sorted(name for name in contents(root) if os.path.basename(name).startswith("."))


# --- 1. atomic writes under faults ----------------------------------------------------------------

KILLED_AT_RENAME = """
import os, signal, sys
from backend_guard.cli import main

renames = 0
real_replace = os.replace

def replace(source, destination):
    global renames
    renames += 1
    if renames == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, destination)

os.replace = replace
sys.exit(main(["fix", sys.argv[1]]))
"""


@pytest.mark.parametrize("killed_at", [1, 2])
def test_a_kill_between_write_and_rename_leaves_every_file_whole(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], killed_at: int
) -> None:
    """SIGKILL at the first rename: no original changed. At the second: the first file is fixed
    whole, the second is untouched. Either way no file is ever half written; the temporary files
    of the renames that did not happen stay behind as `.NAME.XXXXXXXX`, which no later run reads."""
    original = contents(repo)
    fixed = fixed_reference(tmp_path)
    before = check_json(capsys, "repo")
    process = subprocess.run(
        [sys.executable, "-c", KILLED_AT_RENAME, "repo", str(killed_at)],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr

    after = contents(repo)
    done = FIXED[: killed_at - 1]
    for name in PROJECT:
        assert after[name] == (fixed[name] if name in done else original[name]), name
    strays = stray_temporaries(repo)
    assert [os.path.dirname(s) for s in strays] == [os.path.dirname(n) for n in FIXED[len(done) :]]
    for stray, name in zip(strays, FIXED[len(done) :], strict=True):
        assert os.path.basename(stray).startswith(f".{os.path.basename(name)}.")
        assert after[stray] == fixed[name]  # complete: every write is done before any rename

    # The strays are neither configuration nor program files: the scan does not see them ...
    found = discover.discover(["repo"])
    seen = {f.path for f in found.config_files}.union(
        found.program_files, found.setting_files, found.automation_files
    )
    assert not seen & {f"repo/{s}" for s in strays}
    if killed_at == 1:
        assert check_json(capsys, "repo") == before
    # ... and the next fix finishes the job, leaving them alone.
    status, _, _ = run(capsys, "fix", "repo")
    assert status == 0
    final = contents(repo)
    assert {name: final[name] for name in PROJECT} == fixed
    assert stray_temporaries(repo) == strays


class FullDisk:
    """A file opened for writing on a disk that fills up halfway through the data."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.handle.close()

    def fileno(self) -> int:
        return self.handle.fileno()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", [1, 2])
def test_a_full_disk_changes_no_file_at_all(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failing: int,
) -> None:
    """Every fixed text is written to its temporary file before any rename, so a write that fails
    on the first or on the second file leaves all of them as they were, with no temporary left."""
    before = snapshot(repo, directories=False)
    real_fdopen = os.fdopen
    opened = 0

    def fdopen(descriptor: int, *args: Any, **kwargs: Any) -> Any:
        nonlocal opened
        opened += 1
        handle = real_fdopen(descriptor, *args, **kwargs)
        return FullDisk(handle) if opened == failing else handle

    monkeypatch.setattr(apply.os, "fdopen", fdopen)
    status, out, err = run(capsys, "fix", "repo")
    assert status == 2
    assert out == ""
    assert err == (
        f"backend-guard: cannot write repo/{FIXED[failing - 1]}: No space left on device; "
        "no file was changed\n"
    )
    assert snapshot(repo, directories=False) == before


def test_a_failed_rename_names_what_was_already_fixed(
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Renames are the one step that cannot be staged: when the second fails, the first file is
    fixed whole, the second keeps its bytes, no temporary is left, and the message says which is
    which. Running `fix` again completes the job."""
    original = contents(repo)
    fixed = fixed_reference(tmp_path)
    real_replace = os.replace
    renames = 0

    def replace(source: str, destination: str) -> None:
        nonlocal renames
        renames += 1
        if renames == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, destination)

    monkeypatch.setattr(apply.os, "replace", replace)
    status, out, err = run(capsys, "fix", "repo")
    assert (status, out) == (2, "")
    assert err == (
        "backend-guard: cannot write repo/infra/backend.tf: Input/output error; "
        "already fixed: repo/app/lib/orders-stack.ts\n"
    )
    after = contents(repo)
    assert after == {**original, FIXED[0]: fixed[FIXED[0]]}

    monkeypatch.setattr(apply.os, "replace", real_replace)
    assert run(capsys, "fix", "repo")[:2] == (0, "fixed repo/infra/backend.tf\n")
    assert contents(repo) == fixed


def test_no_room_for_a_temporary_file_is_reported_and_nothing_changes(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The directory refuses a new file (read-only, out of inodes): nothing changes, and the
    message names the file that was to be fixed, not the temporary."""
    before = contents(repo)

    def no_room(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "repo/infra/.backend.tf.x")

    monkeypatch.setattr(apply.tempfile, "mkstemp", no_room)
    status, _, err = run(capsys, "fix", "repo")
    assert status == 2
    assert err == (
        "backend-guard: cannot write repo/app/lib/orders-stack.ts: Permission denied; "
        "no file was changed\n"
    )
    assert contents(repo) == before


# --- 2. what a fixed file keeps ---------------------------------------------------------------


def test_permissions_setgid_and_owner_are_kept(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backend, stack = repo / "infra/backend.tf", repo / "app/lib/orders-stack.ts"
    os.chmod(backend, 0o640)
    os.chmod(stack, 0o2755 if IS_ROOT else 0o755)
    if IS_ROOT:
        os.chown(backend, 4321, 4322)
    wanted = {
        path: (stat.S_IMODE(path.stat().st_mode), path.stat().st_uid, path.stat().st_gid)
        for path in (backend, stack)
    }
    assert run(capsys, "fix", "repo")[0] == 0
    assert 'backend "local"' in backend.read_text()
    assert "LocalBackend" in stack.read_text()
    for path, (mode, uid, gid) in wanted.items():
        status = path.stat()
        assert (stat.S_IMODE(status.st_mode), status.st_uid, status.st_gid) == (mode, uid, gid)


def test_crlf_files_stay_crlf_on_every_line_the_fix_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixed CRLF project is the fixed LF project with every LF turned into CRLF."""
    lf = fixed_reference(tmp_path)
    repo = write_project(tmp_path / "crlf", newline="\r\n")
    monkeypatch.chdir(repo)
    assert run(capsys, "fix", ".")[0] == 0
    crlf = contents(repo)
    for name in PROJECT:
        assert crlf[name] == lf[name].replace(b"\n", b"\r\n"), name
    for name in FIXED:
        assert crlf[name] != PROJECT[name].replace("\n", "\r\n").encode()
        assert crlf[name].count(b"\n") == crlf[name].count(b"\r\n")


def test_mixed_line_endings_keep_each_line_and_take_crlf_for_new_lines(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outside the backend block every byte stays, each line with its own ending; the lines the
    fix writes end in CRLF, because the file has some."""
    head = "# State lives in the platform team's bucket.\r\nterraform {\n"
    block = '  backend "s3" {\r\n    encrypt = true\n  }\r\n'
    tail = "}\n\n# end\r\n"
    backend = repo / "infra/backend.tf"
    backend.write_bytes((head + block + tail).encode())
    assert run(capsys, "fix", "repo")[0] == 0
    new = backend.read_bytes().decode()
    assert new.startswith(head) and new.endswith(tail)
    written = new[len(head) : -len(tail)]
    assert 'backend "local"' in written
    assert written.count("\n") == written.count("\r\n") == 7
    assert "#   encrypt = true" in written


def test_a_byte_order_mark_is_kept_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = fixed_reference(tmp_path)
    repo = write_project(tmp_path / "bom", bom=True)
    monkeypatch.chdir(repo)
    assert run(capsys, "fix", ".")[0] == 0
    after = contents(repo)
    for name in PROJECT:
        assert after[name] == BOM + plain[name], name


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_file_not_in_utf8_is_reported_and_never_rewritten(
    repo: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    backend = repo / "infra/backend.tf"
    backend.write_bytes(("# Zustand in Zürich\n" + BACKEND_TF).encode(encoding))
    original = backend.read_bytes()
    status, out, _ = run(capsys, "check", "repo")
    assert status == 1
    assert "repo/infra/backend.tf:1:1: error BG100 unparseable-file: is not UTF-8 text" in out
    status, out, _ = run(capsys, "fix", "repo")
    assert status == 0
    assert "repo/infra/backend.tf:1: BG100 unparseable-file has no automatic fix" in out
    assert backend.read_bytes() == original


def utf16_project(repo: Path) -> tuple[Path, Path]:
    backend, stack = repo / "infra/backend.tf", repo / "app/lib/orders-stack.ts"
    backend.write_bytes(BACKEND_TF.encode("utf-16"))
    stack.write_bytes(STACK_TS.encode("utf-16"))
    return backend, stack


def test_a_utf16_file_is_never_rewritten(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backend, stack = utf16_project(repo)
    before = contents(repo)
    assert run(capsys, "fix", "repo")[0] == 0
    assert contents(repo) == before
    assert backend.read_bytes().startswith(codecs.BOM_UTF16)
    assert stack.read_bytes().startswith(codecs.BOM_UTF16)


def test_a_utf16_configuration_file_is_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    utf16_project(repo)
    status, out, _ = run(capsys, "check", "repo")
    assert status == 1
    assert "repo/infra/backend.tf:1:1: error BG100 unparseable-file" in out


@pytest.mark.parametrize("ending", ["", "\n", "\n\n\n"])
def test_final_newline_tabs_and_the_lines_around_the_block_stay(
    repo: Path, capsys: pytest.CaptureFixture[str], ending: str
) -> None:
    head = '# State lives in the platform team\'s bucket.\nterraform {\n\trequired_version = ">= 1.6"\n\n'
    block = '\tbackend "s3" {\n\t\tencrypt = true\n\t}'
    tail = "\n}" + ending
    backend = repo / "infra/backend.tf"
    backend.write_text(head + block + tail)
    assert run(capsys, "fix", "repo")[0] == 0
    new = backend.read_text()
    assert new.startswith(head) and new.endswith(tail)
    written = new[len(head) : -len(tail)].split("\n")
    assert all(line.startswith("\t") for line in written)
    assert "\t# \tencrypt = true" in written
    assert '\tbackend "local" {' in written
    assert run(capsys, "check", "repo")[0] == 0


newlines = st.sampled_from(["\n", "\r\n"])
indents = st.sampled_from(["  ", "    ", "\t"])
attributes = st.lists(
    st.sampled_from(["encrypt = true", "use_lockfile = true", 'workspace_key_prefix = "env"']),
    unique=True,
    max_size=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    newline=newlines,
    bom=st.booleans(),
    indent=indents,
    body=attributes,
    comment=st.booleans(),
    ending=st.sampled_from(["", "\n", "\n\n"]),
)
def test_any_style_of_backend_file_keeps_every_byte_around_the_fix(
    newline: str, bom: bool, indent: str, body: list[str], comment: bool, ending: str
) -> None:
    """Whatever the newline, BOM, indentation and final newline: the bytes before and after the
    block stay, the new lines use the file's newline and the block's indentation, a second `fix`
    finds nothing and `check` passes."""
    head = ("# platform state" + newline if comment else "") + "terraform {" + newline
    if body:
        lines = [f'{indent}backend "s3" {{', *(indent * 2 + a for a in body), f"{indent}}}"]
    else:
        lines = [f'{indent}backend "s3" {{}}']
    block = newline.join(lines)
    tail = newline + "}" + ending.replace("\n", newline)
    prefix = BOM if bom else b""
    with tempfile.TemporaryDirectory() as directory, pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        Path("backend.tf").write_bytes(prefix + (head + block + tail).encode())
        assert main(["fix", "."]) == 0
        data = Path("backend.tf").read_bytes()
        assert data.startswith(prefix + head.encode()) and data.endswith(tail.encode())
        assert not data[len(prefix) :].startswith(BOM)
        written = data[len(prefix) + len(head.encode()) : -len(tail.encode())].decode()
        if newline == "\n":
            assert "\r" not in written
        else:
            assert written.count("\n") == written.count("\r\n")
        assert all(line.startswith(indent) for line in written.split(newline))
        for attribute in body:
            assert f"{indent}# {indent}{attribute}{newline}" in written
        before = os.stat("backend.tf").st_mtime_ns
        assert main(["fix", "."]) == 0
        assert main(["check", "."]) == 0
        assert Path("backend.tf").read_bytes() == data
        assert os.stat("backend.tf").st_mtime_ns == before


# --- 3. changed files and the root's boundary --------------------------------------------------


def edit(path: Path) -> None:
    path.write_text(path.read_text() + '\nlocals {\n  team = "platform"\n}\n')


def re_encode(path: Path) -> None:
    path.write_bytes(("# Zürich\n" + path.read_text()).encode("latin-1"))


def delete(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("change", [edit, re_encode, delete])
def test_a_file_changed_between_scan_and_write_stops_the_whole_fix(
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
) -> None:
    """An editor saves `backend.tf` while the fix runs: neither it nor the stack, which did not
    change, is written; the user's edit stays; the message names the file; exit 2."""
    backend = repo / "infra/backend.tf"
    real_scan = scanning.scan  # the CLI imports the scan when a command runs

    def scan_then_change(*args: Any, **kwargs: Any) -> Any:
        result = real_scan(*args, **kwargs)
        change(backend)
        return result

    monkeypatch.setattr(scanning, "scan", scan_then_change)
    status, out, err = run(capsys, "fix", "repo")
    assert (status, out) == (2, "")
    assert err == (
        "backend-guard: repo/infra/backend.tf changed since it was read; nothing was written, "
        "run the fix again\n"
    )
    expected = write_project(tmp_path / "expected")
    change(expected / "infra/backend.tf")
    assert contents(repo) == contents(expected)


def test_a_file_swapped_for_a_link_out_of_the_root_is_not_written_through(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between scan and write, `backend.tf` becomes a link to a file outside the root with the
    very same text: the content check alone would pass, the root check refuses."""
    outside = tmp_path / "elsewhere" / "backend.tf"
    outside.parent.mkdir()
    outside.write_text(BACKEND_TF)
    backend = repo / "infra/backend.tf"
    real_scan = scanning.scan  # the CLI imports the scan when a command runs

    def scan_then_swap(*args: Any, **kwargs: Any) -> Any:
        result = real_scan(*args, **kwargs)
        backend.unlink()
        backend.symlink_to(outside)
        return result

    monkeypatch.setattr(scanning, "scan", scan_then_swap)
    before = outside.stat().st_mtime_ns
    status, _, err = run(capsys, "fix", "repo")
    assert status == 2
    assert (
        err == "backend-guard: repo/infra/backend.tf now leads outside repo; nothing was written\n"
    )
    assert outside.read_text() == BACKEND_TF
    assert outside.stat().st_mtime_ns == before
    assert (repo / FIXED[0]).read_text() == STACK_TS


def test_links_out_of_the_root_are_never_followed_and_hard_links_are_split(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symlinked `.tf` (or directory) pointing out of the root is not read, so not rewritten.
    A hard link is one file with two names: the rename gives the name inside the root a new,
    fixed file, and the name outside keeps the original bytes."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "network").mkdir(parents=True)
    (elsewhere / "backend.tf").write_text(BACKEND_TF)
    (elsewhere / "network" / "backend.tf").write_text(BACKEND_TF)
    (elsewhere / "shared.tf").write_text(BACKEND_TF)
    linked = repo / "linked"
    linked.mkdir()
    (linked / "backend.tf").symlink_to(elsewhere / "backend.tf")
    (linked / "versions.tf").write_text(VERSIONS_TF)
    (repo / "network").symlink_to(elsewhere / "network", target_is_directory=True)
    os.unlink(repo / "infra/backend.tf")
    os.link(elsewhere / "shared.tf", repo / "infra/backend.tf")
    outside = snapshot(elsewhere)

    status, out, _ = run(capsys, "check", "repo")
    assert "linked/" not in out and "network/" not in out
    assert "repo/infra/backend.tf" in out
    status, out, _ = run(capsys, "fix", "repo")
    assert (status, out) == (
        0,
        "fixed repo/app/lib/orders-stack.ts\nfixed repo/infra/backend.tf\n",
    )
    assert snapshot(elsewhere) == outside
    assert (repo / "linked/backend.tf").is_symlink()
    assert 'backend "local"' in (repo / "infra/backend.tf").read_text()
    assert (repo / "infra/backend.tf").stat().st_nlink == 1
    assert (elsewhere / "shared.tf").stat().st_nlink == 1


# --- 4. --diff and check change nothing -------------------------------------------------------


def hostile_tree(root: Path, outside: Path) -> Path:
    """CRLF, BOM, tabs, a read-only file, links inside and out of the root, a latin-1 file."""
    write_project(root, newline="\r\n", bom=True)
    (root / "infra/providers.tf").write_bytes(PROVIDERS_TF.replace("  ", "\t").encode())
    os.chmod(root / "infra/backend.tf", 0o444)
    shared = root / "shared"
    shared.mkdir()
    (shared / "backend.tf").write_text('terraform {\n\tbackend "gcs" {}\n}')
    for name in ("dev", "prod"):
        (root / name).mkdir()
        (root / name / "backend.tf").symlink_to("../shared/backend.tf")
    outside.mkdir(exist_ok=True)
    (outside / "backend.tf").write_text(BACKEND_TF)
    (root / "dev" / "outside.tf").symlink_to(outside / "backend.tf")
    (root / "legacy").mkdir()
    (root / "legacy" / "backend.tf").write_bytes(("# Zürich\n" + BACKEND_TF).encode("latin-1"))
    return root


def test_diff_and_check_change_nothing_on_a_hostile_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = hostile_tree(tmp_path / "repo", tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    before, outside = snapshot(repo), snapshot(tmp_path / "elsewhere")

    status, diff, _ = run(capsys, "fix", "--diff", "repo")
    assert status == 0
    assert "+++ b/repo/infra/backend.tf" in diff
    assert "+++ b/repo/app/lib/orders-stack.ts" in diff
    assert "+++ b/repo/shared/backend.tf" in diff
    assert "elsewhere" not in diff and "outside.tf" not in diff and "legacy" not in diff
    assert '+  backend "local" {\r\n' in diff  # the diff shows the CRLF the fix would write
    for format_ in ("text", "json", "sarif"):
        assert run(capsys, "check", "--format", format_, "repo")[0] == 1
    assert snapshot(repo) == before
    assert snapshot(tmp_path / "elsewhere") == outside

    # The tree was worth fixing: the same paths, for real, do change.
    assert run(capsys, "fix", "repo")[0] == 0
    changed = {n for n, e in snapshot(repo, directories=False).items() if before[n] != e}
    assert changed == {"infra/backend.tf", "app/lib/orders-stack.ts", "shared/backend.tf"}
    assert stat.S_IMODE((repo / "infra/backend.tf").stat().st_mode) == 0o444
    assert snapshot(tmp_path / "elsewhere") == outside


# --- 5. idempotence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "style", [{}, {"newline": "\r\n", "bom": True}], ids=["plain", "crlf-with-bom"]
)
def test_fix_twice_changes_nothing_the_second_time_and_check_passes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    style: dict[str, Any],
) -> None:
    repo = write_project(tmp_path / "repo", **style)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "check", "repo")
    assert status == 1
    assert "BG101 partial-backend-config" in out and "BG104 external-state-storage" in out

    status, out, _ = run(capsys, "fix", "repo")
    assert (status, out) == (0, "".join(f"fixed repo/{name}\n" for name in FIXED))
    fixed = snapshot(repo)
    status, out, _ = run(capsys, "fix", "repo")
    assert (status, out) == (0, "nothing to fix\n")
    assert snapshot(repo) == fixed
    status, out, _ = run(capsys, "check", "repo")
    assert status == 0, out
    assert run(capsys, "fix", "--diff", "repo")[:2] == (0, "")
