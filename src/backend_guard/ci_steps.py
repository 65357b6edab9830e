"""The steps of the repository's automation: where each runs, with which environment and engine.

YAML pipelines (GitHub workflows and composite actions, GitLab CI, CircleCI, Azure Pipelines, ...)
are read as YAML. A step is the value of a command key (`run`, `script`, `commands`, ...); it runs
in its `working-directory` (or `working_directory`, `workingDirectory`), else in its job's
`defaults.run.working-directory`, else the workflow's, relative to the repository root (the folder
holding `.github`, `.circleci` or `.gitlab`, else the pipeline file's own). `${{ matrix.X }}` in a
directory stands for every value the job's matrix gives X. The environment of a step is the
`env:` / `variables:` of the step, its job and the workflow. `setup-terraform` or
`setup-opentofu` in a job names the engine of its steps.

A Makefile or justfile is one step run in its own folder; any other script is one step whose
folder is its caller's, unknown until a step that calls it says (`scripts/init.sh envs/prod`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from backend_guard.choices import Engine
from backend_guard.fixes.text_positions import line_at, line_starts
from backend_guard.model import Span

_COMMAND_KEYS = frozenset(
    {"run", "script", "before_script", "after_script", "command", "commands", "inlineScript"}
)
_DIRECTORY_KEYS = ("working-directory", "working_directory", "workingDirectory")
_ENV_KEYS = ("env", "variables", "environment")
_MAKE_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile"})
_SCRIPT_DIRS = frozenset({"bin", "scripts", "script", "tools", "ci"})
_ROOT_MARKERS = ("/.github/", "/.circleci/", "/.gitlab/")
_MATRIX = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")
_EXPORT = re.compile(
    r"(?m)^[ \t]*(?:export[ \t]+|env[ \t]+)?(?P<name>[A-Z][A-Za-z0-9_]*)[ \t]*\??=[ \t]*(?P<value>[^\n#]*)"
)
_MAX_DEPTH = 40  # pipelines nest a handful of levels; deeper input is hostile
_SETUP = {"hashicorp/setup-terraform": Engine.TERRAFORM, "opentofu/setup-opentofu": Engine.OPENTOFU}


@dataclass(frozen=True, slots=True)
class EnvValue:
    value: str
    where: Span


@dataclass(slots=True)
class Step:
    """Commands that run together: one `run:` value, or a whole Makefile or script."""

    path: str  # the automation file
    text: str  # the whole file's text
    start: int  # the step's commands are text[start:end]
    end: int
    root: str  # the folder relative paths in the step start from
    dirs: tuple[str, ...] | None  # where it runs; None: it cannot be told
    env: dict[str, EnvValue] = field(default_factory=dict)
    engine: Engine | None = None  # from the job's setup action
    matrix: dict[str, tuple[str, ...]] = field(default_factory=dict)
    folded: bool = False  # a YAML scalar whose line breaks are blanks (all but `|` blocks)
    sequence: int | None = None  # items of one list of commands share it: they run in one shell
    line_shells: bool = False  # each line runs in a shell of its own (a Makefile recipe)
    # The file's line starts, computed on first use and shared by the steps of one file.
    lines: list[int] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        """One command line run in several folders (a matrix)."""
        return self.dirs is not None and len(self.dirs) > 1

    def span(self, start: int, end: int | None = None) -> Span:
        """The characters start..end of the file, or the line of `start` from its first column."""
        if not self.lines:
            self.lines.extend(line_starts(self.text))
        line = line_at(self.lines, start)
        if end is None:
            return Span(self.path, line, 1, line, 1)
        end_line = line_at(self.lines, end)
        return Span(
            self.path,
            line,
            start - self.lines[line - 1] + 1,
            end_line,
            end - self.lines[end_line - 1] + 1,
        )


def repository_root(path: str) -> str:
    """The folder a pipeline's relative paths start from."""
    shown = f"/{path}"
    for marker in _ROOT_MARKERS:
        if marker in shown:
            return _parent(shown[: shown.index(marker)].lstrip("/") or ".")
    parent = _parent(path)
    if os.path.basename(parent) in _SCRIPT_DIRS:
        return _parent(parent)
    return parent


def _parent(path: str) -> str:
    return os.path.dirname(path) or "."


def join(base: str, relative: str) -> str:
    """`relative` from `base`, as module folders are shown."""
    joined = relative if os.path.isabs(relative) else os.path.join(base, relative)
    return os.path.normpath(joined).replace(os.sep, "/")


def steps_of(path: str, text: str) -> list[Step]:
    """The steps of one automation file."""
    name = os.path.basename(path)
    root = repository_root(path)
    if name.endswith((".yml", ".yaml")) and name != "Taskfile.yml":
        found = _yaml_steps(path, text, root)
        if found is not None:
            lines: list[int] = []
            for step in found:
                step.lines = lines
            return found
    env = {
        match["name"]: EnvValue(match["value"].strip(), _line_span(path, text, match.start()))
        for match in _EXPORT.finditer(text)
    }
    if name in _MAKE_NAMES:
        return [Step(path, text, 0, len(text), root, (_parent(path),), env, line_shells=True)]
    return [Step(path, text, 0, len(text), root, None, env)]


def _line_span(path: str, text: str, offset: int) -> Span:
    line = text.count("\n", 0, offset) + 1
    return Span(path, line, 1, line, 1)


@dataclass(frozen=True, slots=True)
class _Scope:
    directory: str | None = None  # as written, relative to the root
    env: tuple[tuple[str, EnvValue], ...] = ()
    engine: Engine | None = None
    matrix: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _yaml_steps(path: str, text: str, root: str) -> list[Step] | None:
    """The steps of a YAML pipeline; None when it is not YAML (then it is read as a script)."""
    import yaml

    # libyaml's marks count characters, as the pure-Python loader's and spans do
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.compose(text, Loader=loader)
    except (yaml.YAMLError, RecursionError):
        return None
    if document is None:
        return []
    return list(_walk(document, _Scope(), path, text, root, set(), 0))


def _scalar(node: object) -> str | None:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def _items(node: object) -> dict[str, object]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _scope_of(mapping: dict[str, object], outer: _Scope, path: str, text: str) -> _Scope:
    directory = outer.directory
    defaults = _items(_items(mapping.get("defaults")).get("run"))
    for key in _DIRECTORY_KEYS:
        written = _scalar(defaults.get(key)) or _scalar(mapping.get(key))
        if written:
            directory = written
    env = dict(outer.env)
    for key in _ENV_KEYS:
        for name, value in _items(mapping.get(key)).items():
            if _scalar(value) is not None:
                start = value.start_mark.index  # type: ignore[attr-defined]
                env[name] = EnvValue(str(_scalar(value)), _line_span(path, text, start))
    engine = outer.engine
    for step in _sequence(mapping.get("steps")):
        uses = _scalar(_items(step).get("uses")) or ""
        engine = _SETUP.get(uses.split("@")[0], engine)
    matrix = dict(outer.matrix)
    strategy = _items(_items(mapping.get("strategy")).get("matrix"))
    for name, values in strategy.items():
        listed = tuple(v for v in map(_scalar, _sequence(values)) if v is not None)
        if listed:
            matrix[name] = listed
    for entry in _sequence(strategy.get("include")):
        for name, value in _items(entry).items():
            if _scalar(value) is not None:
                matrix[name] = (*matrix.get(name, ()), str(_scalar(value)))
    return _Scope(directory, tuple(env.items()), engine, tuple(matrix.items()))


def _sequence(node: object) -> list[object]:
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _walk(
    node: object, outer: _Scope, path: str, text: str, root: str, seen: set[int], depth: int
) -> Iterator[Step]:
    """The steps under `node`. Each node is walked once, however many aliases name it (a
    "billion laughs" file stays linear), and no deeper than any pipeline nests."""
    import yaml

    if id(node) in seen or depth > _MAX_DEPTH:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, outer, path, text, root, seen, depth + 1)
        return
    mapping = _items(node)
    if not mapping:
        return
    scope = _scope_of(mapping, outer, path, text)
    for key, value in mapping.items():
        if key in _COMMAND_KEYS:
            commands = [value] if _scalar(value) is not None else _sequence(value)
            sequence = None if _scalar(value) is not None else value.start_mark.index  # type: ignore[attr-defined]
            for command in commands:
                if _scalar(command) is not None:
                    yield _step(command, scope, path, text, root, sequence)
        elif key not in _ENV_KEYS:
            yield from _walk(value, scope, path, text, root, seen, depth + 1)


def _step(
    node: object, scope: _Scope, path: str, text: str, root: str, sequence: int | None
) -> Step:
    start = node.start_mark.index  # type: ignore[attr-defined]
    end = node.end_mark.index  # type: ignore[attr-defined]
    if text[start : start + 1] in ("'", '"'):
        start, end = start + 1, end - 1  # a quoted scalar: its commands are inside the quotes
    matrix = dict(scope.matrix)
    dirs = expand(scope.directory or ".", matrix)
    resolved = None if dirs is None else tuple(join(root, d) for d in dirs)
    folded = getattr(node, "style", None) != "|"
    env = dict(scope.env)
    return Step(path, text, start, end, root, resolved, env, scope.engine, matrix, folded, sequence)


def expand(written: str, matrix: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The folders a written directory stands for; None when it is computed."""
    names = _MATRIX.findall(written)
    values = [written]
    for name in dict.fromkeys(names):
        if name not in matrix:
            return None
        values = [
            v.replace(match, option)
            for v in values
            for option in matrix[name]
            for match in {m.group(0) for m in _MATRIX.finditer(v) if m.group(1) == name}
        ]
    if any("$" in v or "`" in v for v in values):
        return None
    return tuple(dict.fromkeys(values))
