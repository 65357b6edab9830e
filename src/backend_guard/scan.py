"""The scan: discover files, read facts, gather context, run the rules, filter the findings.

files --discover--> candidates --sources--> facts --rules--> findings (with fixes)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from backend_guard import context as repo_context
from backend_guard import discover, read, suppress
from backend_guard.config import Settings
from backend_guard.fixes import local_backend_fix
from backend_guard.model import (
    BackendConfig,
    Engine,
    Finding,
    Fix,
    Module,
    ParseProblem,
    Span,
    StorageResource,
)
from backend_guard.rules import RULES
from backend_guard.rules.base import RuleContext


@dataclass
class ScanResult:
    findings: list[Finding]
    files_scanned: int
    modules: dict[str, Module]
    texts: dict[str, str] = field(default_factory=dict)  # the files facts were read from
    storage: list[StorageResource] = field(default_factory=list)  # what the repository creates

    @property
    def root_modules(self) -> int:
        return sum(1 for module in self.modules.values() if module.is_root and module.files)


def _link_modules(modules: dict[str, Module], calls: dict[str, list[str]]) -> None:
    for caller, sources in calls.items():
        for source in sources:
            target = os.path.normpath(os.path.join(caller, source)).replace(os.sep, "/")
            module = modules.get(target)
            if module is not None and target != caller and caller not in module.called_from:
                module.called_from.append(caller)


def scan(paths: list[str], settings: Settings) -> ScanResult:
    opentofu = None if settings.engine is None else settings.engine is Engine.OPENTOFU
    found = discover.discover(paths, excludes=settings.excludes, opentofu=opentofu)
    modules: dict[str, Module] = {}
    texts: dict[str, str] = {}
    problems: dict[str, list[ParseProblem]] = {}
    calls: dict[str, list[str]] = {}
    storage: list[StorageResource] = []
    for file in found.config_files:
        module = modules.setdefault(file.module_dir, Module(dir=file.module_dir))
        module.files.append(file.path)
        facts, text = read.read_config(file)
        if facts is None:
            continue
        if text is not None:
            texts[file.path] = text
        module.backends.extend(facts.backends)
        module.required_versions.extend(facts.required_versions)
        storage.extend(facts.storage)
        calls.setdefault(file.module_dir, []).extend(facts.module_sources)
        problems.setdefault(file.module_dir, []).extend(facts.problems)
    synthesized = [f.path for f in found.config_files if f.synthesized]
    synthesized_apps = {
        app for app in found.cdktf_apps if any(p.startswith(f"{app}/") for p in synthesized)
    }
    program_apps: set[str] = set()
    programs_read = 0
    for path in found.program_files:
        facts, text = read.read_program(path)
        if facts is None:
            continue
        programs_read += 1
        storage.extend(facts.storage)
        if not (facts.backends or facts.problems):
            continue
        texts[path] = text or ""
        for backend in facts.backends:
            module = modules.setdefault(
                backend.module_dir, Module(dir=backend.module_dir, is_cdktf=True)
            )
            module.files.append(path)
            module.backends.append(backend)
            program_apps.update(
                app for app in found.cdktf_apps if path.startswith(f"{app}/") or app == "."
            )
        directory = os.path.dirname(path) or "."
        for problem in facts.problems:
            # The program's directory may hold no configuration: give it a module, so that
            # unparseable-file reports the problem.
            modules.setdefault(directory, Module(dir=directory, is_cdktf=True))
            problems.setdefault(directory, []).append(problem)
    # Synthesized output of an app whose program was read says the same again: the program is
    # what must change, so only it is reported.
    for app in program_apps & synthesized_apps:
        prefix = "cdktf.out/" if app == "." else f"{app}/cdktf.out/"
        for module in modules.values():
            if module.dir.startswith(prefix):
                module.backends.clear()
    for path, message in found.problems:
        problems.setdefault(os.path.dirname(path) or ".", []).append(
            ParseProblem(Span(path, 1, 1, 1, 1), message)
        )
        modules.setdefault(os.path.dirname(path) or ".", Module(dir=os.path.dirname(path) or "."))
    _link_modules(modules, calls)
    repo = repo_context.build(found.setting_files, found.automation_files, storage)
    for module in modules.values():
        if settings.engine is not None:
            module.engine = settings.engine
        elif module.dir in found.opentofu_dirs or repo.opentofu_hint is not None:
            module.engine = Engine.OPENTOFU

    fixes: dict[int, Fix | None] = {}  # several rules ask for the fix of one backend

    def fix_for(backend: BackendConfig) -> Fix | None:
        if id(backend) not in fixes:
            fixes[id(backend)] = _fix_for(backend)
        return fixes[id(backend)]

    # A file that was not read whole (a bound cut it, a part did not parse) is never rewritten:
    # the fix would change what was checked and leave the rest as it was.
    partly_read = {problem.span.path for found in problems.values() for problem in found}

    def _fix_for(backend: BackendConfig) -> Fix | None:
        text = texts.get(backend.path)
        if text is None or backend.path in partly_read:
            return None
        module = modules.get(backend.module_dir)
        fix = local_backend_fix(backend, text, module.engine if module else Engine.TERRAFORM)
        flags = sorted(
            {
                s.where
                for s in repo.supplied_for(backend.type)
                if not s.where.path.endswith((".tfbackend", ".hcl", ".json"))  # files, not flags
            },
            key=lambda span: (span.path, span.start_line),
        )
        if fix is None or not flags:
            return fix
        # A local backend refuses the remote settings that automation passes at init time.
        places = ", ".join(f"{span.path}:{span.start_line}" for span in flags[:3])
        more = f" and {len(flags) - 3} more" if len(flags) > 3 else ""
        return replace(
            fix,
            description=f"{fix.description}; then drop the -backend-config settings at "
            f"{places}{more}, which a local backend does not accept",
        )

    rule_context = RuleContext(
        repo=repo, policy=settings.policy, modules=modules, problems=problems, local_fix=fix_for
    )
    for problem in repo.problems:
        directory = os.path.dirname(problem.span.path) or "."
        modules.setdefault(directory, Module(dir=directory))
        problems.setdefault(directory, []).append(problem)
    findings: list[Finding] = []
    for module in sorted(modules.values(), key=lambda m: m.dir):
        for rule in RULES:
            if rule.id in settings.disabled:
                continue
            for finding in rule.check(module, rule_context):
                severity = settings.severities.get(rule.id)
                if severity is not None:
                    finding = replace(finding, severity=severity)
                findings.append(finding)
    findings = list(suppress.unsuppressed(findings, texts))
    findings.sort(key=lambda f: (f.path, f.span.start_line, f.span.start_column, f.rule))
    return ScanResult(findings, len(found.config_files) + programs_read, modules, texts, storage)
