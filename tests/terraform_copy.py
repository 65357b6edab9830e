"""Copy a project for the Terraform oracle: only what `terraform init` judges about state.

The oracle runs offline, so a copy keeps the `terraform` blocks (without `required_providers`,
which would need a download), `variable` and `locals` blocks, and every settings file, and drops
providers, resources, data sources and module calls. S3 backends get `use_path_style = true`, the
one change that lets them reach the AWS emulator. A file that does not parse is copied as it is,
so Terraform sees the same syntax error.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import hcl2
from lark import Token, Tree

from backend_guard.sources.hcl_blocks import UnbalancedInputError, top_level_blocks

_KEPT = {"terraform", "variable", "locals"}


def _adapt(block_text: str) -> str:
    """The block without `required_providers`, its S3 backends addressed by path."""
    tree = hcl2.parses_to_tree(block_text)
    edits: list[tuple[int, int, str]] = []
    for node in tree.iter_subtrees():
        if node.data != "block":
            continue
        if _block_type(node) == "required_providers":
            edits.append((node.meta.start_pos, node.meta.end_pos, ""))
        elif _block_type(node) == "backend" and _labels(node) == ["s3"]:
            inner = block_text[node.meta.start_pos : node.meta.end_pos]
            if "use_path_style" not in inner and "force_path_style" not in inner:
                brace = next(
                    c for c in node.children if isinstance(c, Token) and c.type == "LBRACE"
                )
                edits.append((brace.end_pos, brace.end_pos, "\n    use_path_style = true\n"))
    for start, end, text in sorted(edits, reverse=True):
        block_text = block_text[:start] + text + block_text[end:]
    return block_text


def _block_type(node: Tree) -> str:
    first = node.children[0]
    return str(first.children[0]) if isinstance(first, Tree) else str(first)


def _labels(node: Tree) -> list[str]:
    return [
        "".join(str(token) for token in child.scan_values(lambda v: isinstance(v, Token))).strip(
            '"'
        )
        for child in node.children[1:]
        if isinstance(child, Tree) and child.data in ("string", "identifier")
    ]


def _hcl(text: str) -> str:
    try:
        blocks = top_level_blocks(text, _KEPT)
        parts = [_adapt(text[b.start : b.end]) for b in blocks]
    except (UnbalancedInputError, Exception):  # let Terraform report the syntax error itself
        return text
    return "\n\n".join(parts) + "\n"


def _json(text: str) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        return text
    kept = {key: value for key, value in document.items() if key in _KEPT}
    terraform = kept.get("terraform")
    if isinstance(terraform, dict):
        terraform.pop("required_providers", None)
        backend = terraform.get("backend")
        if isinstance(backend, dict) and isinstance(backend.get("s3"), dict):
            backend["s3"].setdefault("use_path_style", True)
    return json.dumps(kept, indent=2) + "\n"


def backend_copy(source: Path, destination: Path) -> Path:
    """Copy `source` (a directory tree) to `destination` with only state-relevant content."""
    for path in sorted(source.rglob("*")):
        if path.is_dir() or ".terraform" in path.parts:
            continue
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        name = path.name
        if name.endswith(".tf"):
            target.write_text(_hcl(path.read_text(encoding="utf-8")), encoding="utf-8")
        elif name.endswith(".tf.json"):
            target.write_text(_json(path.read_text(encoding="utf-8")), encoding="utf-8")
        elif not name.endswith((".tofu", ".tofu.json")):
            shutil.copyfile(path, target)
    return destination
