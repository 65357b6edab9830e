"""Repository-level facts, gathered once per scan; `module_context` ties them to each module.

- backend settings files (`*.tfbackend`, `backend*.hcl`), read whole: they count only where a
  `-backend-config` flag passes them;
- the commands of the automation (workflows, Makefiles, scripts) that run `terraform` or `tofu`
  or pass init flags, each with the folder it runs in (`init_commands`), and the calls of one
  automation file by another;
- resources that create state storage (buckets, lock tables, containers);
- where an HCP Terraform token is configured for CI.
Each supplied setting remembers where it was found, so messages can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backend_guard import bounded
from backend_guard.ci_steps import steps_of
from backend_guard.fixes.text_positions import line_at, line_starts
from backend_guard.init_commands import Call, Command, commands_of
from backend_guard.model import ParseProblem, Span, StorageResource

_TOKEN_SETTING = re.compile(r"cli_config_credentials_token|TF_TOKEN_[A-Za-z0-9_]+|TF_API_TOKEN")


@dataclass(frozen=True, slots=True)
class Supplied:
    """Backend settings supplied at init time by one file or flag."""

    where: Span  # the flag that passes them (for a settings file nothing passes: the file)
    keys: frozenset[str]  # setting names; empty with `unknown` for a file we cannot read
    backend_type: str | None = None  # from a name like `prod.s3.tfbackend`
    unknown: bool = False  # a flag whose value is computed (e.g. `-backend-config=$CONFIG`)
    values: tuple[tuple[str, object], ...] = ()
    source: str | None = None  # the settings file the values come from, when a file

    def value(self, key: str) -> object:
        return dict(self.values).get(key)

    @property
    def origin(self) -> str:
        """Where the values come from, as a message names it."""
        flag = f"{self.where.path}:{self.where.start_line}"
        return f"{self.source}, passed at {flag}" if self.source else flag


@dataclass(slots=True)
class RepoContext:
    settings_files: dict[str, Supplied] = field(default_factory=dict)  # by path
    commands: list[Command] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    storage: list[StorageResource] = field(default_factory=list)
    token_hint: Span | None = None  # where an HCP Terraform token is configured for CI
    problems: list[ParseProblem] = field(default_factory=list)
    automation_texts: dict[str, str] = field(default_factory=dict)  # by path, for fixes


def read_text(path: str, kind: bounded.Kind = bounded.Kind.AUTOMATION) -> str:
    """The text of a settings, variables or automation file (the one place such files are read),
    within the cap of its kind. Raises OSError (bounded.TooLargeError past the cap)."""
    return bounded.read(path, kind).decode("utf-8-sig", errors="replace")


def type_from_name(path: str) -> str | None:
    parts = Path(path).name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-1] == "tfbackend" else None


def read_setting_file(path: str) -> Supplied | ParseProblem:
    """A `-backend-config` file: the body of a backend block, HCL (or JSON if named `.json`)."""
    span = Span(path, 1, 1, 1, 1)
    try:
        text = read_text(path, bounded.Kind.BACKEND_SETTINGS)
    except bounded.TooLargeError as error:
        return ParseProblem(span, error.message, limit=True)
    except OSError as error:
        return ParseProblem(span, f"cannot be read: {error.strerror}")
    import hcl2  # loaded on first use: most repositories have no such file

    try:
        data = hcl2.loads(text)
    except Exception as error:  # python-hcl2 raises Lark errors
        line = getattr(error, "line", 1) or 1
        return ParseProblem(
            Span(path, line, 1, line, 1), "cannot be parsed as a backend settings file"
        )
    values = {key: _plain(value) for key, value in data.items() if not key.startswith("__")}
    return Supplied(
        where=span,
        keys=frozenset(values),
        backend_type=type_from_name(path),
        values=tuple(values.items()),
        source=path,
    )


def _plain(value: object) -> object:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def build(
    setting_files: Iterable[str], automation_files: Iterable[str], storage: list[StorageResource]
) -> RepoContext:
    context = RepoContext(storage=storage)
    for path in setting_files:
        result = read_setting_file(path)
        if isinstance(result, Supplied):
            context.settings_files[path] = result
        else:
            context.problems.append(result)
    for path in automation_files:
        try:
            text = read_text(path, bounded.Kind.AUTOMATION)
        except bounded.TooLargeError as error:
            context.problems.append(ParseProblem(Span(path, 1, 1, 1, 1), error.message, limit=True))
            continue
        except OSError:
            continue
        context.automation_texts[path] = text
        state = None
        for index, step in enumerate(steps := steps_of(path, text)):
            shell = (
                index and step.sequence is not None and step.sequence == steps[index - 1].sequence
            )
            commands, calls, state = commands_of(step, state if shell else None)
            context.commands.extend(commands)
            context.calls.extend(calls)
        token = _TOKEN_SETTING.search(text)
        if token and context.token_hint is None:
            line = line_at(line_starts(text), token.start())
            context.token_hint = Span(path, line, 1, line, 1)
    return context
