"""The backend-guard GitHub Action's container entrypoint: a thin call into the package."""

import sys

from backend_guard.action import main

if __name__ == "__main__":
    sys.exit(main())
