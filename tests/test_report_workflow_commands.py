"""Annotations as GitHub workflow commands: the runner's reading of them, and hostile input.

`_parse` reads output the way the runner does: one command per line (CR, LF or CRLF end a line),
`::name key=value,...::data`, properties up to the first `::`, values and data unescaped.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from backend_guard.config import Settings
from backend_guard.model import Edit, Finding, Fix, Severity, Span
from backend_guard.report.workflow_commands import escape_data, escape_property, render
from backend_guard.scan import scan

PROJECTS = "tests/fixtures/projects"
_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: _ESCAPES[m.group(0)], text)


def _parse(output: str) -> list[tuple[str, dict[str, str], str]]:
    lines = re.split(r"\r\n|\r|\n", output)
    assert lines[-1] == "", "output ends with a line break"
    commands = []
    for line in lines[:-1]:
        match = re.fullmatch(r"::(\w+) (.*?)::(.*)", line)
        assert match is not None, line
        properties = dict(item.split("=", 1) for item in match.group(2).split(","))
        commands.append(
            (
                match.group(1),
                {key: _unescape(value) for key, value in properties.items()},
                _unescape(match.group(3)),
            )
        )
    return commands


def _finding(
    path: str,
    message: str,
    severity: Severity = Severity.ERROR,
    span: tuple[int, int, int, int] = (4, 3, 4, 18),
    fix: Fix | None = None,
) -> Finding:
    return Finding(
        rule="BG104",
        name="external-state-storage",
        severity=severity,
        span=Span(path, *span),
        message=message,
        fix=fix,
        key=f'{path}||backend "s3"|BG104|{message}',
    )


def test_escapes_follow_the_runner() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("C:\\infra,prod\n%") == "C%3A\\infra%2Cprod%0A%25"


def test_a_real_finding_becomes_one_error_with_its_place_and_fix() -> None:
    result = scan([f"{PROJECTS}/seed_partial_s3"], Settings())
    [(command, properties, message)] = _parse(render(result.findings))
    assert command == "error"
    assert properties == {
        "file": f"{PROJECTS}/seed_partial_s3/provider.tf",
        "line": "12",
        "endLine": "12",
        "col": "3",
        "endColumn": "18",
        "title": "BG101 partial-backend-config",
    }
    assert message.startswith('backend "s3" has no `bucket`, `key` or `region`')
    assert message.endswith(
        '\nFix: use local state (backend "s3" is kept as a comment) (backend-guard fix)'
    )


def test_a_multi_line_span_has_no_columns() -> None:
    result = scan([f"{PROJECTS}/child_module"], Settings())
    [(command, properties, _)] = _parse(render(result.findings))
    assert command == "warning"
    assert (properties["line"], properties["endLine"]) == ("2", "6")
    assert "col" not in properties and "endColumn" not in properties


def test_errors_come_first_then_warnings_then_notices_each_in_order() -> None:
    findings = [
        _finding("n1.tf", "n1", Severity.NOTE),
        _finding("w1.tf", "w1", Severity.WARNING),
        _finding("e1.tf", "e1"),
        _finding("n2.tf", "n2", Severity.NOTE),
        _finding("e2.tf", "e2"),
        _finding("w2.tf", "w2", Severity.WARNING),
    ]
    commands = _parse(render(findings))
    assert [(c, m) for c, _, m in commands] == [
        ("error", "e1"),
        ("error", "e2"),
        ("warning", "w1"),
        ("warning", "w2"),
        ("notice", "n1"),
        ("notice", "n2"),
    ]


def test_no_findings_no_output() -> None:
    assert render([]) == ""


def test_hostile_names_and_messages_cannot_start_a_command() -> None:
    fix = Fix("use local state\n::set-output name=x::y", (Edit("a.tf", 1, 1, 1, 1, ""),))
    findings = [
        _finding("infra/x.tf\n::add-mask::secret", "m\r::stop-commands::token"),
        _finding("a,line=1::b%0A.tf", "%0A::set-output name=x::1", Severity.WARNING, fix=fix),
        _finding("c:d,e.tf\r\n::error::forged", "::warning::forged\n", Severity.NOTE),
    ]
    output = render(findings)
    commands = _parse(output)
    assert [c for c, _, _ in commands] == ["error", "warning", "notice"]
    assert [p["file"] for _, p, _ in commands] == [f.path for f in findings]
    assert commands[0][2] == "m\r::stop-commands::token"
    assert commands[1][2] == "%0A::set-output name=x::1\nFix: " + fix.description + (
        " (backend-guard fix)"
    )
    assert all(
        line.startswith(("::error ", "::warning ", "::notice ")) for line in output.splitlines()
    )


NAMES = st.lists(
    st.one_of(
        st.sampled_from(["\n", "\r", "::", "%", ",", ":", "=", "%0A", "add-mask"]), st.characters()
    ),
    min_size=1,
    max_size=30,
).map("".join)


@given(NAMES, NAMES, st.sampled_from(list(Severity)))
def test_any_name_and_message_round_trip_on_one_line(
    path: str, message: str, severity: Severity
) -> None:
    output = render([_finding(path, message, severity)])
    assert "\r" not in output[:-1] and "\n" not in output[:-1]
    [(command, properties, data)] = _parse(output)
    assert command == {"error": "error", "warning": "warning", "note": "notice"}[severity]
    assert properties["file"] == path
    assert data == message


@given(NAMES)
def test_escape_data_never_leaves_a_line_break(text: str) -> None:
    escaped = escape_data(text)
    assert "\r" not in escaped and "\n" not in escaped
    assert _unescape(escaped) == text
    escaped_property = escape_property(text)
    assert not set("\r\n:,") & set(escaped_property)
    assert _unescape(escaped_property) == text
