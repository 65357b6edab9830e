"""The oracle's inside: runs in a loopback-only network namespace, never outside one.

Started by `tests.oracle` as `unshare -n python .../tests/oracle/runner.py`, with only PATH and HOME
(a temporary directory) in its environment. It reads one request as JSON on stdin and prints one
JSON result on stdout; Terraform's own output is captured and travels inside that result.

Request: `{"mode": "init", "workdir": str, "args": [str], "env": {str: str},
"s3_buckets": [str], "dynamodb_tables": [str]}` or `{"mode": "probe"}`.

Before anything else it brings `lo` up and refuses to go on if the namespace holds any other
interface. For "init" it starts the AWS emulator (moto) on 127.0.0.1 when buckets or tables are
requested or when `ENDPOINT_PLACEHOLDER` appears in a file of the working directory, in an
argument or in an environment value, replaces the placeholder with the emulator's URL, creates
the buckets and lock tables, and runs `terraform init -input=false -no-color -json ARGS` in the
working directory. "probe" reports what a connection to the outside meets from in here.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ENDPOINT_PLACEHOLDER = "@@S3_ENDPOINT@@"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
EMULATED_SERVICES = ("S3", "STS", "DYNAMODB", "IAM")
TERRAFORM_TIMEOUT = 100
# TEST-NET-1 (RFC 5737): never a real host, and unreachable from a namespace with only `lo`.
OUTSIDE_ADDRESS = ("192.0.2.1", 443)
OUTSIDE_NAME = "registry.terraform.io"

_TERRAFORM = Path(__file__).with_name("terraform_process.py")


class NotIsolatedError(RuntimeError):
    """The process can see a network interface other than loopback."""


def isolate() -> None:
    """Fail unless loopback is the only interface of this network namespace; bring it up."""
    # /sys/class/net shows the namespace sysfs was mounted in, not this one; the kernel's own
    # interface index (if_nameindex) is per namespace.
    names = sorted(name for _, name in socket.if_nameindex())
    if names != ["lo"]:
        raise NotIsolatedError(f"refusing to run: network interfaces {names} besides loopback")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, capture_output=True)


@contextmanager
def emulator() -> Iterator[str]:
    """Run the AWS emulator on a free loopback port and yield its URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def create_storage(endpoint: str, buckets: Sequence[str], tables: Sequence[str]) -> None:
    """Create S3 buckets and DynamoDB tables shaped like Terraform's state lock table."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    s3 = session.client("s3", endpoint_url=endpoint)
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    for table in tables:
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def _project_files(workdir: Path) -> Iterator[Path]:
    for path in sorted(workdir.rglob("*")):
        if path.is_file() and ".terraform" not in path.relative_to(workdir).parts:
            yield path


def mentions_placeholder(workdir: Path, args: Sequence[str], env: Mapping[str, str]) -> bool:
    """Whether the request names the emulator's URL through `ENDPOINT_PLACEHOLDER`."""
    marker = ENDPOINT_PLACEHOLDER.encode()
    texts = [*args, *env.values()]
    return any(ENDPOINT_PLACEHOLDER in text for text in texts) or any(
        marker in path.read_bytes() for path in _project_files(workdir)
    )


def substitute_files(workdir: Path, endpoint: str) -> None:
    """Replace `ENDPOINT_PLACEHOLDER` with `endpoint` in every file of the project."""
    marker = ENDPOINT_PLACEHOLDER.encode()
    for path in _project_files(workdir):
        content = path.read_bytes()
        if marker in content:
            path.write_bytes(content.replace(marker, endpoint.encode()))


def terraform_env(endpoint: str | None, env: Mapping[str, str]) -> dict[str, str]:
    """The whole environment Terraform runs with; the caller's `env` wins over the defaults."""
    home = Path(os.environ["HOME"])
    cli_config = home / "empty.tfrc"
    cli_config.write_text("", encoding="utf-8")
    result = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    if endpoint is not None:
        result.update(CREDENTIALS)
        result.update({f"AWS_ENDPOINT_URL_{service}": endpoint for service in EMULATED_SERVICES})
    result.update(env)
    return result


def run_init(request: Mapping[str, Any]) -> dict[str, Any]:
    """Run `terraform init` as the request says, and return its status and output."""
    workdir = Path(request["workdir"])
    args: list[str] = list(request.get("args", []))
    env: dict[str, str] = dict(request.get("env", {}))
    buckets: list[str] = list(request.get("s3_buckets", []))
    tables: list[str] = list(request.get("dynamodb_tables", []))
    wanted = bool(buckets or tables) or mentions_placeholder(workdir, args, env)
    with emulator() if wanted else nullcontext() as endpoint:
        if endpoint is not None:
            create_storage(endpoint, buckets, tables)
            substitute_files(workdir, endpoint)
            args = [arg.replace(ENDPOINT_PLACEHOLDER, endpoint) for arg in args]
            env = {key: value.replace(ENDPOINT_PLACEHOLDER, endpoint) for key, value in env.items()}
        completed = subprocess.run(
            [sys.executable, str(_TERRAFORM), "init", "-input=false", "-no-color", "-json", *args],
            cwd=workdir,
            env=terraform_env(endpoint, env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TERRAFORM_TIMEOUT,
            check=False,
        )
    return {
        "returncode": completed.returncode,
        "stdout": completed.stdout,
        "stderr": completed.stderr,
        "endpoint": endpoint,
    }


def _attempt(action: Callable[[], object]) -> str:
    try:
        action()
    except OSError as error:
        code = error.errno if isinstance(error.errno, int) else 0
        return errno.errorcode.get(code, type(error).__name__)
    return "ok"


def probe() -> dict[str, Any]:
    """What reaching the outside meets from inside the namespace."""

    def connect() -> None:
        with socket.create_connection(OUTSIDE_ADDRESS, timeout=5):
            pass

    return {
        "interfaces": sorted(name for _, name in socket.if_nameindex()),
        "connect": _attempt(connect),
        "resolve": _attempt(lambda: socket.getaddrinfo(OUTSIDE_NAME, 443)),
    }


def main() -> int:
    """Serve one request from stdin; print the JSON result on stdout."""
    request = json.loads(sys.stdin.read())
    try:
        isolate()
    except NotIsolatedError as error:
        print(error, file=sys.stderr)
        return 3
    result = probe() if request.get("mode") == "probe" else run_init(request)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
