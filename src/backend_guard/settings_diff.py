"""What a pull request's settings file weakens, against the base commit's (or the defaults).

The settings file travels with the pull request: without a look at what it changes, a pull
request could turn every rule off, lower severities, raise `fail-on` or exclude everything, and
the required check would turn green with nothing saying why. Each weakening is reported on the
line of the settings file that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_guard import config
from backend_guard.config import Settings
from backend_guard.model import Severity
from backend_guard.rules import RULES, find
from backend_guard.rules.base import Policy

# From the strictest to the most lenient.
_FAIL_ON = {"warning": 0, "error": 1, "never": 2}


@dataclass(frozen=True)
class Weakening:
    line: int  # of the settings file
    message: str


def _lines(text: str) -> dict[str, int]:
    """The line of each setting: `policy`, `fail-on`, `exclude:PATTERN`, `rules:ID`."""
    import yaml

    found: dict[str, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return found
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        name = str(key.value)
        found[name] = key.start_mark.line + 1
        if name == "exclude" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                found[f"exclude:{item.value}"] = item.start_mark.line + 1
        if name == "rules" and isinstance(value, yaml.MappingNode):
            for selector, _ in value.value:
                rule = find(str(selector.value))
                if rule is not None:
                    found[f"rules:{rule.id}"] = selector.start_mark.line + 1
    return found


def _severity(settings: Settings, rule_id: str, default: Severity) -> Severity:
    return settings.severities.get(rule_id, default)


def weakenings(head_text: str, base: Settings, where: str) -> list[Weakening]:
    """What the settings in `head_text` weaken against `base`, each on its line."""
    head = config.parse(head_text, where)
    lines = _lines(head_text)
    found: list[Weakening] = []

    def add(key: str, message: str) -> None:
        found.append(Weakening(lines.get(key, 1), message))

    if base.policy is Policy.SELF_CONTAINED and head.policy is Policy.REMOTE_ALLOWED:
        add("policy", "relaxes `policy` to remote-allowed")
    if _FAIL_ON[head.fail_on] > _FAIL_ON[base.fail_on]:
        add("fail-on", f"raises `fail-on` from {base.fail_on} to {head.fail_on}")
    for pattern in head.excludes:
        if pattern not in base.excludes:
            add(f"exclude:{pattern}", f"excludes `{pattern}` from the scan")
    for rule in RULES:
        if rule.id in base.disabled:
            continue
        if rule.id in head.disabled:
            add(f"rules:{rule.id}", f"turns off {rule.id} ({rule.name})")
            continue
        before = _severity(base, rule.id, rule.severity)
        after = _severity(head, rule.id, rule.severity)
        if after.rank < before.rank:
            add(f"rules:{rule.id}", f"lowers {rule.id} ({rule.name}) from {before} to {after}")
    return sorted(found, key=lambda weakening: weakening.line)
