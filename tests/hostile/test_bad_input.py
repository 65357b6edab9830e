"""Bad input, end to end: broken, hostile and odd files next to an ordinary undeployable module.

Every case is a small repository: `infra/` is a root module whose `backend "s3" {}` is partial (the
finding that must survive), and a bad file sits in a module of its own. `backend-guard` runs as a
user runs it, in a fresh process with a time limit and a cap on its address space, so a hang, a
crash, a traceback or runaway memory fails the test. The bad file must be reported where it is bad
(path, line and a plain message), the rest of the run must go on, and neither `check` nor
`fix --diff` may change anything; `fix` rewrites the ordinary module and no file it could not read
whole.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import resource
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_guard import apply
from backend_guard.config import Settings
from backend_guard.read import MAX_BACKENDS_PER_FILE
from backend_guard.scan import scan
from backend_guard.sources import hcl_tree
from backend_guard.sources.hcl_blocks import TopLevelBlock
from tests.hostile.test_fix_integrity import VERSIONS_TF

IS_ROOT = os.geteuid() == 0
TIMEOUT = 120  # seconds; only a hang comes near it
ADDRESS_SPACE = 512 * 1024 * 1024  # bytes; a scan of any case here needs well under half of it
DEEP = 10_000  # nesting levels

BACKEND_TF = """\
# State lives in the platform team's bucket.
terraform {
  backend "s3" {}
}
"""
NORMAL = {"infra/versions.tf": VERSIONS_TF, "infra/backend.tf": BACKEND_TF}
NORMAL_PATH = "infra/backend.tf"
NORMAL_FINDING = f"{NORMAL_PATH}:3:3: error BG101 partial-backend-config:"
PARTIAL = 'terraform {\n  backend "s3" {}\n}\n'
UNPARSEABLE = "error BG100 unparseable-file:"
PAST_A_BOUND = "warning BG100 unparseable-file:"  # a bound of our own, not a fault of the file
NOT_UTF8 = "Terraform and OpenTofu read only UTF-8"
SUMMARY = re.compile(r"\d+ errors?.* in \d+ root modules? \(\d+ files? scanned\)")


@dataclass(frozen=True)
class Sparse:
    """A file of `size` bytes that starts with `head`; the rest is a hole (NUL bytes)."""

    head: bytes
    size: int


@dataclass(frozen=True)
class Case:
    """Bad files (path -> bytes) and the line the report must hold for them: where a file could
    not be read whole (BG100), or the finding of one that was read whole after all."""

    files: dict[str, bytes | Sparse]
    expected: str


def utf8(text: str) -> bytes:
    return text.encode()


def s3_backend(body: str) -> str:
    return f'terraform {{\n  required_version = ">= 1.6.0"\n\n  backend "s3" {{\n{body}  }}\n}}\n'


def stack_ts(bucket: str) -> str:
    return f"""\
import {{ S3Backend, TerraformStack }} from "cdktf";
import {{ Construct }} from "constructs";

export class OrdersStack extends TerraformStack {{
  constructor(scope: Construct, id: string) {{
    super(scope, id);

    new S3Backend(this, {{
      bucket: {bucket},
      key: `${{id}}.tfstate`,
    }});
  }}
}}
"""


def stack_py(bucket: str) -> str:
    return f"""\
from cdktf import S3Backend, TerraformStack
from constructs import Construct


class OrdersStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        S3Backend(
            self,
            bucket={bucket},
            key=f"{{id}}.tfstate",
        )
"""


# Text in encodings Terraform cannot read, in each kind of configuration file.
WIDE_TEXTS = {
    "utf-16-le-bom": ("main.tf", codecs.BOM_UTF16_LE + PARTIAL.encode("utf-16-le"), "UTF-16"),
    "utf-16-be-bom": ("main.tf", codecs.BOM_UTF16_BE + PARTIAL.encode("utf-16-be"), "UTF-16"),
    "utf-16-le-no-bom": ("main.tf", PARTIAL.encode("utf-16-le"), "UTF-16"),
    "utf-16-be-no-bom": ("main.tf", PARTIAL.encode("utf-16-be"), "UTF-16"),
    "utf-32-bom": ("main.tf", codecs.BOM_UTF32_LE + PARTIAL.encode("utf-32-le"), "UTF-32"),
    "utf-16-json": (
        "main.tf.json",
        codecs.BOM_UTF16_LE + '{"terraform": {"backend": {"s3": {}}}}'.encode("utf-16-le"),
        "UTF-16",
    ),
    "utf-16-tofu": ("main.tofu", codecs.BOM_UTF16_LE + PARTIAL.encode("utf-16-le"), "UTF-16"),
}


TS_APP = utf8('{"language": "typescript", "app": "npx ts-node main.ts"}')
PY_APP = utf8('{"language": "python", "app": "python main.py"}')


CASES: dict[str, Case] = {
    "unclosed-block": Case(
        {"stacks/bad/main.tf": utf8(s3_backend('    bucket = "acme-state"\n')[:-2])},
        f"stacks/bad/main.tf:1:1: {UNPARSEABLE} cannot be parsed: unclosed block (line 1)",
    ),
    "stray-brace": Case(
        {"stacks/bad/main.tf": utf8('resource "aws_sqs_queue" "orders" {\n}\n}\n\n' + PARTIAL)},
        f"stacks/bad/main.tf:3:1: {UNPARSEABLE} cannot be parsed: unexpected '}}' (line 3)",
    ),
    "unterminated-string": Case(
        {"stacks/bad/main.tf": utf8(s3_backend('    bucket = "acme-state\n    key = "a"\n'))},
        f"stacks/bad/main.tf:5:1: {UNPARSEABLE} cannot be parsed: unterminated string (line 5)",
    ),
    "unterminated-heredoc": Case(
        {"stacks/bad/main.tf": utf8(s3_backend("    bucket = <<EOT\nacme-state\n"))},
        f"stacks/bad/main.tf:5:1: {UNPARSEABLE} cannot be parsed: heredoc <<EOT is never closed",
    ),
    "unterminated-comment": Case(
        {"stacks/bad/main.tf": utf8("/* remote state, disabled for now\n" + PARTIAL)},
        f"stacks/bad/main.tf:1:1: {UNPARSEABLE} cannot be parsed: unclosed comment (line 1)",
    ),
    "nul-byte": Case(
        {"stacks/bad/main.tf": utf8(s3_backend('    bucket = "acme"\n    \0\n'))},
        f"stacks/bad/main.tf:6:5: {UNPARSEABLE} holds a NUL byte",
    ),
    # Files `terraform init` cannot read, found whether or not they hold a backend.
    "nul-byte-inside-the-terraform-block": Case(
        {"stacks/bad/main.tf": b'terraform {\0 backend "s3" {} }\n'},
        f"stacks/bad/main.tf:1:12: {UNPARSEABLE} holds a NUL byte",
    ),
    "nul-byte-in-a-file-without-backend": Case(
        {"stacks/bad/variables.tf": b'variable "region" {\n  default = "eu\0"\n}\n'},
        f"stacks/bad/variables.tf:2:16: {UNPARSEABLE} holds a NUL byte",
    ),
    "random-bytes-not-utf8": Case(
        {"stacks/bad/main.tf": bytes(range(0x80, 0x100)) * 4 + b"\n\x9c\xd3"},
        f"stacks/bad/main.tf:1:1: {UNPARSEABLE} is not UTF-8 text",
    ),
    "nul-byte-in-json": Case(
        {"stacks/bad/outputs.tf.json": b'{"output": {"x": {"value": "\0"}}}\n'},
        f"stacks/bad/outputs.tf.json:1:29: {UNPARSEABLE} holds a NUL byte",
    ),
    "deep-list-in-backend": Case(
        {"stacks/bad/main.tf": utf8(s3_backend(f"    bucket = {'[' * DEEP}{']' * DEEP}\n"))},
        f"stacks/bad/main.tf:5:112: {PAST_A_BOUND} cannot be read: nested more than 200 levels",
    ),
    "deep-object-in-backend": Case(
        {"stacks/bad/main.tf": utf8(s3_backend(f"    tags = {'{a = ' * DEEP}1{'}' * DEEP}\n"))},
        f"stacks/bad/main.tf:5:337: {PAST_A_BOUND} cannot be read: nested more than 200 levels",
    ),
    "deep-list-in-locals": Case(
        {"stacks/bad/main.tf": utf8(f"{PARTIAL}\nlocals {{\n  x = {'[' * DEEP}{']' * DEEP}\n}}\n")},
        "stacks/bad/main.tf:2:3: error BG101 partial-backend-config:",
    ),
    "deep-json": Case(
        {
            "stacks/bad/main.tf.json": utf8(
                '{\n  "terraform": {\n    "backend": {\n      "s3": {\n        "bucket": '
                + "[" * DEEP
                + "]" * DEEP
                + "\n      }\n    }\n  }\n}\n"
            )
        },
        f"stacks/bad/main.tf.json:5:216: {UNPARSEABLE} cannot be parsed as JSON: nested too deeply",
    ),
    "latin-1": Case(
        {"stacks/bad/main.tf": ("# Zustand in Zürich\n" + PARTIAL).encode("latin-1")},
        f"stacks/bad/main.tf:1:1: {UNPARSEABLE} is not UTF-8 text",
    ),
    "latin-1-later-line": Case(
        {"stacks/bad/main.tf": s3_backend('    bucket = "zürich"\n').encode("latin-1")},
        f"stacks/bad/main.tf:5:1: {UNPARSEABLE} is not UTF-8 text",
    ),
    "bom-and-crlf": Case(
        {"stacks/bad/main.tf": codecs.BOM_UTF8 + utf8(PARTIAL.replace("\n", "\r\n"))},
        "stacks/bad/main.tf:2:3: error BG101 partial-backend-config:",
    ),
    "too-large": Case(
        {"stacks/bad/main.tf": Sparse(utf8(PARTIAL), 50 * 1024 * 1024)},
        f"stacks/bad/main.tf:1:1: {PAST_A_BOUND} is larger than 8 MiB and was not read",
    ),
    "25-backends": Case(
        {"stacks/bad/main.tf": utf8(PARTIAL * 25)},
        f"stacks/bad/main.tf:62:3: {PAST_A_BOUND} declares more than 20 backends; "
        "those from here on were not checked",
    ),
    "500-arguments": Case(
        {"stacks/bad/main.tf": utf8(s3_backend("".join(f'    a{i} = "v"\n' for i in range(500))))},
        f'stacks/bad/main.tf:205:5: {PAST_A_BOUND} backend "s3" has more than 200 arguments; '
        "those from here on were not checked",
    ),
    "block-over-64-kib": Case(
        {
            "stacks/bad/main.tf": utf8(
                s3_backend('    bucket = "acme"\n' + "    # padding\n" * 6000)
            )
        },
        f'stacks/bad/main.tf:4:3: {PAST_A_BOUND} the `backend "s3"` block is larger than 64 KiB '
        "and was not read",
    ),
    "deep-typescript": Case(
        {
            "app/cdktf.json": TS_APP,
            "app/lib/stack.ts": utf8(
                stack_ts(f"{'(' * DEEP}[{'[' * DEEP}{']' * DEEP}]{')' * DEEP}[0]")
            ),
        },
        "app/lib/stack.ts:8:5: error BG101 partial-backend-config:",
    ),
    "deep-python": Case(
        {
            "app/cdktf.json": PY_APP,
            "app/main.py": utf8(stack_py(f"{'(' * DEEP}[{'[' * DEEP}{']' * DEEP}]{')' * DEEP}[0]")),
        },
        "app/main.py:9:9: error BG101 partial-backend-config:",
    ),
    # Errors that hide the construct from the parser: the file imports a backend class, so it
    # is CDKTF code that cannot synthesize (the error is placed where the parser's recovery
    # starts: here the whole file).
    "typescript-syntax-error-hides-the-backend": Case(
        {"app/cdktf.json": TS_APP, "app/lib/stack.ts": utf8(stack_ts("{" * 10 + "}" * 10))},
        f"app/lib/stack.ts:1:1: {UNPARSEABLE} has a syntax error; its backend could not be read",
    ),
    "python-syntax-error-hides-the-backend": Case(
        {"app/cdktf.json": PY_APP, "app/main.py": utf8(stack_py("[" * DEEP))},
        f"app/main.py:1:1: {UNPARSEABLE} has a syntax error; its backend could not be read",
    ),
    "typescript-25-backend-constructs": Case(
        {
            "app/cdktf.json": TS_APP,
            "app/lib/stack.ts": utf8(
                stack_ts('"acme-state"').replace(
                    "    new S3Backend",
                    '    new S3Backend(this, { bucket: "b" });\n' * 24 + "    new S3Backend",
                )
            ),
        },
        f"app/lib/stack.ts:28:5: {PAST_A_BOUND} has more than 20 backend constructs; "
        "those from here on were not read",
    ),
    "typescript-250-overrides": Case(
        {
            "app/cdktf.json": TS_APP,
            "app/lib/stack.ts": utf8(
                stack_ts('"acme-state"').replace(
                    "    });\n",
                    "    });\n"
                    + "".join(
                        f'    this.addOverride("terraform.backend.s3.tag_{i}", "v");\n'
                        for i in range(250)
                    ),
                )
            ),
        },
        f"app/lib/stack.ts:212:5: {PAST_A_BOUND} has more than 200 backend overrides in stack "
        "OrdersStack; those from here on were not read",
    ),
    "program-over-1-mib": Case(
        {
            "app/cdktf.json": PY_APP,
            "app/main.py": utf8(stack_py('"acme-state"') + "# generated\n" * 100_000),
        },
        f"app/main.py:1:1: {PAST_A_BOUND} is larger than 1 MiB and was not read",
    ),
    "program-latin-1": Case(
        {
            "app/cdktf.json": PY_APP,
            "app/main.py": stack_py('"zürich-state"').encode("latin-1"),
        },
        f"app/main.py:11:1: {UNPARSEABLE} is not UTF-8 text",
    ),
} | {
    name: Case(
        {f"stacks/bad/{file}": data},
        f"stacks/bad/{file}:1:1: {UNPARSEABLE} is {encoding} text; {NOT_UTF8}",
    )
    for name, (file, data, encoding) in WIDE_TEXTS.items()
}


def write_files(root: Path, files: dict[str, bytes | Sparse]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Sparse):
            with path.open("wb") as handle:
                handle.write(data.head)
                handle.truncate(data.size)
        else:
            path.write_bytes(data)


def project(root: Path, files: dict[str, bytes | Sparse] | None = None) -> Path:
    """The ordinary module under `root`, with `files` beside it."""
    write_files(root, {name: utf8(text) for name, text in NORMAL.items()})
    write_files(root, files or {})
    return root


@dataclass
class Run:
    status: int
    out: str
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.out.splitlines()


def _cap_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def cli(root: Path, *argv: str) -> Run:
    """`backend-guard ARGV` in a fresh process in `root`, bounded in time and address space."""
    completed = subprocess.run(
        [sys.executable, "-m", "backend_guard", *argv],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_cap_address_space,
        check=False,
    )
    # Everything worth saying is in the report: no traceback, no warning, no internal error (2).
    assert completed.stderr == ""
    assert completed.returncode in (0, 1)
    return Run(completed.returncode, completed.stdout)


Entry = tuple[int, int, int, str]  # type, mode, mtime, digest of the bytes or the link's target


def entry(path: str) -> Entry:
    """What one entry is, its link not followed; only a readable regular file is opened."""
    status = os.lstat(path)
    content = ""
    if stat.S_ISLNK(status.st_mode):
        content = os.readlink(path)
    elif stat.S_ISREG(status.st_mode) and os.access(path, os.R_OK):
        with open(path, "rb") as handle:
            content = hashlib.file_digest(handle, "sha256").hexdigest()
    return stat.S_IFMT(status.st_mode), status.st_mode, status.st_mtime_ns, content


def tree_state(root: Path) -> dict[str, Entry]:
    """Every entry under `root` (and `root` itself, as "."), by path."""
    state = {".": entry(str(root))}
    for directory, names, files in os.walk(root):
        for name in [*names, *files]:
            path = os.path.join(directory, name)
            state[os.path.relpath(path, root)] = entry(path)
    return state


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The ordinary module alone, in `repo/` (its parent has room for what lies outside)."""
    return project(tmp_path / "repo")


# -- one bad file at a time ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_file_is_reported_where_it_is_bad_and_the_run_goes_on(
    tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    run = cli(project(tmp_path, case.files), "check", ".")
    assert run.status == 1
    assert any(line.startswith(case.expected) for line in run.lines), run.out
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1, run.out
    assert SUMMARY.fullmatch(run.lines[-1]), run.lines[-1]  # the report was written to its end


def test_a_file_of_many_thousand_terraform_blocks_is_read_to_its_end(tmp_path: Path) -> None:
    # Placing each block once counted lines from the top of the file: this one took minutes.
    blocks = 150_000
    text = 'terraform {\n  required_version = ">= 1.6.0"\n}\n' * blocks + PARTIAL
    assert len(text) > 6_500_000
    run = cli(project(tmp_path, {"stacks/bad/main.tf": utf8(text)}), "check", ".")
    last = 3 * blocks + 2
    assert any(
        line.startswith(f"stacks/bad/main.tf:{last}:3: error BG101 partial-backend-config:")
        for line in run.lines
    ), run.out[-2000:]
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1


# Its bucket is a call, which only python-hcl2 reads (a few milliseconds a block).
CALL_BACKEND = 'terraform {{\n  backend "s3" {{\n    bucket = lower(var.bucket_{})\n  }}\n}}\n'


def test_a_file_of_many_thousand_backends_is_read_up_to_the_bound(tmp_path: Path) -> None:
    text = "".join(CALL_BACKEND.format(index) for index in range(100_000))
    assert len(text) > 6_500_000
    run = cli(project(tmp_path, {"stacks/bad/main.tf": utf8(text)}), "check", ".")
    assert (
        f"stacks/bad/main.tf:102:3: {PAST_A_BOUND} declares more than 20 backends; those from "
        "here on were not checked (a bound of backend-guard's, not of the engine)"
    ) in run.lines
    assert not any(line.startswith("stacks/bad/main.tf:107:") for line in run.lines)
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1


def test_backends_past_the_bound_are_never_handed_to_the_parser(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[int] = []
    parse = hcl_tree.parse

    def counted(block: TopLevelBlock, text: str, path: str) -> object:
        parsed.append(block.start_line)
        return parse(block, text, path)

    monkeypatch.setattr(hcl_tree, "parse", counted)
    text = "".join(CALL_BACKEND.format(index) for index in range(2_000))
    write_files(repo, {"stacks/bad/main.tf": utf8(text)})
    monkeypatch.chdir(repo)
    result = scan(["."], Settings())
    assert parsed == [2 + 5 * index for index in range(MAX_BACKENDS_PER_FILE + 1)]
    assert len(result.modules["stacks/bad"].backends) == MAX_BACKENDS_PER_FILE


# -- what a file system can hold -------------------------------------------------------------

OUTSIDE_TF = 'terraform {\n  backend "gcs" {}\n}\n'  # a finding, were it ever read


def outside(root: Path) -> Path:
    """A directory beside the scanned root, holding a configuration with a finding."""
    directory = root.parent / "outside"
    write_files(directory, {"main.tf": utf8(OUTSIDE_TF)})
    return directory


def directory_named_main_tf(root: Path, here: Path) -> None:
    write_files(here, {"main.tf/backend.tf": utf8(PARTIAL)})


def fifo(root: Path, here: Path) -> None:
    os.mkfifo(here / "main.tf")  # no writer ever opens it: reading it would wait forever


def dangling_link(root: Path, here: Path) -> None:
    os.symlink("gone.tf", here / "main.tf")


def link_to_itself(root: Path, here: Path) -> None:
    os.symlink("main.tf", here / "main.tf")


def link_to_parent(root: Path, here: Path) -> None:
    os.symlink("..", here / "up")


def file_link_out_of_root(root: Path, here: Path) -> None:
    os.symlink(outside(root) / "main.tf", here / "main.tf")


def directory_link_out_of_root(root: Path, here: Path) -> None:
    os.symlink(outside(root), here / "shared")


def unreadable_file(root: Path, here: Path) -> None:
    write_files(here, {"main.tf": utf8(PARTIAL)})
    os.chmod(here / "main.tf", 0)


def unreadable_directory(root: Path, here: Path) -> None:
    write_files(here, {"main.tf": utf8(PARTIAL)})
    os.chmod(here, 0)


# What to build in `stacks/odd/`, and the line the report must hold (None: nothing to say, as
# `terraform init` says nothing: it skips directories and never sees what lies out of the root).
FILE_SYSTEM: dict[str, tuple[Callable[[Path, Path], None], str | None]] = {
    "directory-named-main.tf": (
        directory_named_main_tf,
        "stacks/odd/main.tf/backend.tf:2:3: error BG101 partial-backend-config:",
    ),
    "fifo-named-main.tf": (
        fifo,
        f"stacks/odd/main.tf:1:1: {UNPARSEABLE} is not a regular file (a FIFO, socket or device) "
        "and was not read",
    ),
    "dangling-link": (
        dangling_link,
        f"stacks/odd/main.tf:1:1: {UNPARSEABLE} is a symbolic link that leads nowhere",
    ),
    "link-to-itself": (
        link_to_itself,
        f"stacks/odd/main.tf:1:1: {UNPARSEABLE} is a symbolic link that leads nowhere",
    ),
    "link-to-parent": (link_to_parent, None),
    "file-link-out-of-root": (file_link_out_of_root, None),
    "directory-link-out-of-root": (directory_link_out_of_root, None),
}
if not IS_ROOT:  # root reads a file whatever its mode
    FILE_SYSTEM["unreadable-file"] = (
        unreadable_file,
        f"stacks/odd/main.tf:1:1: {UNPARSEABLE} cannot be read (Permission denied)",
    )
    FILE_SYSTEM["unreadable-directory"] = (
        unreadable_directory,
        f"stacks/odd:1:1: {UNPARSEABLE} cannot be read: Permission denied",
    )


@pytest.mark.parametrize("name", list(FILE_SYSTEM))
def test_odd_entries_are_reported_or_skipped_and_links_never_lead_out(
    repo: Path, name: str
) -> None:
    build, expected = FILE_SYSTEM[name]
    here = repo / "stacks/odd"
    here.mkdir(parents=True)
    build(repo, here)
    run = cli(repo, "check", ".")
    assert run.status == 1
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1, run.out
    if expected is None:
        # nothing read but the ordinary module's two files, each once
        assert run.lines[-1] == "1 error in 1 root module (2 files scanned)", run.out
    else:
        assert any(line.startswith(expected) for line in run.lines), run.out
    assert "gcs" not in run.out


def test_a_fifo_named_on_the_command_line_is_reported_not_waited_on(repo: Path) -> None:
    os.mkfifo(repo / "main.tf")
    run = cli(repo, "check", "infra", "main.tf")
    assert run.status == 1
    assert any(
        line.startswith(f"main.tf:1:1: {UNPARSEABLE} is not a regular file or directory")
        for line in run.lines
    ), run.out
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1


ODD_NAMES = ("my stack", "naïve-ünïcode", "line\nbreak", "-rf", "--help", " leading space")


def test_odd_names_are_scanned_and_reported_exactly(repo: Path) -> None:
    write_files(repo, {f"{name}/main.tf": utf8(PARTIAL) for name in ODD_NAMES})
    run = cli(repo, "check", "--format", "json", ".")
    assert run.status == 1
    reported = {(finding["path"], finding["rule"]) for finding in json.loads(run.out)["findings"]}
    expected = {(f"{name}/main.tf", "BG101") for name in ODD_NAMES}
    assert reported == expected | {("infra/backend.tf", "BG101")}


def test_the_suggested_fix_command_works_for_a_path_that_starts_with_a_dash(repo: Path) -> None:
    write_files(repo, {"-stack/main.tf": utf8(PARTIAL)})
    run = cli(repo, "check", "--", "-stack")
    suggested = re.search(r"\[backend-guard (fix .*)\]$", run.lines[1])
    assert suggested is not None, run.out
    fixed = cli(repo, *shlex.split(suggested[1]))
    assert "fixed -stack/main.tf" in fixed.lines


# -- everything at once: what `check`, `fix --diff` and `fix` change --------------------------


def relocated(text: str, name: str) -> str:
    """A path (or a report line) of a case moved to the case's own directory."""
    return re.sub(r"^(?:stacks/bad|stacks/odd|app)(?=[/:])", f"cases/{name}", text)


@pytest.fixture
def hostile_repo(repo: Path) -> Path:
    """Every case and every odd entry in one repository, beside the ordinary module."""
    for name, case in CASES.items():
        write_files(repo, {relocated(path, name): data for path, data in case.files.items()})
    for name, (build, _) in FILE_SYSTEM.items():
        here = repo / "cases" / name
        here.mkdir(parents=True)
        build(repo, here)
    return repo


def test_check_and_fix_diff_change_nothing_and_fix_rewrites_only_what_it_read_whole(
    hostile_repo: Path,
) -> None:
    before = tree_state(hostile_repo)

    run = cli(hostile_repo, "check", ".")
    assert run.status == 1
    expected = [relocated(case.expected, name) for name, case in CASES.items()]
    expected += [relocated(line, name) for name, (_, line) in FILE_SYSTEM.items() if line]
    for line in expected:
        assert any(reported.startswith(line) for reported in run.lines), line
    assert sum(line.startswith(NORMAL_FINDING) for line in run.lines) == 1
    assert "gcs" not in run.out
    assert tree_state(hostile_repo) == before

    diff = cli(hostile_repo, "fix", "--diff", ".")
    assert diff.status == 0
    assert tree_state(hostile_repo) == before
    # Those read whole have a partial backend, which `fix` turns local; no other file changes.
    rewritten = {line.split(":")[0] for line in expected if "BG101" in line} | {NORMAL_PATH}
    assert set(re.findall(r"^\+\+\+ b/(.+)$", diff.out, re.MULTILINE)) == rewritten

    fix = cli(hostile_repo, "fix", ".")
    assert fix.status == 0
    assert {line.removeprefix("fixed ") for line in fix.lines if line.startswith("fixed ")} == (
        rewritten
    )
    after = tree_state(hostile_repo)
    changed = {
        path
        for path, entry in before.items()
        if entry[0] != stat.S_IFDIR and after.get(path) != entry
    }
    assert changed == rewritten

    again = cli(hostile_repo, "check", ".")
    assert not any(line.startswith("infra/backend.tf") for line in again.lines)
    unfixed = [line for line in expected if UNPARSEABLE in line]
    for line in unfixed:
        assert any(reported.startswith(line) for reported in again.lines), line


# -- random bytes ----------------------------------------------------------------------------

# Pieces of HCL and JSON that open and close things, and bytes that are not text.
TOKENS = st.sampled_from(
    [
        b'backend "s3" {',
        b"{",
        b"}",
        b"[",
        b"]",
        b'"',
        b"${",
        b"%{",
        b"<<EOF\n",
        b"EOF\n",
        b"/*",
        b"*/",
        b"#",
        b"//",
        b"=",
        b"\\",
        b"\n",
        b"\r\n",
        b"\0",
        b"\xff",
        b"\xc3",
        codecs.BOM_UTF8,
        b'bucket = "acme"\n',
        b'"backend": {"s3": {',
    ]
)
CONTENT = st.lists(st.one_of(TOKENS, st.binary(max_size=12)), max_size=40).map(b"".join)
PREFIXES = {
    "main.tf": b"terraform {",
    "main.tf.json": b'{"terraform": {',
    "main.tofu": b"terraform {",
}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(PREFIXES)), content=CONTENT)
def test_random_bytes_never_crash_the_scan_or_the_fix(
    repo: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes
) -> None:
    monkeypatch.chdir(repo)
    data = PREFIXES[name] + content
    path = repo / "stacks/fuzz" / name
    write_files(repo, {f"stacks/fuzz/{name}": data})
    try:
        result = scan(["."], Settings())
        apply.plan(result.findings, result.texts)
    finally:
        path.unlink()
    lines = data.count(b"\n") + 1
    for finding in result.findings:
        if finding.path.startswith("stacks/fuzz/"):
            assert 1 <= finding.span.start_line <= lines, finding
    assert [f.rule for f in result.findings if f.path == NORMAL_PATH] == ["BG101"]
