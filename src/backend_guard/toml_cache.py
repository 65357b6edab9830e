"""Parses the package's TOML data files, keeping each parse beside the file for the next run.

Importing `tomllib` and parsing the knowledge costs more than the rest of a small scan's reading;
the parse of a data file only changes when its text does. So the first parse is written as JSON,
with the text it was parsed from, to `__pycache__/<file>.json` next to the data file (where Python
keeps the package's bytecode), and a later run takes it only while the data file still holds that
text, byte for byte. The cache is plain data, never code, and only ever sits in the package's own
directory, never in anything a scanned repository controls. A cache that cannot be read, written
or trusted is ignored: the file is parsed as if there were none.

Only the TOML parse is kept: every run still checks the shape of what it uses (`knowledge.py`).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def parse(text: str) -> dict[str, Any]:
    """The TOML `text`; raises ValueError (`tomllib.TOMLDecodeError`) when it is not TOML."""
    import tomllib  # only on a cache miss: the parser and its imports cost milliseconds

    return tomllib.loads(text)


def load(path: Path) -> dict[str, Any]:
    """The TOML file at `path`, from its cache when the cache was parsed from the same text."""
    text = path.read_bytes().decode("utf-8")
    cache = cache_path(path)
    kept = _cached(cache)
    if kept is not None and kept.get("text") == text and isinstance(kept.get("data"), dict):
        data: dict[str, Any] = kept["data"]
        return data
    data = parse(text)
    _keep(cache, text, data)
    return data


def cache_path(path: Path) -> Path:
    return path.parent / "__pycache__" / f"{path.name}.json"


def _cached(cache: Path) -> dict[str, Any] | None:
    try:
        kept = json.loads(cache.read_bytes())
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) else None


def _keep(cache: Path, text: str, data: dict[str, Any]) -> None:
    try:
        encoded = json.dumps({"text": text, "data": data}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a value JSON cannot hold (a date, nan): parse every time
        return
    # Written whole under a name of this process, then renamed: a concurrent run reads the old
    # cache, the new one or none, never a part.
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(exist_ok=True)
        partial.write_text(encoded, encoding="utf-8")
        os.replace(partial, cache)
    except OSError:  # a read-only installation: the next run parses again
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
