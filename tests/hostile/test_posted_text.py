"""What the bot posts, whoever wrote it: shortened to GitHub's limits, then neutralised.

Through the real entrypoint against the emulator (which refuses a body over 65,536 characters with
422, as GitHub does): a finding whose comment would be 120,000 characters long is posted
shortened, with a note; when GitHub refuses the inline comments anyway, the fallback review lists
them inertly, once however often the run is repeated; a review file whose bodies hold mentions,
links and HTML is published with none of them live; a review file with a megabyte-long key gives
a short annotation and a summary under 1 MiB. Markers count only in the bot's own comments, and a
review file never marks comments fixed.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_guard.config import Settings
from backend_guard.github import diffmap, review, review_file
from backend_guard.report.escaping import CUT_NOTE, neutralised
from backend_guard.scan import scan
from tests.github_emulator import HUMAN_TOKEN, READ_TOKEN, Emulator, Fault, GitRepo
from tests.github_emulator.scenario import (
    PullRequestRepo,
    event,
    from_fork,
    open_pull_request,
    with_commits,
)
from tests.hostile.test_injection import Rendered
from tests.test_action_e2e import Result, Runner
from tests.test_action_review_file import workflow_run_event

MAX_BODY = 65_536
LIVE = "@octocat @acme/platform #1 GH-2 <img src=x onerror=alert(1)> [x](http://evil.example) ![i](http://evil.example/i.png) http://evil.example www.evil.example"
LONG_BUCKET = "@octocat-" + "x" * 60_000  # the block stays under 64 KiB; its fix shows it twice
TICK_PATH = "stacks/@acme/team `tick` [x](http://evil.example)/main.tf"
PARTIAL = 'terraform {\n  backend "s3" {}\n}\n'


def s3(bucket: str) -> str:
    return (
        f'terraform {{\n  backend "s3" {{\n    bucket = "{bucket}"\n'
        '    key    = "app/terraform.tfstate"\n    region = "us-east-1"\n  }\n}\n'
    )


@dataclass
class Scene:
    tmp: Path
    pr: PullRequestRepo
    opened: dict[str, Any]

    @property
    def emulator(self) -> Emulator:
        return self.pr.emulator

    def run(self, **inputs: str) -> Result:
        return Runner(self.tmp, self.pr.repo.path, self.emulator).run(
            self.opened, "pull_request", **inputs
        )

    def bodies(self) -> list[str]:
        return [r["body"] for r in self.emulator.reviews(2)] + [
            c["body"] for c in self.emulator.comments(2)
        ]

    def refused_for_length(self) -> list[object]:
        return [r for r in self.emulator.requests if r.status == 422]


@contextlib.contextmanager
def pull_request(tmp: Path, files: dict[str, str], *, fork: bool = False) -> Iterator[Scene]:
    repo = GitRepo(tmp / "workspace")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    for path, text in files.items():
        repo.write(path, text)
    head = repo.commit("Add the stacks")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    if fork:
        opened = from_fork(opened)
    with Emulator(opened["repository"]) as emulator:
        pr = open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        yield Scene(tmp, pr, opened)
        assert emulator.violations == []


def test_the_emulator_refuses_a_body_over_65536_characters(tmp_path: Path) -> None:
    with pull_request(tmp_path, {"main.tf": PARTIAL}) as scene:
        answer = requests.post(
            f"{scene.emulator.url}/repos/Codertocat/Hello-World/issues/2/comments",
            json={"body": "x" * (MAX_BODY + 1)},
            headers={"Authorization": f"token {HUMAN_TOKEN}"},
            timeout=5,
        )
        assert answer.status_code == 422


def test_a_comment_past_githubs_limit_is_posted_shortened_with_a_note(tmp_path: Path) -> None:
    with pull_request(tmp_path, {"stacks/app/main.tf": s3(LONG_BUCKET)}) as scene:
        with contextlib.chdir(scene.pr.repo.path):
            result = scan(["."], Settings())
        whole = review.compose(result.findings, result.texts, diffmap.DiffMap({}))
        assert max(len(body) for _, body in whole.outside) > MAX_BODY  # as composed: too long
        run = scene.run()
        assert run.code == 1 and run.stderr == ""
        [comment] = scene.emulator.comments(2)
        assert len(comment["body"]) <= MAX_BODY
        assert comment["body"].endswith(CUT_NOTE)
        assert scene.refused_for_length() == []
        Rendered.of(comment["body"]).assert_inert()


def test_a_refused_review_falls_back_inertly_and_once(tmp_path: Path) -> None:
    with pull_request(tmp_path, {TICK_PATH: PARTIAL, "stacks/b/main.tf": s3(LIVE)}) as scene:
        scene.emulator.inject(Fault.unprocessable(), method="POST", path="/reviews$")
        first = scene.run()
        assert first.code == 1
        [fallback] = scene.emulator.reviews(2)
        assert "GitHub refused the inline comments" in first.summary
        Rendered.of(fallback["body"]).assert_inert()
        assert scene.emulator.comments(2) == []
        for _ in range(2):
            scene.emulator.inject(Fault.unprocessable(), method="POST", path="/reviews$")
            again = scene.run()
            assert again.code == 1
            assert len(scene.emulator.reviews(2)) == 1  # the same fallback is never posted twice
            assert "the review posted earlier lists" in again.summary.replace("\\", "")


def test_a_summary_is_inert_whatever_the_repository_names(tmp_path: Path) -> None:
    with pull_request(tmp_path, {TICK_PATH: PARTIAL, "stacks/b/main.tf": s3(LIVE)}) as scene:
        run = scene.run()
        Rendered.of(run.summary).assert_inert()
        for body in scene.bodies():
            Rendered.of(body).assert_inert()


# -- markers -------------------------------------------------------------------------------------


def test_a_forged_marker_in_someone_elses_comment_does_not_silence_the_bot(tmp_path: Path) -> None:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}) as scene:
        # The marker can be computed offline: here, from a review file of the same commit.
        scene.run(comment="artifact", **{"github-token": READ_TOKEN})
        planned = review_file.load(scene.pr.repo.path / review_file.FILE_NAME)
        (scene.pr.repo.path / review_file.FILE_NAME).unlink()
        [comment] = planned.comments
        forged = requests.post(
            f"{scene.emulator.url}/repos/Codertocat/Hello-World/pulls/2/comments",
            json={
                "body": comment.body.split("\n", 1)[0] + "\nLooks fine to me.",
                "commit_id": scene.pr.head_sha,
                "path": comment.path,
                "line": comment.line,
                "side": "RIGHT",
            },
            headers={"Authorization": f"token {HUMAN_TOKEN}"},
            timeout=5,
        )
        assert forged.status_code == 201
        scene.run()
        by_bot = [c for c in scene.emulator.comments(2) if c["user"]["type"] == "Bot"]
        assert len(by_bot) == 1 and by_bot[0]["body"] == comment.body


# -- review files --------------------------------------------------------------------------------


@contextlib.contextmanager
def fork_review_file(tmp_path: Path) -> Iterator[tuple[Scene, Path, Runner]]:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}, fork=True) as scene:
        scene.run(comment="artifact", **{"github-token": READ_TOKEN})
        publishing = tmp_path / "publishing"
        publishing.mkdir()
        target = publishing / "review.json"
        target.write_bytes((scene.pr.repo.path / review_file.FILE_NAME).read_bytes())
        (tmp_path / "run2").mkdir()
        yield scene, target, Runner(tmp_path / "run2", publishing, scene.emulator)


def publish(scene: Scene, runner: Runner) -> Result:
    payload = workflow_run_event(scene.opened, head_sha=scene.pr.head_sha)
    return runner.run(payload, "workflow_run", **{"review-from": "review.json"})


def test_review_file_bodies_are_published_neutralised(tmp_path: Path) -> None:
    with fork_review_file(tmp_path) as (scene, target, runner):
        document = json.loads(target.read_text())
        document["body"] += f"\n\n{LIVE}\n"
        document["comments"][0]["body"] += f"\n\n{LIVE}\n\n<details>\n`<img src=x>` @octocat\n"
        target.write_text(json.dumps(document))
        result = publish(scene, runner)
        assert result.code == 0, result.stdout + result.summary
        assert len(scene.emulator.comments(2)) == 1
        for body in scene.bodies():
            Rendered.of(body).assert_inert()


def test_a_review_file_with_a_huge_key_gives_a_short_annotation_and_summary(tmp_path: Path) -> None:
    with fork_review_file(tmp_path) as (scene, target, runner):
        document = json.loads(target.read_text())
        document["@octocat " + "k" * 1_000_000] = 1
        target.write_text(json.dumps(document))
        result = publish(scene, runner)
        assert result.code == 2
        [error] = [line for line in result.stdout.splitlines() if line.startswith("::error")]
        assert len(error) < 1_000 and "unknown keys" in error
        assert len(result.summary.encode()) < 2_000
        Rendered.of(result.summary).assert_inert()


def test_a_review_file_never_marks_earlier_comments_fixed(tmp_path: Path) -> None:
    with fork_review_file(tmp_path) as (scene, target, runner):
        assert publish(scene, runner).code == 0
        [posted] = scene.emulator.comments(2)
        scene.pr.repo.write("README.md", "# Hello-World, again\n")
        newer = scene.pr.push("Touch the README")
        scene.opened = with_commits(scene.opened, base_sha=scene.pr.base_sha, head_sha=newer)
        document = json.loads(target.read_text())
        document.update(head_sha=newer, comments=[], outside=[])
        target.write_text(json.dumps(document))
        result = publish(scene, runner)
        assert result.code == 0, result.stdout + result.summary
        [after] = scene.emulator.comments(2)
        assert after["body"] == posted["body"]  # not marked fixed by a file that claims nothing


# -- the neutralising function itself -----------------------------------------------------------

PIECES = st.sampled_from(
    [
        "@octocat", "@acme/team", "#12", "GH-3", "x", " ", "    ", "\n", "\n\n", "> ", "- ", "1. ",
        "<img src=x onerror=alert(1)>", "<details>", "</details>", "<summary>", "</summary>",
        "<code>", "</code>", "<!-- x -->", "```", "```suggestion", "~~~", "`", "``", "\\`", "\\",
        "[x](http://evil.example)", "![i](http://evil.example/i.png)", "[x]: http://evil.example",
        "<http://evil.example>", "http://evil.example", "www.evil.example", "&#64;octocat", "](",
        "| a |", "| - |", "|", "*", "_",
        "<!-- backend-guard:v1 key=0123456789abcdef digest=0123456789abcdef -->",
        "[`r`](https://github.com/backend-guard/backend-guard/blob/main/docs/rules.md#bg101-x)",
    ]
)  # fmt: skip


MARKDOWN_MADE = re.compile(r"raw HTML <(?:blockquote|ol|h[1-6]|del|input|br) ")


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_whatever_a_body_holds_it_is_posted_inert(body: str) -> None:
    text = neutralised(body)
    rendered = Rendered.of(text)
    # Tags of Markdown's own syntax, and our tags badly nested with emphasis, are structure, not
    # HTML anyone wrote: what matters here is that nothing else renders and nothing is live.
    rendered.problems = [
        p for p in rendered.problems if p.startswith("raw HTML") and not MARKDOWN_MADE.match(p)
    ]
    rendered.assert_inert()
    assert neutralised(text) == text
