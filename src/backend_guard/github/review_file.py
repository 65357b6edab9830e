"""The review file: a planned review handed from a read-only run to a run that may publish it.

On a pull request from a fork the token is read-only. With `comment: artifact` that run writes the
review it would post to `backend-guard-review.json`, for `actions/upload-artifact`; a second
workflow, on `workflow_run`, downloads it and publishes it with its write token, without checking
out the pull request's code.

Whoever opens the pull request controls what its workflow writes, so the publishing run treats the
file as hostile input: `load` accepts only the exact shape `dump` writes (no unknown or duplicate
keys, no NaN, valid UTF-8, bounded sizes and counts, each comment's hidden marker matching its key
and digest) and never evaluates anything in it. Whether it belongs to the triggering run is checked
separately (`backend_guard.github.relay`), and its lines against the pull request's diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend_guard import bounded
from backend_guard.github import publish, review
from backend_guard.report.escaping import shown

FILE_NAME = "backend-guard-review.json"
FORMAT = "backend-guard-review"
VERSION = 1
MAX_FILE_BYTES = bounded.Kind.REVIEW_FILE.cap
MAX_OUTSIDE = 1000  # groups listed in the review body
MAX_PATH = 4096
MAX_LINE = 10_000_000
_REPOSITORY = re.compile(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ReviewFileError(ValueError):
    """The review file is not one this version of backend-guard wrote for this run."""


@dataclass(frozen=True)
class Listed:
    """A group of findings the review body lists instead of commenting inline."""

    key: str


@dataclass
class ReviewFile:
    """A planned review for one pull request at one head commit."""

    repository: str  # owner/name
    pull_request: int
    head_sha: str
    body: str  # the review body, rendered by the run that scanned
    comments: list[review.Comment] = field(default_factory=list)
    outside: list[tuple[Listed, str]] = field(default_factory=list)  # (group, its section)


def dump(planned: ReviewFile) -> str:
    """The file's text: JSON, one format version, nothing but data."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "repository": planned.repository,
        "pull_request": planned.pull_request,
        "head_sha": planned.head_sha,
        "body": planned.body,
        "comments": [
            {
                "path": c.path,
                "start_line": c.start_line,
                "line": c.line,
                "body": c.body,
                "key": c.key,
                "digest": c.digest,
            }
            for c in planned.comments
        ],
        "outside": [{"key": group.key, "body": body} for group, body in planned.outside],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def from_review(
    planned: review.Review, *, repository: str, pull_request: int, head_sha: str, body: str
) -> ReviewFile:
    """What a review composed by `review.compose` becomes in the file."""
    return ReviewFile(
        repository,
        pull_request,
        head_sha,
        body,
        list(planned.comments),
        [(Listed(group.key), section) for group, section in planned.outside],
    )


def read_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of at most `MAX_FILE_BYTES`, no symlink."""
    try:
        return bounded.read(path, bounded.Kind.REVIEW_FILE, follow=False)
    except bounded.TooLargeError:
        raise ReviewFileError(f"the review file is larger than {MAX_FILE_BYTES} bytes") from None
    except OSError as error:
        name = shown(str(path))
        if not error.errno:
            raise ReviewFileError(f"the review file {name} is not a regular file") from None
        raise ReviewFileError(f"cannot open the review file {name}: {error.strerror}") from None


def load(path: Path) -> ReviewFile:
    """Read and strictly validate a review file; any deviation is a `ReviewFileError`."""
    return parse(read_bytes(path))


def parse(data: bytes) -> ReviewFile:
    """The review file in `data`, validated (see the module's documentation)."""
    if len(data) > MAX_FILE_BYTES:
        raise ReviewFileError(f"the review file is larger than {MAX_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ReviewFileError("the review file is not UTF-8") from None
    except RecursionError:
        raise ReviewFileError("the review file nests too deeply") from None
    except ValueError as error:
        raise ReviewFileError(f"the review file is not valid JSON: {error}") from None
    top = _object(document, "the review file", _TOP_KEYS)
    if top["format"] != FORMAT:
        raise ReviewFileError(f"the file is not a backend-guard review file (format {FORMAT!r})")
    version = top["version"]
    if type(version) is not int or version != VERSION:
        raise ReviewFileError(
            f"review file version {version!r} is not supported (this backend-guard reads version "
            f"{VERSION}); run the same backend-guard version in both workflows"
        )
    planned = ReviewFile(
        repository=_string(top["repository"], "repository", 141, _REPOSITORY),
        pull_request=_integer(top["pull_request"], "pull_request", 2**31 - 1),
        head_sha=_string(top["head_sha"], "head_sha", 64, _SHA),
        body=_string(top["body"], "body", publish.MAX_BODY),
        comments=[
            _comment(item, f"comments[{i}]")
            for i, item in enumerate(
                _array(top["comments"], "comments", review.MAX_INLINE_COMMENTS)
            )
        ],
        outside=[
            _listed(item, f"outside[{i}]")
            for i, item in enumerate(_array(top["outside"], "outside", MAX_OUTSIDE))
        ],
    )
    if publish.REVIEW_MARKER.search(planned.body):
        raise ReviewFileError("body: must not carry a review marker of its own")
    keys = [c.key for c in planned.comments] + [group.key for group, _ in planned.outside]
    if len(set(keys)) != len(keys):
        raise ReviewFileError("the same key appears twice")
    return planned


_TOP_KEYS = frozenset(
    {"format", "version", "repository", "pull_request", "head_sha", "body", "comments", "outside"}
)
_COMMENT_KEYS = frozenset({"path", "start_line", "line", "body", "key", "digest"})
_LISTED_KEYS = frozenset({"key", "body"})


def _unique_keys(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ReviewFileError(f"the review file repeats the key {key!r}")
        found[key] = value
    return found


def _no_constant(name: str) -> None:
    raise ReviewFileError(f"the review file holds {name}, which is not JSON")


def _object(value: object, where: str, keys: frozenset[str]) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ReviewFileError(f"{where}: must be an object")
    if set(value) != keys:
        unknown, missing = sorted(set(value) - keys), sorted(keys - set(value))
        raise ReviewFileError(f"{where}: unknown keys {_names(unknown)}, missing keys {missing}")
    return value


def _names(keys: list[str]) -> str:
    """A few of `keys`, each cut short: they are the file's, of any length and number."""
    shown = [repr(key if len(key) <= 40 else key[:40] + "…") for key in keys[:5]]
    return "[" + ", ".join(shown) + (f", and {len(keys) - 5} more]" if len(keys) > 5 else "]")


def _array(value: object, where: str, most: int) -> list[object]:
    if not isinstance(value, list):
        raise ReviewFileError(f"{where}: must be an array")
    if len(value) > most:
        raise ReviewFileError(f"{where}: more than {most} items")
    return value


def _integer(value: object, where: str, most: int) -> int:
    if type(value) is not int or not 1 <= value <= most:
        raise ReviewFileError(f"{where}: must be a whole number from 1 to {most}")
    return value


def _string(value: object, where: str, most: int, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str):
        raise ReviewFileError(f"{where}: must be a string")
    if len(value) > most:
        raise ReviewFileError(f"{where}: longer than {most} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ReviewFileError(f"{where}: holds an unpaired surrogate") from None
    if pattern is not None and not pattern.fullmatch(value):
        raise ReviewFileError(f"{where}: not of the expected form")
    return value


def _path(value: object, where: str) -> str:
    path = _string(value, where, MAX_PATH)
    parts = path.split("/")
    if not path or _CONTROL.search(path) or any(part in ("", ".", "..") for part in parts):
        raise ReviewFileError(f"{where}: must be a plain relative path in the repository")
    return path


def _marked(body: object, where: str, key: str, digest: str | None) -> str:
    text = _string(body, where, publish.MAX_BODY)
    marker = review.MARKER.match(text)
    if (
        marker is None
        or marker["key"] != key
        or (digest is not None and marker["digest"] != digest)
    ):
        raise ReviewFileError(f"{where}: must start with the marker of its key and digest")
    return text


def _comment(value: object, where: str) -> review.Comment:
    item = _object(value, where, _COMMENT_KEYS)
    key = _string(item["key"], f"{where}.key", 16, _HEX16)
    digest = _string(item["digest"], f"{where}.digest", 16, _HEX16)
    start_line = _integer(item["start_line"], f"{where}.start_line", MAX_LINE)
    line = _integer(item["line"], f"{where}.line", MAX_LINE)
    if start_line > line:
        raise ReviewFileError(f"{where}: start_line is after line")
    return review.Comment(
        path=_path(item["path"], f"{where}.path"),
        start_line=start_line,
        line=line,
        body=_marked(item["body"], f"{where}.body", key, digest),
        key=key,
        digest=digest,
    )


def _listed(value: object, where: str) -> tuple[Listed, str]:
    item = _object(value, where, _LISTED_KEYS)
    key = _string(item["key"], f"{where}.key", 16, _HEX16)
    return Listed(key), _marked(item["body"], f"{where}.body", key, None)
