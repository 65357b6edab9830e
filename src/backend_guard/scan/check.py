"""Check: each enabled rule alone on each module.

A rule sees one module and the repository's context and yields its findings; it never asks
another rule. Which of several findings on one backend is shown is `resolve`'s business.
"""

from __future__ import annotations

from dataclasses import replace

from backend_guard.config import Settings
from backend_guard.fixes.local_fixes import LocalFixes
from backend_guard.model import Finding, Module
from backend_guard.rules import RULES
from backend_guard.rules.base import RuleContext, words
from backend_guard.scan.collect import Collected


def check(collected: Collected, settings: Settings) -> list[Finding]:
    fixes = LocalFixes(
        collected.texts,
        collected.contexts,
        {problem.span.path for found in collected.problems.values() for problem in found},
        collected.repo.automation_texts,
    )
    context = RuleContext(
        repo=collected.repo,
        policy=settings.policy,
        modules=collected.modules,
        problems=collected.problems,
        local_fix=fixes,
        contexts=collected.contexts,
    )
    enabled = [rule for rule in RULES if rule.id not in settings.disabled]
    return [
        _for_each_linking_module(finding, module)
        for module in sorted(collected.modules.values(), key=lambda module: module.dir)
        for rule in enabled
        for finding in rule.check(module, context)
    ]


def _for_each_linking_module(finding: Finding, module: Module) -> Finding:
    """A backend file linked into several modules is one finding, which names them all."""
    if not module.shares_backend_with or finding.backend is None:
        return finding
    modules = words([f"`{d}`" for d in [module.dir, *module.shares_backend_with]])
    return replace(
        finding, message=f"{finding.message} This file is linked into the modules {modules}."
    )
