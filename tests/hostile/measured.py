"""The real CLI in a fresh process, bounded in address space and time, with its own peak memory.

`os.wait4` gives the resource use of that one process (`RUSAGE_CHILDREN` would be the largest of
every child the test process ever had). The time limit is a failure criterion for a hang or a
runaway parse, not a measurement: the suite asserts bounds of memory, never of speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.hostile.test_bad_input import ADDRESS_SPACE

TIME_LIMIT = 120  # seconds: only a hang or a parse of what should never be parsed comes near it
PEAK_MEMORY_LIMIT = 300 * 1024 * 1024  # bytes


@dataclass
class Measured:
    status: int
    out: str
    err: str
    seconds: float
    peak_rss: int  # bytes

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


# A small launcher starts the CLI and reports its peak: a child of the test process itself would
# count the test process's resident pages as its own (the kernel keeps a forked memory's high-water
# mark across exec), so the CLI is the launcher's child, and the launcher is small.
_LAUNCHER = f"""
import os, resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
child = subprocess.Popen([sys.executable, "-m", "backend_guard", *sys.argv[2:]])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss * 1024))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_cli(root: Path, *argv: str) -> Measured:
    """`backend-guard ARGV` in `root`; a run past `TIME_LIMIT` is killed and fails the test."""
    out_path, err_path = root.parent / f".{root.name}.out", root.parent / f".{root.name}.err"
    peak_path = root.parent / f".{root.name}.peak"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(peak_path), *argv],
            cwd=root,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timer = threading.Timer(TIME_LIMIT, os.killpg, (child.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, _ = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    assert seconds < TIME_LIMIT, f"killed after {TIME_LIMIT} s"
    measured = Measured(
        child.returncode,
        out_path.read_bytes().decode("utf-8", "replace"),
        err_path.read_bytes().decode("utf-8", "replace"),
        seconds,
        int(peak_path.read_text()),
    )
    print(f"{' '.join(argv)}: {seconds:.2f} s, peak RSS {measured.peak_rss / 2**20:.0f} MiB")
    return measured
