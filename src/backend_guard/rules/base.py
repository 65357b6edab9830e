"""What every rule gets: the repository context, the settings, and helpers to make findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from backend_guard import versions
from backend_guard.choices import Policy
from backend_guard.context import RepoContext
from backend_guard.model import (
    BackendConfig,
    Engine,
    Finding,
    Fix,
    Module,
    Origin,
    ParseProblem,
    Severity,
    Span,
    StorageResource,
    Value,
)
from backend_guard.module_context import ModuleContext


@dataclass(frozen=True)
class Meta:
    """A rule's identity: stable ID, readable name, default severity."""

    id: str
    name: str
    severity: Severity


@dataclass
class RuleContext:
    repo: RepoContext
    policy: Policy
    modules: dict[str, Module]
    problems: dict[str, list[ParseProblem]] = field(default_factory=dict)  # by module dir
    local_fix: Callable[[BackendConfig], Fix | None] = lambda backend: None
    contexts: dict[str, ModuleContext] = field(default_factory=dict)  # by module dir

    def of(self, module: Module) -> ModuleContext:
        """What reaches `module` at init time: engine, supplied settings, variables, env."""
        return self.contexts.get(module.dir) or ModuleContext(engine=module.engine)

    def effective_backends(self, module: Module) -> list[BackendConfig]:
        """The backends `terraform init` uses: an override file's backend replaces the others,
        and a child module's backends are not used at all."""
        if not module.is_root:
            return []
        overrides = [b for b in module.backends if b.origin is Origin.OVERRIDE_FILE]
        return overrides[-1:] if overrides else list(module.backends)

    def allowed_versions(self, module: Module) -> list[versions.Version] | None:
        """Releases `required_version` admits; without one, CI installs the newest."""
        engine = module.engine.value
        if not module.required_versions:
            return [versions.LATEST[engine]]
        return versions.allowed([c.text for c in module.required_versions], engine)

    def storage_named(self, resource_types: tuple[str, ...]) -> list[StorageResource]:
        return [s for s in self.repo.storage if s.resource_type in resource_types]

    def is_opentofu(self, module: Module) -> bool:
        return module.engine is Engine.OPENTOFU


def init(module: Module, flags: str = "") -> str:
    """The init command of the module's engine, as a message quotes it."""
    return f"`{'tofu' if module.engine is Engine.OPENTOFU else 'terraform'} init{flags}`"


def finding(
    rule: Meta,
    backend_or_span: BackendConfig | Span,
    message: str,
    *,
    fix: Fix | None = None,
    severity: Severity | None = None,
    detail: str = "",
) -> Finding:
    """A finding of `rule` on a whole backend block, or at a span; `detail` tells findings of
    one rule in one file apart in the key, which never holds line numbers."""
    if isinstance(backend_or_span, BackendConfig):
        backend = backend_or_span
        span = backend.span
        key = f"{backend.module_dir}|{backend.stack or ''}|{backend.label}|{rule.id}"
    else:
        span = backend_or_span
        key = f"{span.path}|{rule.id}|{detail}"
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity or rule.severity,
        span=span,
        message=message,
        fix=fix,
        key=key,
        backend=backend_or_span if isinstance(backend_or_span, BackendConfig) else None,
    )


def shown(value: Value) -> str:
    """A value as a message shows it: what it resolves to when that is known, else as written."""
    if value.known:
        return value.known
    if value.is_known and isinstance(value.literal, str) and value.text != f'"{value.literal}"':
        return f'"{value.literal}"'
    return value.text


def words(names: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
