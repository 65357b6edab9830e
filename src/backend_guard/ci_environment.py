"""Whether an environment variable a CDKTF program reads is set when the app is synthesized.

A definition in the `env:` of a workflow, job or step that synthesizes the app (or a Makefile or
script that does: the module's context), or a `.env` file beside `cdktf.json` that the program
loads with dotenv.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping

from backend_guard import bounded
from backend_guard.cdktf_apps import app_dir
from backend_guard.ci_steps import EnvValue
from backend_guard.model import Span

_DOTENV_LINE = re.compile(r"(?m)^[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*=")


def set_by_ci(name: str, env: Mapping[str, EnvValue], program: str) -> Span | None:
    """Where `name` is set for the synth of the app `program` belongs to, given the `env` of what
    runs it; None when nothing sets it."""
    found = env.get(name)
    return found.where if found is not None else _dotenv(os.path.abspath(program)).get(name)


@functools.cache
def _dotenv(program: str) -> dict[str, Span]:
    """The variables of the `.env` file of the program's app, when the program loads it."""
    if b"dotenv" not in _head(program):
        return {}
    app = app_dir(os.path.dirname(program))
    path = os.path.join(app, ".env") if app is not None else None
    text = _head(path).decode("utf-8", "replace") if path is not None else ""
    shown = os.path.relpath(path).replace(os.sep, "/") if path is not None else ""
    found: dict[str, Span] = {}
    for match in _DOTENV_LINE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.setdefault(match["name"], Span(shown, line, 1, line, 1))
    return found


def _head(path: str) -> bytes:
    """The first bytes of a regular file that is no link, through the bounded reader (a
    settings file's cap); nothing for anything else."""
    try:
        return bounded.read(path, bounded.Kind.SETTINGS, follow=False, head=True)
    except bounded.TooLargeError as error:
        return error.head
    except OSError:
        return b""
