"""The shortcuts change no verdict: the pre-filter, the early stop of the lexer and the reading of
literal blocks without python-hcl2, against lexing every file whole and handing every block that
can matter to python-hcl2, on a generated monorepo of the benchmark's mix."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_guard import discover
from backend_guard.config import Settings
from backend_guard.scan import scan
from backend_guard.sources import hcl, hcl_literal_block
from bench.generate import generate


def test_shortcuts_give_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "repo", files=1500, seed=7)
    monkeypatch.chdir(tmp_path)
    fast = scan(["repo"], Settings())
    monkeypatch.setattr(discover, "worth_parsing", lambda data: True)
    monkeypatch.setattr(hcl, "_last_candidate", len)
    monkeypatch.setattr(hcl_literal_block, "read_backend", lambda *args: None)
    monkeypatch.setattr(hcl_literal_block, "read_storage", lambda *args: None)
    thorough = scan(["repo"], Settings())
    key = [(f.rule, f.path, f.span, f.message) for f in fast.findings]
    assert key == [(f.rule, f.path, f.span, f.message) for f in thorough.findings]
    assert fast.storage == thorough.storage and len(fast.storage) >= 3
    assert {f.rule for f in fast.findings} >= {"BG102", "BG104", "BG106"}
    assert not any("node_modules" in f.path or ".terraform/" in f.path for f in fast.findings)
