"""Injection through what a pull request controls, end to end.

A pull request names the files, writes the attribute values and the code. The action runs as the
runner starts it (`tests.test_action_e2e.Runner`) on a PR full of names and values built to break
out: of a workflow command line into a command of their own, of Markdown text into a mention, a
link, an image or raw HTML, of a table row or a code fence, of a `GITHUB_OUTPUT` value into another
output. What each channel ends up holding is read the way GitHub reads it: standard output as the
runner parses commands, comments and the job summary rendered by cmark-gfm (GitHub's Markdown
library), SARIF against its schema, `GITHUB_OUTPUT` with the runner's delimiter rules.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend_guard import action
from backend_guard.apply import plan
from backend_guard.config import Settings
from backend_guard.github import diffmap
from backend_guard.model import Finding
from backend_guard.report.escaping import ZERO_WIDTH_SPACE, neutralised
from backend_guard.rules import DOCS_URL
from backend_guard.scan import ScanResult, scan
from tests import test_action_e2e as e2e
from tests.github_emulator import WRITE_TOKEN, Emulator, GitRepo, hunks
from tests.github_emulator.scenario import event, open_pull_request, with_commits
from tests.requires import skip_or_fail
from tests.test_action_e2e import Result, Runner
from tests.test_report_sarif import _validator

PARTIAL = 'terraform {\n  backend "s3" {}\n}\n'
# Each would start a command of its own if `%`, CR, LF, `:` or `,` reached the runner unescaped.
COMMAND_NAMES = (
    "x%0A::add-mask::y.tf",
    "a::set-output name=x::y.tf",
    "b\n::error file=spoof.tf::forged.tf",
    "c\r::notice::forged.tf",
    "d\r\n##[add-mask]e.tf",
    "f:g,h=i.tf",
)
# Each would be a mention, an image, raw HTML, a link, a new table cell or a closed fence.
MARKDOWN_NAMES = (
    "tick`s``` ````.tf",
    "@octocat <img src=x onerror=alert(1)> [x](javascript:alert(1)) | col.tf",
    "<details open> ![i](javascript:alert(1)) #1 GH-2.tf",
)
BUCKET = (
    "@octocat <img src=x onerror=alert(1)> [x](http://evil) ![i](http://evil/i.png) </details> "
    "| col\n::stop-commands::tok\n"
)
# The backend's line keeps this after the fix, so the suggestion must carry it byte for byte.
# A lone CR ends a line for Markdown: the ``` after it starts a line of the comment's body.
FENCE_COMMENT = "# ```` </details> @octocat [x](http://evil) | ~~~\r```\r~~~\n"
# Line breaks for `str.splitlines` but not for GitHub, git or the scanner, which count LFs.
SEPARATORS = (
    "# a form feed \x0c, a line separator \u2028, a next line \x85, a lone CR \r, a GS \x1d\n"
)
OUTSIDE_DIFF = "legacy/@team </details> [x](javascript:alert(1)) ``` |.tf"


def hostile_files() -> dict[str, str]:
    """The files the hostile pull request adds, by path: each holds at least one finding."""
    files = {f"names/{i}/{name}": PARTIAL for i, name in enumerate(COMMAND_NAMES + MARKDOWN_NAMES)}
    files["fence```dir/main.tf"] = f'terraform {{\n  backend "s3" {{}} {FENCE_COMMENT}}}\n'
    files["separators/main.tf"] = SEPARATORS + PARTIAL
    hcl_bucket = BUCKET.replace("\n", "\\n")
    files["bucket/main.tf"] = (
        f'terraform {{\n  backend "s3" {{\n    bucket = "{hcl_bucket}"\n'
        '    key    = "state/terraform.tfstate"\n    region = "us-east-1"\n  }\n}\n'
    )
    return files


def in_process(runner: Runner, payload: dict[str, Any], event_name: str, **inputs: str) -> Result:
    """`runner.run`, with the action's `main` called in this process instead of a new interpreter,
    so a test can patch what the action uses (its clock, its client, its random delimiters)."""

    def call(args: list[str], *, cwd: Path, env: dict[str, str], **_: object) -> Any:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.chdir(cwd), contextlib.redirect_stderr(err):
            code = action.main(env, out)
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(e2e.subprocess, "run", call)
        return runner.run(payload, event_name, **inputs)


def expected_scan(workspace: Path) -> ScanResult:
    """What the action finds, scanned as it scans: from the workspace, with the default path."""
    with contextlib.chdir(workspace):
        return scan(["."], Settings())


# -- workflow commands --------------------------------------------------------------------------

_ANNOTATION = re.compile(r"::(?P<kind>error|warning|notice) (?P<properties>[^:]*)::(?P<data>.*)")
_PROPERTIES = {"file", "line", "endLine", "col", "endColumn", "title"}
_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def _unescape(text: str, *, escaped: str) -> str:
    """The runner's reading of an escaped value; fails on a `%` that is not one of `escaped`."""
    bad = re.search(r"%(?!" + "|".join(escaped.split()) + ")", text)
    assert bad is None, f"unescaped % in {text!r}"
    for code, char in (("0D", "\r"), ("0A", "\n"), ("3A", ":"), ("2C", ","), ("25", "%")):
        text = text.replace(f"%{code}", char)
    return text


def commands(stdout: str, token: str) -> list[tuple[str, dict[str, str], str]]:
    """The annotations in `stdout`, decoded, after checking that the only command lines are the
    mask of `token` (first) and annotations whose properties and data are escaped as GitHub
    requires. Lines are split on CR too: the runner would."""
    lines = re.split(r"\r\n|\r|\n", stdout.removesuffix("\n"))
    assert lines[0] == f"::add-mask::{token}"
    found = []
    for line in lines[1:]:
        match = _ANNOTATION.fullmatch(line)
        assert match is not None, f"not one of our commands: {line!r}"
        properties = {}
        for item in match["properties"].split(","):
            key, _, value = item.partition("=")
            assert key in _PROPERTIES, f"forged property {key!r} in {line!r}"
            properties[key] = _unescape(value, escaped="25 0D 0A 3A 2C")
        found.append((match["kind"], properties, _unescape(match["data"], escaped="25 0D 0A")))
    return found


def expected_annotation(finding: Finding) -> tuple[str, str, str, str]:
    message = finding.message
    if finding.fix is not None:
        message += f"\nFix: {finding.fix.description} (backend-guard fix)"
    title = f"{finding.rule} {finding.name}"
    return (_LEVEL[finding.severity.value], finding.path, title, message)


# -- Markdown as GitHub renders it --------------------------------------------------------------

_TAGS = {
    "p", "strong", "em", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "h2", "h3", "h4", "ul", "li", "hr",
}  # fmt: skip
_VOID = {"hr", "br", "img", "input"}
_MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]|(?<![\w&])#\d|\bGH-\d", re.IGNORECASE)


class Rendered(HTMLParser):
    """HTML that cmark-gfm makes of a Markdown text, read into what the checks need."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self.rows: list[list[str]] = []
        self.blocks: list[tuple[str, str]] = []  # fenced code: (info string, code)
        self.spans: list[str] = []  # inline code
        self.text: list[str] = []  # outside code and links: what mentions are made of
        self._stack: list[str] = []
        self._info = ""
        self._code: list[str] | None = None

    @classmethod
    def of(cls, markdown: str) -> Rendered:
        try:
            import cmarkgfm
            from cmarkgfm.cmark import Options
        except ImportError:
            skip_or_fail("rendering Markdown as GitHub does", "cmarkgfm is not installed")
        # UNSAFE keeps raw HTML in the output, so that any that got through is seen
        html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
        rendered = cls()
        rendered.feed(html)
        rendered.close()
        if rendered._stack:
            rendered.problems.append(f"unclosed {rendered._stack}")
        return rendered

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in _TAGS:
            self.problems.append(f"raw HTML <{tag} {values}>")
        if tag == "a":
            self.links.append(values.get("href") or "")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
        elif tag == "pre":
            self._info = values.get("lang") or ""
        elif tag == "code":
            self._info = self._info or (values.get("class") or "").removeprefix("language-")
            self._code = []
        if tag not in _VOID:
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:  # `<hr />` comes as a start and an end
            return
        if not self._stack or self._stack[-1] != tag:
            self.problems.append(f"</{tag}> closes what it did not open ({self._stack})")
            return
        self._stack.pop()
        if tag == "code" and self._code is not None:
            code = "".join(self._code)
            if "pre" in self._stack:
                self.blocks.append((self._info, code))
            else:
                self.spans.append(code)
            self._code, self._info = None, ""

    def handle_data(self, data: str) -> None:
        if self._code is not None:
            self._code.append(data)
        if "td" in self._stack or "th" in self._stack:
            self.rows[-1][-1] += data
        if "code" not in self._stack and "pre" not in self._stack and "a" not in self._stack:
            self.text.append(data)

    def assert_inert(self) -> None:
        """No raw HTML, no link but ours, nothing GitHub would make a mention or a reference."""
        assert self.problems == []
        assert all(link.startswith(DOCS_URL + "#") for link in self.links), self.links
        prose = " ".join(self.text)
        assert _MENTION.search(prose) is None, _MENTION.search(prose)


_SUGGESTION = re.compile(r"(?P<fence>`{3,})suggestion\n(?P<code>.*)\n(?P=fence)\Z", re.DOTALL)


def one_line(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", " ", text)


def shown(text: str) -> str:
    return text.replace(ZERO_WIDTH_SPACE, "")


# -- the hostile pull request -------------------------------------------------------------------


@dataclass
class Hostile:
    runner: Runner
    emulator: Emulator
    result: Result
    expected: ScanResult

    @property
    def workspace(self) -> Path:
        return self.runner.workspace


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """PR #2 adds every hostile file; one more sits in the base, outside the PR's diff. The action
    runs once, with a SARIF file, and every test reads a different channel of that run."""
    tmp = tmp_path_factory.mktemp("hostile")
    repo = GitRepo(tmp / "workspace")
    repo.write(OUTSIDE_DIFF, PARTIAL)
    base = repo.commit("Initial commit")
    for path, text in hostile_files().items():
        repo.write(path, text)
    head = repo.commit("Add the stacks")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    with Emulator(opened["repository"]) as emulator:
        open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        runner = Runner(tmp, repo.path, emulator)
        result = runner.run(opened, "pull_request", **{"sarif-file": "backend-guard.sarif"})
        yield Hostile(runner, emulator, result, expected_scan(repo.path))
        assert emulator.violations == []


def test_every_hostile_file_is_found(hostile: Hostile) -> None:
    paths = {f.path for f in hostile.expected.findings}
    assert paths == {*hostile_files(), OUTSIDE_DIFF}
    assert hostile.result.code == 1, hostile.result.stderr
    assert hostile.result.stderr == ""


def test_standard_output_holds_only_our_commands_escaped_as_github_reads_them(
    hostile: Hostile,
) -> None:
    found = commands(hostile.result.stdout, WRITE_TOKEN)
    decoded = sorted((kind, p["file"], p["title"], data) for kind, p, data in found)
    assert decoded == sorted(expected_annotation(f) for f in hostile.expected.findings)
    by_file = {p["file"]: data for _, p, data in found}
    assert BUCKET in by_file["bucket/main.tf"]  # the newlines came back: escaped, not dropped


def test_review_comments_are_inert_and_suggestions_are_the_fix_byte_for_byte(
    hostile: Hostile,
) -> None:
    fixed = plan(hostile.expected.findings, hostile.expected.texts).updated
    comments = hostile.emulator.comments(2)
    assert {c["path"] for c in comments} == set(hostile_files())
    for comment in comments:
        rendered = Rendered.of(comment["body"])
        rendered.assert_inert()
        suggestion = _SUGGESTION.search(comment["body"])
        assert suggestion is not None
        code = suggestion["code"]
        assert rendered.blocks == [("suggestion", re.sub(r"\r\n?", "\n", code) + "\n")]
        lines = re.split(r"(?<=\n)", hostile.expected.texts[comment["path"]])
        start = comment["start_line"] or comment["line"]
        applied = "".join(lines[: start - 1]) + code + "\n" + "".join(lines[comment["line"] :])
        assert applied == fixed[comment["path"]]
    fence = next(c for c in comments if c["path"].startswith("fence"))
    assert FENCE_COMMENT in fence["body"]


def test_the_review_body_lists_the_file_outside_the_diff_inertly(hostile: Hostile) -> None:
    [review] = hostile.emulator.reviews(2)
    rendered = Rendered.of(review["body"])
    rendered.assert_inert()
    [(info, diff)] = rendered.blocks
    assert info == "diff" and f"+++ b/{OUTSIDE_DIFF}\n" in diff
    # In a code span the name shows what the neutralising pass defused (`&lt;`, `]\(`): a span
    # is not trusted to be one, so nothing in it is left live.
    spans = {f"{OUTSIDE_DIFF}:2", f"backend-guard fix {OUTSIDE_DIFF}"}
    assert {neutralised(span) for span in spans} <= set(rendered.spans)


def test_the_job_summary_is_inert_and_every_row_keeps_its_cells(hostile: Hostile) -> None:
    rendered = Rendered.of(hostile.result.summary)
    rendered.assert_inert()
    header, *rows = rendered.rows
    assert header == ["Severity", "Rule", "Location", "Message"]
    assert all(len(row) == 4 for row in rows)
    locations = {shown(row[2]) for row in rows}
    assert locations == {
        one_line(f"{f.path}:{f.span.start_line}") for f in hostile.expected.findings
    }
    [bucket_row] = [row for row in rows if row[2].startswith("bucket/")]
    assert one_line(BUCKET) in shown(bucket_row[3])
    fixes = [code for info, code in rendered.blocks if info == "diff"]
    assert len(fixes) == len(hostile.expected.findings)
    assert any(BUCKET.replace("\n", "\\n") in code for code in fixes)


def test_sarif_is_valid_and_names_each_file_exactly(hostile: Hostile) -> None:
    log = json.loads((hostile.workspace / "backend-guard.sarif").read_text(encoding="utf-8"))
    _validator().validate(log)
    results = log["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert all(re.fullmatch(r"[A-Za-z0-9%/._~!$&'()*+,;=:@-]+", uri) for uri in uris), uris
    assert sorted(unquote(uri) for uri in uris) == sorted(f.path for f in hostile.expected.findings)
    assert all(set(r["message"]) == {"text"} for r in results)  # plain text, never Markdown
    [bucket] = [r for r in results if BUCKET in r["message"]["text"]]
    assert bucket["ruleId"] == "BG104"


# -- the diff map --------------------------------------------------------------------------------

_ROW_TEXT = st.text(
    st.one_of(st.sampled_from("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029 @`#"), st.characters()),
    max_size=12,
).map(lambda text: text.replace("\n", " "))


@given(st.lists(st.tuples(st.sampled_from(" +-"), _ROW_TEXT), min_size=1, max_size=12))
def test_the_diff_map_numbers_lines_as_github_does_whatever_they_hold(
    rows: list[tuple[str, str]],
) -> None:
    """File content in a patch may hold any character but LF: the action's map of commentable
    lines must match the emulator's independent reading of the same patch."""
    old = sum(kind != "+" for kind, _ in rows)
    new = sum(kind != "-" for kind, _ in rows)
    patch = f"@@ -1,{old} +1,{new} @@\n" + "\n".join(kind + text for kind, text in rows)
    [hunk] = diffmap.parse_patch(patch)
    [reference] = hunks.parse(patch)
    assert hunk.lines == set(reference.right)
    assert hunk.added == {
        line for line, row in reference.right.items() if reference.rows[row][0] == "+"
    }


# -- GITHUB_OUTPUT --------------------------------------------------------------------------------


def test_an_output_with_line_breaks_uses_a_delimiter_it_does_not_contain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value holding the delimiter the action draws first, on a line of its own, followed by a
    forged output: the action must draw again, and the runner must read the value back whole."""
    repo = GitRepo(tmp_path / "workspace")
    repo.write("stack/main.tf", PARTIAL)
    repo.commit("A partial backend")
    first = uuid.UUID(int=1)
    drawn = iter([first, uuid.UUID(int=2), uuid.UUID(int=3)])
    monkeypatch.setattr(action.uuid, "uuid4", lambda: next(drawn))
    sarif_file = f"out.sarif\nghadelimiter_{first}\nerrors=0\r\nfindings=0"
    push = event("push.new-branch")
    with Emulator(push["repository"]) as emulator:
        result = in_process(
            Runner(tmp_path, repo.path, emulator), push, "push", **{"sarif-file": sarif_file}
        )
    assert result.code == 1
    assert result.outputs == {
        "findings": "1",
        "errors": "1",
        "warnings": "0",
        "sarif-file": sarif_file.replace("\r\n", "\n"),
    }
    assert (repo.path / sarif_file).is_file()
