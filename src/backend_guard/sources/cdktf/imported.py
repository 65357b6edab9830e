"""Constants a program imports from a module of its own app: `import { STATE_BUCKET } from
'./settings'`, `from config import STATE_BUCKET`. The module is read (within the app, within the
size bound every program has) and the name resolved where it is bound at its top level.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from backend_guard import bounded
from backend_guard.cdktf_apps import app_dir
from backend_guard.sources.cdktf.resolved import Resolved

if TYPE_CHECKING:
    from backend_guard.sources.cdktf.program import Program

_MAX_HOPS = 5  # modules that re-export what they import
_MAX_PARSED = 32
_PARSED: dict[tuple[str, str], Program] = {}


def value_of(program: Program, name: str, depth: int) -> Resolved:
    """What `name`, imported from another module of the app, is bound to there."""
    imported = program.imports.get(name)
    if imported is None:
        return Resolved()
    specifier, exported = imported
    other = _module(program, specifier)
    if other is None:
        return Resolved()
    value = None
    for statement in other.root.named_children:
        value = other._bound_by(statement, exported) or value
    if value is None:
        return value_of(other, exported, depth + 1) if depth < _MAX_HOPS else Resolved()
    return other.resolve(value, depth + 1)


def _module(program: Program, specifier: str) -> Program | None:
    """The parsed module `specifier` names, when it is a file of the program's app."""
    here = os.path.dirname(os.path.abspath(program.path))
    root = app_dir(here) or here
    for candidate in program.module_files(specifier):
        path = os.path.realpath(os.path.join(here, candidate))
        if not path.startswith(os.path.realpath(root) + os.sep):
            continue  # never read outside the app
        text = _text(path)
        if text is not None:
            return _parsed(type(program), os.path.relpath(path), text)
    return None


def _parsed(language: type[Program], path: str, text: str) -> Program:
    """The module parsed, once for all the names read from it."""
    key = (language.__name__, path)
    parsed = _PARSED.get(key)
    if parsed is None or parsed.text != text:
        if len(_PARSED) >= _MAX_PARSED:
            _PARSED.clear()
        parsed = _PARSED[key] = language(path, text)
    return parsed


def _text(path: str) -> str | None:
    """A module's text through the bounded reader (a program's cap), when it is UTF-8; never
    through a link: what a constant holds is shown in messages."""
    try:
        return bounded.read(path, bounded.Kind.PROGRAM, follow=False).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
