"""Fixes as data: per source language, the edits that turn a backend into the local one.

A fix is a list of `Edit`s with exact spans, so `backend-guard fix` can apply it and the review
can show it as a suggestion, from the same object.
"""

from __future__ import annotations

from backend_guard import languages
from backend_guard.model import BackendConfig, Engine, Fix, Origin, Syntax


def local_backend_fix(
    backend: BackendConfig, text: str, engine: Engine, *, partial: bool
) -> Fix | None:
    """The local-backend fix for `backend`, whose file holds `text`; None where none applies.
    `partial`: its settings come at init time, which the kept original's note says."""
    if backend.origin is Origin.SYNTHESIZED:
        return None  # generated output: the program that writes it is what must change
    module = languages.fixer(languages.of_syntax(backend.syntax))
    if module is None:
        return None  # Go, Java, C#: no fix is offered
    fix: Fix | None
    if backend.syntax is Syntax.HCL:
        fix = module.local_backend_fix(backend, text, engine, partial)
    elif backend.syntax is Syntax.JSON:
        fix = module.local_backend_fix(backend, text, partial)
    else:
        fix = module.local_backend_fix(backend, text)
    return fix


def tidy(path: str, before: str, after: str) -> str:
    """`after`, the fixed text of `path`, without the `cdktf` imports the fixes left unused (after
    every fix of a program file is applied, imports that only the replaced constructs used go)."""
    language = languages.program_language(path)
    module = None if language is None else languages.fixer(language)
    if module is None:
        return after
    tidied: str = module.tidy(before, after, path)
    return tidied
