"""`required_version` constraints answered against real release lines."""

from __future__ import annotations

import pytest

from backend_guard.versions import LATEST, allowed, parse_version


@pytest.mark.parametrize(
    ("constraint", "lowest", "highest"),
    [
        (">= 1.5.0", (1, 5, 0), LATEST["terraform"]),
        ("~> 1.5.0", (1, 5, 0), (1, 5, 9)),
        ("~> 1.5", (1, 5, 0), LATEST["terraform"]),
        (">= 1.3, < 1.10", (1, 3, 0), (1, 9, 9)),
        ("= 1.7.2", (1, 7, 2), (1, 7, 2)),
        ("1.9.0", (1, 9, 0), (1, 9, 0)),
        (">= 1.0.0, != 1.15.5", (1, 0, 0), (1, 15, 4)),
        ("~> 0.12", (0, 12, 0), (0, 15, 9)),
    ],
)
def test_allowed_range(constraint: str, lowest, highest) -> None:
    versions = allowed([constraint], "terraform")
    assert versions is not None
    assert (min(versions), max(versions)) == (lowest, highest)


def test_several_constraints_must_all_hold() -> None:
    versions = allowed([">= 1.5.0", "< 1.8.0"], "terraform")
    assert versions and max(versions) == (1, 7, 9)


def test_opentofu_starts_at_1_6() -> None:
    versions = allowed([">= 1.0.0"], "opentofu")
    assert versions and min(versions) == (1, 6, 0) and max(versions) == LATEST["opentofu"]


def test_unreadable_constraint_is_none() -> None:
    assert allowed(["latest please"], "terraform") is None


def test_unsatisfiable_constraint_is_empty() -> None:
    assert allowed([">= 2.0.0"], "terraform") == []


def test_parse_version_pads() -> None:
    assert parse_version("1.10") == (1, 10, 0)
