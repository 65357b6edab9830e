#!/usr/bin/env bash
# Re-pin requirements/*.txt from pyproject.toml's dependencies and requirements/dev.in.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/runtime"
"$work/runtime/bin/pip" install --quiet --disable-pip-version-check .
"$work/runtime/bin/pip" freeze --exclude backend-guard > requirements/runtime.txt
python3 -m venv "$work/dev"
"$work/dev/bin/pip" install --quiet --disable-pip-version-check -r requirements/runtime.txt -r requirements/dev.in
"$work/dev/bin/pip" freeze | grep -vxFf requirements/runtime.txt > requirements/dev.txt
