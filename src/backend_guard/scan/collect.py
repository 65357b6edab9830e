"""Collect: discover the files, read each into facts, and group the facts into modules.

A configuration file belongs to the module of its directory; a CDKTF program's backend to the
module of its stack. Whatever could not be read becomes a problem of the directory it is in, so
that unparseable-file reports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from backend_guard import context, discover, early_evaluation, module_context, read
from backend_guard.config import Settings
from backend_guard.model import FileFacts, Module, ParseProblem, Span, StorageResource


@dataclass
class Collected:
    found: discover.Discovery
    modules: dict[str, Module] = field(default_factory=dict)  # by directory
    texts: dict[str, str] = field(default_factory=dict)  # the files facts were read from
    problems: dict[str, list[ParseProblem]] = field(default_factory=dict)  # by module directory
    storage: list[StorageResource] = field(default_factory=list)  # what the repository creates
    repo: context.RepoContext = field(default_factory=context.RepoContext)
    # What reaches each module at init time, by module directory.
    contexts: dict[str, module_context.ModuleContext] = field(default_factory=dict)
    files_read: int = 0

    def module(self, directory: str, *, is_cdktf: bool = False) -> Module:
        module = self.modules.get(directory)  # called once a file: no Module made to be dropped
        if module is None:
            module = self.modules[directory] = Module(dir=directory, is_cdktf=is_cdktf)
        return module

    def problem(self, directory: str, problem: ParseProblem) -> None:
        self.problems.setdefault(directory, []).append(problem)


def collect(found: discover.Discovery, settings: Settings) -> Collected:
    """Read every file `discover` found into facts, modules and the repository's context."""
    collected = Collected(found)
    calls = _read_configuration(collected)
    _drop_synthesized(collected, _read_programs(collected))
    for problem in found.problems:
        directory = os.path.dirname(problem.path) or "."
        collected.problem(directory, ParseProblem(Span(problem.path, 1, 1, 1, 1), problem.message))
        collected.module(directory)
    _link_modules(collected.modules, calls)
    collected.repo = context.build(found.setting_files, found.automation_files, collected.storage)
    for unread in collected.repo.problems:
        directory = os.path.dirname(unread.span.path) or "."
        collected.module(directory)
        collected.problem(directory, unread)
    collected.contexts = module_context.contexts(
        collected.repo,
        collected.modules,
        engine=settings.engine,
        opentofu_dirs=found.opentofu_dirs,
        cdktf_apps=found.cdktf_apps,
    )
    for directory, module in collected.modules.items():
        found_here = collected.contexts[directory]
        module.engine = found_here.engine
        early_evaluation.resolve_module(
            module,
            collected.storage,
            passed=found_here.variables,
            environment=found_here.environment_variables,
        )
    return collected


def _read_configuration(collected: Collected) -> dict[str, list[str]]:
    """Read every configuration file into its module; the local module calls, by caller."""
    calls: dict[str, list[str]] = {}
    for file in collected.found.config_files:
        module = collected.module(file.module_dir)
        module.files.append(file.path)
        collected.files_read += 1
        facts, text = read.read_config(file)
        if facts is None:
            continue
        if text is not None:
            collected.texts[file.path] = text
        module.backends.extend(facts.backends)
        module.required_versions.extend(facts.required_versions)
        collected.storage.extend(facts.storage)
        calls.setdefault(file.module_dir, []).extend(facts.module_sources)
        collected.problems.setdefault(file.module_dir, []).extend(facts.problems)
    return calls


def _read_programs(collected: Collected) -> set[str]:
    """Read every CDKTF program file; the apps whose programs declare a backend."""
    apps = collected.found.cdktf_apps
    program_apps: set[str] = set()
    for path in collected.found.program_files:
        facts, text = read.read_program(path)
        if facts is None:
            continue
        collected.files_read += 1
        collected.storage.extend(facts.storage)
        if not (facts.backends or facts.problems):
            continue
        collected.texts[path] = text or ""
        for backend in facts.backends:
            module = collected.module(backend.module_dir, is_cdktf=True)
            module.files.append(path)
            module.backends.append(backend)
            program_apps.update(app for app in apps if path.startswith(f"{app}/") or app == ".")
        _program_problems(collected, path, facts)
    return program_apps


def _program_problems(collected: Collected, path: str, facts: FileFacts) -> None:
    directory = os.path.dirname(path) or "."
    for problem in facts.problems:
        # The program's directory may hold no configuration: give it a module, so that
        # unparseable-file reports the problem.
        collected.module(directory, is_cdktf=True)
        collected.problem(directory, problem)


def _drop_synthesized(collected: Collected, program_apps: set[str]) -> None:
    """Synthesized output of an app whose program was read says the same again: the program is
    what must change, so only it is reported."""
    synthesized = [f.path for f in collected.found.config_files if f.synthesized]
    synthesized_apps = {
        app
        for app in collected.found.cdktf_apps
        if any(path.startswith(f"{app}/") for path in synthesized)
    }
    for app in program_apps & synthesized_apps:
        prefix = "cdktf.out/" if app == "." else f"{app}/cdktf.out/"
        for module in collected.modules.values():
            if module.dir.startswith(prefix):
                module.backends.clear()


def _link_modules(modules: dict[str, Module], calls: dict[str, list[str]]) -> None:
    for caller, sources in calls.items():
        for source in sources:
            target = os.path.normpath(os.path.join(caller, source)).replace(os.sep, "/")
            module = modules.get(target)
            if module is not None and target != caller and caller not in module.called_from:
                module.called_from.append(caller)
