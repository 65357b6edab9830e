"""The fast path: blocks of the common shapes read without the parser, with the same facts.

Each generated file is read twice: once with the fast path (and the parser made unreachable, so
the fast path must accept every block), once with the fast path switched off (the parser reads
every block). The facts must be equal field by field: values, texts, references, spans. The
shapes generated are those the fast path reads: literals, traversals (`var.bucket`), strings
whose interpolations are traversals, and one level of nested blocks. Blocks with anything else
must be refused, and then the parser's facts are what the file yields.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import assume, given, settings
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


traversals = st.builds(
    lambda root, parts: ".".join([root, *parts]),
    st.one_of(st.sampled_from(["var", "local", "terraform", "path", "data", "module"]), names),
    st.lists(names, min_size=1, max_size=3),
)


@st.composite
def templates(draw: st.DrawFn) -> str:
    """A string with one to three `${traversal}` interpolations among plain text."""
    parts = [draw(string_chars)]
    for _ in range(draw(st.integers(1, 3))):
        inside = f"{draw(spaces)}{draw(traversals)}{draw(spaces)}"
        parts.extend([f"${{{inside}}}", draw(string_chars)])
    text = "".join(parts)
    assume("$${" not in text and "%{" not in text)
    return f'"{text}"'


values = st.one_of(
    strings,
    strings,
    numbers,
    st.sampled_from(["true", "false", "null"]),
    lists(),
    traversals,
    templates(),
)


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
def body_lines(
    draw: st.DrawFn, attributes: dict[str, str], blocks: list[list[str]] | None = None
) -> list[str]:
    """Attribute lines (aligned or not) and `blocks` (each its lines), in any order, mixed with
    blank lines and comment lines."""
    indent = draw(spaces)
    align = draw(st.booleans())
    width = max((len(name) for name in attributes), default=0)
    statements: list[list[str]] = []
    for name, value in attributes.items():
        before = " " * (width - len(name) + 1) if align else draw(spaces)
        statements.append([f"{name}{before}={draw(spaces)}{value}{draw(trailing_comments())}"])
    statements.extend(blocks or [])
    lines: list[str] = []
    for statement in draw(st.permutations(statements)):
        for _ in range(draw(st.integers(0, 2 if len(statements) < 4 else 1))):
            lines.append(draw(st.one_of(spaces, trailing_comments().map(lambda c: indent + c))))
        lines.extend(indent + line for line in statement)
    return lines


labels = st.one_of(
    names.map(lambda name: f'"{name}"'),
    st.from_regex(r"[a-z][a-z0-9_.-]{0,10}", fullmatch=True).map(lambda name: f'"{name}"'),
    names,
)


@st.composite
def nested_blocks(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A nested block (`workspaces { name = "app" }`, `assume_role { ... }`) of attributes: the
    attribute name the parser gives it, and its lines."""
    written_labels = draw(st.lists(labels, max_size=2)) if draw(st.integers(0, 3)) == 0 else []
    block_type = draw(st.one_of(st.sampled_from(["workspaces", "assume_role"]), names))
    header = " ".join([block_type, *written_labels]) + draw(spaces)
    name = ".".join([block_type, *(label.strip('"') for label in written_labels)])
    attributes = draw(st.dictionaries(names, values, max_size=4))
    if len(attributes) <= 1 and draw(st.booleans()):
        inline = "".join(
            f"{draw(spaces)}{n}{draw(spaces)}={draw(spaces)}{v}" for n, v in attributes.items()
        )
        return name, [f"{header}{{{inline}{draw(spaces)}}}{draw(trailing_comments())}"]
    inner = draw(body_lines(attributes))
    return name, [
        f"{header}{{{draw(trailing_comments())}",
        *(f"  {line}" for line in inner),
        f"{draw(spaces)}}}{draw(trailing_comments())}",
    ]


@st.composite
def literal_blocks(draw: st.DrawFn, header: str) -> str:
    """A block of the shapes the fast path reads, `header` being e.g. `backend "s3"`; its closing
    brace last."""
    blocks = draw(st.lists(nested_blocks(), max_size=2, unique_by=lambda block: block[0]))
    attributes = {
        name: value
        for name, value in draw(st.dictionaries(names, values, max_size=7)).items()
        if name not in {block_name for block_name, _ in blocks}
    }
    indent = draw(spaces)
    opening = f"{header}{draw(spaces)}{{"
    if not blocks and len(attributes) <= 1 and draw(st.integers(0, 3)) == 0:
        inline = "".join(f"{draw(some_spaces)}{n} = {v}" for n, v in attributes.items())
        return f"{opening}{inline}{draw(spaces)}}}"
    lines = draw(body_lines(attributes, [lines for _, lines in blocks]))
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
    storage resource, with `backend` (or a generated block of the shapes read fast) in the middle."""
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


@settings(max_examples=300, deadline=None)
@given(terraform_files())
def test_blocks_read_without_parser_give_the_parsers_facts(text: str) -> None:
    with fast_path_off():
        by_parser = hcl.read("stack/main.tf", text, "stack")
    with parser_unreachable():
        fast = hcl.read("stack/main.tf", text, "stack")
    assert by_parser.problems == []
    assert len(by_parser.backends) == 1
    assert fast == by_parser


REFUSED = {
    "directive": 'key = "%{ if true }a%{ endif }"',
    "escaped interpolation": 'key = "$${literal}"',
    "escaped then real interpolation": 'key = "$${var.a}/${var.b}"',
    "escaped directive": 'key = "%%{literal}"',
    "interpolated call": 'key = "${lower(var.env)}/state"',
    "interpolated index": 'key = "${var.envs[0]}/state"',
    "interpolated operation": 'key = "${var.a}-${var.b + 1}"',
    "interpolated string": 'key = "${"x"}"',
    "interpolated bare name": 'key = "${env}/state"',
    "interpolated keyword": 'key = "${true}"',
    "interpolation with strip markers": 'key = "${~ var.env ~}"',
    "escape": 'key = "a\\tb"',
    "escaped quote": 'key = "say \\"hi\\""',
    "unicode escape": 'key = "\\u00e9"',
    "heredoc": "key = <<EOT\nnetwork.tfstate\nEOT",
    "indented heredoc": "key = <<-EOT\n  network.tfstate\n  EOT",
    "two levels of nested blocks": 'assume_role {\n  tags {\n    team = "net"\n  }\n}',
    "nested block with an object": 'workspaces {\n  tags = { team = "net" }\n}',
    "nested block with a call": 'workspaces {\n  name = lower("APP")\n}',
    "nested block closed after an attribute": 'workspaces {\n  name = "app" }',
    "nested block opened on the next line": 'workspaces\n{\n  name = "app"\n}',
    "one-line nested block with two attributes": 'workspaces { name = "a" prefix = "b" }',
    "nested block with a keyword type": 'in {\n  name = "app"\n}',
    "nested dynamic block": 'dynamic "rule" {\n  for_each = var.rules\n  content {}\n}',
    "object": 'tags = { team = "net" }',
    "multi-line object": 'endpoints = {\n  s3 = "http://127.0.0.1:9000"\n}',
    "function call": 'region = lower("EU-WEST-1")',
    "bare name": "bucket = state_bucket",
    "index": "bucket = var.buckets[0]",
    "legacy index": "bucket = var.buckets.0",
    "splat": "ids = var.buckets[*].id",
    "keyword in a traversal": "bucket = var.for",
    "keyword as a traversal's root": "bucket = null.x",
    "spaced traversal": "bucket = var . bucket",
    "multi-line list": 'allowed = [\n  "a",\n  "b",\n]',
    "nested list": "matrix = [[1, 2]]",
    "list with a reference": "ids = [var.id]",
    "list with an interpolation": 'ids = ["${var.id}"]',
    "arithmetic": "retries = 1 + 2",
    "reference arithmetic": "retries = var.retries + 1",
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


@pytest.mark.parametrize("line", REFUSED.values(), ids=REFUSED.keys())
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
    refused = draw(st.sampled_from(sorted(REFUSED.values())))
    return "\n".join([*lines[:where], refused, *lines[where:]])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_blocks_with_anything_else_are_refused(data: st.DataObject) -> None:
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


def test_storage_resource_with_one_nested_block_is_read_and_two_levels_fall_back() -> None:
    one_level = textwrap.dedent(
        """\
        resource "aws_s3_bucket" "state" {
          bucket = "acme-terraform-state"
          lifecycle {
            prevent_destroy = true
          }
        }
        """
    )
    two_levels = one_level.replace(
        "lifecycle {\n    prevent_destroy = true\n  }",
        "server_side_encryption_configuration {\n    rule {\n      bucket_key_enabled = true\n"
        "    }\n  }",
    )
    for text, read in ((one_level, True), (two_levels, False)):
        block = top_level_blocks(text, {"resource"})[0]
        assert (hcl_literal_block.read_storage(block, text, "main.tf", ".") is not None) is read
        fast, by_parser = read_both(text)
        assert [s.name.literal for s in fast.storage] == ["acme-terraform-state"]
        assert fast == by_parser


def read_fast(text: str) -> FileFacts:
    """The facts of `text`, which the fast path must read alone, equal to the parser's."""
    with parser_unreachable():
        facts = hcl.read("main.tf", text, ".")
    assert facts == read_both(text, "main.tf", ".")[1]
    return facts


def test_terraform_cloud_workspaces_exact_facts() -> None:
    text = textwrap.dedent(
        """\
        terraform {
          cloud {
            organization = "acme"
            hostname     = "app.terraform.io" # the default

            workspaces {
              tags    = ["networking", "source:cli"]
              project = "platform"
            }
          }
        }
        """
    )
    (backend,) = read_fast(text).backends
    assert backend.kind is BackendKind.CLOUD and backend.type == "cloud"
    assert backend.span == Span("main.tf", 2, 3, 10, 4)
    workspaces = backend.attribute("workspaces")
    assert workspaces is not None and workspaces.written_as_block
    assert workspaces.span == Span("main.tf", 6, 5, 9, 6)
    assert workspaces.value.kind is ValueKind.EXPRESSION
    assert workspaces.value.text == (
        'workspaces {\n      tags    = ["networking", "source:cli"]\n'
        '      project = "platform"\n    }'
    )
    assert workspaces.value.literal == {
        "tags": ["networking", "source:cli"],
        "project": "platform",
    }
    assert workspaces.value.references == ()


@pytest.mark.parametrize(
    ("written", "literal"),
    [
        ('workspaces { prefix = "network-" }', {"prefix": "network-"}),
        ('workspaces { name = "network" } # one workspace', {"name": "network"}),
        ("workspaces {}", {}),
    ],
)
def test_remote_backend_one_line_workspaces(written: str, literal: dict[str, str]) -> None:
    text = (
        'terraform {\r\n  backend "remote" {\r\n    organization = "acme"\r\n'
        f"    {written}\r\n  }}\r\n}}\r\n"
    )
    (backend,) = read_fast(text).backends
    workspaces = backend.attribute("workspaces")
    assert workspaces is not None and workspaces.written_as_block
    assert workspaces.value.literal == literal
    assert workspaces.span == Span("main.tf", 4, 5, 4, 5 + written.index("}") + 1)


def test_s3_assume_role_nested_block_and_references() -> None:
    text = textwrap.dedent(
        """\
        terraform {
          backend "s3" {
            bucket = var.state_bucket
            key    = "svc/${var.env}/${ terraform.workspace }/terraform.tfstate"
            region = local.region
            assume_role {
              role_arn     = "arn:aws:iam::123456789012:role/${var.env}-state"
              session_name = "ci"
              external_id  = var.external.id
            }
          }
        }
        """
    )
    (backend,) = read_fast(text).backends
    facts = {
        a.name: (a.value.kind, a.value.references, a.value.literal) for a in backend.attributes
    }
    assert facts == {
        "bucket": (ValueKind.EXPRESSION, ("var.state_bucket",), None),
        "key": (ValueKind.EXPRESSION, ("var.env", "terraform.workspace"), None),
        "region": (ValueKind.EXPRESSION, ("local.region",), None),
        "assume_role": (
            ValueKind.EXPRESSION,
            ("var.env", "var.external"),  # what its attributes refer to, each once
            {
                "role_arn": None,
                "session_name": "ci",
                "external_id": None,
            },
        ),
    }
    key = backend.attribute("key")
    assert key is not None
    assert key.value.text == '"svc/${var.env}/${ terraform.workspace }/terraform.tfstate"'
    assert key.span == Span("main.tf", 4, 5, 4, 73)


def test_repeated_interpolation_names_its_reference_once() -> None:
    text = 'terraform {\n  backend "gcs" {\n    prefix = "${var.env}/${var.env.name}/${path.module}"\n  }\n}\n'
    (backend,) = read_fast(text).backends
    assert backend.attributes[0].value.references == ("var.env", "path.module")


def test_dollar_signs_that_are_not_interpolations() -> None:
    text = (
        'terraform {\n  backend "http" {\n    a = "$5 and 100%"\n    b = "$$ ${var.x} $"\n  }\n}\n'
    )
    (backend,) = read_fast(text).backends
    assert backend.attributes[0].value.literal == "$5 and 100%"
    assert backend.attributes[1].value.references == ("var.x",)


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


def test_scan_of_common_backends_never_loads_the_parser(tmp_path: Path) -> None:
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
                key            = "network/${terraform.workspace}.tfstate"
                region         = var.region
                encrypt        = true
                dynamodb_table = "terraform-locks"
                assume_role {
                  role_arn = "arn:aws:iam::123456789012:role/state"
                }
              }
            }
            """
        )
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(
        'terraform {\n  cloud {\n    organization = "acme"\n'
        '    workspaces {\n      tags = ["app"]\n    }\n  }\n}\n'
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
