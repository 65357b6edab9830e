"""Applying fixes: identical edits once, overlaps skipped, atomic writes, changed files refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from backend_guard import apply
from backend_guard.model import Edit, Finding, Fix, Severity, Span


def finding(rule: str, edits: tuple[Edit, ...]) -> Finding:
    span = Span(edits[0].path, edits[0].start_line, 1, edits[0].end_line, 1)
    return Finding(rule, rule.lower(), Severity.ERROR, span, "m", Fix("f", edits), key=rule)


TEXT = "one\ntwo\nthree\nfour\n"


def test_identical_fixes_are_applied_once_and_overlaps_skipped() -> None:
    shared = Edit("a.tf", 2, 1, 3, 6, "TWO-THREE")
    overlapping = Edit("a.tf", 3, 1, 4, 5, "X")
    planned = apply.plan(
        [
            finding("BG101", (shared,)),
            finding("BG104", (shared,)),
            finding("BG107", (overlapping,)),
        ],
        {"a.tf": TEXT},
    )
    assert planned.updated["a.tf"] == "one\nTWO-THREE\nfour\n"
    assert [f.rule for f in planned.skipped] == ["BG107"]


def test_edits_apply_bottom_up_with_exact_columns() -> None:
    edits = [Edit("a.tf", 1, 2, 1, 4, "NE"), Edit("a.tf", 4, 1, 4, 5, "4")]
    assert apply.apply_edits(TEXT, edits) == "oNE\ntwo\nthree\n4\n"


def test_diff_is_unified_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.tf"
    path.write_text(TEXT)
    planned = apply.plan(
        [finding("BG101", (Edit(str(path), 1, 1, 1, 4, "ONE"),))], {str(path): TEXT}
    )
    assert "-one\n+ONE\n" in planned.diff()
    assert path.read_text() == TEXT


def test_write_keeps_permissions_bom_and_refuses_changed_files(tmp_path: Path) -> None:
    path = tmp_path / "a.tf"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    os.chmod(path, 0o640)
    planned = apply.plan(
        [finding("BG101", (Edit(str(path), 1, 1, 1, 4, "ONE"),))], {str(path): TEXT}
    )
    apply.write(planned, {str(path): TEXT})
    assert path.read_bytes() == b"\xef\xbb\xbfONE\ntwo\nthree\nfour\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    with pytest.raises(apply.FileChangedError):
        apply.write(planned, {str(path): TEXT})  # the file is not what was read any more


def test_a_failed_write_leaves_the_original_intact(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.tf"
    path.write_text(TEXT)

    def broken_replace(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(apply.os, "replace", broken_replace)
    with pytest.raises(OSError):
        apply.write_atomically(path, "new text")
    assert path.read_text() == TEXT
    assert [p.name for p in tmp_path.iterdir()] == ["a.tf"]


def test_fix_through_symlinks_rewrites_the_shared_file_once_and_keeps_the_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend_guard.cli import main

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n', encoding="utf-8")
    for name in ("dev", "prod"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "backend.tf").symlink_to("../shared/backend.tf")
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "."]) == 0
    assert (tmp_path / "dev" / "backend.tf").is_symlink()
    assert (tmp_path / "prod" / "backend.tf").is_symlink()
    assert 'backend "local"' in (shared / "backend.tf").read_text(encoding="utf-8")
    assert main(["check", "."]) == 0
