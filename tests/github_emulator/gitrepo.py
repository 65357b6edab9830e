"""A real git repository for a test: commits, and the PR's files as GitHub's files endpoint lists them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

_ENV = {
    "GIT_AUTHOR_NAME": "Monalisa Octocat",
    "GIT_AUTHOR_EMAIL": "mona@example.com",
    "GIT_COMMITTER_NAME": "Monalisa Octocat",
    "GIT_COMMITTER_EMAIL": "mona@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_LITERAL_PATHSPECS": "1",  # a file name with `*`, `?` or `[` names only that file
}
_STATUS = {
    "A": "added",
    "M": "modified",
    "D": "removed",
    "R": "renamed",
    "C": "copied",
    "T": "changed",
}


class GitRepo:
    """A work tree at `path` with helpers to commit and diff."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str) -> str:
        env = {**os.environ, **_ENV}
        done = subprocess.run(
            ["git", "-c", "core.autocrlf=false", *args],
            cwd=self.path,
            env=env,
            check=True,
            capture_output=True,
        )
        # decoded by hand: text mode would turn a carriage return in a file name into a newline
        return done.stdout.decode("utf-8")

    def write(self, relative: str, text: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def copy_tree(self, source: Path, under: str = "") -> None:
        shutil.copytree(source, self.path / under, dirs_exist_ok=True)

    def blob(self, commit: str, path: str) -> bytes | None:
        """The bytes of `path` at `commit`; None when it has no such file."""
        env = {**os.environ, **_ENV}
        done = subprocess.run(
            ["git", "cat-file", "blob", f"{commit}:{path}"],
            cwd=self.path,
            env=env,
            capture_output=True,
            check=False,
        )
        return done.stdout if done.returncode == 0 else None

    def commit(self, message: str) -> str:
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def files(self, base: str, head: str, *, repository: str) -> list[dict[str, object]]:
        """The `diff-entry` list of GET /pulls/{n}/files for base...head."""
        entries = []
        numstat = self.git("diff", "--numstat", "-z", "--no-renames", base, head).split("\0")
        for record in filter(None, numstat):
            added, deleted, filename = record.split("\t", 2)
            status_line = self.git(
                "diff", "--name-status", "--no-renames", base, head, "--", filename
            )
            status = _STATUS[status_line[0]]
            patch_text = self.git("diff", "--no-renames", "--unified=3", base, head, "--", filename)
            at = patch_text.find("\n@@")
            patch = patch_text[at + 1 :].rstrip("\n") if at >= 0 else None
            blob = (
                "0" * 40
                if status == "removed"
                else self.git("rev-parse", f"{head}:{filename}").strip()
            )
            additions = int(added) if added.isdigit() else 0
            deletions = int(deleted) if deleted.isdigit() else 0
            entry: dict[str, object] = {
                "sha": blob,
                "filename": filename,
                "status": status,
                "additions": additions,
                "deletions": deletions,
                "changes": additions + deletions,
                "blob_url": f"https://github.com/{repository}/blob/{head}/{filename}",
                "raw_url": f"https://github.com/{repository}/raw/{head}/{filename}",
                "contents_url": f"https://api.github.com/repos/{repository}/contents/{filename}?ref={head}",
            }
            if patch is not None:
                entry["patch"] = patch
            entries.append(entry)
        return entries
