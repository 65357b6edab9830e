"""The naive way: parse every configuration file whole with python-hcl2.

python bench/naive.py ROOT
"""

from __future__ import annotations

import os
import sys

import hcl2

SKIPPED = {".terraform", ".terragrunt-cache", ".git", "node_modules"}


def main(root: str) -> None:
    parsed = failed = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            if name.endswith((".tf", ".tofu")):
                with open(os.path.join(directory, name), encoding="utf-8") as handle:
                    text = handle.read()
                try:
                    hcl2.parses_to_tree(text)
                    parsed += 1
                except Exception:  # python-hcl2 rejects some valid files; count them
                    failed += 1
    print(f"{parsed} parsed, {failed} rejected")


if __name__ == "__main__":
    main(sys.argv[1])
