"""The scan, in three stages: collect, check, resolve.

    paths --collect--> modules of facts --check--> findings --resolve--> the findings shown

- `collect`: discover the files and read each into facts, grouped into modules (a directory of
  configuration, or a CDKTF stack), with the repository's context.
- `check`: each enabled rule alone on each module.
- `resolve`: settings and inline suppressions, then the precedence table that folds the findings
  one backend would repeat into the finding that explains it first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend_guard import discover
from backend_guard.choices import Engine

TYPE_CHECKING = False  # as typing has it, without importing typing at start-up
if TYPE_CHECKING:
    from backend_guard.config import Settings
    from backend_guard.model import Finding, Module, StorageResource
    from backend_guard.module_context import ModuleContext


@dataclass
class ScanResult:
    findings: list[Finding]
    files_scanned: int
    modules: dict[str, Module]
    texts: dict[str, str] = field(default_factory=dict)  # the files facts were read from
    storage: list[StorageResource] = field(default_factory=list)  # what the repository creates
    # Findings the precedence table folded into another finding of the same backend.
    folded: list[Finding] = field(default_factory=list)
    # What reaches each module at init time (engine, supplied settings, variables), by directory.
    contexts: dict[str, ModuleContext] = field(default_factory=dict)

    @property
    def root_modules(self) -> int:
        return sum(1 for module in self.modules.values() if module.is_root and module.files)


def scan(paths: list[str], settings: Settings) -> ScanResult:
    opentofu = None if settings.engine is None else settings.engine is Engine.OPENTOFU
    found = discover.discover(paths, excludes=settings.excludes, opentofu=opentofu)
    if not (
        found.config_files
        or found.program_files
        or found.setting_files
        or found.automation_files
        or found.problems
    ):
        return ScanResult([], 0, {})
    # The readers, the rules and the fixes are loaded only when there is something to read:
    # start-up on a commit that touches no configuration is what pre-commit users feel.
    from backend_guard.scan import check, collect, resolve

    collected = collect.collect(found, settings)
    findings = check.check(collected, settings)
    resolved = resolve.resolve(findings, settings, collected.texts)
    return ScanResult(
        resolved.shown,
        collected.files_read,
        collected.modules,
        collected.texts,
        collected.storage,
        resolved.folded,
        collected.contexts,
    )
