"""What a root module's variables and locals are given, read for early evaluation.

OpenTofu evaluates variables and locals in a backend at `tofu init`; to judge such a backend, a
module's `variable` declarations (their defaults), its `locals`, and the variable definitions
files OpenTofu loads by itself from the directory it runs in are read here: `terraform.tfvars`,
then `terraform.tfvars.json`, then every `*.auto.tfvars` and `*.auto.tfvars.json` in lexical
order, each later file winning (`opentofu/opentofu:internal/command/meta_vars.go`,
`addVarsFromDir`; OpenTofu has no `.tofu` names for these files). Expressions are kept as parse
trees with the place they were written; `early_evaluation` evaluates them.

Only what a scan needs is parsed: the blocks `variable` and `locals`, cut out of each file by
`hcl_blocks`. A file that cannot be read or parsed contributes nothing (unparseable-file reports
configuration files; a broken variables file shows as a value that cannot be told).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from lark import Token, Tree

from backend_guard import bounded
from backend_guard.model import Span
from backend_guard.sources import hcl_tree
from backend_guard.sources.hcl_blocks import UnbalancedInputError, top_level_blocks


@dataclass(frozen=True, slots=True)
class Written:
    """An expression as written: its parse tree (or a JSON value), and where."""

    node: Tree | Token | None  # None for a value read from JSON
    span: Span
    json_value: object = None


@dataclass(slots=True)
class ModuleInputs:
    declared: dict[str, Span] = field(default_factory=dict)  # variable name -> its declaration
    defaults: dict[str, Written] = field(default_factory=dict)
    locals: dict[str, Written] = field(default_factory=dict)
    assigned: dict[str, Written] = field(default_factory=dict)  # from the definitions files
    # variable name -> other definitions files of the module that set it, which init loads only
    # when a `-var-file` names them (`prod.tfvars`, `env/prod.tfvars`)
    elsewhere: dict[str, list[str]] = field(default_factory=dict)


def variable_files(directory: str) -> list[str]:
    """The variable definitions files OpenTofu loads from `directory`, in loading order."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    first = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    auto = [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    return [name if directory == "." else f"{directory}/{name}" for name in first + auto]


def read_inputs(config_files: list[str], directory: str) -> ModuleInputs:
    """The declarations and locals of `config_files` and the values of `directory`'s files."""
    inputs = ModuleInputs()
    for path in config_files:
        text = _text(path, declarations=True)
        if text is None:
            continue
        if path.endswith(".json"):
            _json_declarations(path, text, inputs)
        else:
            _hcl_declarations(path, text, inputs)
    loaded = variable_files(directory)
    for path in loaded:
        text = _text(path)
        if text is not None:
            inputs.assigned.update(_assignments(path, text))
    for path in _other_variable_files(directory, set(loaded)):
        text = _text(path)
        for name in _assignments(path, text) if text is not None else {}:
            inputs.elsewhere.setdefault(name, []).append(path)
    return inputs


def _other_variable_files(directory: str, loaded: set[str]) -> list[str]:
    """Definitions files in `directory` and its subdirectories one level down that init does
    not load by itself."""
    prefix = "" if directory == "." else f"{directory}/"
    found: list[str] = []
    try:
        top = sorted(os.scandir(directory), key=lambda entry: entry.name)
        for entry in top:
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                found += [f"{entry.name}/{name}" for name in sorted(os.listdir(entry.path))]
            else:
                found.append(entry.name)
    except OSError:
        return []
    return [
        prefix + name
        for name in found
        if name.endswith((".tfvars", ".tfvars.json")) and prefix + name not in loaded
    ]


def _text(path: str, *, declarations: bool = False) -> str | None:
    """A file's text through the bounded reader (FIFOs refused). A definitions file is parsed
    whole by python-hcl2, so it has the cap of backend settings, and as it is found by listing
    the folder it is never read through a link, which could lead out of the workspace; a
    configuration file was discovered, where links out of the root were refused already."""
    kind = bounded.Kind.TERRAFORM if declarations else bounded.Kind.BACKEND_SETTINGS
    try:
        return bounded.read(path, kind, follow=declarations).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _hcl_declarations(path: str, text: str, inputs: ModuleInputs) -> None:
    if "variable" not in text and "locals" not in text:
        return
    try:
        blocks = top_level_blocks(text, {"variable", "locals"})
    except UnbalancedInputError:
        return
    for block in blocks:
        _, nodes, problem = hcl_tree.parse(block, text, path)
        if problem is not None:
            continue
        for node in nodes:
            _, labels, body, _ = hcl_tree.block_parts(node)
            attributes = dict(_attributes(body, path))
            if block.type == "locals":
                inputs.locals.update(attributes)
            elif labels:
                inputs.declared[labels[0]] = hcl_tree.span_of(path, node)
                if "default" in attributes:
                    inputs.defaults[labels[0]] = attributes["default"]


def _attributes(body: Tree, path: str) -> list[tuple[str, Written]]:
    found = []
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute":
            name = str(child.children[0].children[0])
            found.append((name, Written(child.children[-1], hcl_tree.span_of(path, child))))
    return found


def _json_declarations(path: str, text: str, inputs: ModuleInputs) -> None:
    try:
        document = json.loads(text)
    except ValueError:
        return
    if not isinstance(document, dict):
        return
    span = Span(path, 1, 1, 1, 1)
    variables = document.get("variable")
    if isinstance(variables, dict):
        for name, body in variables.items():
            inputs.declared[name] = span
            if isinstance(body, dict) and "default" in body:
                inputs.defaults[name] = Written(None, span, body["default"])
    for block in _json_blocks(document.get("locals")):
        for name, value in block.items():
            inputs.locals[name] = Written(None, span, value)


def _json_blocks(value: object) -> list[dict[str, object]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _assignments(path: str, text: str) -> dict[str, Written]:
    if path.endswith(".json"):
        try:
            document = json.loads(text)
        except ValueError:
            return {}
        span = Span(path, 1, 1, 1, 1)
        items = document.items() if isinstance(document, dict) else ()
        return {name: Written(None, span, value) for name, value in items}
    tree = hcl_tree.parse_file(text)
    return {} if tree is None else dict(_attributes(tree.children[0], path))
