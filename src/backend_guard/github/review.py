"""Compose the review: one inline comment per backend, its fix as a one-click suggestion.

Findings that share a fix (several rules on one backend) become one comment. A comment covers the
backend's lines and every line its fix edits; when that range lies in one hunk of the PR's diff the
fix is a ```` ```suggestion ```` of exactly those lines, otherwise the comment (or the review body,
for lines outside the diff) shows the edits as a fenced diff with the `backend-guard fix` command.
Each comment carries a hidden marker with a fingerprint of the finding's logical place (module,
backend, rules; never line numbers) and a digest of its content, so a re-run can tell new, changed
and fixed findings apart.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from backend_guard.apply import apply_edits
from backend_guard.github.diffmap import DiffMap
from backend_guard.model import Finding, Fix, Severity
from backend_guard.report.escaping import code_fence, inline_code, markdown_message, markdown_text

MAX_INLINE_COMMENTS = 30  # like reviewdog: past this, findings go to the review body
MARKER = re.compile(
    r"<!-- backend-guard:v1 key=(?P<key>[0-9a-f]{16}) digest=(?P<digest>[0-9a-f]{16}) -->"
)
_DOCS = "https://github.com/backend-guard/backend-guard/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Group:
    """Findings shown together: those sharing a fix, or one finding without a fix."""

    findings: tuple[Finding, ...]
    fix: Fix | None
    path: str
    start_line: int
    end_line: int
    # The finding whose fix also edits this other file (a CI line that passes -backend-config):
    # that part of the fix is a suggestion of its own, and the group holds no finding.
    part_of: Finding | None = None

    @property
    def key(self) -> str:
        if self.part_of is not None:
            keys = f"{self.part_of.key}\n{self.path}"
        else:
            keys = "\n".join(sorted(f.key for f in self.findings))
        return hashlib.sha256(keys.encode(errors="surrogateescape")).hexdigest()[:16]

    @property
    def severity(self) -> Severity:
        findings = self.findings or ((self.part_of,) if self.part_of else ())
        return max((f.severity for f in findings), key=lambda s: s.rank)


@dataclass
class Comment:
    path: str
    start_line: int
    line: int
    body: str
    key: str
    digest: str

    def as_api(self) -> dict[str, object]:
        """A `comments[]` item of "create a review for a pull request"."""
        item: dict[str, object] = {
            "path": self.path,
            "body": self.body,
            "line": self.line,
            "side": "RIGHT",
        }
        if self.start_line < self.line:
            item["start_line"] = self.start_line
            item["start_side"] = "RIGHT"
        return item


@dataclass
class Review:
    comments: list[Comment] = field(default_factory=list)
    outside: list[tuple[Group, str]] = field(default_factory=list)  # (group, rendered section)


def group_findings(findings: Sequence[Finding]) -> list[Group]:
    by_fix: dict[object, list[Finding]] = {}
    for finding in findings:
        identity: object = (
            finding.fix if finding.fix is not None else (finding.path, finding.span, finding.rule)
        )
        by_fix.setdefault(identity, []).append(finding)
    groups = []
    for members in by_fix.values():
        fix = members[0].fix
        path = members[0].path
        lines = [line for f in members for line in (f.span.start_line, f.span.end_line)]
        if fix is not None:
            lines += [
                line
                for edit in fix.edits
                if edit.path == path
                for line in (edit.start_line, edit.end_line)
            ]
            groups.extend(_parts(members[0], fix))
        groups.append(Group(tuple(members), fix, path, min(lines), max(lines)))
    groups.sort(key=lambda g: (-g.severity.rank, g.path, g.start_line))
    return groups


def _parts(finding: Finding, fix: Fix) -> list[Group]:
    """A group for each other file the fix edits, with those edits as a fix of their own."""
    parts = []
    for path in dict.fromkeys(edit.path for edit in fix.edits if edit.path != finding.path):
        edits = tuple(edit for edit in fix.edits if edit.path == path)
        own = Fix(f"drop the -backend-config flags this fix of {finding.path} leaves", edits)
        start = min(edit.start_line for edit in edits)
        end = max(
            edit.end_line - (edit.end_column == 1 and edit.end_line > edit.start_line)
            for edit in edits
        )
        parts.append(Group((), own, path, start, end, part_of=finding))
    return parts


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode(errors="surrogateescape")).hexdigest()[:16]


def _lines(text: str) -> list[str]:
    """`text` cut after each LF only, as GitHub and the scanner number lines (`splitlines` also
    cuts at a lone CR, a form feed, U+2028 and more, which would shift every line after)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _suggestion(group: Group, text: str) -> str | None:
    """The replacement of lines start..end, when the fix edits this file only inside them (its
    edits of other files are suggestions of their own)."""
    if group.fix is None:
        return None
    own = [edit for edit in group.fix.edits if edit.path == group.path]
    # An edit that takes whole lines ends at the start of the line after them.
    if any(
        edit.end_line > group.end_line + 1
        or (edit.end_line == group.end_line + 1 and edit.end_column != 1)
        for edit in own
    ):
        return None
    lines = _lines(text)
    if group.end_line > len(lines):
        return None
    before = "".join(lines[group.start_line - 1 : group.end_line])
    shifted = [
        type(edit)(
            edit.path,
            edit.start_line - group.start_line + 1,
            edit.start_column,
            edit.end_line - group.start_line + 1,
            edit.end_column,
            edit.text,
        )
        for edit in own
    ]
    after = apply_edits(before, shifted)
    return after[:-1] if after.endswith("\n") else after


def _fenced_diff(group: Group, text: str) -> str:
    assert group.fix is not None
    new = apply_edits(text, [e for e in group.fix.edits if e.path == group.path])
    diff = "".join(
        difflib.unified_diff(
            _lines(text),
            _lines(new),
            f"a/{group.path}",
            f"b/{group.path}",
        )
    )
    return code_fence(diff, "diff")


def _explanation(group: Group) -> str:
    if group.part_of is not None:
        finding = group.part_of
        return (
            f"**{finding.severity.value} {finding.rule}**: the fix of "
            f"{inline_code(f'{finding.path}:{finding.span.start_line}')} makes that module's "
            "backend local, and a local backend does not accept the `-backend-config` "
            "settings these lines pass to it: `init` would fail here."
        )
    parts = []
    for finding in group.findings:
        link = f"{_DOCS}#{finding.rule.lower()}-{finding.name}"
        parts.append(
            f"**{finding.severity.value} {finding.rule}** [`{finding.name}`]({link}): "
            f"{markdown_message(finding.message)}"
        )
    return "\n\n".join(parts)


def render(group: Group, text: str | None, *, in_diff: bool, suggestions: bool) -> str:
    sections = [_explanation(group)]
    if group.fix is not None and text is not None:
        suggestion = _suggestion(group, text) if (in_diff and suggestions) else None
        description = markdown_text(group.fix.description)
        if suggestion is not None:
            sections.append(f"Fix: {description}\n\n{code_fence(suggestion, 'suggestion')}")
        else:
            command = inline_code(f"backend-guard fix {group.path}")
            sections.append(
                f"Fix ({description}), or run {command}:\n\n{_fenced_diff(group, text)}"
            )
    body = "\n\n".join(sections)
    return f"<!-- backend-guard:v1 key={group.key} digest={_digest(body)} -->\n{body}"


def compose(
    findings: Sequence[Finding],
    texts: dict[str, str],
    diff: DiffMap,
    *,
    suggestions: bool = True,
    max_comments: int = MAX_INLINE_COMMENTS,
) -> Review:
    review = Review()
    for group in group_findings(findings):
        text = texts.get(group.path)
        in_diff = diff.can_comment(group.path, group.start_line, group.end_line)
        if (
            not in_diff
            and group.findings
            and diff.can_comment(
                group.path, group.findings[0].span.start_line, group.findings[0].span.end_line
            )
        ):
            # the fix reaches beyond the diff: comment on the finding's lines, show a fenced diff
            first = group.findings[0].span
            group = Group(group.findings, group.fix, group.path, first.start_line, first.end_line)
            body = render(group, text, in_diff=False, suggestions=suggestions)
            in_diff = True
        else:
            body = render(group, text, in_diff=in_diff, suggestions=suggestions)
        marker = MARKER.search(body)
        assert marker is not None
        if in_diff and len(review.comments) < max_comments:
            review.comments.append(
                Comment(
                    group.path,
                    group.start_line,
                    group.end_line,
                    body,
                    marker["key"],
                    marker["digest"],
                )
            )
        else:
            review.outside.append((group, body))
    return review
