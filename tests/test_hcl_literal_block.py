"""The literal fast path: blocks of plain literals read without the parser, with the same facts.

Each generated file is read twice: once with the fast path (and the parser made unreachable, so
the fast path must accept every block), once with the fast path switched off (the parser reads
every block). The facts must be equal field by field, spans included. Blocks with anything outside
the plain-literal subset must be refused, and then the parser's facts are what the file yields.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_guard.model import BackendKind, FileFacts, Origin, Span, ValueKind
from backend_guard.sources import hcl, hcl_literal_block
from backend_guard.sources.hcl_blocks import top_level_blocks

KEYWORDS = {"if", "in", "for", "for_each", "else", "endif", "endfor", "true", "false", "null"}

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,14}", fullmatch=True).filter(
    lambda name: name not in KEYWORDS
)
spaces = st.text(" \t", max_size=3)
some_spaces = st.text(" \t", min_size=1, max_size=3)
# HCL's own punctuation is drawn often: inside strings and comments it must change nothing.
punctuation = st.sampled_from('#/*{}[]$%=,"\\ ')
comment_text = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), punctuation
    ),
    max_size=20,
)
string_chars = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n\r'),
        punctuation.filter(lambda c: c not in '"\\'),
    ),
    max_size=24,
).filter(lambda s: "${" not in s and "%{" not in s)
strings = string_chars.map(lambda s: f'"{s}"')
digits = st.from_regex(r"[0-9]{1,6}", fullmatch=True)
numbers = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{whole}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    digits,
    st.one_of(st.just(""), digits.map(lambda d: f".{d}")),
    st.one_of(st.just(""), st.from_regex(r"[eE][+-]?[0-9]{1,2}", fullmatch=True)),
)
scalars = st.one_of(strings, numbers, st.sampled_from(["true", "false", "null"]))


@st.composite
def lists(draw: st.DrawFn) -> str:
    items = draw(st.lists(scalars, max_size=4))
    parts = [f"{draw(spaces)}{item}{draw(spaces)}" for item in items]
    trailing = "," if items and draw(st.booleans()) else ""
    return f"[{','.join(parts)}{trailing}{draw(spaces)}]"


values = st.one_of(strings, strings, numbers, st.sampled_from(["true", "false", "null"]), lists())


@st.composite
def trailing_comments(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["", "", "#", "//", "/*"]))
    if not kind:
        return draw(spaces)
    text = draw(comment_text)
    if kind == "/*":
        return f"{draw(spaces)}/*{text.replace('*/', '')}*/{draw(spaces)}"
    return f"{draw(spaces)}{kind}{text}"


@st.composite
def body_lines(draw: st.DrawFn, attributes: dict[str, str]) -> list[str]:
    """Attribute lines (aligned or not) mixed with blank lines and comment lines."""
    indent = draw(spaces)
    align = draw(st.booleans())
    width = max((len(name) for name in attributes), default=0)
    lines: list[str] = []
    for name, value in attributes.items():
        for _ in range(draw(st.integers(0, 2 if len(attributes) < 4 else 1))):
            lines.append(draw(st.one_of(spaces, trailing_comments().map(lambda c: indent + c))))
        before = " " * (width - len(name) + 1) if align else draw(spaces)
        lines.append(
            f"{indent}{name}{before}={draw(spaces)}{value}{draw(trailing_comments())}".rstrip("\r")
        )
    return lines


@st.composite
def literal_blocks(draw: st.DrawFn, header: str) -> str:
    """A block of plain literals, `header` being e.g. `backend "s3"`; its closing brace last."""
    attributes = draw(st.dictionaries(names, values, max_size=7))
    indent = draw(spaces)
    opening = f"{header}{draw(spaces)}{{"
    if len(attributes) <= 1 and draw(st.integers(0, 3)) == 0:
        inline = "".join(f"{draw(some_spaces)}{n} = {v}" for n, v in attributes.items())
        return f"{opening}{inline}{draw(spaces)}}}"
    lines = draw(body_lines(attributes))
    return "\n".join([opening + draw(trailing_comments()), *lines, f"{indent}}}"])


@st.composite
def backend_headers(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return "cloud"
    label = draw(st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True))
    written = label if draw(st.integers(0, 9)) == 0 else f'"{label}"'
    return f"backend{draw(some_spaces)}{written}"


@st.composite
def terraform_files(draw: st.DrawFn, backend: str | None = None) -> str:
    """A realistic file: `terraform { required_version, required_providers, backend }` and a
    storage resource, with `backend` (or a generated plain-literal block) in the middle."""
    if backend is None:
        backend = draw(literal_blocks(draw(backend_headers())))
    indent = draw(st.sampled_from(["  ", "    ", "\t", ""]))
    backend = "\n".join(indent + line for line in backend.split("\n"))
    storage_type = draw(st.sampled_from(["aws_s3_bucket", "aws_dynamodb_table", "tfe_workspace"]))
    storage = draw(literal_blocks(f'resource "{storage_type}" "{draw(names)}"'))
    text = textwrap.dedent(
        """\
        # Remote state for the network stack.
        terraform {{
          required_version = ">= 1.5.0"
          required_providers {{
            aws = {{
              source  = "hashicorp/aws"
              version = "~> 5.0"
            }}
          }}
        {backend}
        }}

        {storage}

        provider "aws" {{
          region = "eu-west-1"
        }}
        """
    ).format(backend=backend, storage=storage)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@contextmanager
def parser_unreachable():
    with mock.patch.object(hcl, "_tree", side_effect=AssertionError("parser used")):
        yield


@contextmanager
def fast_path_off():
    with (
        mock.patch.object(hcl_literal_block, "read_backend", return_value=None),
        mock.patch.object(hcl_literal_block, "read_storage", return_value=None),
    ):
        yield


def read_both(
    text: str, path: str = "stack/main.tf", module_dir: str = "stack"
) -> tuple[FileFacts, FileFacts]:
    """The facts of `text` read with the fast path, and read by the parser alone."""
    with fast_path_off():
        by_parser = hcl.read(path, text, module_dir)
    return hcl.read(path, text, module_dir), by_parser


@settings(max_examples=400, deadline=None)
@given(terraform_files())
def test_plain_literal_blocks_read_without_parser_give_the_parsers_facts(text: str) -> None:
    with fast_path_off():
        by_parser = hcl.read("stack/main.tf", text, "stack")
    with parser_unreachable():
        fast = hcl.read("stack/main.tf", text, "stack")
    assert by_parser.problems == []
    assert len(by_parser.backends) == 1
    assert fast == by_parser


NOT_LITERAL = {
    "interpolation": 'bucket = "state-${var.env}"',
    "directive": 'key = "%{ if true }a%{ endif }"',
    "escaped interpolation": 'key = "$${literal}"',
    "escape": 'key = "a\\tb"',
    "escaped quote": 'key = "say \\"hi\\""',
    "unicode escape": 'key = "\\u00e9"',
    "heredoc": "key = <<EOT\nnetwork.tfstate\nEOT",
    "indented heredoc": "key = <<-EOT\n  network.tfstate\n  EOT",
    "nested block": 'assume_role {\n  role_arn = "arn:aws:iam::123456789012:role/x"\n}',
    "empty nested block": "workspaces {}",
    "object": 'tags = { team = "net" }',
    "multi-line object": 'endpoints = {\n  s3 = "http://127.0.0.1:9000"\n}',
    "function call": 'region = lower("EU-WEST-1")',
    "variable": "bucket = var.bucket",
    "local": "bucket = local.state_bucket",
    "path": "key = path.module",
    "multi-line list": 'allowed = [\n  "a",\n  "b",\n]',
    "nested list": "matrix = [[1, 2]]",
    "list with a reference": "ids = [var.id]",
    "arithmetic": "retries = 1 + 2",
    "conditional": 'key = true ? "a" : "b"',
    "negation": "skip = !true",
    "spaced minus": "offset = - 1",
    "parenthesis": "retries = (3)",
    "hex-like number": "retries = 0x10",
    "multi-line comment": "/* a\n   b */",
    "comment before the value": "retries = /* three */ 3",
    "two attributes on a line": 'a = "x" b = "y"',
    "keyword name": "in = 1",
    "for expression": "ids = [for s in var.x : s]",
}


@pytest.mark.parametrize("line", NOT_LITERAL.values(), ids=NOT_LITERAL.keys())
def test_refused_constructs_each_fall_back_to_the_parser(line: str) -> None:
    text = f'terraform {{\n  backend "s3" {{\n    bucket = "b"\n{line}\n  }}\n}}\n'
    block = top_level_blocks(text, None, text.index("{") + 1, len(text) - 2)[0]
    enclosing = Span("main.tf", 1, 1, 6, 2)
    assert (
        hcl_literal_block.read_backend(block, text, "main.tf", ".", Origin.WRITTEN, enclosing)
        is None
    )
    fast, by_parser = read_both(text)
    assert fast == by_parser


@st.composite
def blocks_with_one_refused_line(draw: st.DrawFn) -> str:
    block = draw(literal_blocks(draw(backend_headers())))
    lines = block.split("\n")
    if len(lines) < 2:  # a one-line block: open it up
        lines = [lines[0].split("{")[0] + "{", "}"]
    where = draw(st.integers(1, len(lines) - 1))
    refused = draw(st.sampled_from(sorted(NOT_LITERAL.values())))
    return "\n".join([*lines[:where], refused, *lines[where:]])


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_blocks_with_anything_not_plain_are_refused(data: st.DataObject) -> None:
    text = data.draw(terraform_files(data.draw(blocks_with_one_refused_line())))
    terraform = top_level_blocks(text, {"terraform"})[0]
    nested = top_level_blocks(text, None, text.index("{", terraform.start) + 1, terraform.end - 1)
    backend = next(block for block in nested if block.type in ("backend", "cloud"))
    enclosing = Span("main.tf", 1, 1, 1, 1)
    assert (
        hcl_literal_block.read_backend(backend, text, "main.tf", ".", Origin.WRITTEN, enclosing)
        is None
    )
    fast, by_parser = read_both(text)
    assert fast == by_parser


def test_repeated_name_falls_back() -> None:
    text = 'terraform {\n  backend "s3" {\n    key = "a"\n    key = "b"\n  }\n}\n'
    block = top_level_blocks(text, None, text.index("{") + 1, len(text) - 2)[0]
    span = Span("main.tf", 1, 1, 6, 2)
    assert hcl_literal_block.read_backend(block, text, "main.tf", ".", Origin.WRITTEN, span) is None


def test_storage_resource_with_a_nested_block_falls_back() -> None:
    text = textwrap.dedent(
        """\
        resource "aws_s3_bucket" "state" {
          bucket = "acme-terraform-state"
          lifecycle {
            prevent_destroy = true
          }
        }
        """
    )
    block = top_level_blocks(text, {"resource"})[0]
    assert hcl_literal_block.read_storage(block, text, "main.tf", ".") is None
    fast, by_parser = read_both(text)
    assert [s.name.literal for s in fast.storage] == ["acme-terraform-state"]
    assert fast == by_parser


def test_typical_backend_block_exact_facts() -> None:
    text = (
        "terraform {\r\n"
        '  backend "s3" {\r\n'
        '    bucket         = "acme-terraform-state"   # comment\r\n'
        '    key            = "network/terraform.tfstate"\r\n'
        "    encrypt        = true // always\r\n"
        "    max_retries    = 5 /* default is 5 */\r\n"
        '    allowed_account_ids = ["123456789012"]\r\n'
        "  }\r\n"
        "}\r\n"
    )
    with parser_unreachable():
        facts = hcl.read("main.tf", text, ".")
    (backend,) = facts.backends
    assert backend.kind is BackendKind.BACKEND and backend.type == "s3"
    assert backend.span == Span("main.tf", 2, 3, 8, 4)
    assert backend.header_span == Span("main.tf", 2, 3, 2, 17)
    assert backend.enclosing_span == Span("main.tf", 1, 1, 9, 2)
    bucket = backend.attribute("bucket")
    assert bucket is not None
    assert bucket.span == Span("main.tf", 3, 5, 3, 44)
    assert (bucket.value.kind, bucket.value.text) == (ValueKind.LITERAL, '"acme-terraform-state"')
    assert [a.value.literal for a in backend.attributes] == [
        "acme-terraform-state",
        "network/terraform.tfstate",
        True,
        5,
        ["123456789012"],
    ]
    assert facts == read_both(text, "main.tf", ".")[1]


def test_numbers_keep_int_and_float_apart() -> None:
    text = (
        'terraform {\n  backend "x" {\n    a = 7\n    b = -12\n    c = 1.5\n    d = 1e3\n  }\n}\n'
    )
    with parser_unreachable():
        (backend,) = hcl.read("main.tf", text, ".").backends
    literals = [a.value.literal for a in backend.attributes]
    assert literals == [7, -12, 1.5, 1000.0]
    assert [type(v) for v in literals] == [int, int, float, float]


def test_scan_of_literal_backends_never_loads_the_parser(tmp_path: Path) -> None:
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "backend.tf").write_text(
        textwrap.dedent(
            """\
            terraform {
              required_version = ">= 1.5.0"
              required_providers {
                aws = {
                  source  = "hashicorp/aws"
                  version = "~> 5.0"
                }
              }
              backend "s3" {
                bucket         = "acme-terraform-state"   # created by ../bootstrap
                key            = "network/terraform.tfstate"
                region         = "eu-west-1"
                encrypt        = true
                dynamodb_table = "terraform-locks"
              }
            }
            """
        )
    )
    (tmp_path / "bootstrap").mkdir()
    (tmp_path / "bootstrap" / "main.tf").write_text(
        'terraform {\n  backend "local" {}\n}\n\n'
        'resource "aws_s3_bucket" "state" {\n  bucket = "acme-terraform-state"\n}\n'
    )
    program = (
        "import sys\n"
        "from backend_guard.cli import main\n"
        f"main(['check', {str(tmp_path)!r}, '--fail-on', 'never'])\n"
        "assert 'hcl2' not in sys.modules and 'lark' not in sys.modules, 'parser loaded'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert 'backend "s3"' in result.stdout


def test_a_block_too_large_to_parse_is_reported_by_both_paths_alike() -> None:
    lines = "".join(f'    key_{n:05} = "value-{n}"\n' for n in range(3000))
    text = f'terraform {{\n  backend "s3" {{\n{lines}  }}\n}}\n'
    assert len(text) > hcl.MAX_PARSED_BLOCK_CHARS
    fast, by_parser = read_both(text)
    assert fast == by_parser
    assert fast.backends == [] and len(fast.problems) == 1
