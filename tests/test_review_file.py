"""The review file's strict reader: exactly what `dump` writes loads, anything else is refused."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend_guard.github import review
from backend_guard.github.review_file import (
    MAX_FILE_BYTES,
    Listed,
    ReviewFile,
    ReviewFileError,
    dump,
    load,
    parse,
)

SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


def _marker(key: str, digest: str) -> str:
    return f"<!-- backend-guard:v1 key={key} digest={digest} -->\n"


def _comment(
    key: str = "0123456789abcdef", path: str = "stacks/pipeline/provider.tf"
) -> review.Comment:
    digest = "fedcba9876543210"
    body = (
        _marker(key, digest)
        + '**error BG101**: `backend "s3" {}`\n\n````suggestion\n  backend "local" {}\n````'
    )
    return review.Comment(path, 12, 14, body, key, digest)


def _valid() -> ReviewFile:
    return ReviewFile(
        repository="Codertocat/Hello-World",
        pull_request=2,
        head_sha=SHA,
        body="**backend-guard** finds 2 places to fix.",
        comments=[_comment()],
        outside=[(Listed("1111111111111111"), _marker("1111111111111111", "2" * 16) + "section")],
    )


def _document() -> dict[str, Any]:
    return json.loads(dump(_valid()))


def _parse(document: object) -> ReviewFile:
    return parse(json.dumps(document).encode())


def test_what_dump_writes_loads_back_equal() -> None:
    assert parse(dump(_valid()).encode()) == _valid()


_KEYS = st.text("0123456789abcdef", min_size=16, max_size=16)
_TEXT = st.text(st.characters(codec="utf-8"))  # what JSON in UTF-8 can carry: no lone surrogates
_SEGMENT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc",), exclude_characters="/\x7f"),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", ".."))


@st.composite
def review_files(draw: st.DrawFn) -> ReviewFile:
    keys = draw(st.lists(_KEYS, unique=True, max_size=6))
    inline = draw(st.integers(0, len(keys)))
    comments = []
    for key in keys[:inline]:
        digest = draw(_KEYS)
        path = "/".join(draw(st.lists(_SEGMENT, min_size=1, max_size=4)))
        start = draw(st.integers(1, 5000))
        line = start + draw(st.integers(0, 40))
        body = _marker(key, digest) + draw(_TEXT)
        comments.append(review.Comment(path, start, line, body, key, digest))
    return ReviewFile(
        repository=draw(st.from_regex(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}", fullmatch=True)),
        pull_request=draw(st.integers(1, 2**31 - 1)),
        head_sha=draw(st.from_regex(r"[0-9a-f]{40}", fullmatch=True)),
        body=draw(_TEXT),
        comments=comments,
        outside=[(Listed(k), _marker(k, draw(_KEYS)) + draw(_TEXT)) for k in keys[inline:]],
    )


@given(review_files())
def test_every_file_dump_writes_loads_back_equal(planned: ReviewFile) -> None:
    assert parse(dump(planned).encode()) == planned


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.sampled_from(sorted(_document())), _JSON)
def test_any_value_in_any_field_loads_or_is_refused_never_crashes(
    field: str, value: object
) -> None:
    document = _document()
    document[field] = value
    with contextlib.suppress(ReviewFileError):
        _parse(document)


@given(st.sampled_from(sorted(_document()["comments"][0])), _JSON)
def test_any_value_in_a_comment_loads_or_is_refused(field: str, value: object) -> None:
    document = _document()
    document["comments"][0][field] = value
    try:
        loaded = _parse(document)
    except ReviewFileError:
        return
    assert loaded.comments[0].key == document["comments"][0]["key"]


@given(st.binary(max_size=200))
def test_any_bytes_load_or_are_refused(data: bytes) -> None:
    with contextlib.suppress(ReviewFileError):
        parse(data)


def _with(**changes: object) -> dict[str, Any]:
    document = _document()
    document.update(changes)
    return document


def _with_comment(**changes: object) -> dict[str, Any]:
    document = _document()
    document["comments"][0].update(changes)
    return document


@pytest.mark.parametrize(
    ("document", "says"),
    [
        pytest.param(_with(version=2), "version 2 is not supported", id="newer-version"),
        pytest.param(_with(version=True), "version True", id="boolean-version"),
        pytest.param(_with(version="1"), "version '1'", id="string-version"),
        pytest.param(_with(format="sarif"), "not a backend-guard review file", id="format"),
        pytest.param(_with(extra=1), "unknown keys ['extra']", id="unknown-key"),
        pytest.param(
            _with(pull_request=True), "pull_request: must be a whole number", id="bool-pr"
        ),
        pytest.param(_with(pull_request=0), "pull_request: must be a whole number", id="pr-zero"),
        pytest.param(
            _with(pull_request=2.0), "pull_request: must be a whole number", id="pr-float"
        ),
        pytest.param(_with(head_sha=SHA.upper()), "head_sha: not of the expected form", id="sha"),
        pytest.param(_with(repository="a/b/c"), "repository: not of the expected form", id="repo"),
        pytest.param(_with(body="x" * 65537), "body: longer than 65536", id="long-body"),
        pytest.param(
            _with(
                body="<!-- backend-guard:v1 review outside=0000000000000000 post=0000000000000000 -->"
            ),
            "marker of its own",
            id="forged-review-marker",
        ),
        pytest.param(_with(comments=[_document()["comments"][0]] * 31), "more than 30", id="count"),
        pytest.param(_with(comments={}), "comments: must be an array", id="comments-object"),
        pytest.param(_with_comment(path="../../etc/passwd"), "plain relative path", id="dotdot"),
        pytest.param(_with_comment(path="/etc/passwd"), "plain relative path", id="absolute"),
        pytest.param(_with_comment(path="a\nb"), "plain relative path", id="newline-path"),
        pytest.param(_with_comment(start_line=20), "start_line is after line", id="lines"),
        pytest.param(_with_comment(line=10**8), "line: must be a whole number", id="huge-line"),
        pytest.param(_with_comment(key="0" * 16), "marker of its key and digest", id="key-marker"),
        pytest.param(
            _with_comment(body="no marker"), "marker of its key and digest", id="unmarked"
        ),
        pytest.param(_with_comment(key="XYZ"), "key: not of the expected form", id="key-form"),
        pytest.param(
            _with(
                outside=[{"key": "0123456789abcdef", "body": _marker("0123456789abcdef", "0" * 16)}]
            ),
            "the same key appears twice",
            id="duplicate-key",
        ),
    ],
)
def test_deviations_are_refused_with_a_clear_message(document: dict[str, Any], says: str) -> None:
    with pytest.raises(ReviewFileError) as refused:
        _parse(document)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(b'{"format": 1, "format": 2}', "repeats the key 'format'", id="duplicate"),
        pytest.param(b'{"version": NaN}', "NaN, which is not JSON", id="nan"),
        pytest.param(b"\xff\xfe{}", "not UTF-8", id="not-utf8"),
        pytest.param(b"[" * 100_000, "nests too deeply", id="deep"),
        pytest.param(b"{", "not valid JSON", id="truncated"),
        pytest.param(b"[]", "the review file: must be an object", id="array"),
        pytest.param(b" " * (MAX_FILE_BYTES + 1), "larger than", id="oversized"),
    ],
)
def test_malformed_bytes_are_refused(data: bytes, says: str) -> None:
    with pytest.raises(ReviewFileError) as refused:
        parse(data)
    assert says in str(refused.value)


def test_a_lone_surrogate_is_refused() -> None:
    text = dump(_valid()).replace("finds 2 places", "finds \\ud800 places")
    with pytest.raises(ReviewFileError, match="unpaired surrogate"):
        parse(text.encode())


def test_load_reads_a_regular_file_only(tmp_path: Path) -> None:
    real = tmp_path / "backend-guard-review.json"
    real.write_text(dump(_valid()))
    assert load(real) == _valid()
    link = tmp_path / "link.json"
    os.symlink(real, link)
    with pytest.raises(ReviewFileError, match="cannot open"):
        load(link)
    with pytest.raises(ReviewFileError, match="cannot open"):
        load(tmp_path / "missing.json")
    with pytest.raises(ReviewFileError, match="not a regular file"):
        load(tmp_path)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(ReviewFileError, match="not a regular file"):
        load(fifo)
