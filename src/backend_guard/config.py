"""Settings: defaults, then `.backend-guard.yml` at the scanned root (or `--config`), then flags.

```yaml
policy: self-contained        # or remote-allowed
engine: terraform             # or opentofu; default: decided per module (.tofu files)
fail-on: error                # error | warning | never
exclude: ["legacy/**"]
rules:
  BG113: off                  # by ID or name: off | error | warning | note
  deprecated-backend-argument: note
```
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from backend_guard import bounded
from backend_guard.choices import Engine, Policy, Severity
from backend_guard.report.utf8 import shown

CONFIG_NAME = ".backend-guard.yml"
_Choice = TypeVar("_Choice", bound=StrEnum)
FAIL_ON = ("error", "warning", "never")


class ConfigError(ValueError):
    """A settings file or flag that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Settings:
    policy: Policy = Policy.SELF_CONTAINED
    engine: Engine | None = None
    fail_on: str = "error"
    excludes: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()  # rule IDs
    severities: dict[str, Severity] = field(default_factory=dict)  # rule ID -> severity

    def with_flags(self, **flags: object) -> Settings:
        given = {name: value for name, value in flags.items() if value is not None}
        return replace(self, **given)  # type: ignore[arg-type]


def _choice(value: object, choices: type[_Choice], what: str, where: str) -> _Choice:
    try:
        return choices(str(value))
    except ValueError:
        allowed = ", ".join(c.value for c in choices)
        raise ConfigError(f"{where}: {what} must be one of {allowed}, not {value!r}") from None


def load(path: Path, *, required: bool) -> Settings:
    """Read a settings file; a missing default file means defaults."""
    if not path.is_file():
        if required:
            raise ConfigError(f"{shown(str(path))}: no such settings file")
        return Settings()
    try:
        text = bounded.read(path, bounded.Kind.SETTINGS).decode("utf-8")
    except bounded.TooLargeError as error:
        raise ConfigError(f"{shown(str(path))}:1: {error.message}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown(str(path))}: cannot be read ({error})") from None
    return parse(text, str(path))


def parse(text: str, where: str) -> Settings:
    """Settings from the text of a settings file; `where` names it in messages."""
    import yaml  # loaded only when there is a settings file: most runs have none

    from backend_guard.rules import find

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{shown(where)}{line}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{shown(where)}: must be a mapping of settings")
    where = shown(where)
    known = {"policy", "engine", "fail-on", "exclude", "rules"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )
    settings = Settings()
    if "policy" in data:
        settings = replace(settings, policy=_choice(data["policy"], Policy, "policy", where))
    if "engine" in data:
        settings = replace(settings, engine=_choice(data["engine"], Engine, "engine", where))
    if "fail-on" in data:
        if data["fail-on"] not in FAIL_ON:
            raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)}")
        settings = replace(settings, fail_on=data["fail-on"])
    excludes = data.get("exclude") or []
    if not isinstance(excludes, list) or not all(isinstance(e, str) for e in excludes):
        raise ConfigError(f"{where}: exclude must be a list of glob patterns")
    disabled: set[str] = set()
    severities: dict[str, Severity] = {}
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(
            f"{where}: rules must map rule IDs or names to off, error, warning or note"
        )
    for selector, level in rules.items():
        rule = find(str(selector))
        if rule is None:
            raise ConfigError(f"{where}: unknown rule {selector!r}")
        if level is False or str(level).lower() == "off":
            disabled.add(rule.id)
        else:
            severities[rule.id] = _choice(str(level).lower(), Severity, f"rules.{selector}", where)
    return replace(
        settings,
        excludes=tuple(excludes),
        disabled=frozenset(disabled),
        severities=severities,
    )
