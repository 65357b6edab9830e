"""The position-keeping JSON walker agrees with `json.loads` and gives exact offsets."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_guard.sources.json_spans import JsonError, Positions, parse

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False)
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(documents, st.sampled_from([None, 2, 4]), st.booleans())
def test_values_agree_with_the_standard_library(document, indent, ascii_only) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    assert parse(text).plain() == json.loads(text)


@settings(max_examples=200)
@given(st.dictionaries(st.text(min_size=1, max_size=8), scalars, min_size=1, max_size=5))
def test_member_offsets_point_at_the_member(document) -> None:
    text = json.dumps({"outer": document}, indent=2)
    outer = parse(text).get("outer")[0].node
    for member in outer.members or []:
        assert text[member.key_start :].startswith(json.dumps(member.key))
        assert json.loads(text[member.node.start : member.node.end]) == document[member.key]


def test_duplicate_keys_are_kept_in_order() -> None:
    node = parse('{"backend": {"local": {}, "s3": {"bucket": "b"}}}')
    backend = node.get("backend")[0].node
    assert [m.key for m in backend.members or []] == ["local", "s3"]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{\n  "a": [1,\n', 3, 1),
        ('{\n  "a" 1\n}', 2, 7),
        ('{"a": tru}', 1, 7),
        ('{"a": "x}', 1, 7),
        ("[1] [2]", 1, 5),
    ],
)
def test_errors_carry_their_position(text: str, line: int, column: int) -> None:
    with pytest.raises(JsonError) as raised:
        parse(text)
    assert Positions(text).line_column(raised.value.offset) == (line, column)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(JsonError, match="deeply"):
        parse("[" * 10_000 + "]" * 10_000)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise_anything_but_json_error(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    with contextlib.suppress(JsonError):
        parse(text)
