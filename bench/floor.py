"""The floor: walk the tree, read every configuration file, run one compiled regex over it.

python bench/floor.py ROOT
"""

from __future__ import annotations

import os
import re
import sys

SKIPPED = {".terraform", ".terragrunt-cache", ".git", "node_modules"}
PATTERN = re.compile(rb"terraform\s*\{")
SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")


def main(root: str) -> None:
    files = matches = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            if name.endswith(SUFFIXES):
                with open(os.path.join(directory, name), "rb") as handle:
                    data = handle.read()
                files += 1
                matches += PATTERN.search(data) is not None
    print(f"{files} files, {matches} with a terraform block")


if __name__ == "__main__":
    main(sys.argv[1])
