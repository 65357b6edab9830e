"""Tests that need a tool skip where it is missing, except in CI, where a missing tool fails them."""

from __future__ import annotations

import os

import pytest

_FALSE = {"", "0", "false", "no", "off"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in _FALSE


def skip_or_fail(what: str, reason: str) -> None:
    """Skip the calling test because `reason`; in CI, fail it: `what` must run there."""
    if in_ci():
        pytest.fail(f"{what} must run in CI, but {reason}", pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}")
