"""The parse cache of the package's TOML data: used only while the data file holds the text it was
parsed from, and never in the way of a parse when it cannot be read or written."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from backend_guard import toml_cache
from backend_guard.knowledge import DATA

DOCUMENTED = """\
# What a data file looks like: comments, tables, inline tables and arrays.
release = "1.15.5"

[backends.s3]
remote_storage = true
arguments = { bucket = { required = true }, key = { env = ["TF_KEY"] } }
"""


def _data_file(tmp_path: Path, text: str = DOCUMENTED) -> Path:
    path = tmp_path / "data" / "engine.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_first_load_parses_and_keeps_the_parse_beside_the_file(tmp_path: Path) -> None:
    path = _data_file(tmp_path)
    assert toml_cache.load(path) == tomllib.loads(DOCUMENTED)
    cache = path.parent / "__pycache__" / "engine.toml.json"
    assert toml_cache.cache_path(path) == cache
    assert json.loads(cache.read_text(encoding="utf-8")) == {
        "text": DOCUMENTED,
        "data": tomllib.loads(DOCUMENTED),
    }


def test_a_later_run_takes_the_parse_from_the_cache_without_the_toml_parser(
    tmp_path: Path,
) -> None:
    path = _data_file(tmp_path)
    toml_cache.load(path)
    code = (
        "import sys\nfrom pathlib import Path\nfrom backend_guard import toml_cache\n"
        f"data = toml_cache.load(Path({str(path)!r}))\n"
        "assert 'tomllib' not in sys.modules\n"
        "print(data['backends']['s3']['arguments']['key']['env'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "['TF_KEY']\n"


def test_a_changed_data_file_is_parsed_again_and_its_cache_replaced(tmp_path: Path) -> None:
    path = _data_file(tmp_path)
    toml_cache.load(path)
    changed = DOCUMENTED.replace('release = "1.15.5"', 'release = "1.16.0"')
    path.write_text(changed, encoding="utf-8")
    assert toml_cache.load(path)["release"] == "1.16.0"
    kept = json.loads(toml_cache.cache_path(path).read_text(encoding="utf-8"))
    assert kept["text"] == changed and kept["data"]["release"] == "1.16.0"


def test_a_one_character_edit_in_a_comment_is_a_different_text(tmp_path: Path) -> None:
    """Content, not size or time, decides: an edit of the same length is seen too."""
    path = _data_file(tmp_path)
    toml_cache.load(path)
    cache = toml_cache.cache_path(path)
    kept = json.loads(cache.read_text(encoding="utf-8"))
    kept["data"]["release"] = "0.0.0"  # what a stale cache would say
    cache.write_text(json.dumps(kept), encoding="utf-8")
    assert toml_cache.load(path)["release"] == "0.0.0"  # same text: the cache is used
    path.write_text(DOCUMENTED.replace("# What", "# what"), encoding="utf-8")
    assert toml_cache.load(path)["release"] == "1.15.5"


def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = _data_file(tmp_path)
    cache = toml_cache.cache_path(path)
    cache.parent.mkdir()
    for damaged in (b'{"text": ', b"\xff\xfe", b"[1, 2]", b'{"text": 3}', b""):
        cache.write_bytes(damaged)
        assert toml_cache.load(path) == tomllib.loads(DOCUMENTED)
        assert json.loads(cache.read_text(encoding="utf-8"))["text"] == DOCUMENTED
    cache.write_text(json.dumps({"text": DOCUMENTED, "data": ["not", "a", "table"]}))
    assert toml_cache.load(path) == tomllib.loads(DOCUMENTED)


def test_where_no_cache_can_be_written_the_file_is_parsed_every_time(tmp_path: Path) -> None:
    path = _data_file(tmp_path)
    (path.parent / "__pycache__").write_text("a file where the folder would be")
    assert toml_cache.load(path) == tomllib.loads(DOCUMENTED)
    assert toml_cache.load(path) == tomllib.loads(DOCUMENTED)
    assert sorted(p.name for p in path.parent.iterdir()) == ["__pycache__", "engine.toml"]


def test_values_json_cannot_hold_are_parsed_every_time_never_cached_changed(
    tmp_path: Path,
) -> None:
    text = "released = 2025-01-01\nratio = nan\n"
    path = _data_file(tmp_path, text)
    for _ in range(2):
        data = toml_cache.load(path)
        assert str(data["released"]) == "2025-01-01" and data["ratio"] != data["ratio"]
    assert not toml_cache.cache_path(path).exists()


def test_the_package_data_through_the_cache_is_what_the_parser_reads() -> None:
    for path in sorted(DATA.glob("*.toml")):
        expected = tomllib.loads(path.read_text(encoding="utf-8"))
        assert toml_cache.load(path) == expected
        assert toml_cache.load(path) == expected
