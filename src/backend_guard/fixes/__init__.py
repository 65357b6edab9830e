"""Fixes as data: per source language, the edits that turn a backend into the local one.

A fix is a list of `Edit`s with exact spans, so `backend-guard fix` can apply it and the review
can show it as a suggestion, from the same object.
"""

from __future__ import annotations

import importlib
import os

from backend_guard.model import BackendConfig, Engine, Fix, Origin, Syntax

# Imported when first needed: the CDKTF ones load tree-sitter grammars.
_MODULES = {
    Syntax.HCL: "hcl",
    Syntax.JSON: "tfjson",
    Syntax.TYPESCRIPT: "cdktf_typescript",
    Syntax.PYTHON: "cdktf_python",
}


def local_backend_fix(backend: BackendConfig, text: str, engine: Engine) -> Fix | None:
    """The local-backend fix for `backend`, whose file holds `text`; None where none applies."""
    if backend.origin is Origin.SYNTHESIZED:
        return None  # generated output: the program that writes it is what must change
    name = _MODULES.get(backend.syntax)
    if name is None:
        return None  # Go, Java, C#: no fix is offered
    module = importlib.import_module(f"backend_guard.fixes.{name}")
    if backend.syntax is Syntax.HCL:
        return module.local_backend_fix(backend, text, engine)
    return module.local_backend_fix(backend, text)


# After every fix of a program file is applied, imports that only the replaced constructs used go.
_TIDIED = {
    ".py": "cdktf_python",
    ".ts": "cdktf_typescript",
    ".tsx": "cdktf_typescript",
    ".mts": "cdktf_typescript",
    ".js": "cdktf_typescript",
    ".mjs": "cdktf_typescript",
}


def tidy(path: str, before: str, after: str) -> str:
    """`after`, the fixed text of `path`, without the `cdktf` imports the fixes left unused."""
    name = _TIDIED.get(os.path.splitext(path)[1])
    if name is None:
        return after
    return importlib.import_module(f"backend_guard.fixes.{name}").tidy(before, after, path)
