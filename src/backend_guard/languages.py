"""The languages backend-guard reads: for each, its file suffixes, the source module that reads it
and the fix module that rewrites it.

The one place a suffix is tied to a module. Modules are named, not imported: a reader or fixer is
imported (with its tree-sitter grammar) only when a file in its language is first read or fixed.
"""

from __future__ import annotations

import importlib
import os
from enum import StrEnum
from types import ModuleType
from typing import NamedTuple


class Syntax(StrEnum):
    """The language a fact was read from; rules use it only to word messages and pick a fix."""

    HCL = "hcl"
    JSON = "json"
    TYPESCRIPT = "typescript"
    PYTHON = "python"
    GO = "go"
    JAVA = "java"
    CSHARP = "csharp"


class Language(NamedTuple):  # a named tuple: made at start-up in a tenth of a dataclass's time
    syntax: Syntax
    suffixes: tuple[str, ...]
    reader: str  # module in backend_guard.sources
    fixer: str | None = None  # module in backend_guard.fixes; None: no fix is offered
    # Compiled languages: their vendored and build-output folders hold no program of the project.
    compiled: bool = False


CONFIGURATION = (
    Language(Syntax.HCL, (".tf", ".tofu"), "hcl", "hcl"),
    Language(Syntax.JSON, (".tf.json", ".tofu.json"), "tfjson", "tfjson"),
)
# CDKTF programs. TypeScript's reader takes JavaScript too (the TSX grammar for `.tsx`/`.jsx`).
PROGRAMS = (
    Language(
        Syntax.TYPESCRIPT,
        (".ts", ".tsx", ".mts", ".js", ".jsx", ".mjs"),
        "cdktf_typescript",
        "cdktf_typescript",
    ),
    Language(Syntax.PYTHON, (".py",), "cdktf_python", "cdktf_python"),
    Language(Syntax.GO, (".go",), "cdktf_go", compiled=True),
    Language(Syntax.JAVA, (".java",), "cdktf_java", compiled=True),
    Language(Syntax.CSHARP, (".cs",), "cdktf_csharp", compiled=True),
)

PROGRAM_SUFFIXES = tuple(suffix for language in PROGRAMS for suffix in language.suffixes)
COMPILED_SUFFIXES = tuple(
    suffix for language in PROGRAMS if language.compiled for suffix in language.suffixes
)
_BY_SYNTAX = {language.syntax: language for language in CONFIGURATION + PROGRAMS}
_PROGRAM_BY_SUFFIX = {suffix: language for language in PROGRAMS for suffix in language.suffixes}


def of_syntax(syntax: Syntax) -> Language:
    return _BY_SYNTAX[syntax]


def program_language(path: str) -> Language | None:
    """The language of a CDKTF program file, by its suffix."""
    return _PROGRAM_BY_SUFFIX.get(os.path.splitext(path)[1])


def reader(language: Language) -> ModuleType:
    return importlib.import_module(f"backend_guard.sources.{language.reader}")


def fixer(language: Language) -> ModuleType | None:
    if language.fixer is None:
        return None
    return importlib.import_module(f"backend_guard.fixes.{language.fixer}")
