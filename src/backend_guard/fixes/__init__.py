"""Fixes as data: per source language, the edits that turn a backend into the local one.

A fix is a list of `Edit`s with exact spans, so `backend-guard fix` can apply it and the review
can show it as a suggestion, from the same object.
"""

from __future__ import annotations

from backend_guard.fixes import cdktf_python, cdktf_typescript, hcl, tfjson
from backend_guard.model import BackendConfig, Engine, Fix, Origin, Syntax


def local_backend_fix(backend: BackendConfig, text: str, engine: Engine) -> Fix | None:
    """The local-backend fix for `backend`, whose file holds `text`; None where none applies."""
    if backend.origin is Origin.SYNTHESIZED:
        return None  # generated output: the program that writes it is what must change
    if backend.syntax is Syntax.HCL:
        return hcl.local_backend_fix(backend, text, engine)
    if backend.syntax is Syntax.JSON:
        return tfjson.local_backend_fix(backend, text)
    if backend.syntax is Syntax.TYPESCRIPT:
        return cdktf_typescript.local_backend_fix(backend, text)
    if backend.syntax is Syntax.PYTHON:
        return cdktf_python.local_backend_fix(backend, text)
    return None
