"""Where a CDKTF app is: the directory of its `cdktf.json`, found from any of its files."""

from __future__ import annotations

import os

_MAX_LEVELS = 8  # how far above a program its app's `cdktf.json` is looked for


def app_dir(directory: str) -> str | None:
    """The nearest directory at or above `directory` (absolute) that holds `cdktf.json`."""
    for _ in range(_MAX_LEVELS):
        if os.path.isfile(os.path.join(directory, "cdktf.json")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return None
