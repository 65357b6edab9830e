"""`backend-guard check|fix|rules`: parse settings, run the scan, hand the findings on.

Exit status: 0 clean, 1 when a finding reaches `--fail-on`, 2 for usage or internal errors.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from backend_guard import __version__, config
from backend_guard.choices import Engine, Policy, Severity
from backend_guard.report.utf8 import shown

TYPE_CHECKING = False  # as typing has it, without importing typing at start-up
if TYPE_CHECKING:
    from typing import TextIO

    from backend_guard.scan import ScanResult

# Start-up is what pre-commit users feel on every commit: the scan, the rules, the readers and
# the fixes are imported where a command first needs them, not here.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backend-guard",
        description="Find Terraform, OpenTofu and CDKTF state backends that cannot be deployed.",
    )
    parser.add_argument("--version", action="version", version=f"backend-guard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def scan_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "paths", nargs="*", default=["."], help="files or directories (default: .)"
        )
        command.add_argument(
            "--policy", choices=[p.value for p in Policy], help="what counts as deployable"
        )
        command.add_argument(
            "--engine", choices=[e.value for e in Engine], help="default: per module"
        )
        command.add_argument(
            "--config", help=f"settings file (default: {config.CONFIG_NAME} in the first path)"
        )
        command.add_argument(
            "--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths"
        )

    check = commands.add_parser("check", help="report undeployable backends")
    scan_options(check)
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check.add_argument(
        "--fail-on",
        choices=config.FAIL_ON,
        help="exit 1 when a finding reaches this (default: error)",
    )
    check.add_argument("--output", help="write the report to this file instead of standard output")

    fix = commands.add_parser("fix", help="apply the local-backend fixes")
    scan_options(fix)
    fix.add_argument("--diff", action="store_true", help="print the unified diff, change nothing")

    rules = commands.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("rule", nargs="?", help="rule ID or name")
    return parser


def _settings(args: argparse.Namespace) -> config.Settings:
    if args.config:
        settings = config.load(Path(args.config), required=True)
    else:
        first = Path(args.paths[0])
        root = first if first.is_dir() else first.parent
        settings = config.load(root / config.CONFIG_NAME, required=False)
    return settings.with_flags(
        policy=Policy(args.policy) if args.policy else None,
        engine=Engine(args.engine) if args.engine else None,
        fail_on=getattr(args, "fail_on", None),
        excludes=(*settings.excludes, *args.exclude) if args.exclude else None,
    )


def _fails(result: ScanResult, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for f in result.findings)


def _check(args: argparse.Namespace, settings: config.Settings) -> int:
    from backend_guard.scan import scan

    result = scan(args.paths, settings)
    if args.format == "json":
        from backend_guard.report import json_report

        output = json_report.render(
            result.findings, files_scanned=result.files_scanned, root_modules=result.root_modules
        )
    elif args.format == "sarif":
        from backend_guard.report import sarif
        from backend_guard.rules import RULES

        output = sarif.render(result.findings, RULES)
    else:
        from backend_guard.report import text

        # `--` keeps a path that starts with a dash from being read as an option
        separator = "-- " if any(p.startswith("-") for p in args.paths) else ""
        command = "backend-guard fix " + separator + " ".join(shlex.quote(p) for p in args.paths)
        output = text.render(
            result.findings,
            files_scanned=result.files_scanned,
            root_modules=result.root_modules,
            fix_command=command,
        )
    # a name that is not UTF-8 is shown escaped (`w\xe9.tf`), never a crash
    if args.output:
        Path(args.output).write_text(shown(output), encoding="utf-8")
    else:
        sys.stdout.write(shown(output))
    return EXIT_FINDINGS if _fails(result, settings.fail_on) else EXIT_CLEAN


# Fixes that touch the same lines (two stacks of one file both editing its import) cannot be
# planned together; each round applies what it can and the next scan plans the rest.
MAX_FIX_ROUNDS = 5


def _fix(args: argparse.Namespace, settings: config.Settings) -> int:
    from backend_guard import apply
    from backend_guard.report.text import plural
    from backend_guard.scan import scan

    result = scan(args.paths, settings)
    planned = apply.plan(result.findings, result.texts)
    if args.diff:
        sys.stdout.write(shown(planned.diff()))
        if planned.skipped:
            print(
                f"backend-guard: {plural(len(planned.skipped), 'more fix', 'more fixes')} change the "
                "same lines and are not in this diff; `backend-guard fix` applies them all",
                file=sys.stderr,
            )
        return _left_to_change(_left_lines(result), sys.stderr)
    written: list[str] = []
    left = _left_lines(result)
    try:
        for _ in range(MAX_FIX_ROUNDS):
            for path in apply.write(planned, result.texts, roots=args.paths):
                if path not in written:
                    written.append(path)
            if not planned.skipped:
                break
            result = scan(args.paths, settings)
            planned = apply.plan(result.findings, result.texts)
            left |= _left_lines(result)
    except (apply.FileChangedError, apply.WriteError) as error:
        return _error(error)
    for path in written:
        print(f"fixed {shown(path)}")
    unfixed = [f for f in result.findings if f.fix is None and f.severity is Severity.ERROR]
    for finding in unfixed:
        print(
            f"{shown(finding.path)}:{finding.span.start_line}: {finding.rule} {finding.name} "
            "has no automatic fix"
        )
    if not written and not unfixed:
        print("nothing to fix")
    return _left_to_change(left, sys.stdout)


def _left_lines(result: ScanResult) -> set[tuple[str, int]]:
    """The CI lines the fixes leave passing `-backend-config` to a module they make local."""
    return {(span.path, span.start_line) for f in result.findings if f.fix for span in f.fix.left}


def _left_to_change(left: set[tuple[str, int]], stream: TextIO) -> int:
    """Name each line left to change: init fails there until it changes (exit 1)."""
    for path, line in sorted(left):
        print(
            f"{path}:{line}: still passes -backend-config to a module whose backend the fix "
            "makes local; change this line by hand",
            file=stream,
        )
    return EXIT_FINDINGS if left else EXIT_CLEAN


def _rules(args: argparse.Namespace) -> int:
    from backend_guard.rules import RULES, find

    if args.rule:
        rule = find(args.rule)
        if rule is None:
            print(
                f"backend-guard: no rule {args.rule!r}; `backend-guard rules` lists them",
                file=sys.stderr,
            )
            return EXIT_ERROR
        print(f"{rule.id} {rule.name} ({rule.severity.value})\n\n{rule.doc}")
        return EXIT_CLEAN
    for rule in RULES:
        print(f"{rule.id}  {rule.name:<30} {rule.severity.value:<8} {rule.summary}")
    return EXIT_CLEAN


def _error(error: Exception) -> int:
    print(f"backend-guard: {shown(str(error))}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a path that does not exist is a usage error (exit 2, before any scan)."""
    parser = _parser()
    args = parser.parse_args(argv)
    for path in getattr(args, "paths", ()):
        if not os.path.lexists(path):
            parser.error(f"{path}: no such file or directory")
    try:
        if args.command == "rules":
            return _rules(args)
        settings = _settings(args)
        if args.command == "check":
            return _check(args, settings)
        return _fix(args, settings)
    except (config.ConfigError, OSError) as error:
        return _error(error)


if __name__ == "__main__":
    sys.exit(main())
