"""Publishing the review against the GitHub emulator: once, idempotently, and through faults."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from github.PullRequest import PullRequest

from backend_guard.apply import plan
from backend_guard.config import Settings
from backend_guard.github import publish, review
from backend_guard.github.run import Run
from backend_guard.scan import ScanResult, scan
from tests.github_emulator import HUMAN_TOKEN, READ_TOKEN, WRITE_TOKEN, Emulator, Fault, GitRepo
from tests.github_emulator.scenario import (
    PROJECTS,
    PullRequestRepo,
    event,
    open_pull_request,
    with_commits,
)

PROJECT = "infra"  # the fixture project lives in a subdirectory of the repository


@dataclass
class World:
    emulator: Emulator
    pr: PullRequestRepo
    workspace: Path

    def run(self) -> Run:
        return Run(
            event_name="pull_request",
            repository="Codertocat/Hello-World",
            api_url=self.emulator.url,
            graphql_url=f"{self.emulator.url}/graphql",
            server_url="https://github.com",
            workspace=self.workspace,
            sha=self.pr.head_sha,
            pull_request=None,
            event={},
        )

    def pull(self, token: str = WRITE_TOKEN, **options: float) -> PullRequest:
        """The PR through a client with short waits (Retry-After is honoured up to 1 s)."""
        gh = publish.client(self.run(), token, **{"backoff": 0.01, "max_wait": 1.0, **options})
        return gh.get_repo("Codertocat/Hello-World").get_pull(self.pr.number)

    def scan(self) -> ScanResult:
        return scan([PROJECT], Settings())

    def planned(self, *, suggestions: bool = True) -> tuple[review.Review, ScanResult]:
        result = self.scan()
        diff = publish.fetch_diff(self.pull())
        return review.compose(result.findings, result.texts, diff, suggestions=suggestions), result

    def publish(
        self, *, token: str = WRITE_TOKEN, suggestions: bool = True, **options: float
    ) -> publish.Outcome:
        planned, _ = self.planned(suggestions=suggestions)
        return publish.publish(
            self.pull(token, **options),
            planned,
            head_sha=self.pr.head_sha,
            summary="backend-guard review",
        )


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """PR #2 adds the seed project with `backend "s3" {}` (a partial configuration)."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    repo.copy_tree(PROJECTS / "seed_partial_s3", PROJECT)
    head = repo.commit("Add the pipeline stack")
    payload = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    monkeypatch.chdir(repo.path)
    with Emulator(payload["repository"]) as emulator:
        pr = open_pull_request(emulator, repo, payload, base_sha=base, head_sha=head)
        yield World(emulator, pr, repo.path)
        assert emulator.violations == []


def _writes(emulator: Emulator, since: int) -> list[str]:
    return [f"{r.method} {r.path}" for r in emulator.requests[since:] if r.method != "GET"]


def test_first_run_posts_one_review_whose_suggestion_is_the_fix(world: World) -> None:
    outcome = world.publish()
    assert (outcome.review_posted, outcome.posted, outcome.problems) == (True, 1, [])
    [posted] = world.emulator.reviews(2)
    assert posted["state"] == "COMMENTED" and posted["commit_id"] == world.pr.head_sha
    [comment] = world.emulator.comments(2)
    assert comment["path"] == f"{PROJECT}/provider.tf" and comment["side"] == "RIGHT"
    assert comment["pull_request_review_id"] == posted["id"]
    assert "BG101" in comment["body"] and "partial-backend-config" in comment["body"]
    assert re.match(
        r"<!-- backend-guard:v1 key=[0-9a-f]{16} digest=[0-9a-f]{16} -->", comment["body"]
    )
    suggestion = re.search(r"(`{3,})suggestion\n(.*?)\n\1", comment["body"], re.DOTALL)
    assert suggestion is not None
    text = (world.workspace / PROJECT / "provider.tf").read_text()
    lines = text.splitlines(keepends=True)
    start = comment["start_line"] or comment["line"]
    applied = (
        "".join(lines[: start - 1]) + suggestion.group(2) + "\n" + "".join(lines[comment["line"] :])
    )
    result = world.scan()
    assert applied == plan(result.findings, result.texts).updated[f"{PROJECT}/provider.tf"]


def test_second_identical_run_posts_nothing(world: World) -> None:
    world.publish()
    before = len(world.emulator.requests)
    outcome = world.publish()
    assert (outcome.review_posted, outcome.posted, outcome.updated, outcome.fixed) == (
        False,
        0,
        0,
        0,
    )
    assert _writes(world.emulator, before) == []
    assert len(world.emulator.reviews(2)) == 1 and len(world.emulator.comments(2)) == 1


def test_a_changed_finding_edits_its_comment(world: World) -> None:
    world.publish(suggestions=True)
    before = len(world.emulator.requests)
    outcome = world.publish(suggestions=False)
    assert (outcome.updated, outcome.posted, outcome.review_posted) == (1, 0, False), outcome
    assert _writes(world.emulator, before) == [
        f"PATCH /repos/Codertocat/Hello-World/pulls/comments/{world.emulator.comments(2)[0]['id']}"
    ]
    body = world.emulator.comments(2)[0]["body"]
    assert "```suggestion" not in body and "backend-guard fix" in body


def test_a_fixed_finding_is_marked_fixed_and_its_thread_resolved_replies_kept(world: World) -> None:
    world.publish()
    [comment] = world.emulator.comments(2)
    reply = requests.post(
        f"{world.emulator.url}/repos/Codertocat/Hello-World/pulls/2/comments",
        json={
            "body": "Will fix, thanks",
            "in_reply_to": comment["id"],
            "commit_id": world.pr.head_sha,
            "path": comment["path"],
        },
        headers={"Authorization": f"token {HUMAN_TOKEN}"},
        timeout=5,
    ).json()
    result = world.scan()
    for path, text in plan(result.findings, result.texts).updated.items():
        (world.workspace / path).write_text(text)
    fixed_sha = world.pr.push("Use local state")
    outcome = world.publish()
    assert (outcome.fixed, outcome.posted, outcome.review_posted, outcome.problems) == (
        1,
        0,
        False,
        [],
    )
    comments = {c["id"]: c for c in world.emulator.comments(2)}
    assert set(comments) == {comment["id"], reply["id"]}  # nothing deleted
    marked = comments[comment["id"]]["body"]
    assert (
        marked.splitlines()[1]
        == f"**Fixed** in {fixed_sha[:12]}: backend-guard no longer finds this."
    )
    assert "What it said" in marked and "BG101" in marked
    assert world.emulator.state.thread_of(comment["id"]).resolved
    before = len(world.emulator.requests)
    again = world.publish()
    assert (again.fixed, again.updated) == (0, 0) and _writes(world.emulator, before) == []


def test_422_for_the_review_is_retried_once_with_the_comments_in_the_body(world: World) -> None:
    world.emulator.inject(
        Fault.unprocessable("Pull request review thread line must be part of the diff"),
        method="POST",
        path="/reviews$",
    )
    outcome = world.publish()
    assert outcome.review_posted and outcome.posted == 0
    assert any("refused the inline comments" in p for p in outcome.problems)
    [posted] = world.emulator.reviews(2)
    assert "```suggestion" in posted["body"] and f"{PROJECT}/provider.tf" in posted["body"]
    assert world.emulator.comments(2) == []
    retried = world.publish()  # the diff is fine again: the comment goes inline now
    assert retried.posted == 1 and len(world.emulator.comments(2)) == 1


def test_a_stale_diff_map_meets_githubs_real_422(world: World) -> None:
    planned, _ = world.planned()
    world.emulator.push(2, head_sha=world.pr.head_sha, files=[])  # the PR no longer shows the file
    outcome = publish.publish(world.pull(), planned, head_sha=world.pr.head_sha, summary="s")
    assert outcome.review_posted and outcome.posted == 0
    assert [r.status for r in world.emulator.requests if r.method == "POST"] == [422, 200]


def test_read_only_token_posts_nothing_and_says_why(world: World) -> None:
    outcome = world.publish(token=READ_TOKEN)
    assert not outcome.review_posted and world.emulator.reviews(2) == []
    assert any("may not write" in p for p in outcome.problems)
    assert READ_TOKEN not in " ".join(outcome.problems)


@pytest.mark.parametrize(
    "fault",
    [
        Fault.server_error(502),
        Fault.server_error(503),
        Fault.secondary_rate_limit(retry_after=1),
        Fault.too_many_requests(retry_after=1),
        Fault.drop(),
        Fault.timeout(2.0),
    ],
    ids=["502", "503", "secondary-rate-limit", "429", "dropped", "timeout"],
)
def test_short_fault_bursts_on_reads_are_retried(world: World, fault: Fault) -> None:
    world.emulator.inject(fault, count=2, method="GET", path="/comments$")
    outcome = world.publish(timeout=1)
    assert (outcome.review_posted, outcome.posted, outcome.problems) == (True, 1, [])
    assert world.emulator.faults.pending() == 0


@pytest.mark.parametrize(
    "fault",
    [Fault.secondary_rate_limit(retry_after=1), Fault.too_many_requests(retry_after=1)],
    ids=["secondary-rate-limit", "429"],
)
def test_rate_limited_review_post_is_retried_after_retry_after(world: World, fault: Fault) -> None:
    world.emulator.inject(fault, method="POST", path="/reviews$")
    outcome = world.publish()
    assert outcome.review_posted and outcome.problems == []
    assert len(world.emulator.reviews(2)) == 1


def test_a_lost_answer_to_the_review_post_does_not_duplicate_it(world: World) -> None:
    world.emulator.inject(Fault.lost_answer(), method="POST", path="/reviews$")
    outcome = world.publish()
    assert outcome.review_posted and outcome.posted == 1
    assert len(world.emulator.reviews(2)) == 1 and len(world.emulator.comments(2)) == 1


def test_a_failed_review_post_is_tried_again_once(world: World) -> None:
    world.emulator.inject(Fault.server_error(502), method="POST", path="/reviews$")
    outcome = world.publish()
    assert outcome.review_posted and len(world.emulator.reviews(2)) == 1
    assert [r.status for r in world.emulator.requests if r.method == "POST"] == [502, 200]


def test_a_long_outage_ends_in_problems_not_exceptions(world: World) -> None:
    planned, _ = world.planned()
    pull = world.pull(timeout=1, retries=2)
    world.emulator.inject(Fault.server_error(503), count=1000)
    outcome = publish.publish(pull, planned, head_sha=world.pr.head_sha, summary="s")
    assert not outcome.review_posted and outcome.problems
    assert "HTTP 503" in outcome.problems[0]
    assert world.emulator.reviews(2) == []
    assert len(world.emulator.requests) - world.emulator.faults.pending() < 20  # bounded


def test_malformed_json_is_a_problem_not_a_crash(world: World) -> None:
    world.emulator.inject(Fault.malformed_json(), method="GET", path="/comments$")
    outcome = world.publish(retries=0)
    assert not outcome.review_posted
    assert any("not valid JSON" in p for p in outcome.problems)


def test_fetch_diff_follows_pagination(world: World) -> None:
    template = world.emulator.state.pulls[2].files[0]
    world.emulator.state.pulls[2].files = [dict(template, filename=f"m/{i}.tf") for i in range(250)]
    diff = publish.fetch_diff(world.pull())
    assert len(diff.files()) == 250
    pages = [r.query.get("page", "1") for r in world.emulator.requests if r.path.endswith("/files")]
    assert pages[-3:] == ["1", "2", "3"]
