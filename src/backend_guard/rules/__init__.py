"""The rule set: one module per rule, each with `ID`, `NAME`, `SEVERITY`, a docstring that is its
documentation, and `check(module, context)` yielding findings. This package collects them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from backend_guard.model import Finding, Module, Severity
from backend_guard.rules.base import Meta, RuleContext

_MODULES = (
    "unparseable_file",
    "partial_backend_config",
    "backend_expression",
    "json_uninterpolated",
    "external_state_storage",
    "bootstrap_cycle",
    "hcp_terraform",
    "machine_local_setting",
    "duplicate_backend",
    "unknown_backend_type",
    "unknown_backend_argument",
    "engine_version_argument",
    "deprecated_backend_argument",
    "child_module_backend",
    "cdktf_backend_override",
    "cdktf_state_props",
    "cdktf_stale_synth",
    "cdktf_default_off",
)

DOCS_URL = "https://github.com/backend-guard/backend-guard/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str  # the docstring's first line
    doc: str  # the whole docstring (Markdown)
    check: Callable[[Module, RuleContext], Iterable[Finding]]

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.id.lower()}-{self.name}"


def _rule(module: ModuleType) -> Rule:
    doc = (module.__doc__ or "").strip()
    meta: Meta = module.META
    return Rule(
        id=meta.id,
        name=meta.name,
        severity=meta.severity,
        summary=doc.splitlines()[0].strip() if doc else "",
        doc=doc,
        check=module.check,
    )


RULES: tuple[Rule, ...] = tuple(
    _rule(importlib.import_module(f"{__name__}.{name}")) for name in _MODULES
)


def find(selector: str) -> Rule | None:
    """A rule by ID (`BG101`, any case) or name (`partial-backend-config`)."""
    wanted = selector.strip().lower()
    for rule in RULES:
        if wanted in (rule.id.lower(), rule.name):
            return rule
    return None
