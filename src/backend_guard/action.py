"""The GitHub Action: what `entrypoint.py` calls inside the container.

Always: annotations (workflow commands), the job summary, step outputs and, when asked, SARIF.
On a pull request with a token that may write: one review with inline comments and one-click
suggestions, updated idempotently. Exit status: non-zero exactly when findings reach `fail-on`;
trouble with the GitHub API is reported, never turns a clean scan red, never hides findings.

Fork-safe two-workflow mode: with `comment: artifact` the run writes the review it would post to a
review file instead; a run on `workflow_run` given that file (`review-from`) scans nothing and
publishes it, after checking that it belongs to the triggering run. A file that does not is
refused: an error annotation, a note in the summary, and exit status 2.

Everything under the checkout is the pull request's: inputs that lead out of the workspace are
refused and outputs are written only as new files inside it (`backend_guard.workspace`); the
pull request's settings file is compared with the base commit's (`settings_diff`).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from github import GithubException
from github.PullRequest import PullRequest

from backend_guard import bounded, settings_diff
from backend_guard import workspace as boundary
from backend_guard.config import CONFIG_NAME, ConfigError, Settings, load
from backend_guard.github import base_settings, publish, relay, review, review_file
from backend_guard.github.review_file import ReviewFileError
from backend_guard.github.run import InputError, Run, input_bool, input_choice, input_value
from backend_guard.model import Engine, Finding, Severity
from backend_guard.report import markdown, sarif, workflow_commands
from backend_guard.report.escaping import inline_code, markdown_text, publishable, shown
from backend_guard.report.text import plural
from backend_guard.rules import RULES
from backend_guard.rules.base import Policy
from backend_guard.scan import ScanResult, scan

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SUMMARY_LIMIT = 1024 * 1024 - 1024  # bytes a run appends to the job summary; GitHub takes 1 MiB


@dataclass
class Inputs:
    """The inputs of a scanning run, checked before anything is read; `refused` holds what was
    not used because it leads out of the workspace (the run then ends with exit status 2)."""

    path: str
    settings: Settings
    comment: str
    suggestions: bool
    sarif_file: str
    settings_file: str = ""  # the settings file read, relative to the workspace
    refused: list[str] = field(default_factory=list)


def _inputs(env: Mapping[str, str], workspace: Path) -> Inputs:
    """Every input of a scanning run; `InputError` or `ConfigError` for one that cannot be used."""
    refused: list[str] = []
    path = input_value(env, "path", ".")
    try:
        boundary.inside(workspace, path, "input `path`")
    except boundary.OutsideWorkspaceError as error:
        refused.append(str(error))
        path = ""
    config_input = input_value(env, "config")
    config = config_input or str(Path(path or ".") / CONFIG_NAME)
    try:
        boundary.inside(workspace, config, "the settings file")
        settings = load(workspace / config, required=bool(config_input))
        settings_file = config if (workspace / config).is_file() else ""
    except boundary.OutsideWorkspaceError as error:
        refused.append(f"{error}; the default settings were used")
        settings, settings_file = Settings(), ""
    return Inputs(
        path=path,
        settings=_flags(env, settings),
        comment=input_choice(env, "comment", ("review", "artifact", "summary", "off"), "review"),
        suggestions=input_bool(env, "suggestions", True),
        sarif_file=input_value(env, "sarif-file"),
        settings_file=settings_file,
        refused=refused,
    )


def _flags(env: Mapping[str, str], settings: Settings) -> Settings:
    policy = input_value(env, "policy")
    engine = input_value(env, "engine")
    fail_on = input_value(env, "fail-on")
    try:
        return settings.with_flags(
            policy=Policy(policy) if policy else None,
            engine=Engine(engine) if engine and engine != "auto" else None,
            fail_on=input_choice(env, "fail-on", ("error", "warning", "never"), "error")
            if fail_on
            else None,
        )
    except ValueError as error:
        raise InputError(str(error)) from None


def _write_output(env: Mapping[str, str], values: Mapping[str, str]) -> None:
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            if "\n" in value or "\r" in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
                while delimiter in value:  # a line of the value must not end it early
                    delimiter = f"ghadelimiter_{uuid.uuid4()}"
                handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                handle.write(f"{name}={value}\n")


def _append_summary(env: Mapping[str, str], text: str) -> None:
    """Append to the job summary, cut below GitHub's 1 MiB and neutralised, whatever it holds."""
    target = env.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(publishable(text, SUMMARY_LIMIT, in_bytes=True))


def _fails(findings: list[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    return any(f.severity.rank >= Severity(fail_on).rank for f in findings)


def _describe(error: Exception) -> str:
    """An API error in a few words: its status and GitHub's message, never headers or URLs."""
    if isinstance(error, GithubException):
        message = error.data.get("message") if isinstance(error.data, dict) else None
        return f"HTTP {error.status}" + (f" {message}" if isinstance(message, str) else "")
    return type(error).__name__


def _plan(
    run: Run, env: Mapping[str, str], result: ScanResult, notes: list[str]
) -> tuple[PullRequest, review.Review, str] | None:
    """The pull request, the review planned on its diff, and the review body; or None and a note."""
    pr = run.pull_request
    assert pr is not None
    token = input_value(env, "github-token")
    if not token:
        notes.append("No `github-token`: review comments were skipped.")
        return None
    gh = publish.client(run, token)
    try:
        pull = gh.get_repo(run.repository).get_pull(pr.number)
        diff = publish.fetch_diff(pull)
    except (GithubException, OSError, ValueError) as error:
        notes.append(
            f"Could not read the pull request from the GitHub API ({_describe(error)}): "
            "review comments were skipped."
        )
        return None
    planned = review.compose(
        result.findings, result.texts, diff, suggestions=input_bool(env, "suggestions", True)
    )
    return pull, planned, markdown.render_review_body(planned, files_scanned=result.files_scanned)


def _review(run: Run, env: Mapping[str, str], result: ScanResult, notes: list[str]) -> None:
    """Post or update the review; every failure becomes a note in the summary."""
    pr = run.pull_request
    assert pr is not None
    if pr.from_fork and run.event_name == "pull_request":
        notes.append(
            "This pull request comes from a fork, whose token is read-only: review comments were "
            "skipped (annotations and this summary still show every finding)."
        )
        return
    plan = _plan(run, env, result, notes)
    if plan is None:
        return
    pull, planned, body = plan
    outcome = publish.publish(pull, planned, head_sha=pr.head_sha, summary=body)
    _note_outcome(outcome, notes)


def _note_outcome(outcome: publish.Outcome, notes: list[str]) -> None:
    notes.extend(f"GitHub API: {problem}" for problem in outcome.problems)
    if outcome.review_posted or outcome.updated or outcome.fixed:
        notes.append(
            f"Review: {plural(outcome.posted, 'new comment')}, {outcome.updated} updated, "
            f"{outcome.fixed} marked fixed."
        )


def _write_file(workspace: Path, relative: str, data: bytes, what: str, out: TextIO) -> bool:
    """Write an output inside the workspace; a refusal or failure is an error annotation."""
    try:
        boundary.write_new(workspace, relative, data, what)
        return True
    except boundary.OutsideWorkspaceError as error:
        message = f"{error}; nothing was written"
    except OSError as error:
        message = f"cannot write {what} {shown(relative)}: {error.strerror or error}"
    out.write(f"::error title=backend-guard::{workflow_commands.escape_data(message)}\n")
    return False


def _write_review_file(
    run: Run, env: Mapping[str, str], result: ScanResult, notes: list[str], out: TextIO
) -> None:
    """`comment: artifact`: write the planned review for the publishing workflow, post nothing."""
    pr = run.pull_request
    assert pr is not None
    plan = _plan(run, env, result, notes)
    if plan is None:
        return
    _, planned, body = plan
    content = review_file.from_review(
        planned, repository=run.repository, pull_request=pr.number, head_sha=pr.head_sha, body=body
    )
    data = review_file.dump(content).encode()
    if not _write_file(run.workspace, review_file.FILE_NAME, data, "the review file", out):
        notes.append(f"The review file `{review_file.FILE_NAME}` could not be written.")
        return
    notes.append(
        f"The review ({plural(len(planned.comments), 'inline comment')}) was written to "
        f"`{review_file.FILE_NAME}` for the workflow that publishes it."
    )


def _relay(run: Run, env: Mapping[str, str], review_from: str, notes: list[str]) -> None:
    """Publish a review file written by a `comment: artifact` run; `ReviewFileError` refuses it."""
    try:
        boundary.inside(run.workspace, review_from, "input `review-from`")
    except boundary.OutsideWorkspaceError as error:
        raise ReviewFileError(str(error)) from None
    planned = review_file.load(run.workspace / review_from)
    trigger = relay.check_event(planned, run)
    token = input_value(env, "github-token")
    if not token:
        raise InputError("`review-from` needs a `github-token` that may write to pull requests")
    gh = publish.client(run, token)
    try:
        pull = gh.get_repo(run.repository).get_pull(planned.pull_request)
        head_repo = pull.head.repo  # None when the fork was deleted
        head = relay.Head(pull.head.sha, head_repo.full_name if head_repo else "", pull.head.ref)
    except GithubException as error:
        if error.status == 404:
            raise ReviewFileError(f"there is no pull request #{planned.pull_request}") from None
        notes.append(f"Could not read the pull request from the GitHub API ({_describe(error)}).")
        return
    except (OSError, ValueError) as error:
        notes.append(f"Could not read the pull request from the GitHub API ({_describe(error)}).")
        return
    if not relay.is_current(planned, trigger, head):
        notes.append(
            f"Pull request #{planned.pull_request} has moved on to {head.sha[:12]} since the run "
            f"that wrote the review file ({planned.head_sha[:12]}): the run for the new commit "
            "publishes its own review."
        )
        return
    try:
        diff = publish.fetch_diff(pull)
    except (GithubException, OSError, ValueError) as error:
        notes.append(f"Could not read the pull request's diff ({_describe(error)}).")
        return
    placed, body, moved = relay.place(planned, diff)
    if moved:
        notes.append(
            f"The review body lists {plural(moved, 'comment')} of the review file that "
            f"{'is' if moved == 1 else 'are'} not on the pull request's diff."
        )
    outcome = publish.publish(
        pull, placed, head_sha=planned.head_sha, summary=body, mark_fixed=False
    )
    _note_outcome(outcome, notes)


def _publish_review_file(run: Run, env: Mapping[str, str], review_from: str, out: TextIO) -> int:
    """The whole of a `review-from` run: exit 2 when the file is refused, else 0."""
    notes: list[str] = []
    code = EXIT_CLEAN
    try:
        _relay(run, env, review_from, notes)
    except (ReviewFileError, InputError) as error:
        message = f"Review file refused: {error}."
        out.write(f"::error title=backend-guard::{workflow_commands.escape_data(message)}\n")
        notes.append(message + " Nothing was published.")
        code = EXIT_ERROR
    except Exception as error:  # an API failure must not pass for a refused file
        notes.append(f"Publishing the review failed ({type(error).__name__}).")
    lines = ["## backend-guard: publishing the review", ""]
    lines += [f"- {markdown_text(note)}" for note in notes or ["Nothing new to publish."]]
    _append_summary(env, "\n".join(lines) + "\n")
    return code


def _mask(token: str, out: TextIO) -> None:
    """Mask the token, and each line of one that holds line breaks: the runner masks a value
    line by line as it prints them."""
    lines = [token] + [line for line in token.splitlines() if line.strip() and line != token]
    for line in lines:
        out.write(f"::add-mask::{workflow_commands.escape_data(line)}\n")


def _refuse(message: str, env: Mapping[str, str], out: TextIO) -> int:
    out.write(f"::error title=backend-guard::{workflow_commands.escape_data(message)}\n")
    _append_summary(env, f"## backend-guard\n\nNothing was scanned: {markdown_text(message)}.\n")
    return EXIT_ERROR


def main(env: Mapping[str, str] | None = None, out: TextIO | None = None) -> int:
    env = os.environ if env is None else env
    out = sys.stdout if out is None else out
    token = input_value(env, "github-token")
    if token:  # before anything else is printed
        _mask(token, out)
    try:
        run = Run.from_env(env)
        run = replace(run, workspace=Path(os.path.abspath(run.workspace)))
        review_from = input_value(env, "review-from")
        if review_from:
            return _publish_review_file(run, env, review_from, out)
        inputs = _inputs(env, run.workspace)
        os.chdir(run.workspace)
    except (InputError, ConfigError, OSError) as error:
        return _refuse(str(error), env, out)
    result = scan([inputs.path] if inputs.path else [], inputs.settings)
    notes = [f"Refused: {message}." for message in inputs.refused]
    for message in inputs.refused:
        out.write(f"::error title=backend-guard::{workflow_commands.escape_data(message)}\n")
    out.write(shown(workflow_commands.render(result.findings)))
    sarif_file = inputs.sarif_file
    if sarif_file:
        data = shown(sarif.render(result.findings, RULES)).encode()
        if not _write_file(run.workspace, sarif_file, data, "the SARIF file", out):
            notes.append(f"The SARIF file {inline_code(sarif_file)} was not written.")
            sarif_file = ""
    if run.pull_request is not None and inputs.settings_file:
        _settings_changes(run, env, inputs.settings_file, notes, out)
    if run.pull_request is not None and inputs.comment in ("review", "artifact"):
        _comment(run, env, result, inputs.comment, notes, out)
    _finish(env, result, notes, sarif_file)
    if inputs.refused:
        return EXIT_ERROR
    return EXIT_FINDINGS if _fails(result.findings, inputs.settings.fail_on) else EXIT_CLEAN


def _settings_changes(
    run: Run, env: Mapping[str, str], path: str, notes: list[str], out: TextIO
) -> None:
    """Warn, on its line, about each weakening the pull request's settings file makes."""
    pr = run.pull_request
    assert pr is not None
    token = input_value(env, "github-token")
    base, against = (
        base_settings.fetch(run, token, path, pr.base_sha)
        if token
        else (Settings(), "no `github-token` to read the base commit's settings")
    )
    try:
        text = bounded.read(run.workspace / path, bounded.Kind.SETTINGS).decode("utf-8")
        found = settings_diff.weakenings(text, base, path)
    except (OSError, ValueError):
        return  # it was read once already; what changed since is not this run's to judge
    for weakening in found:
        message = f"The settings file {weakening.message} ({against})"
        where = f"file={workflow_commands.escape_property(path)},line={weakening.line}"
        out.write(
            f"::warning {where},title=backend-guard settings::"
            f"{workflow_commands.escape_data(message)}\n"
        )
        notes.append(f"Settings: `{path}` line {weakening.line} {weakening.message} ({against}).")


def _comment(
    run: Run, env: Mapping[str, str], result: ScanResult, mode: str, notes: list[str], out: TextIO
) -> None:
    try:
        if mode == "review":
            _review(run, env, result, notes)
        else:
            _write_review_file(run, env, result, notes, out)
    except Exception as error:  # a failed review must not change the verdict or hide findings
        notes.append(f"Review comments failed ({type(error).__name__}); the findings are above.")


def _finish(env: Mapping[str, str], result: ScanResult, notes: list[str], sarif_file: str) -> None:
    """The job summary and the step outputs."""
    _append_summary(
        env,
        markdown.render_summary(
            result.findings,
            texts=result.texts,
            files_scanned=result.files_scanned,
            root_modules=result.root_modules,
            notes=notes,
        ),
    )
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    _write_output(
        env,
        {
            "findings": str(len(result.findings)),
            "errors": str(counts[Severity.ERROR]),
            "warnings": str(counts[Severity.WARNING]),
            "sarif-file": shown(sarif_file),
        },
    )
