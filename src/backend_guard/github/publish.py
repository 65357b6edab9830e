"""Publish the review with PyGithub, idempotently, and never let the API decide the verdict.

One review per run, and only when there is something new. The hidden marker of each earlier
comment tells what it was about (key) and what it said (digest): a comment with the same key and
digest is left alone, one whose digest changed is edited, one whose key is gone is marked fixed
(its body edited, its thread resolved through GraphQL where the token may). Nothing is deleted, so
a thread someone replied to stays. Every API failure ends up in `Outcome.problems`; none raises.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Any, Protocol, TypeVar

from github import Auth, Github, GithubException, GithubRetry
from github.Commit import Commit
from github.NamedUser import NamedUser
from github.PullRequest import PullRequest
from github.PullRequestComment import PullRequestComment
from urllib3.response import BaseHTTPResponse

from backend_guard.github import diffmap, review
from backend_guard.github.run import Run
from backend_guard.report.escaping import inline_code, publishable

TIMEOUT_SECONDS = 15  # per request
RETRIES = 3  # per request, on 5xx, dropped connections, timeouts and rate limits
MAX_WAIT_SECONDS = 30.0  # the longest a rate limit's Retry-After is honoured
MAX_BODY = 65536  # GitHub's limit on a review or comment body, in characters
FIXED_NOTE = "**Fixed** in {sha}: backend-guard no longer finds this."
REVIEW_MARKER = re.compile(
    r"<!-- backend-guard:v1 review outside=(?P<outside>[0-9a-f]{16}) post=(?P<post>[0-9a-f]{16}) -->"
)
_THREADS_QUERY = """
query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""
_RESOLVE = "mutation($thread: ID!) { resolveReviewThread(input: {threadId: $thread}) { thread { id isResolved } } }"
_MAX_THREAD_PAGES = 10

T = TypeVar("T")


class Listed(Protocol):
    """What publishing needs of a group the review body lists: its key."""

    @property
    def key(self) -> str: ...


class Plan(Protocol):
    """What publishing needs of a planned review: `review.Review`, or one read from a review file."""

    @property
    def comments(self) -> list[review.Comment]: ...

    @property
    def outside(self) -> Sequence[tuple[Listed, str]]: ...


@dataclass
class Outcome:
    """What a run did on the pull request, and what it could not do."""

    posted: int = 0  # new inline comments
    updated: int = 0
    fixed: int = 0
    review_posted: bool = False
    problems: list[str] = field(default_factory=list)


class _Retry(GithubRetry):
    """GithubRetry that never repeats a POST the server may have acted on, with bounded waits.

    A POST is retried only after a rate-limit answer (403 or 429), which GitHub sends before doing
    anything; after a 5xx or a lost connection the review may exist, so `publish` looks first.
    """

    def __init__(self, *, max_wait: float, **kwargs: Any) -> None:
        self.max_wait = max_wait
        super().__init__(secondary_rate_wait=max_wait, max_rate_limit_wait=max_wait, **kwargs)

    def new(self, **kw: Any) -> _Retry:
        kw.setdefault("max_wait", self.max_wait)
        kw.pop("secondary_rate_wait", None)
        kw.pop("max_rate_limit_wait", None)
        return super(GithubRetry, self).new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method == "POST":
            return bool(self.total) and status_code in (403, 429)
        return super().is_retry(method, status_code, has_retry_after)

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, self.max_wait)


def client(
    run: Run,
    token: str,
    *,
    timeout: int = TIMEOUT_SECONDS,
    retries: int = RETRIES,
    max_wait: float = MAX_WAIT_SECONDS,
    backoff: float = 1.0,
) -> Github:
    """A PyGithub client on the run's API URL whose every call ends in bounded time.

    A call takes at most about `(retries + 1) * timeout` plus `retries` waits of at most
    `max_wait` (or the backoff, capped at 8 s).
    """
    retry = _Retry(
        max_wait=max_wait,
        total=retries,
        backoff_factor=backoff,
        backoff_max=8,
        allowed_methods=frozenset({"GET", "PATCH", "PUT", "DELETE"}),  # POST: see _Retry
        raise_on_status=False,
    )
    return Github(
        base_url=run.api_url,
        auth=Auth.Token(token),
        timeout=timeout,
        retry=retry,
        per_page=100,
        lazy=True,  # objects are fetched when first read, so a commit can be named without a request
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def fetch_diff(pull: PullRequest) -> diffmap.DiffMap:
    """The PR's diff map from the paginated files endpoint (the diff media type stops at 300 files)."""
    return diffmap.build(
        {"filename": f.filename, "status": f.status, "patch": f.patch} for f in pull.get_files()
    )


@dataclass(frozen=True)
class Posted:
    """An earlier top-level comment of backend-guard, read from its hidden marker."""

    comment: PullRequestComment
    key: str
    digest: str
    fixed: bool
    commit: str  # the head it was made for


def _by_a_bot(author: NamedUser | None) -> bool:
    """Whether `author` is an app's bot account: only such accounts post as the action does;
    anyone can type a marker into a comment of their own. (Its type is in the listing: reading it
    costs no request.)"""
    return author is not None and author.type == "Bot"


def earlier_comments(comments: Iterable[PullRequestComment]) -> list[Posted]:
    """Comments by a bot that start with a backend-guard marker (a reply quoting one starts with
    `>`); a marker in anyone else's comment is text, whatever it says.

    Only attributes every listed comment carries are read: reading an absent one, such as
    `in_reply_to_id` of a top-level comment, would cost a request per comment.
    """
    found = []
    for comment in comments:
        body = comment.body or ""
        marker = review.MARKER.match(body)
        if marker is None or not _by_a_bot(comment.user):
            continue
        rest = body[marker.end() :].lstrip("\n")
        fixed = rest.startswith(FIXED_NOTE.split("{", 1)[0])
        found.append(
            Posted(comment, marker["key"], marker["digest"], fixed, comment.original_commit_id)
        )
    return found


class _Failure(Enum):
    REFUSED = "refused"  # a 4xx about this request only
    FORBIDDEN = "forbidden"  # the token may not write
    UNAVAILABLE = "unavailable"  # 5xx, timeouts, lost connections, rate limits, garbage


def _message(data: object) -> str | None:
    """The message of a REST error body, or of the first error of a GraphQL answer."""
    if not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if (
        data.get("message") is None
        and isinstance(errors, list)
        and errors
        and isinstance(errors[0], dict)
    ):
        return str(errors[0].get("message"))
    return None if data.get("message") is None else str(data["message"])


def _classify(error: Exception) -> tuple[_Failure, str]:
    if isinstance(error, GithubException):
        message = _message(error.data)
        text = f"HTTP {error.status}" + (f" {message}" if message else "")
        if error.status == 403 and "rate limit" not in str(message).lower():
            return _Failure.FORBIDDEN, text
        if 400 <= error.status < 500 and error.status not in (403, 429):
            return _Failure.REFUSED, text
        return _Failure.UNAVAILABLE, text
    if isinstance(error, ValueError):
        return _Failure.UNAVAILABLE, "the answer was not valid JSON"
    return _Failure.UNAVAILABLE, type(error).__name__


class _Api:
    """Calls that turn every failure into a problem; after the API fails hard, later calls are skipped."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.stopped: _Failure | None = None
        self.last: _Failure | None = None

    def do(self, what: str, action: Callable[[], object]) -> bool:
        """Whether `action` succeeded."""
        return self.call(what, lambda: action() or True) is not None

    def call(self, what: str, action: Callable[[], T]) -> T | None:
        """What `action` returned, or None when it failed (or was skipped)."""
        if self.stopped is not None:
            return None
        try:
            return action()
        except (GithubException, OSError, ValueError) as error:
            failure, text = _classify(error)
            self.last = failure
            if failure is _Failure.FORBIDDEN:
                self.outcome.problems.append(
                    f"{what}: {text}; the token may not write to this pull request "
                    "(read-only on pull requests from forks), so nothing more was posted."
                )
            else:
                self.outcome.problems.append(f"{what}: {text}.")
            if failure is not _Failure.REFUSED:
                self.stopped = failure
            return None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode(errors="surrogateescape")).hexdigest()[:16]


def _fixed_body(old: Posted, head_sha: str) -> str:
    marker = f"<!-- backend-guard:v1 key={old.key} digest={old.digest} -->"
    said = (old.comment.body or "")[len(marker) :].strip("\n")
    return publishable(
        f"{marker}\n{FIXED_NOTE.format(sha=head_sha[:12])}\n\n"
        f"<details><summary>What it said</summary>\n\n{said}\n\n</details>",
        MAX_BODY,
    )


def with_moved(body: str, comments: list[review.Comment]) -> str:
    """The review body with inline comments GitHub would not take, each under its place."""
    sections = [body]
    for comment in comments:
        where = f"{inline_code(comment.path)} line {comment.start_line}" + (
            f"-{comment.line}" if comment.line > comment.start_line else ""
        )
        sections.append(f"---\n\n**{where}**\n\n{review.MARKER.sub('', comment.body).strip()}")
    return publishable("\n\n".join(sections), MAX_BODY)


def publish(
    pull: PullRequest, planned: Plan, *, head_sha: str, summary: str, mark_fixed: bool = True
) -> Outcome:
    """Post what is new, edit what changed, mark what is gone as fixed (with `mark_fixed`: a plan
    read from a review file is the pull request's word, and absence in it proves nothing)."""
    outcome = Outcome()
    api = _Api(outcome)
    repo = api.call("reading the pull request", lambda: pull.base.repo)
    earlier = (
        None
        if repo is None
        else api.call(
            "reading earlier review comments", lambda: earlier_comments(pull.get_review_comments())
        )
    )
    reviews = api.call(
        "reading earlier reviews",
        lambda: [r.body or "" for r in pull.get_reviews() if _by_a_bot(r.user)],
    )
    if repo is None or earlier is None or reviews is None:
        outcome.problems.append(
            "Without the earlier comments, nothing was posted (to avoid duplicates)."
        )
        return outcome
    live = {old.key: old for old in earlier if not old.fixed}
    new = [comment for comment in planned.comments if comment.key not in live]
    commit = repo.get_commit(head_sha)  # lazy: no request, only its sha is sent
    _post_review(pull, api, planned, new, reviews, commit=commit, summary=summary)
    changed = [
        (live[c.key], c)
        for c in planned.comments
        if c.key in live and live[c.key].digest != c.digest
    ]
    for old, comment in changed:
        body = publishable(comment.body, MAX_BODY)
        if api.do("updating a comment", partial(old.comment.edit, body)):
            outcome.updated += 1
    current = {comment.key for comment in planned.comments} | {
        group.key for group, _ in planned.outside
    }
    # A comment made for this very head is not fixed by it: what says so was not made from it.
    gone = [
        old
        for old in live.values()
        if mark_fixed and old.key not in current and old.commit != head_sha
    ]
    for old in gone:
        body = _fixed_body(old, head_sha)
        if api.do("marking a comment fixed", partial(old.comment.edit, body)):
            outcome.fixed += 1
    if gone and api.stopped is None:
        _resolve_threads(pull, repo.full_name, api, {old.comment.id for old in gone})
    return outcome


def _post_review(
    pull: PullRequest,
    api: _Api,
    planned: Plan,
    new: list[review.Comment],
    reviews: list[str],
    *,
    commit: Commit,
    summary: str,
) -> None:
    outcome = api.outcome
    outside = _digest(*sorted(f"{group.key}:{body}" for group, body in planned.outside))
    previous = [m for m in (REVIEW_MARKER.search(body) for body in reviews) if m is not None]
    outside_known = not planned.outside or bool(previous and previous[-1]["outside"] == outside)
    if not new and outside_known:
        return
    post = _digest(commit.sha, outside, *sorted(f"{c.key}:{c.digest}" for c in new))
    if any(m["post"] == post for m in previous):
        return  # posted before, inline or as the fallback that lists the comments in its body
    marker = f"\n\n<!-- backend-guard:v1 review outside={outside} post={post} -->"
    body = publishable(summary, MAX_BODY - len(marker)) + marker

    def create(text: str, comments: list[review.Comment]) -> Callable[[], object]:
        items: list[Any] = [c.as_api() for c in comments]
        for item in items:
            item["body"] = publishable(str(item["body"]), MAX_BODY)
        return lambda: pull.create_review(commit=commit, body=text, event="COMMENT", comments=items)

    def applied() -> bool:
        bodies = api.call(
            "checking whether the review was posted",
            lambda: [r.body or "" for r in pull.get_reviews()],
        )
        return bodies is not None and any(f"post={post} -->" in text for text in bodies)

    if api.do("posting the review", create(body, new)):
        outcome.review_posted, outcome.posted = True, len(new)
        return
    if api.last is _Failure.REFUSED and new:
        moved = (outside, _digest(post, "moved"))
        _post_fallback(api, summary, new, moved, previous, create)
        return
    if api.last is _Failure.UNAVAILABLE:
        api.stopped = None  # one careful second try: look before posting again
        if applied() or (
            api.stopped is None and api.do("posting the review again", create(body, new))
        ):
            outcome.review_posted, outcome.posted = True, len(new)
        else:
            api.stopped = _Failure.UNAVAILABLE


def _post_fallback(
    api: _Api,
    summary: str,
    new: list[review.Comment],
    digests: tuple[str, str],
    previous: list[re.Match[str]],
    create: Callable[[str, list[review.Comment]], Callable[[], object]],
) -> None:
    """The review with the comments GitHub refused listed in its body; once per head and content,
    however often the run is repeated."""
    outcome = api.outcome
    outside, post = digests
    if any(m["post"] == post for m in previous):
        outcome.problems.append(
            f"GitHub refused the inline comments; the review posted earlier lists {len(new)} of them."
        )
        return
    marker = f"\n\n<!-- backend-guard:v1 review outside={outside} post={post} -->"
    moved = publishable(with_moved(summary, new), MAX_BODY - len(marker)) + marker
    if api.do("posting the review without inline comments", create(moved, [])):
        outcome.review_posted = True
        outcome.problems.append(
            f"GitHub refused the inline comments, so the review body lists {len(new)} of them instead."
        )


def _graphql_data(pull: PullRequest, query: str, variables: dict[str, Any]) -> Any:
    """The `data` answer of one GraphQL call (its headers dropped)."""
    return pull.requester.graphql_query(query, variables)[1]


def _resolve_threads(pull: PullRequest, full_name: str, api: _Api, comment_ids: set[int]) -> None:
    """Resolve the threads of comments marked fixed; a token that may not is only noted."""
    owner, name = full_name.split("/", 1)
    threads: dict[int, tuple[str, bool]] = {}
    after: str | None = None
    for _ in range(_MAX_THREAD_PAGES):
        variables = {"owner": owner, "name": name, "number": pull.number, "after": after}
        answer = api.call(
            "reading review threads",
            partial(_graphql_data, pull, _THREADS_QUERY, variables),
        )
        if answer is None:
            return
        connection = answer["data"]["repository"]["pullRequest"]["reviewThreads"]
        for node in connection["nodes"]:
            first = node["comments"]["nodes"]
            if first:
                threads[first[0]["databaseId"]] = (node["id"], node["isResolved"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    for comment_id in sorted(comment_ids):
        thread_id, resolved = threads.get(comment_id, ("", True))
        if resolved:
            continue
        done = api.do(
            "resolving the thread of a fixed comment",
            partial(_graphql_data, pull, _RESOLVE, {"thread": thread_id}),
        )
        if not done:  # the token may not, or GraphQL is failing: the edited bodies say it
            return
