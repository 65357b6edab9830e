"""HCL: a `backend`/`cloud` block becomes `backend "local"`, the original kept as a comment.

The edit replaces exactly the block's characters. Its first line keeps the indentation already in
front of the block; every later line carries that indentation, so the file's own style (spaces or
tabs, CRLF or LF) is kept. A block that shares a line with other code is moved to lines of its
own, because Terraform requires nested blocks on their own lines.
"""

from __future__ import annotations

from backend_guard.fixes.text_positions import newline_of, span_text
from backend_guard.model import BackendConfig, BackendKind, Edit, Engine, Fix

LOCAL_STATE_PATH = "terraform.tfstate"


def _note(backend: BackendConfig, engine: Engine, partial: bool) -> str:
    """How to get the remote state back: `-backend-config` only where settings come at init."""
    command = "tofu" if engine is Engine.OPENTOFU else "terraform"
    if backend.kind is BackendKind.CLOUD or backend.type == "remote":
        restore = "For HCP Terraform state, uncomment the block below."
    elif partial:
        restore = (
            f"For remote state, uncomment the block below and run `{command} init "
            "-backend-config=FILE`."
        )
    else:
        restore = "For remote state, uncomment the block below."
    return f"# Local state, so a fresh checkout can init. {restore}"


def local_backend_fix(backend: BackendConfig, text: str, engine: Engine, partial: bool) -> Fix:
    newline = newline_of(text)
    start, end = span_text(text, backend.span)
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    own_line = before.strip() == ""
    indent = before if own_line else _indent_of(before) + "  "
    line_end = text.find("\n", end)
    after = text[end : line_end if line_end != -1 else len(text)].rstrip("\r")
    original = text[start:end].replace("\r\n", "\n").split("\n")
    commented = [f"{indent}# {original[0]}".rstrip()]
    for line in original[1:]:
        body = line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")
        commented.append(f"{indent}# {body}".rstrip() if body.strip() else f"{indent}#")
    lines = [
        _note(backend, engine, partial),
        *commented,
        f'{indent}backend "local" {{',
        f'{indent}  path = "{LOCAL_STATE_PATH}"',
        f"{indent}}}",
    ]
    replacement = newline.join(lines)
    if not own_line:
        replacement = newline + indent + replacement
    if after.strip():
        replacement += newline + _indent_of(text[line_start:start])
    span = backend.span
    edit = Edit(
        span.path, span.start_line, span.start_column, span.end_line, span.end_column, replacement
    )
    return Fix(
        description=f"use local state ({backend.label} is kept as a comment)",
        edits=(edit,),
    )


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]
