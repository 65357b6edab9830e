"""What reaches each module at init time: its engine, backend settings, variables, environment.

Only what runs in a module's folder reaches it: the `terraform` / `tofu` commands whose folder is
the module's (a CDKTF stack's: its app's), with their `-backend-config`, `-var`, `-var-file`
flags, `TF_CLI_ARGS_init` and the environment of their step, job and workflow. A command whose
folder cannot be told (a loop, a computed path) reaches every module, and the module's context
names it (`unplaced`). A settings file that no flag passes supplies nothing; the module's context
keeps those beside it (`unpassed`), which messages name as the likely intent.

The engine is the one the module's own commands run; without any, the module's own files decide
(`.tofu` files or `.opentofu-version` make it OpenTofu, `.terraform-version` Terraform), then the
commands whose folder cannot be told, then Terraform.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from backend_guard import context as repo_context
from backend_guard.choices import Engine
from backend_guard.ci_steps import EnvValue, join
from backend_guard.context import RepoContext, Supplied
from backend_guard.init_commands import Command, Flag
from backend_guard.model import Module, Span

_NAMES = {Engine.TERRAFORM: "terraform", Engine.OPENTOFU: "tofu"}


@dataclass(slots=True)
class ModuleContext:
    """What one module gets at init time, each part with the place it comes from."""

    engine: Engine = Engine.TERRAFORM
    engine_reason: str = "the default engine"  # e.g. "`tofu` runs it at deploy.yml:14"
    supplied: list[Supplied] = field(default_factory=list)  # backend settings passed to it
    # Those of `supplied` that commands of unknown folder pass (counted for every module).
    supplied_unplaced: list[Supplied] = field(default_factory=list)
    # Input variables its CI passes on the command line: name -> (value, where). A string is
    # given as the string; other values from a `-var-file` as written in HCL. `-var` wins over
    # `-var-file`.
    variables: dict[str, tuple[str, Span]] = field(default_factory=dict)
    # Those its CI sets as `TF_VAR_<name>` in the environment (below the module's own
    # `*.tfvars`), by name without the prefix.
    environment_variables: dict[str, tuple[str, Span]] = field(default_factory=dict)
    # Environment variables the steps that run it define: name -> (value as written, where).
    env: dict[str, EnvValue] = field(default_factory=dict)
    unplaced: list[Span] = field(default_factory=list)  # commands of unknown folder, counted here
    unpassed: list[Supplied] = field(default_factory=list)  # settings files beside it nobody passes
    # `-backend-config` flags that reach it: those a fix can drop, and those it cannot.
    removable_flags: list[Span] = field(default_factory=list)
    fixed_flags: list[Span] = field(default_factory=list)

    def supplied_for(self, backend_type: str) -> list[Supplied]:
        return [s for s in self.supplied if s.backend_type in (None, backend_type)]


def contexts(
    repo: RepoContext,
    modules: Mapping[str, Module],
    *,
    engine: Engine | None,
    opentofu_dirs: Iterable[str],
    cdktf_apps: Iterable[str],
) -> dict[str, ModuleContext]:
    """The context of every module, by module folder."""
    commands = _linked(repo)
    reach = _reach(commands)
    tofu_dirs = set(opentofu_dirs)
    apps = sorted(cdktf_apps, key=len, reverse=True)
    result = {}
    folders = {}
    for directory, module in modules.items():
        folder = folders[directory] = _folder(module, apps)
        own = [c for c in commands if c.dirs is not None and folder in c.dirs]
        unplaced = [c for c in commands if c.dirs is None]
        found = _context(own + unplaced, repo, folder, reach)
        found.unplaced = [c.span for c in unplaced]
        found.engine, found.engine_reason = _engine(engine, own, unplaced, folder, tofu_dirs)
        result[directory] = found
    passed = {s.source for found in result.values() for s in found.supplied if s.source}
    passed |= {
        s.source for c in commands if c.dirs for s in _supplied(c, repo, c.dirs[0]) if s.source
    }
    unpassed = [s for path, s in repo.settings_files.items() if path not in passed]
    for directory, found in result.items():
        found.unpassed = [s for s in unpassed if _beside(s.where.path, folders[directory])]
    return result


def _folder(module: Module, apps: list[str]) -> str:
    """The folder its init runs in: the module's, or a CDKTF stack's app's."""
    if not module.is_cdktf:
        return module.dir
    program = module.dir.split("#", 1)[0]
    for app in apps:
        if app == "." or program.startswith(f"{app}/"):
            return app
    return os.path.dirname(program) or "."


def _beside(path: str, folder: str) -> bool:
    """Whether a settings file is in the module's folder, above it or below it."""
    parent = os.path.dirname(path) or "."
    return (
        parent == "."
        or parent == folder
        or folder.startswith(f"{parent}/")
        or parent.startswith(f"{folder}/")
        or folder == "."
    )


def _linked(repo: RepoContext) -> list[Command]:
    """The commands, with those of a called script or Makefile run where their caller runs."""
    by_file: dict[str, list[Command]] = {}
    for command in repo.commands:
        by_file.setdefault(command.step.path, []).append(command)
    called: set[str] = set()
    linked: list[Command] = []
    for call in repo.calls:
        for command in by_file.get(call.target, []):
            called.add(call.target)
            dirs = command.dirs
            if command.dir_argument is not None:
                argument = call.arguments[command.dir_argument - 1 : command.dir_argument]
                dirs = (argument[0],) if argument and argument[0] else None
            elif dirs is None:
                dirs = call.dirs
            linked.append(replace(command, dirs=dirs, env={**call.env, **command.env}))
    return [c for c in repo.commands if c.step.path not in called] + linked


def _reach(commands: list[Command]) -> dict[Span, set[str | None]]:
    """The folders each flag on a command line reaches (None: any)."""
    reach: dict[Span, set[str | None]] = {}
    for command in commands:
        for flag in command.flags:
            folders = reach.setdefault(flag.span, set())
            folders.update(command.dirs if command.dirs is not None else [None])
    return reach


def _context(
    commands: list[Command], repo: RepoContext, folder: str, reach: dict[Span, set[str | None]]
) -> ModuleContext:
    found = ModuleContext()
    for command in commands:
        for name, defined in command.env.items():
            found.env.setdefault(name, defined)
        supplied = _supplied(command, repo, folder)
        found.supplied.extend(supplied)
        if command.dirs is None:
            found.supplied_unplaced.extend(supplied)
        for flag in command.flags:
            if flag.kind != "backend-config":
                continue
            alone = reach.get(flag.span) == {folder}
            target = found.removable_flags if flag.removable and alone else found.fixed_flags
            if flag.span not in target:
                target.append(flag.span)
    found.variables, found.environment_variables = _variables(commands, folder)
    return found


def _supplied(command: Command, repo: RepoContext, folder: str) -> list[Supplied]:
    """The settings the command passes, its files read from `folder` when its own folder cannot
    be told."""
    result = []
    for flag in command.flags:
        if flag.kind == "backend-config":
            result.append(_setting(flag, command, repo, folder))
    return result


def _setting(flag: Flag, command: Command, repo: RepoContext, folder: str) -> Supplied:
    key, equals, setting = flag.value.partition("=")
    if equals and key.isidentifier() and key.islower():
        computed = "$" in setting
        return Supplied(flag.span, frozenset({key}), unknown=computed, values=((key, setting),))
    if "$" in flag.value:
        return Supplied(flag.span, frozenset(), unknown=True)
    file = _settings_file(flag.value, command.dirs or (folder,), repo)
    if file is None:
        return Supplied(
            flag.span, frozenset(), repo_context.type_from_name(flag.value), unknown=True
        )
    return replace(file, where=flag.span)


def _settings_file(value: str, bases: tuple[str, ...], repo: RepoContext) -> Supplied | None:
    for base in bases:
        path = join(base, value)
        if path in repo.settings_files:
            return repo.settings_files[path]
        if os.path.isfile(path):
            read = repo_context.read_setting_file(path)
            return read if isinstance(read, Supplied) else None
    named = [
        s for p, s in repo.settings_files.items() if os.path.basename(p) == os.path.basename(value)
    ]
    return named[0] if len(named) == 1 else None


def _variables(
    commands: list[Command], folder: str
) -> tuple[dict[str, tuple[str, Span]], dict[str, tuple[str, Span]]]:
    """The variables the commands pass on the command line, and those their environment sets."""
    from_env: dict[str, tuple[str, Span]] = {}
    from_files: dict[str, tuple[str, Span]] = {}
    from_flags: dict[str, tuple[str, Span]] = {}
    for command in commands:
        for name, defined in command.env.items():
            if name.startswith("TF_VAR_"):
                from_env[name[len("TF_VAR_") :]] = (defined.value, defined.where)
        for flag in command.flags:
            if flag.kind == "var":
                name, equals, value = flag.value.partition("=")
                if equals:
                    from_flags[name] = (value, flag.span)
            elif flag.kind == "var-file" and "$" not in flag.value:
                from_files.update(_variables_file(join(folder, flag.value)))
    return {**from_files, **from_flags}, from_env


def _variables_file(path: str) -> dict[str, tuple[str, Span]]:
    """A `-var-file`'s values, each with its line."""
    try:
        text = repo_context.read_text(path)
    except OSError:
        return {}
    import hcl2  # loaded only when a variables file is passed

    try:
        data = hcl2.loads(text)
    except Exception:  # python-hcl2 raises Lark errors: a file that does not parse gives nothing
        return {}
    lines = text.splitlines()
    result = {}
    for name, value in data.items():
        assignment = re.compile(rf"\s*{re.escape(name)}\s*=(.*)")
        found = next(
            ((i, m) for i, t in enumerate(lines, 1) if (m := assignment.match(t))), (1, None)
        )
        written = found[1].group(1).strip() if found[1] else ""
        shown = value[1:-1] if isinstance(value, str) and value.startswith('"') else value
        result[name] = (
            shown if isinstance(shown, str) else written,
            Span(path, found[0], 1, found[0], 1),
        )
    return result


def _engine(
    chosen: Engine | None,
    own: list[Command],
    unplaced: list[Command],
    folder: str,
    tofu_dirs: set[str],
) -> tuple[Engine, str]:
    if chosen is not None:
        return chosen, "the engine the settings name"
    for commands, what in ((own, "runs it"), (unplaced, "runs in a folder that cannot be told")):
        engines: dict[Engine, Command] = {}
        for command in commands:
            if command.engine is not None:
                engines.setdefault(command.engine, command)
        if len(engines) == 1 or (engines and folder in tofu_dirs):
            found = Engine.OPENTOFU if Engine.OPENTOFU in engines else next(iter(engines))
            span = engines[found].span
            reason = f"`{_NAMES[found]}` {what} at {span.path}:{span.start_line}"
            return found, reason
        if engines:
            return Engine.TERRAFORM, "both `terraform` and `tofu` run it"
        if what == "runs it" and (own_files := _own_files(folder, tofu_dirs)) is not None:
            return own_files
    return Engine.TERRAFORM, "the default engine"


def _own_files(folder: str, tofu_dirs: set[str]) -> tuple[Engine, str] | None:
    if folder in tofu_dirs:
        return Engine.OPENTOFU, "its `.tofu` files"
    for marker, engine in (
        (".opentofu-version", Engine.OPENTOFU),
        (".terraform-version", Engine.TERRAFORM),
    ):
        if os.path.isfile(os.path.join(folder, marker)):
            return engine, f"its `{marker}`"
    return None
