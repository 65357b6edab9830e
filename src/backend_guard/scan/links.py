"""Configuration files linked into modules: `a/backend.tofu -> ../shared/backend.tofu`.

A file reached through links from several modules is one file: it is read at its own path, so
that its backend is reported (and fixed) once, where it is written. A folder whose every
configuration file is such a target is a folder of snippets, which no module is.
"""

from __future__ import annotations

import os

from backend_guard.discover import ConfigFile, display_path


def targets(files: list[ConfigFile]) -> dict[str, str]:
    """The configuration files that are links to another configuration file of the scan: link
    path -> target path."""
    scanned = {file.path for file in files}
    found: dict[str, str] = {}
    for file in files:
        if os.path.islink(file.path):
            target = display_path(os.path.realpath(file.path))
            if target in scanned and target != file.path:
                found[file.path] = target
    return found


def snippet_folders(files: list[ConfigFile], linked: set[str]) -> set[str]:
    """The folders whose every configuration file is linked into a module."""
    by_folder: dict[str, list[str]] = {}
    for file in files:
        by_folder.setdefault(file.module_dir, []).append(file.path)
    return {folder for folder, paths in by_folder.items() if linked.issuperset(paths)}
