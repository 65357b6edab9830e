#!/bin/sh
# Install backend-guard the way the action's container has it. The Dockerfile runs this, and so
# does the test that runs entrypoint.py in a fresh virtualenv, so both install the same thing.
#
#   scripts/install.sh dependencies   the locked runtime dependencies (requirements/runtime.txt)
#   scripts/install.sh package        the package itself, then python-hcl2's grammar cache and
#                                     the knowledge data's parse cache
#
# Run from the project directory, with the target environment's `python` first on PATH. Both
# steps pass --no-deps: the lock file is the whole dependency set, nothing is resolved anew.
set -eu

case "${1:-}" in
dependencies)
    python -m pip install --no-deps -r requirements/runtime.txt
    ;;
package)
    python -m pip install --no-deps .
    # python-hcl2 compiles its Lark grammar on first use and caches it next to its module
    # (hcl2/.lark_cache.bin in site-packages): build it once here, not in every run.
    python -c "import hcl2; hcl2.parses_to_tree('terraform {}')"
    python -c "import hcl2.parser as p, sys; sys.exit(0 if p.PARSER_FILE.stat().st_size else 1)"
    # The knowledge data's parse cache (backend_guard/data/__pycache__), built here likewise.
    python -c "from backend_guard import knowledge as k; [k.engine(e) for e in k.ENGINES]; k.storage()"
    ;;
*)
    echo "usage: $0 dependencies|package" >&2
    exit 2
    ;;
esac
