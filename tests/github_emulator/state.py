"""What the emulated GitHub holds: one repository, its pull requests and everything posted on them.

Objects are kept as the JSON GitHub answers with (built to the OpenAPI schemas), so recording and
serving are the same thing. URLs of the API point at the emulator, web URLs at github.com.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

from tests.github_emulator import hunks

WEB = "https://github.com"
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
HUMAN = {"login": "octocat", "id": 583231, "type": "User"}


def user(login: str, user_id: int, kind: str) -> dict[str, Any]:
    """A `simple-user`."""
    api = f"https://api.github.com/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": f"U_{user_id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": kind,
        "site_admin": False,
    }


def public_user(author: dict[str, Any]) -> dict[str, Any]:
    """A `public-user`: what `GET /user` answers for a token without the `user` scope."""
    return {
        **user(author["login"], author["id"], author["type"]),
        "user_view_type": "public",
        "name": None,
        "company": None,
        "blog": "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": 8,
        "public_gists": 8,
        "followers": 20,
        "following": 0,
        "created_at": "2011-01-25T18:44:36Z",
        "updated_at": "2026-11-01T09:12:00Z",
    }


@dataclass
class Pull:
    number: int
    base_sha: str
    head_sha: str
    files: list[dict[str, Any]]  # diff-entry objects, patches included
    data: dict[str, Any]  # the pull-request object
    commits: list[str] = field(default_factory=list)  # every head the PR had

    def hunks(self, path: str) -> list[hunks.Hunk]:
        for entry in self.files:
            if entry["filename"] == path and isinstance(entry.get("patch"), str):
                return hunks.parse(entry["patch"])
        return []


@dataclass
class Thread:
    """A review thread: a top-level review comment and its replies."""

    id: str
    comment_ids: list[int]
    resolved: bool = False


@dataclass
class State:
    api: str  # the emulator's base URL, standing for https://api.github.com
    owner: str
    name: str
    repository: dict[str, Any]
    pulls: dict[int, Pull] = field(default_factory=dict)
    review_comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    reviews: dict[int, dict[str, Any]] = field(default_factory=dict)
    issue_comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_annotations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    threads: dict[str, Thread] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1_000_001))
    _clock: itertools.count = field(default_factory=lambda: itertools.count(0))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def repo_api(self) -> str:
        return f"{self.api}/repos/{self.full_name}"

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> str:
        seconds = next(self._clock)
        return f"2026-11-23T10:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"

    # pull requests -----------------------------------------------------------------------------

    def add_pull(
        self,
        number: int,
        *,
        base_sha: str,
        head_sha: str,
        files: list[dict[str, Any]],
        payload: dict[str, Any],
    ) -> Pull:
        """A PR built from a webhook `pull_request` payload, with the given commits and files."""
        data = _retarget(copy.deepcopy(payload), self.api)
        data.update(number=number, url=f"{self.repo_api}/pulls/{number}")
        data["head"]["sha"] = head_sha
        data["base"]["sha"] = base_sha
        data.setdefault("active_lock_reason", None)
        data["changed_files"] = len(files)
        data["additions"] = sum(int(f["additions"]) for f in files)
        data["deletions"] = sum(int(f["deletions"]) for f in files)
        pull = Pull(number, base_sha, head_sha, files, data, [head_sha])
        self.pulls[number] = pull
        return pull

    def push(self, number: int, *, head_sha: str, files: list[dict[str, Any]]) -> None:
        """A new head for the PR (a `synchronize`): its files are those of base...head now."""
        pull = self.pulls[number]
        pull.head_sha = head_sha
        pull.files = files
        pull.commits.append(head_sha)
        pull.data["head"]["sha"] = head_sha
        pull.data["changed_files"] = len(files)

    # builders ----------------------------------------------------------------------------------

    def review_comment(
        self,
        pull: Pull,
        *,
        author: dict[str, Any],
        body: str,
        path: str,
        commit_id: str,
        line: int,
        side: str,
        start_line: int | None,
        start_side: str | None,
        diff_hunk: str,
        review_id: int | None,
        in_reply_to: int | None = None,
    ) -> dict[str, Any]:
        comment_id = self.next_id()
        url = f"{self.repo_api}/pulls/comments/{comment_id}"
        html = f"{WEB}/{self.full_name}/pull/{pull.number}#discussion_r{comment_id}"
        stamp = self.now()
        comment: dict[str, Any] = {
            "url": url,
            "pull_request_review_id": review_id,
            "id": comment_id,
            "node_id": f"PRRC_{comment_id}",
            "diff_hunk": diff_hunk,
            "path": path,
            "commit_id": commit_id,
            "original_commit_id": commit_id,
            "user": user(author["login"], author["id"], author["type"]),
            "body": body,
            "created_at": stamp,
            "updated_at": stamp,
            "html_url": html,
            "pull_request_url": f"{self.repo_api}/pulls/{pull.number}",
            "author_association": "NONE" if author["type"] == "Bot" else "OWNER",
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "pull_request": {"href": f"{self.repo_api}/pulls/{pull.number}"},
            },
            "start_line": start_line,
            "original_start_line": start_line,
            "start_side": start_side,
            "line": line,
            "original_line": line,
            "side": side,
            "subject_type": "line",
        }
        if in_reply_to is not None:
            comment["in_reply_to_id"] = in_reply_to
        self.review_comments[comment_id] = comment
        if in_reply_to is None:
            thread_id = f"PRRT_{comment_id}"
            self.threads[thread_id] = Thread(thread_id, [comment_id])
        else:
            self.thread_of(in_reply_to).comment_ids.append(comment_id)
        return comment

    def thread_of(self, comment_id: int) -> Thread:
        for thread in self.threads.values():
            if comment_id in thread.comment_ids:
                return thread
        raise KeyError(comment_id)

    def review(
        self, pull: Pull, *, author: dict[str, Any], body: str, commit_id: str, event: str | None
    ) -> dict[str, Any]:
        review_id = self.next_id()
        html = f"{WEB}/{self.full_name}/pull/{pull.number}#pullrequestreview-{review_id}"
        states = {
            "COMMENT": "COMMENTED",
            "APPROVE": "APPROVED",
            "REQUEST_CHANGES": "CHANGES_REQUESTED",
        }
        review = {
            "id": review_id,
            "node_id": f"PRR_{review_id}",
            "user": user(author["login"], author["id"], author["type"]),
            "body": body,
            "state": states.get(event or "", "PENDING"),
            "html_url": html,
            "pull_request_url": f"{self.repo_api}/pulls/{pull.number}",
            "author_association": "NONE" if author["type"] == "Bot" else "OWNER",
            "_links": {
                "html": {"href": html},
                "pull_request": {"href": f"{self.repo_api}/pulls/{pull.number}"},
            },
            "submitted_at": self.now(),
            "commit_id": commit_id,
        }
        self.reviews[review_id] = review
        return review

    def issue_comment(self, number: int, *, author: dict[str, Any], body: str) -> dict[str, Any]:
        comment_id = self.next_id()
        url = f"{self.repo_api}/issues/comments/{comment_id}"
        stamp = self.now()
        comment = {
            "id": comment_id,
            "node_id": f"IC_{comment_id}",
            "url": url,
            "html_url": f"{WEB}/{self.full_name}/pull/{number}#issuecomment-{comment_id}",
            "body": body,
            "user": user(author["login"], author["id"], author["type"]),
            "created_at": stamp,
            "updated_at": stamp,
            "issue_url": f"{self.repo_api}/issues/{number}",
            "author_association": "NONE" if author["type"] == "Bot" else "OWNER",
        }
        self.issue_comments[comment_id] = comment
        return comment

    def check_run(self, request: dict[str, Any]) -> dict[str, Any]:
        run_id = self.next_id()
        status = request.get("status", "queued")
        output = request.get("output") or {}
        run = {
            "id": run_id,
            "node_id": f"CR_{run_id}",
            "head_sha": request["head_sha"],
            "external_id": request.get("external_id", ""),
            "url": f"{self.repo_api}/check-runs/{run_id}",
            "html_url": f"{WEB}/{self.full_name}/runs/{run_id}",
            "details_url": request.get("details_url", f"{WEB}/{self.full_name}/runs/{run_id}"),
            "status": status,
            "conclusion": request.get("conclusion"),
            "started_at": request.get("started_at", self.now()),
            "completed_at": request.get("completed_at"),
            "output": {
                "title": output.get("title"),
                "summary": output.get("summary"),
                "text": output.get("text"),
                "annotations_count": len(output.get("annotations", [])),
                "annotations_url": f"{self.repo_api}/check-runs/{run_id}/annotations",
            },
            "name": request["name"],
            "check_suite": {"id": self.next_id()},
            "app": None,
            "pull_requests": [],
        }
        self.check_runs[run_id] = run
        self.check_annotations[run_id] = list(output.get("annotations", []))
        return run


def new_state(api: str, repository_payload: dict[str, Any]) -> State:
    """The state for the repository of a webhook payload's `repository`."""
    repository = _retarget(copy.deepcopy(repository_payload), api)
    for key in ("custom_properties", "has_downloads", "is_template", "topics", "visibility"):
        repository.setdefault(key, None)
    repository.setdefault("has_discussions", False)
    repository.setdefault("network_count", 0)
    repository.setdefault("subscribers_count", 0)
    owner, name = repository["full_name"].split("/")
    return State(api=api, owner=owner, name=name, repository=repository)


def _retarget(node: Any, api: str) -> Any:
    """Point every API URL of a payload at the emulator."""
    if isinstance(node, dict):
        return {key: _retarget(value, api) for key, value in node.items()}
    if isinstance(node, list):
        return [_retarget(value, api) for value in node]
    if isinstance(node, str) and node.startswith("https://api.github.com"):
        return api + node.removeprefix("https://api.github.com")
    return node
