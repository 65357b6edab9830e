"""JSON: the backend member becomes `"local": {"path": "terraform.tfstate"}`.

JSON has no comments, so the original backend is kept, as text, in a `"//"` member of the local
backend's body (Terraform's JSON syntax reserves `"//"` for comments; verified to init cleanly).
"""

from __future__ import annotations

import json

from backend_guard.fixes.hcl import LOCAL_STATE_PATH
from backend_guard.fixes.text_positions import newline_of, span_text
from backend_guard.model import BackendConfig, BackendKind, Edit, Fix


def local_backend_fix(backend: BackendConfig, text: str, partial: bool) -> Fix:
    newline = newline_of(text)
    start, end = span_text(text, backend.span)
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    indent = before if before.strip() == "" else ""
    original = " ".join(text[start:end].split())
    restore = "restore it with -backend-config" if partial else "restore it"
    kept = f"remote state, {restore}: {original}"
    inner = indent + ("  " if indent else "")
    if "\n" in text[start:end]:
        body = (
            f'{{{newline}{inner}"//": {json.dumps(kept)},{newline}'
            f'{inner}"path": "{LOCAL_STATE_PATH}"{newline}{indent}}}'
        )
    else:
        body = f'{{"//": {json.dumps(kept)}, "path": "{LOCAL_STATE_PATH}"}}'
    if backend.kind is BackendKind.CLOUD:
        replacement = f'"backend": {{"local": {body}}}'
    else:
        replacement = f'"local": {body}'
    span = backend.span
    return Fix(
        description=f'use local state ({backend.label} is kept in a "//" comment)',
        edits=(
            Edit(
                span.path,
                span.start_line,
                span.start_column,
                span.end_line,
                span.end_column,
                replacement,
            ),
        ),
    )
