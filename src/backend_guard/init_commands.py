"""The `terraform` / `tofu` commands of one automation step, and the folder each runs in.

A step's text is cut into simple commands at newlines, `&&`, `||`, `;`, `|` and parentheses (a
line that ends in a backslash goes on). `cd DIR` and `pushd DIR` move the folder of the commands
after them; `-chdir=DIR` moves one command. A folder that is computed (`cd "$dir"` in a loop, a
variable) cannot be told: the command then runs in any folder. `cd "$1"` in a script takes the
folder from the script's first argument, which the step that calls it gives.

Each command records the flags that reach `init`: `-backend-config`, `-var`, `-var-file`, with the
exact characters they span (a fix can remove them), and those in `TF_CLI_ARGS` /
`TF_CLI_ARGS_init`, which only the environment's definition spans. `TF_VAR_<name>` in the
environment gives a variable too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from backend_guard.choices import Engine
from backend_guard.ci_steps import EnvValue, Step, expand, join
from backend_guard.model import Span

_ENGINES = {"terraform": Engine.TERRAFORM, "tofu": Engine.OPENTOFU}
_PREFIXES = frozenset(
    {"sudo", "time", "exec", "command", "env", "then", "do", "else", "!", "npx", "pnpm", "yarn"}
)
# Commands that run an engine themselves: a CDKTF app's synth and deploy get their step's folder
# and environment like an engine command does.
_RUNNERS = frozenset({"cdktf"})
_SEPARATOR = re.compile(r"&&|\|\||[;|\n()]")
_WORD = re.compile(r"[^\s;&|()]+")
_QUOTED = re.compile(r""""[^"\n]*"|'[^'\n]*'|\$\([^)\n]*\)|\$\{[^}\n]*\}|`[^`\n]*`""")
_CUTTING = frozenset(" \t;&|()")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_FLAG = re.compile(r"-{1,2}(backend-config|var-file|var|chdir)(=?)(.*)", re.DOTALL)
_SCRIPT_DIR = re.compile(
    r"""^["']?\$\((?:dirname|cd)\s[^)]*\$0[^)]*\)["']?|^\$\{BASH_SOURCE[^}]*\}"""
)
_ARGUMENT = re.compile(r"""^["']?\$\{?([1-9])\}?["']?$""")
_CLI_ARGS = ("TF_CLI_ARGS_init", "TF_CLI_ARGS")
# Words without which a step neither runs an engine, passes init flags, moves nor calls a script.
_MENTIONS = (
    "terraform",
    "tofu",
    "cdktf",
    "-backend-config",
    "-var",
    "cd ",
    "pushd",
    "export",
    "make",
    "just",
    ".sh",
    "./",
)


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str  # "backend-config", "var" or "var-file"
    value: str  # unquoted
    span: Span  # the flag and its value; an environment definition's line for `TF_CLI_ARGS`
    removable: bool  # written on the command line itself, where a fix can drop it


@dataclass(slots=True)
class Command:
    """One `terraform`/`tofu` command, or another that passes init flags (a wrapper)."""

    step: Step
    dirs: tuple[str, ...] | None  # None: the folder cannot be told
    engine: Engine | None
    span: Span  # the command's first line
    flags: list[Flag] = field(default_factory=list)
    env: dict[str, EnvValue] = field(default_factory=dict)
    dir_argument: int | None = None  # the folder is the script's n-th argument


@dataclass(frozen=True, slots=True)
class Call:
    """A step that runs another automation file: a script by its path, or `make`."""

    target: str  # the called file, as discovery shows it
    dirs: tuple[str, ...] | None
    arguments: tuple[str, ...]
    env: dict[str, EnvValue]


@dataclass(slots=True)
class _State:
    step: Step
    dirs: tuple[str, ...] | None
    env: dict[str, EnvValue]
    dir_argument: int | None = None


def commands_of(
    step: Step, state: _State | None = None
) -> tuple[list[Command], list[Call], _State]:
    """The commands and calls of `step`; `state` carries the folder on from the item before it in
    one list of commands (GitLab's `script:` items run in one shell)."""
    if state is None:
        state = _State(step, step.dirs, dict(step.env))
    state.step = step
    region = step.text[step.start : step.end]
    if not any(word in region for word in _MENTIONS):
        return [], [], state  # the common case: a step that runs neither an engine nor a script
    # A line continuation becomes two blanks: offsets stay those of the file.
    text = step.text[: step.end].replace("\\\r\n", "   ").replace("\\\n", "  ")
    if step.folded:  # YAML folds the scalar's lines into one
        text = text[: step.start] + text[step.start :].replace("\n", " ")
    masked = _masked(text, step.start)
    commands: list[Command] = []
    calls: list[Call] = []
    position = step.start
    for separator in [*_SEPARATOR.finditer(masked, step.start, step.end), None]:
        stop = step.end if separator is None else separator.start()
        words = [
            (text[m.start() : m.end()], m.start(), m.end())
            for m in _WORD.finditer(masked, position, stop)
        ]
        if words:
            _command(words, state, commands, calls)
        if step.line_shells and separator is not None and separator.group(0) == "\n":
            state.dirs, state.dir_argument = step.dirs, None
        position = step.end if separator is None else separator.end()
    return commands, calls, state


def _masked(text: str, start: int) -> str:
    """`text` with blanks and separators inside quotes and `$(...)` made letters, so neither cuts
    a word there."""
    chars = list(text)
    for match in _QUOTED.finditer(text, start):
        for index in range(match.start(), match.end()):
            if chars[index] in _CUTTING:
                chars[index] = "_"
    return "".join(chars)


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        return word[1:-1]
    return word.replace('"', "").replace("'", "")


def _command(
    words: list[tuple[str, int, int]], state: _State, commands: list[Command], calls: list[Call]
) -> None:
    env = dict(state.env)
    while words and (words[0][0] in _PREFIXES or _ASSIGNMENT.match(words[0][0])):
        word, start, _ = words.pop(0)
        if _ASSIGNMENT.match(word):
            name, _, value = word.partition("=")
            env[name] = EnvValue(_unquote(value), state.step.span(start))
    if not words:
        return
    name = os.path.basename(_unquote(words[0][0]))
    if name in ("cd", "pushd"):
        _change_directory(state, _unquote(words[1][0]) if len(words) > 1 else "$HOME")
        return
    if name == "export":
        for word, start, _ in words[1:]:
            key, equals, value = word.partition("=")
            if equals:
                state.env[key] = EnvValue(_unquote(value), state.step.span(start))
        return
    command = _init_command(words, state, env, name)
    if command is not None:
        commands.append(command)
    call = _call(words, state, env, name)
    if call is not None:
        calls.append(call)


def _resolve(state: _State, written: str) -> tuple[str, ...] | None:
    """The folders `written` names from the current ones; None when computed."""
    step = state.step
    script = _SCRIPT_DIR.match(written)
    if script:
        rest = written[script.end() :].lstrip("/") or "."
        return (join(os.path.dirname(step.path) or ".", rest),)
    targets = expand(written, step.matrix)
    if targets is None or written in ("-", "~") or written.startswith("~"):
        return None
    bases = state.dirs if state.dirs is not None else (step.root,)
    return tuple(dict.fromkeys(join(base, target) for base in bases for target in targets))


def _change_directory(state: _State, written: str) -> None:
    argument = _ARGUMENT.match(written)
    state.dir_argument = int(argument.group(1)) if argument else None
    state.dirs = _resolve(state, written)


def _init_command(
    words: list[tuple[str, int, int]], state: _State, env: dict[str, EnvValue], name: str
) -> Command | None:
    engine = _ENGINES.get(name)
    step = state.step
    command = Command(step, state.dirs, engine or step.engine, step.span(words[0][1]), env=env)
    command.dir_argument = state.dir_argument
    index = 1
    while index < len(words):
        word, start, end = words[index]
        match = _FLAG.fullmatch(_unquote(word))
        index += 1
        if match is None:
            continue
        kind, equals, value = match.groups()
        if not equals and index < len(words):
            value, end = words[index][0], words[index][2]
            index += 1
        if kind == "chdir":
            argument = _ARGUMENT.match(_unquote(value))
            command.dir_argument = int(argument.group(1)) if argument else None
            command.dirs = _resolve(state, _unquote(value))
        else:
            command.flags.append(Flag(kind, _unquote(value), step.span(start, end), True))
    if engine is None and not command.flags and name not in _RUNNERS:
        return None
    for variable in _CLI_ARGS:
        if variable in env:
            command.flags.extend(_env_flags(env[variable]))
    return command


def _env_flags(defined: EnvValue) -> list[Flag]:
    words = [_unquote(m.group(0)) for m in _WORD.finditer(_unquote(defined.value))]
    flags = []
    for index, word in enumerate(words):
        match = _FLAG.fullmatch(word)
        if match is None or match.group(1) == "chdir":
            continue
        value = match.group(3)
        if not match.group(2) and index + 1 < len(words):
            value = words[index + 1]
        flags.append(Flag(match.group(1), value, defined.where, False))
    return flags


def _call(
    words: list[tuple[str, int, int]], state: _State, env: dict[str, EnvValue], name: str
) -> Call | None:
    values = [_unquote(word) for word, _, _ in words]
    if name in ("bash", "sh", "source", ".") and len(values) > 1:
        values = values[1:]
    elif name in ("make", "just"):
        directory = values[values.index("-C") + 1] if "-C" in values[:-1] else "."
        dirs = _resolve(state, directory)
        makefile = "justfile" if name == "just" else "Makefile"
        target = join(dirs[0], makefile) if dirs and len(dirs) == 1 else ""
        return Call(target, dirs, tuple(values[1:]), env) if target else None
    script = values[0]
    if not script.endswith((".sh", ".bash")) and "/" not in script:
        return None
    bases = state.dirs if state.dirs is not None else (state.step.root,)
    targets = {join(base, script) for base in bases}
    if len(targets) != 1:
        return None
    arguments = tuple(
        next(iter(r)) if (r := _resolve(state, value)) and len(r) == 1 else ""
        for value in values[1:]
    )
    return Call(targets.pop(), state.dirs, arguments, env)
