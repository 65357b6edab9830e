"""Small functions and modules: no function in src/ over 60 lines, no module over 600.

Run as a script (`python tests/test_code_size.py`) to list every one over the limits.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "backend_guard"
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 600


def oversized(root: Path = SRC) -> Iterator[str]:
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            yield f"{name}: module of {lines} lines"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield f"{name}:{node.lineno}: {node.name}() of {length} lines"


def test_functions_and_modules_stay_small() -> None:
    assert list(oversized()) == []


if __name__ == "__main__":
    for item in oversized():
        print(item)
