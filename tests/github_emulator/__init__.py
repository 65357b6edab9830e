"""A local, faithful stand-in for api.github.com, for the action's tests."""

from tests.github_emulator.faults import Fault
from tests.github_emulator.gitrepo import GitRepo
from tests.github_emulator.server import HUMAN_TOKEN, READ_TOKEN, WRITE_TOKEN, Emulator, Recorded

__all__ = ["HUMAN_TOKEN", "READ_TOKEN", "WRITE_TOKEN", "Emulator", "Fault", "GitRepo", "Recorded"]
