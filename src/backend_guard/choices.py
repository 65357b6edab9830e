"""What a user chooses in flags and settings: the severity levels, the engine, the policy.

Apart from `model`, whose dataclasses cost a start-up that a run finding no files need not pay.
`model` re-exports `Severity` and `Engine`.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


class Engine(StrEnum):
    TERRAFORM = "terraform"
    OPENTOFU = "opentofu"


class Policy(StrEnum):
    """What "deployable" means.

    `self-contained`: a fresh account with credentials and nothing else; every remote backend
    whose storage the repository does not create is undeployable. `remote-allowed`: complete
    remote backends (and partial ones the repository completes) are accepted.
    """

    SELF_CONTAINED = "self-contained"
    REMOTE_ALLOWED = "remote-allowed"
