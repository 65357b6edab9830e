"""`make bench`: backend-guard against the floor of just reading the files, in one run.

First the start-up users feel on small changes (pre-commit on every commit, the action once per
job) and the runtime's installed size; then a realistic monorepo (bench/generate.py), with each
contender run as a fresh process, alternating them several times: medians, files per second, peak
RSS and the ratios the project's targets are stated in. Nothing here is a pass/fail test: the
tables are the result.

    python bench/run.py [--files 10000] [--repeat 5] [--with-checkov] [--start-up-only]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / ".bench"
PYTHON = sys.executable
CHECKOV_VERSION = "3.3.30"


@dataclass
class Sample:
    seconds: float
    peak_rss_mb: float


def measure(command: list[str], env: dict[str, str] | None = None) -> Sample:
    """Wall time and peak RSS of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: findings, which the corpus has on purpose
        raise SystemExit(f"{command} failed with status {process.returncode}")
    return Sample(elapsed, usage.ru_maxrss / 1024)


def corpus(files: int) -> Path:
    target = WORK / f"corpus-{files}"
    if not (target / ".complete").exists():
        subprocess.run(
            [PYTHON, str(HERE / "generate.py"), str(target), "--files", str(files)], check=True
        )
        (target / ".complete").write_text("", encoding="utf-8")
    return target


def size_mb(root: Path) -> float:
    total = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in {".terraform", "node_modules"}]
        total += sum(os.path.getsize(os.path.join(directory, n)) for n in names if ".tf" in n)
    return total / 1e6


def contenders(root: Path, checkov: Path | None) -> dict[str, list[str]]:
    result = {
        "floor (walk, read, regex)": [PYTHON, str(HERE / "floor.py"), str(root)],
        "backend-guard check": [
            PYTHON,
            "-m",
            "backend_guard",
            "check",
            str(root),
            "--fail-on",
            "never",
        ],
    }
    if checkov is not None:
        # checkov looks up module registries and its vendor's API unless told not to; it is
        # also run without a network where `unshare -n` can give it one with loopback only.
        isolated = ["unshare", "-n"] if _can_unshare() else []
        result["checkov"] = [
            *isolated,
            "env",
            "BC_SKIP_MAPPING=TRUE",
            str(checkov),
            "-d",
            str(root),
            "--quiet",
            "--compact",
            "--framework",
            "terraform",
            "--skip-download",
        ]
    return result


def _can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def run(
    commands: dict[str, list[str]], repeat: int, env: dict[str, str] | None = None
) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():  # alternating, so drift hits all alike
            samples[name].append(measure(command, env))
    return samples


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def table(title: str, samples: dict[str, list[Sample]], files: int, floor: str) -> None:
    base = median(samples[floor])
    print(f"\n{title}")
    print("| what | median wall | files/s | peak RSS | x floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, runs in samples.items():
        wall = median(runs)
        rss = max(s.peak_rss_mb for s in runs)
        print(f"| {name} | {wall:.3f} s | {files / wall:,.0f} | {rss:.0f} MB | {wall / base:.2f} |")


def install_checkov() -> Path:
    venv = WORK / "checkov-venv"
    binary = venv / "bin" / "checkov"
    if not binary.exists():
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", f"checkov=={CHECKOV_VERSION}"],
            check=True,
        )
    return binary


def installed_mb() -> tuple[int, float]:
    """How many distributions the runtime lock installs, and their size on disk with ours."""
    locked = (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8").split()
    names = [line.split("==")[0] for line in locked] + ["backend-guard"]
    total = 0
    for name in names:
        distribution = importlib.metadata.distribution(name)
        for file in distribution.files or ():
            path = Path(str(distribution.locate_file(file)))
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
    return len(names) - 1, total / 1e6


def action_env(output: Path) -> dict[str, str]:
    """The environment a push gives the action's container, the workspace being this checkout."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(ROOT / "tests/data/github-api/events/push.new-branch.json"),
        "GITHUB_WORKSPACE": str(ROOT),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_OUTPUT": str(output / "output"),
        "GITHUB_STEP_SUMMARY": str(output / "summary"),
        "INPUT_PATH": "examples",
        "INPUT_COMMENT": "off",
    }


def start_up_table(repeat: int) -> None:
    """`backend-guard check` on an empty folder beside a bare interpreter, and the action's run
    on examples/ from its entrypoint to its exit; byte-code is written once first, as an
    installed package has it."""
    empty = WORK / "empty"
    empty.mkdir(exist_ok=True)
    script = Path(PYTHON).parent / "backend-guard"
    check = [str(script)] if script.exists() else [PYTHON, "-m", "backend_guard"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "backend-guard check <empty folder>": [*check, "check", str(empty)],
    }
    for command in commands.values():
        measure(command, env)  # writes the byte-code
    samples = run(commands, max(repeat, 20), env)
    output = WORK / "action-run"
    output.mkdir(exist_ok=True)
    action = [PYTHON, str(ROOT / "entrypoint.py")]
    measure(action, action_env(output) | {"PYTHONPATH": env.get("PYTHONPATH", "")})
    samples |= run({"action on examples/ (push event)": action}, repeat, action_env(output))
    # The best run is the start-up itself; the median adds what other processes cost it.
    print("\nStart-up")
    print("| what | best wall | median wall | peak RSS |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in samples.items():
        best = min(s.seconds for s in runs)
        rss = max(s.peak_rss_mb for s in runs)
        print(f"| {name} | {best * 1000:.0f} ms | {median(runs) * 1000:.0f} ms | {rss:.0f} MB |")
    bare, check = samples["python -c pass"], samples["backend-guard check <empty folder>"]
    above = min(s.seconds for s in check) - min(s.seconds for s in bare)
    print(f"- check on an empty folder above a bare interpreter (best runs): {above * 1000:.0f} ms")
    count, mb = installed_mb()
    print(f"- the runtime installed: backend-guard and {count} locked packages, {mb:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--with-checkov", action="store_true")
    parser.add_argument("--start-up-only", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    start_up_table(args.repeat)
    if args.start_up_only:
        return

    whole = corpus(args.files)
    print(f"corpus: {args.files:,} files, {size_mb(whole):.1f} MB of configuration")
    big = run(contenders(whole, None), args.repeat)
    naive_whole = run(
        {"python-hcl2 on every file (naive)": [PYTHON, str(HERE / "naive.py"), str(whole)]}, 1
    )
    big.update(naive_whole)  # one run: it takes minutes
    table(f"Whole repository ({args.files:,} files)", big, args.files, "floor (walk, read, regex)")

    subset_files = max(args.files // 10, 100)
    subset = corpus(subset_files)
    checkov = install_checkov() if args.with_checkov else None
    commands = contenders(subset, checkov)
    commands["python-hcl2 on every file (naive)"] = [PYTHON, str(HERE / "naive.py"), str(subset)]
    small = run(commands, max(2, args.repeat // 2) if checkov else args.repeat)
    table(f"Subset ({subset_files:,} files)", small, subset_files, "floor (walk, read, regex)")

    # Start-up: a repository of one module with a backend, so the parser is loaded as in any
    # real scan; what grows with the corpus is measured above it.
    tiny = WORK / "tiny"
    (tiny / "infra").mkdir(parents=True, exist_ok=True)
    (tiny / "infra" / "backend.tf").write_text(
        'terraform {\n  backend "s3" {}\n}\n', encoding="utf-8"
    )
    start_up = median(run({"bg": contenders(tiny, None)["backend-guard check"]}, args.repeat)["bg"])
    print(f"\nGrowth (backend-guard check; start-up, one module with a backend: {start_up:.3f} s)")
    print("| share | files | MB | wall | s per MB | s per MB above start-up |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    per_mb = []
    for share in (10, 25, 50, 100):
        files = args.files * share // 100
        root = corpus(files)
        mb = size_mb(root)
        wall = median(run({"bg": contenders(root, None)["backend-guard check"]}, args.repeat)["bg"])
        per_mb.append((wall - start_up) / mb)
        print(
            f"| {share} % | {files:,} | {mb:.1f} | {wall:.3f} s | {wall / mb:.4f} "
            f"| {(wall - start_up) / mb:.4f} |"
        )

    guard = median(big["backend-guard check"])
    print("\nTargets")
    print(
        f"- check ≤ 1.5x floor at {args.files:,} files: {guard / median(big['floor (walk, read, regex)']):.2f}x"
    )
    small_guard = median(small["backend-guard check"])
    print(
        f"- check ≤ 1.5x floor at {subset_files:,} files: {small_guard / median(small['floor (walk, read, regex)']):.2f}x"
    )
    naive = median(small["python-hcl2 on every file (naive)"])
    naive_big = median(big["python-hcl2 on every file (naive)"])
    print(
        f"- ≥ 100x faster than the naive full parse: {naive_big / guard:.0f}x at "
        f"{args.files:,} files, {naive / small_guard:.0f}x at {subset_files:,}"
    )
    if checkov is not None:
        print(
            f"- ≥ 500x faster than checkov ({subset_files:,} files): {median(small['checkov']) / small_guard:.0f}x"
        )
    mean = statistics.mean(per_mb)
    spread = max(abs(value - mean) for value in per_mb) / mean
    print(
        "- linear growth, time per MB above start-up within ±20 % from 10 % to 100 %: "
        f"largest deviation from the mean ±{spread * 100:.0f} %"
    )
    rss = max(s.peak_rss_mb for s in big["backend-guard check"])
    print(f"- peak RSS ≤ 100 MB at {args.files:,} files: {rss:.0f} MB")


if __name__ == "__main__":
    main()
