"""The settings file of a pull request's base commit, through the contents API.

What the pull request's own settings weaken is measured against these; a base commit without a
settings file, or one that cannot be read, counts as the defaults (so everything the pull request
adds is reported).
"""

from __future__ import annotations

import posixpath

from github import GithubException

from backend_guard import bounded
from backend_guard.config import ConfigError, Settings, parse
from backend_guard.github import publish
from backend_guard.github.run import Run


def fetch(run: Run, token: str, path: str, base_sha: str) -> tuple[Settings, str]:
    """The base commit's settings at `path` (relative to the repository), and what they are."""
    name = posixpath.normpath(path)
    try:
        found = publish.client(run, token).get_repo(run.repository).get_contents(name, base_sha)
    except GithubException as error:
        if error.status == 404:
            return Settings(), "the base commit has no settings file"
        return Settings(), f"the base commit's settings could not be read (HTTP {error.status})"
    except (OSError, ValueError) as error:
        return Settings(), f"the base commit's settings could not be read ({type(error).__name__})"
    if isinstance(found, list) or found.size > bounded.Kind.SETTINGS.cap:
        return Settings(), "the base commit's settings file could not be read"
    try:
        return parse(found.decoded_content.decode("utf-8"), name), "against the base commit"
    except (ConfigError, UnicodeDecodeError, ValueError):
        return Settings(), "the base commit's settings file is not valid"
