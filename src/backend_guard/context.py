"""Repository-level facts some rules need, gathered once per scan.

- backend settings supplied at init time: `*.tfbackend` / `backend*.hcl` files, `-backend-config`
  flags in workflows, Makefiles and scripts, and `TF_CLI_ARGS` / `TF_CLI_ARGS_init`;
- environment variables those automation files define (`AWS_REGION`, `TF_TOKEN_...`);
- resources that create state storage (buckets, lock tables, containers);
- signs that the repository runs OpenTofu.
Each supplied setting remembers where it was found, so messages can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from backend_guard import bounded
from backend_guard.fixes.text_positions import line_at, line_starts
from backend_guard.model import ParseProblem, Span, StorageResource

_BACKEND_CONFIG_FLAG = re.compile(
    r"""-{1,2}backend-config(?:=|\s+)(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s;|&)]+)"""
)
_ENV_DEFINITION = re.compile(
    r"""(?m)^[ \t-]*(?:export[ \t]+|env[ \t]+)?(?P<name>[A-Z][A-Za-z0-9_]*)[ \t]*(?::(?!:)|\??=)[ \t]*(?P<value>[^\n#]*)"""
)
_OPENTOFU_HINT = re.compile(r"setup-opentofu|\btofu[ \t]+(?:init|plan|apply)\b")
_VARIABLE = re.compile(r"\$\{?\{?|%[A-Za-z_]")
_TOKEN_SETTING = re.compile(r"cli_config_credentials_token|TF_TOKEN_[A-Za-z0-9_]+|TF_API_TOKEN")


@dataclass(frozen=True, slots=True)
class Supplied:
    """Backend settings supplied at init time by one file or flag."""

    where: Span
    keys: frozenset[str]  # setting names; empty with `unknown` for a file we cannot read
    backend_type: str | None = None  # from a name like `prod.s3.tfbackend`
    unknown: bool = False  # a flag whose value is computed (e.g. `-backend-config=$CONFIG`)
    values: tuple[tuple[str, object], ...] = ()

    def value(self, key: str) -> object:
        return dict(self.values).get(key)


@dataclass(slots=True)
class RepoContext:
    supplied: list[Supplied] = field(default_factory=list)
    env: dict[str, Span] = field(default_factory=dict)  # env var name -> where it is defined
    storage: list[StorageResource] = field(default_factory=list)
    opentofu_hint: Span | None = None  # where the repository shows it runs `tofu`
    token_hint: Span | None = None  # where an HCP Terraform token is configured for CI
    problems: list[ParseProblem] = field(default_factory=list)

    def supplied_for(self, backend_type: str) -> list[Supplied]:
        return [s for s in self.supplied if s.backend_type in (None, backend_type)]


def _strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _type_from_name(path: str) -> str | None:
    parts = Path(path).name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-1] == "tfbackend" else None


def read_setting_file(path: str) -> Supplied | ParseProblem:
    """A `-backend-config` file: the body of a backend block, HCL (or JSON if named `.json`)."""
    span = Span(path, 1, 1, 1, 1)
    try:
        text = bounded.read(path, bounded.Kind.BACKEND_SETTINGS).decode("utf-8-sig")
    except bounded.TooLargeError as error:
        return ParseProblem(span, error.message, limit=True)
    except OSError as error:
        return ParseProblem(span, f"cannot be read: {error.strerror}")
    except UnicodeDecodeError:
        return ParseProblem(span, "is not UTF-8 text")
    import hcl2  # loaded on first use: most repositories have no such file

    try:
        data = hcl2.loads(text)
    except Exception as error:  # python-hcl2 raises Lark errors
        line = getattr(error, "line", 1) or 1
        return ParseProblem(
            Span(path, line, 1, line, 1), "cannot be parsed as a backend settings file"
        )
    values = {key: _plain(value) for key, value in data.items() if not key.startswith("__")}
    return Supplied(
        where=span,
        keys=frozenset(values),
        backend_type=_type_from_name(path),
        values=tuple(values.items()),
    )


def _plain(value: object) -> object:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _flags(
    path: str, text: str, starts: list[int], found: list[Supplied], files: dict[str, Supplied]
) -> None:
    """`-backend-config` flags, wherever they stand: a command line, `TF_CLI_ARGS_init`, ..."""
    for match in _BACKEND_CONFIG_FLAG.finditer(text):
        value = _strip_quotes(match.group("value").strip("\"'"))
        line = line_at(starts, match.start())
        span = Span(path, line, 1, line, 1)
        key, equals, setting = value.partition("=")
        if equals and re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            found.append(
                Supplied(
                    span,
                    frozenset({key}),
                    unknown=bool(_VARIABLE.search(setting)),
                    values=((key, setting),),
                )
            )
            continue
        if _VARIABLE.search(value):
            found.append(Supplied(span, frozenset(), unknown=True))
            continue
        named = Path(value).name
        matched = [s for name, s in files.items() if Path(name).name == named]
        if matched:
            found.extend(Supplied(span, s.keys, s.backend_type, values=s.values) for s in matched)
        else:
            found.append(Supplied(span, frozenset(), _type_from_name(value), unknown=True))


def build(
    setting_files: Iterable[str], automation_files: Iterable[str], storage: list[StorageResource]
) -> RepoContext:
    context = RepoContext(storage=storage)
    files: dict[str, Supplied] = {}
    for path in setting_files:
        result = read_setting_file(path)
        if isinstance(result, Supplied):
            files[path] = result
            context.supplied.append(result)
        else:
            context.problems.append(result)
    for path in automation_files:
        try:
            data = bounded.read(path, bounded.Kind.AUTOMATION)
        except bounded.TooLargeError as error:
            context.problems.append(ParseProblem(Span(path, 1, 1, 1, 1), error.message, limit=True))
            continue
        except OSError:
            continue
        text = data.decode("utf-8", errors="replace")
        starts = line_starts(text)
        _flags(path, text, starts, context.supplied, files)
        for match in _ENV_DEFINITION.finditer(text):
            line = line_at(starts, match.start("name"))
            context.env.setdefault(match.group("name"), Span(path, line, 1, line, 1))
        hint = _OPENTOFU_HINT.search(text)
        if hint and context.opentofu_hint is None:
            line = line_at(starts, hint.start())
            context.opentofu_hint = Span(path, line, 1, line, 1)
        token = _TOKEN_SETTING.search(text)
        if token and context.token_hint is None:
            line = line_at(starts, token.start())
            context.token_hint = Span(path, line, 1, line, 1)
    return context
