import sys

from backend_guard.cli import main

sys.exit(main())
