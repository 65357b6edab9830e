"""OpenTofu's early evaluation: what variables and locals in a backend come to at `tofu init`.

OpenTofu 1.8 and later evaluates `var.*`, `local.*`, `path.*`, `terraform.workspace` and built-in
functions in a backend block before any state exists (`opentofu/opentofu:internal/configs/
static_scope.go`). A variable's value comes, highest first, from what the command line passes
(`-var`, `-var-file`), the module's own definitions files (`*.auto.tfvars` over
`terraform.tfvars.json` over `terraform.tfvars`), `TF_VAR_<name>` in the environment, and its
default. A variable with none of these cannot be had: `tofu init -input=false` fails asking for it.

What the CI passes is not found here: callers give it as mappings of variable name to (value text,
where it is given), `passed` for the command line and `environment` for `TF_VAR_*`; the text is
taken as the string the engine receives, as it does for a variable of a primitive type.

Each backend argument that refers to these values gets its value (`Value.literal`), how a message
shows it and where it came from (`Value.known`), and the variables nothing sets (`Value.unset`).
An expression beyond what is evaluated here (conditionals, operators, most functions) stays
unknown, and no verdict is drawn from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from backend_guard import versions
from backend_guard.model import (
    BackendConfig,
    Engine,
    Module,
    Span,
    StorageResource,
    Value,
    ValueKind,
)

if TYPE_CHECKING:  # the evaluator loads the parser: imported when a backend needs it
    from backend_guard.sources.hcl_static import Evaluator

EARLY_EVALUATION = (1, 8, 0)  # OpenTofu CHANGELOG v1.8.0, PR #1718
STATIC_ROOTS = ("var", "local", "path", "terraform")

# A variable's name -> (its value as given, where it is given).
Supplied = Mapping[str, tuple[str, Span]]


def evaluates_early(engine: Engine, required_versions: list[str]) -> bool:
    """Whether every release the module admits evaluates variables in a backend; without
    `required_version`, CI installs the newest, which does."""
    if engine is not Engine.OPENTOFU:
        return False
    if not required_versions:
        return True
    allowed = versions.allowed(required_versions, "opentofu")
    return allowed is None or all(v >= EARLY_EVALUATION for v in allowed)


def _refers_early(value: Value) -> bool:
    return value.kind is ValueKind.EXPRESSION and any(
        ref.split(".", 1)[0] in STATIC_ROOTS for ref in value.references
    )


def resolved_value(value: Value, evaluator: Evaluator) -> Value:
    """`value` with what it comes to, or with the variables it lacks; unchanged when neither."""
    from backend_guard.sources import hcl_static

    node = hcl_static.parsed_expression(value.text)
    if node is None:
        return value
    evaluator.sources.clear()
    evaluator.missing.clear()
    result = evaluator.evaluate(node)
    if evaluator.missing:
        elsewhere = evaluator.inputs.elsewhere
        files = dict.fromkeys(
            path for name in evaluator.missing for path in elsewhere.get(name, ())
        )
        return replace(value, unset=tuple(evaluator.missing), unset_set_in=tuple(files))
    if result is hcl_static.UNKNOWN:
        return value
    origin = f" (from {'; '.join(evaluator.sources)})" if evaluator.sources else ""
    return replace(value, literal=result, known=f"{hcl_static.shown(result)}{origin}")


def resolve_module(
    module: Module,
    storage: list[StorageResource] | None = None,
    passed: Supplied | None = None,
    environment: Supplied | None = None,
) -> None:
    """Value what a root module's variables and locals give: each argument of an OpenTofu
    backend that uses them, as `tofu init` sees it, and the names of the storage the module's
    resources create (in `storage`, changed in place), as apply sees them with either engine."""
    if module.is_cdktf or not module.is_root:
        return
    storage = storage if storage is not None else []
    constraints = [c.text for c in module.required_versions]
    early = evaluates_early(module.engine, constraints)
    backends = early and any(_refers_early(a.value) for b in module.backends for a in b.attributes)
    named = [
        index
        for index, item in enumerate(storage)
        if item.module_dir == module.dir and _refers_early(item.name)
    ]
    if not (backends or named):
        return
    from backend_guard.sources.hcl_inputs import read_inputs
    from backend_guard.sources.hcl_static import Evaluator

    evaluator = Evaluator(read_inputs(module.files, module.dir), passed or {}, environment or {})
    if backends:
        module.backends = [_resolved_backend(backend, evaluator) for backend in module.backends]
    for index in named:
        resource = storage[index]
        name = resolved_value(resource.name, evaluator)
        storage[index] = replace(resource, name=replace(name, unset=(), unset_set_in=()))


def _resolved_backend(backend: BackendConfig, evaluator: Evaluator) -> BackendConfig:
    attributes = tuple(
        replace(attribute, value=resolved_value(attribute.value, evaluator))
        if _refers_early(attribute.value) and not attribute.written_as_block
        else attribute
        for attribute in backend.attributes
    )
    return replace(backend, attributes=attributes)
