"""Switch action.yml from building the Dockerfile to pulling the released image.

On main, action.yml says `image: Dockerfile`, so `uses: ./` and a branch run the code they hold.
The release workflow runs this on the tagged commit, after the image is pushed, and commits the
result as the release: a job that uses `backend-guard/backend-guard@v1` then pulls
`docker://ghcr.io/<owner>/backend-guard:X.Y.Z` instead of building the image.

    python scripts/release_action.py X.Y.Z ghcr.io/<owner>/backend-guard   # rewrite action.yml
    python scripts/release_action.py --check X.Y.Z                         # change nothing

Both check first that X.Y.Z is the version in pyproject.toml and that action.yml still builds the
Dockerfile; run from the repository's root. Exit status 2 with a message when a check fails.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

DEVELOPMENT = "  image: Dockerfile\n"
VERSION = re.compile(r"\d+\.\d+\.\d+")
IMAGE = re.compile(r"[a-z0-9.-]+(?::\d+)?(?:/[a-z0-9._-]+)+")


class ReleaseError(ValueError):
    """The tag, the package and action.yml do not agree; nothing was changed."""


def check(version: str, root: Path) -> str:
    """action.yml's text, once the version and the file are found fit for a release."""
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"{version!r} is not a version X.Y.Z")
    with (root / "pyproject.toml").open("rb") as file:
        packaged = tomllib.load(file)["project"]["version"]
    if packaged != version:
        raise ReleaseError(f"the tag says {version} but pyproject.toml says {packaged}")
    text = (root / "action.yml").read_text(encoding="utf-8")
    if text.count(DEVELOPMENT) != 1:
        raise ReleaseError(f"action.yml has no line {DEVELOPMENT.strip()!r} to switch")
    return text


def released(text: str, version: str, image: str) -> str:
    """action.yml naming `image` at `version` in place of the Dockerfile."""
    if not IMAGE.fullmatch(image):
        raise ReleaseError(f"{image!r} is not an image name such as ghcr.io/owner/backend-guard")
    return text.replace(DEVELOPMENT, f"  image: docker://{image}:{version}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check only, change nothing")
    parser.add_argument("version", help="X.Y.Z, the tag without its v")
    parser.add_argument("image", nargs="?", help="ghcr.io/<owner>/backend-guard")
    args = parser.parse_args(argv)
    if not args.check and args.image is None:
        parser.error("the image is required unless --check is given")
    root = Path.cwd()
    try:
        text = check(args.version, root)
        if not args.check:
            updated = released(text, args.version, args.image)
            (root / "action.yml").write_text(updated, encoding="utf-8")
    except ReleaseError as error:
        print(f"release_action: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
