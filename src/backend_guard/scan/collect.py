"""Collect: discover the files, read each into facts, and group the facts into modules.

A configuration file belongs to the module of its directory; a CDKTF program's backend to the
module of its stack. Whatever could not be read becomes a problem of the directory it is in, so
that unparseable-file reports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from backend_guard import context, discover, early_evaluation, module_context, read
from backend_guard.config import Settings
from backend_guard.model import (
    FileFacts,
    Module,
    Origin,
    ParseProblem,
    Span,
    StorageResource,
)
from backend_guard.scan import links


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
    _read_programs(collected)
    _drop_synthesized(collected)
    _count_apps(collected)
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
    """Read every configuration file into its module; the local module calls, by caller. A file
    linked into several modules is read at its own path, and its backend kept by the first."""
    calls: dict[str, list[str]] = {}
    files = collected.found.config_files
    linked = links.targets(files)
    snippets = links.snippet_folders(files, set(linked.values()))
    first_reader: dict[str, str] = {}  # a linked file -> the module that keeps its backend
    for file in files:
        if file.module_dir in snippets:
            continue
        module = collected.module(file.module_dir)
        module.files.append(file.path)
        collected.files_read += 1
        target = linked.get(file.path)
        facts, text = read.read_config(replace(file, path=target) if target else file)
        if facts is None:
            continue
        if text is not None:
            collected.texts[target or file.path] = text
        keeper = first_reader.setdefault(target, file.module_dir) if target else file.module_dir
        if keeper != file.module_dir and facts.backends:
            collected.modules[keeper].shares_backend_with.append(file.module_dir)
        else:
            module.backends.extend(facts.backends)
        module.required_versions.extend(facts.required_versions)
        collected.storage.extend(facts.storage)
        calls.setdefault(file.module_dir, []).extend(facts.module_sources)
        collected.problems.setdefault(file.module_dir, []).extend(facts.problems)
    return calls


def _read_programs(collected: Collected) -> None:
    """Read every CDKTF program file into the modules of its stacks."""
    apps = collected.found.cdktf_apps
    for path in collected.found.program_files:
        facts, text = read.read_program(path)
        # a program of an app is scanned even when its bytes show it declares no backend
        if facts is not None or any(path.startswith(f"{app}/") or app == "." for app in apps):
            collected.files_read += 1
        if facts is None:
            continue
        collected.storage.extend(facts.storage)
        if not (facts.backends or facts.problems):
            continue
        collected.texts[path] = text or ""
        for backend in facts.backends:
            module = collected.module(backend.module_dir, is_cdktf=True)
            module.files.append(path)
            module.backends.append(backend)
        _program_problems(collected, path, facts)


def _count_apps(collected: Collected) -> None:
    """A CDKTF app whose programs declare no backend is still a root module, with the local
    backend synth adds: it counts, with its program files."""
    for app in collected.found.cdktf_apps:
        prefix = "" if app == "." else f"{app}/"
        if any(m.is_cdktf and m.dir.startswith(prefix) for m in collected.modules.values()):
            continue
        programs = [p for p in collected.found.program_files if p.startswith(prefix)]
        module = collected.module(app, is_cdktf=True)
        fresh = [p for p in programs if p not in module.files]
        module.files.extend(fresh)


def _program_problems(collected: Collected, path: str, facts: FileFacts) -> None:
    directory = os.path.dirname(path) or "."
    for problem in facts.problems:
        # The program's directory may hold no configuration: give it a module, so that
        # unparseable-file reports the problem.
        collected.module(directory, is_cdktf=True)
        collected.problem(directory, problem)


def _drop_synthesized(collected: Collected) -> None:
    """Synthesized output of an app whose program the scan reads says the same again: the
    program is what must change, so only it is reported. Output holding a backend the program
    no longer makes is stale, and kept for a note that says so."""
    programs = [os.path.abspath(path) for path in collected.found.program_files]
    for module in collected.modules.values():
        app = _synthesizing_app(module)
        if app is None or not any(path.startswith(app) for path in programs):
            continue
        made = _made_by_programs(collected, app)
        module.stale_backends = [b for b in module.backends if b.type not in made]
        module.backends.clear()
        module.files.clear()  # the stack is counted once, as its program


def _synthesizing_app(module: Module) -> str | None:
    """The directory (absolute, ending in a separator) of the app whose `cdktf synth` wrote the
    module, when it is synthesized output."""
    marker = "cdktf.out/stacks/"
    if not any(b.origin is Origin.SYNTHESIZED for b in module.backends):
        return None
    directory = os.path.abspath(module.dir).replace(os.sep, "/") + "/"
    at = directory.rfind(f"/{marker}")
    return directory[: at + 1].replace("/", os.sep) if at >= 0 else None


def _made_by_programs(collected: Collected, app: str) -> set[str]:
    """The backend types the app's programs make; `local` alone when they name none."""
    made = {
        backend.type
        for module in collected.modules.values()
        if module.is_cdktf
        for backend in module.backends
        if os.path.abspath(backend.path).startswith(app)
    }
    return made or {"local"}


def _link_modules(modules: dict[str, Module], calls: dict[str, list[str]]) -> None:
    for caller, sources in calls.items():
        for source in sources:
            target = os.path.normpath(os.path.join(caller, source)).replace(os.sep, "/")
            module = modules.get(target)
            if module is not None and target != caller and caller not in module.called_from:
                module.called_from.append(caller)
