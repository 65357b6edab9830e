"""What every rule gets: the repository context, the settings, and helpers to make findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from backend_guard import versions
from backend_guard.choices import Policy
from backend_guard.ci_environment import set_by_ci
from backend_guard.ci_steps import EnvValue
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

_T = TypeVar("_T")


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
        running = [b for b in module.backends if self.runs_by_default(b)]
        overrides = [b for b in running if b.origin is Origin.OVERRIDE_FILE]
        return overrides[-1:] if overrides else running

    def runs_by_default(self, backend: BackendConfig) -> bool:
        """Whether a CDKTF construct runs when the app is synthesized: it sits in no branch the
        default environment skips, or the CI sets a variable the branch reads."""
        if backend.off_by_default is None:
            return True
        _, variables = backend.off_by_default
        env = self.environment(backend)
        return any(set_by_ci(name, env, backend.path) for name in variables)

    def environment(self, backend: BackendConfig) -> Mapping[str, EnvValue]:
        """The environment what initialises (or synthesizes) the backend's module runs with."""
        module = self.modules.get(backend.module_dir)
        return self.of(module).env if module is not None else {}

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
    """A value as a message names it: what is known of it (`"acme-state"`), the environment
    variable a program reads it from, else the expression as written."""
    if value.known:
        return value.known
    if value.is_known and isinstance(value.literal, str):
        return f'"{value.literal}"'
    if value.environment:
        return f"from `{value.environment[0]}`"
    return f"`{value.text}`"


def words(names: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def unset_settings(backend: BackendConfig, context: RuleContext) -> dict[str, str]:
    """The arguments a program reads from environment variables that nothing sets, each with
    its variable (`{"bucket": "BACKEND_BUCKET"}`)."""
    unset: dict[str, str] = {}
    env = context.environment(backend)
    for attribute in backend.attributes:
        value = attribute.value
        if not value.environment or not _empty(value.literal):
            continue
        if not any(set_by_ci(name, env, backend.path) for name in value.environment):
            unset[attribute.name] = value.environment[0]
    return unset


def _empty(literal: object) -> bool:
    """What an unset variable leaves: nothing, an empty string, or a workspace without a name."""
    if isinstance(literal, dict):
        return all(_empty(item) for item in literal.values())
    return literal in (None, "")


def argument_facts(
    module: Module, context: RuleContext, fact: Callable[[str, str, str], _T | None]
) -> Iterator[tuple[BackendConfig, str, _T]]:
    """Each argument of the backends `init` uses, by its top-level name, with what `fact` (a
    look-up in `backends` by engine, backend type and argument name) knows of it; arguments it
    knows nothing of are left out."""
    engine = module.engine.value
    for backend in context.effective_backends(module):
        for attribute in backend.attributes:
            name = attribute.name.split(".", 1)[0]
            found = fact(engine, backend.type, name)
            if found is not None:
                yield backend, name, found
