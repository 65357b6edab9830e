"""What reading a program tells about a value, and how the values of literals are read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from backend_guard.model import Value, ValueKind
from backend_guard.sources.cdktf.cdktf_api import WORKSPACE_CLASSES


@dataclass(frozen=True)
class Resolved:
    """What reading the program tells about a value."""

    literal: object = None  # the value, when it is known (or the default it falls back to)
    known: str | None = None  # how a message should show what is known
    props: tuple[str, ...] = ()  # the props / parameters it reads, e.g. ("props.stateBucket",)


def workspace(class_name: str, argument: Resolved | None) -> Resolved:
    """`NamedCloudWorkspace('web')` as the `workspaces` setting synth writes: `{'name': 'web'}`
    (the name stays None when the program computes it)."""
    if class_name not in WORKSPACE_CLASSES or argument is None:
        return Resolved()
    return Resolved({WORKSPACE_CLASSES[class_name]: argument.literal}, props=argument.props)


def with_default(
    value: Resolved, default: Resolved, written: str, shown: Callable[[object], str]
) -> Resolved:
    """`x ?? "d"`, `x or "d"`: x when it is known, else the default it falls back to (`written`
    is x as the program writes it, `shown` how the language shows a known value)."""
    if value.literal is not None:
        return value
    if default.literal is None:
        return Resolved(props=value.props + default.props)
    return Resolved(
        default.literal,
        f"{shown(default.literal)} (the default of `{written}`)",
        value.props + default.props,
    )


def concatenated(parts: Iterable[str | Resolved]) -> Resolved:
    """A string made of text and interpolated values: known when every value is."""
    texts: list[str] = []
    props: tuple[str, ...] = ()
    known = True
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
            continue
        props += part.props
        if part.literal is None:
            known = False
        else:
            texts.append(str(part.literal))
    return Resolved("".join(texts) if known else None, props=props)


def program_value(text: str, resolved: Resolved, *, literal_syntax: bool) -> Value:
    if literal_syntax:
        return Value(ValueKind.LITERAL, text, resolved.literal)
    return Value(
        ValueKind.PROGRAM,
        text,
        resolved.literal,
        references=resolved.props,
        known=resolved.known,
    )


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f"}
_ESCAPE = re.compile(
    r"\\(u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)", re.S
)
_NUMBER_SUFFIX = re.compile(r"[lLuUfFdDmM]+$")


def unescape(text: str) -> str:
    """A backslash escape of Go, Java or C# (`\\n`, `\\"`, `\\u00e9`) as the text it stands for."""

    def one(match: re.Match[str]) -> str:
        body = match[1]
        if body[0] in "uUx" and len(body) > 1:
            code = int(body[1:].strip("{}"), 16)
            return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)
        return _ESCAPES.get(body, body)

    return _ESCAPE.sub(one, text)


def number(text: str) -> object:
    """A numeric literal's value in Go, Java or C# (`3`, `0x1F`, `1_000L`, `2.5f`), or None."""
    plain = text.replace("_", "")
    hexadecimal = plain[:2].lower() == "0x"  # where `f` and `d` are digits
    plain = plain.rstrip("lLuU") if hexadecimal else _NUMBER_SUFFIX.sub("", plain)
    try:
        return int(plain, 0)
    except ValueError:
        pass
    try:
        return float(plain)
    except ValueError:
        return None


def shown(value: object) -> str:
    """A known value as a message shows it: `'acme'`, `true`, `3`."""
    if isinstance(value, str):
        return f"'{value}'"
    return str(value).lower() if isinstance(value, bool) else str(value)
