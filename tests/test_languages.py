"""The language registry: one place ties suffixes to readers and fixers, and discovery, reading
and fixing all follow it."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from backend_guard import discover, languages
from backend_guard.apply import plan
from backend_guard.config import Settings
from backend_guard.model import Syntax
from backend_guard.scan import scan

CDKTF = Path(__file__).parent / "fixtures" / "cdktf"


def test_every_language_has_a_reader_and_each_fixer_its_entry_points() -> None:
    for language in languages.CONFIGURATION + languages.PROGRAMS:
        assert languages.of_syntax(language.syntax) is language
        assert callable(languages.reader(language).read)
        fixer = languages.fixer(language)
        if fixer is not None:
            assert callable(fixer.local_backend_fix)
        if fixer is not None and language in languages.PROGRAMS:
            assert callable(fixer.tidy)
    assert {language.syntax for language in languages.CONFIGURATION + languages.PROGRAMS} == set(
        Syntax
    )


@pytest.mark.parametrize("suffix", languages.PROGRAM_SUFFIXES)
def test_every_program_suffix_is_discovered_and_read_by_its_language(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / f"main{suffix}").write_text("// cdktf S3Backend\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert discover.discover(["app"]).program_files == [f"app/main{suffix}"]
    language = languages.program_language(f"app/main{suffix}")
    assert language is not None and suffix in language.suffixes
    assert importlib.import_module(f"backend_guard.sources.{language.reader}")


def test_a_jsx_program_is_checked_and_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(CDKTF / "js_jsx_app", tmp_path / "app")
    monkeypatch.chdir(tmp_path / "app")
    result = scan(["."], Settings())
    assert [(f.rule, f.path, f.span.start_line) for f in result.findings] == [
        ("BG104", "main.jsx", 7)
    ]
    updated = plan(result.findings, result.texts).updated
    expected = (CDKTF / "js_jsx_app.expected" / "main.jsx").read_text(encoding="utf-8")
    assert updated == {"main.jsx": expected}
