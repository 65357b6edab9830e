"""A local stand-in for api.github.com on 127.0.0.1, faithful where the action depends on it.

Each request is matched to an operation of GitHub's OpenAPI description and its body validated
against the operation's request schema; answers use the documented status codes and shapes
(checked against the response schemas when `validate_responses` is on, violations collected in
`Emulator.violations`). Behaviour GitHub has beyond the schema is reproduced: a review is rejected
whole (422) when any comment is not on one hunk of the diff, a read-only token gets 403 on writes,
lists paginate with `Link` headers, every answer carries rate-limit headers. Tests queue faults
for the next requests with `Emulator.inject`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from tests.github_emulator import graphql_api, hunks, spec
from tests.github_emulator.faults import Fault, FaultQueue, Kind
from tests.github_emulator.gitrepo import GitRepo
from tests.github_emulator.state import BOT, HUMAN, Pull, State, new_state

WRITE_TOKEN = "ghs_emulatorWriteToken0000000000000001"
READ_TOKEN = "ghs_emulatorReadOnlyToken000000000000002"
HUMAN_TOKEN = "ghp_emulatorHumanToken00000000000000003"
RATE_LIMIT = 1000
MAX_FILES = 3000  # GitHub lists at most this many files of a pull request
MAX_BODY = 65536  # characters of a comment or review body
DOCS = "https://docs.github.com/rest"
NOT_ON_DIFF = (
    "Pull request review thread line must be part of the diff and Pull request review thread "
    "diff hunk can't be blank"
)
START_AFTER_END = "Pull request review thread start line must precede the end line."
START_OTHER_HUNK = (
    "Pull request review thread start line must be part of the same hunk as the line."
)


@dataclass(frozen=True)
class Token:
    can_write: bool
    author: dict[str, Any]


@dataclass
class Recorded:
    """One request as the emulator saw it, and the status it answered with (0: none)."""

    method: str
    path: str
    query: dict[str, str]
    body: object
    status: int = 0
    operation: str = ""


@dataclass
class Answer:
    status: int
    body: object = None  # JSON-able; None means no body
    headers: dict[str, str] | None = None


class ApiError(Exception):
    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status)
        self.answer = Answer(status, body, headers)


def _error(status: int, message: str) -> ApiError:
    return ApiError(status, {"message": message, "documentation_url": DOCS, "status": str(status)})


def _simple_422(message: str) -> ApiError:
    return ApiError(
        422,
        {
            "message": "Unprocessable Entity",
            "errors": [message],
            "documentation_url": DOCS,
            "status": "422",
        },
    )


class Emulator:
    """The emulated API for one repository (from a webhook payload's `repository`)."""

    def __init__(
        self, repository_payload: dict[str, Any], *, validate_responses: bool = True
    ) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.emulator = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.state: State = new_state(self.url, repository_payload)
        self.tokens = {
            WRITE_TOKEN: Token(True, BOT),
            READ_TOKEN: Token(False, BOT),
            HUMAN_TOKEN: Token(True, HUMAN),
        }
        self.validate_responses = validate_responses
        self.git: GitRepo | None = None  # serves the repository's files, when a test sets it
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.faults = FaultQueue()
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self._remaining = RATE_LIMIT
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Emulator:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    # for tests ---------------------------------------------------------------------------------

    def inject(
        self, fault: Fault, count: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next `count` requests matching method and path (a regex) with `fault`."""
        with self.lock:
            self.faults.add(fault, count, method, path)

    def add_pull(
        self,
        number: int,
        *,
        base_sha: str,
        head_sha: str,
        files: list[dict[str, Any]],
        payload: dict[str, Any],
    ) -> Pull:
        with self.lock:
            return self.state.add_pull(
                number, base_sha=base_sha, head_sha=head_sha, files=files, payload=payload
            )

    def push(self, number: int, *, head_sha: str, files: list[dict[str, Any]]) -> None:
        with self.lock:
            self.state.push(number, head_sha=head_sha, files=files)

    def comments(self, number: int) -> list[dict[str, Any]]:
        """The review comments of a PR, oldest first."""
        with self.lock:
            return [
                c
                for c in self.state.review_comments.values()
                if c["pull_request_url"].endswith(f"/pulls/{number}")
            ]

    def reviews(self, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [
                r
                for r in self.state.reviews.values()
                if r["pull_request_url"].endswith(f"/pulls/{number}")
            ]

    def writes(self) -> list[Recorded]:
        """Requests that were meant to change something (REST writes and GraphQL mutations)."""
        return [
            r
            for r in self.requests
            if r.method != "GET" and not (r.path == "/graphql" and "mutation" not in str(r.body))
        ]

    # rate limit --------------------------------------------------------------------------------

    def rate_headers(self, counted: bool) -> dict[str, str]:
        with self.lock:
            if counted and self._remaining > 0:
                self._remaining -= 1
            return {
                "x-ratelimit-limit": str(RATE_LIMIT),
                "x-ratelimit-remaining": str(self._remaining),
                "x-ratelimit-used": str(RATE_LIMIT - self._remaining),
                "x-ratelimit-reset": str(int(time.time()) + 3600),
                "x-ratelimit-resource": "core",
            }

    # dispatch ----------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], token: Token | None, raw: bytes
    ) -> Answer:
        if path == "/graphql" and method == "POST":
            if token is None:
                raise _error(401, "This endpoint requires you to be authenticated.")
            body = _parse_json(raw)
            with self.lock:
                return Answer(200, graphql_api.execute(self.state, body, can_write=token.can_write))
        found = spec.match(method, path)
        if found is None:
            raise _error(405 if spec.path_exists(path) else 404, "Not Found")
        operation, params = found
        if method != "GET" and token is None:
            raise _error(401, "Requires authentication")
        if method != "GET" and not token.can_write:
            raise ApiError(
                403,
                {
                    "message": "Resource not accessible by integration",
                    "documentation_url": DOCS,
                    "status": "403",
                },
                {
                    "x-accepted-github-permissions": "issues=write; pull_requests=write; checks=write"
                },
            )
        self._check_query(operation, query)
        body = _parse_json(raw) if raw.strip() else None
        schema = spec.request_schema(operation)
        if schema is not None and (body is not None or spec.request_body_required(operation)):
            problems = spec.errors(schema, body)
            if problems:
                raise ApiError(
                    422,
                    {
                        "message": "Invalid request.\n\n" + "\n".join(problems),
                        "documentation_url": DOCS,
                        "status": "422",
                    },
                )
        _check_body_lengths(body, simple=operation.operation_id == "pulls/create-review")
        handler: Callable[..., Answer] = getattr(
            self, "_" + operation.operation_id.replace("/", "_").replace("-", "_")
        )
        with self.lock:
            self._check_repo(params)
            return handler(
                params=params, query=query, body=body, author=(token or Token(False, BOT)).author
            )

    def validate(self, method: str, path: str, answer: Answer) -> None:
        """Record where an answer departs from the documented statuses or response schemas."""
        found = spec.match(method, path)
        if found is None or not self.validate_responses:
            return
        operation = found[0]
        if answer.status not in spec.documented_statuses(operation):
            if answer.status < 400:
                self.violations.append(f"{method} {path}: undocumented status {answer.status}")
            return
        schema = spec.response_schema(operation, answer.status)
        if schema is None:
            if answer.body is not None:
                self.violations.append(f"{method} {path}: {answer.status} must have no body")
            return
        for problem in spec.errors(schema, answer.body):
            self.violations.append(f"{method} {path} {answer.status}: {problem}")

    def _check_query(self, operation: spec.Operation, query: dict[str, str]) -> None:
        problems = spec.query_errors(operation, query)
        if problems:
            raise ApiError(
                422,
                {
                    "message": "Invalid request.\n\n" + "\n".join(problems),
                    "documentation_url": DOCS,
                    "status": "422",
                },
            )

    def _check_repo(self, params: dict[str, str]) -> None:
        if (
            "owner" in params
            and f"{params['owner']}/{params['repo']}".lower() != self.state.full_name.lower()
        ):
            raise _error(404, "Not Found")

    def _pull(self, params: dict[str, str]) -> Pull:
        pull = self.state.pulls.get(int(params["pull_number"]))
        if pull is None:
            raise _error(404, "Not Found")
        return pull

    def _paginate(self, items: list[Any], path: str, query: dict[str, str]) -> Answer:
        per_page = min(max(int(query.get("per_page", 30)), 1), 100)
        page = max(int(query.get("page", 1)), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        shown = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(number: int, rel: str) -> str:
            return f'<{self.url}{path}?{urlencode({**query, "per_page": per_page, "page": number})}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return Answer(200, shown, {"link": ", ".join(links)} if links else None)

    # REST operations (named after their operationId) ------------------------------------------

    def _rate_limit_get(self, **_: Any) -> Answer:
        core = {
            "limit": RATE_LIMIT,
            "remaining": self._remaining,
            "reset": int(time.time()) + 3600,
            "used": RATE_LIMIT - self._remaining,
        }
        other = {"limit": 30, "remaining": 30, "reset": core["reset"], "used": 0}
        return Answer(
            200, {"resources": {"core": core, "search": other, "graphql": dict(core)}, "rate": core}
        )

    def _repos_get(self, **_: Any) -> Answer:
        return Answer(200, self.state.repository)

    def _repos_get_content(self, params: dict[str, str], query: dict[str, str], **_: Any) -> Answer:
        """A file of the repository at a commit, read from the test's git repository."""
        if self.git is None:
            raise _error(404, "Not Found")
        path, ref = unquote(params["path"]), query.get("ref", "HEAD")
        data = self.git.blob(ref, path)
        if data is None:
            raise _error(404, "Not Found")
        api = f"{self.state.repo_api}/contents/{path}?ref={ref}"
        web = f"https://github.com/{self.state.full_name}"
        sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        links = {
            "self": api,
            "git": f"{self.state.repo_api}/git/blobs/{sha}",
            "html": f"{web}/blob/{ref}/{path}",
        }
        return Answer(
            200,
            {
                "type": "file",
                "encoding": "base64",
                "size": len(data),
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "content": base64.b64encode(data).decode(),
                "sha": sha,
                "url": api,
                "git_url": links["git"],
                "html_url": links["html"],
                "download_url": f"https://raw.githubusercontent.com/{self.state.full_name}/{ref}/{path}",
                "_links": links,
            },
        )

    def _pulls_get(self, params: dict[str, str], **_: Any) -> Answer:
        return Answer(200, self._pull(params).data)

    def _pulls_list_files(self, params: dict[str, str], query: dict[str, str], **_: Any) -> Answer:
        pull = self._pull(params)
        return self._paginate(
            pull.files[:MAX_FILES],
            f"/repos/{self.state.full_name}/pulls/{pull.number}/files",
            query,
        )

    def _pulls_list_review_comments(
        self, params: dict[str, str], query: dict[str, str], **_: Any
    ) -> Answer:
        pull = self._pull(params)
        return self._paginate(
            self.comments(pull.number),
            f"/repos/{self.state.full_name}/pulls/{pull.number}/comments",
            query,
        )

    def _pulls_list_reviews(
        self, params: dict[str, str], query: dict[str, str], **_: Any
    ) -> Answer:
        pull = self._pull(params)
        return self._paginate(
            self.reviews(pull.number),
            f"/repos/{self.state.full_name}/pulls/{pull.number}/reviews",
            query,
        )

    def _placement(
        self, pull: Pull, item: dict[str, Any]
    ) -> tuple[int, str, int | None, str | None, str]:
        """Where a comment goes (line, side, start_line, start_side, diff_hunk), or GitHub's 422 message."""
        if "position" in item and "line" not in item:
            raise _simple_422(
                "The emulator does not support the deprecated `position`; use `line`."
            )
        side = item.get("side", "RIGHT")
        if side not in ("LEFT", "RIGHT") or "line" not in item:
            raise _simple_422(NOT_ON_DIFF)
        line = int(item["line"])
        hunk = hunks.find(pull.hunks(item["path"]), side, line)
        if hunk is None:
            raise _simple_422(NOT_ON_DIFF)
        start_line = item.get("start_line")
        start_side = item.get("start_side", side) if start_line is not None else None
        if start_line is not None:
            if start_line >= line:
                raise _simple_422(START_AFTER_END)
            if start_side not in ("LEFT", "RIGHT") or start_line not in hunk.lines(start_side):
                raise _simple_422(START_OTHER_HUNK)
        return line, side, start_line, start_side, hunk.diff_hunk(side, line)

    def _commit(self, pull: Pull, body: dict[str, Any]) -> str:
        commit_id = body.get("commit_id") or pull.head_sha
        if commit_id not in pull.commits:
            raise _simple_422("Pull request review commit_id must be a commit of the pull request")
        return commit_id

    def _pulls_create_review(
        self, params: dict[str, str], body: dict[str, Any] | None, author: dict[str, Any], **_: Any
    ) -> Answer:
        pull = self._pull(params)
        body = body or {}
        event = body.get("event")
        if event in ("COMMENT", "REQUEST_CHANGES") and not body.get("body"):
            raise _simple_422(f"Review Body is required for {event}")
        commit_id = self._commit(pull, body)
        placed = [(item, self._placement(pull, item)) for item in body.get("comments", [])]
        review = self.state.review(
            pull, author=author, body=body.get("body", ""), commit_id=commit_id, event=event
        )
        for item, (line, side, start_line, start_side, diff_hunk) in placed:
            self.state.review_comment(
                pull, author=author, body=item["body"], path=item["path"], commit_id=commit_id, line=line, side=side,
                start_line=start_line, start_side=start_side, diff_hunk=diff_hunk, review_id=review["id"],
            )  # fmt: skip
        return Answer(200, review)

    def _pulls_create_review_comment(
        self, params: dict[str, str], body: dict[str, Any], author: dict[str, Any], **_: Any
    ) -> Answer:
        pull = self._pull(params)
        reply_to = body.get("in_reply_to")
        if reply_to is not None:
            parent = self.state.review_comments.get(int(reply_to))
            if parent is None:
                raise _error(404, "Not Found")
            comment = self.state.review_comment(
                pull, author=author, body=body["body"], path=parent["path"], commit_id=parent["commit_id"],
                line=parent["line"], side=parent["side"], start_line=parent["start_line"],
                start_side=parent["start_side"], diff_hunk=parent["diff_hunk"],
                review_id=parent["pull_request_review_id"], in_reply_to=parent["id"],
            )  # fmt: skip
            return Answer(201, comment, {"location": comment["url"]})
        for required in ("commit_id", "path"):
            if required not in body:
                raise ApiError(
                    422, _validation(required, "missing_field", f"{required} is missing")
                )
        commit_id = self._commit(pull, body)
        try:
            line, side, start_line, start_side, diff_hunk = self._placement(pull, body)
        except ApiError:
            raise ApiError(
                422,
                _validation(
                    "line", "invalid", "pull_request_review_thread.line must be part of the diff"
                ),
            ) from None
        review = self.state.review(
            pull, author=author, body="", commit_id=commit_id, event="COMMENT"
        )
        comment = self.state.review_comment(
            pull, author=author, body=body["body"], path=body["path"], commit_id=commit_id, line=line, side=side,
            start_line=start_line, start_side=start_side, diff_hunk=diff_hunk, review_id=review["id"],
        )  # fmt: skip
        return Answer(201, comment, {"location": comment["url"]})

    def _pulls_update_review_comment(
        self, params: dict[str, str], body: dict[str, Any], **_: Any
    ) -> Answer:
        comment = self.state.review_comments.get(int(params["comment_id"]))
        if comment is None:
            raise _error(404, "Not Found")
        comment["body"] = body["body"]
        comment["updated_at"] = self.state.now()
        return Answer(200, comment)

    def _pulls_delete_review_comment(self, params: dict[str, str], **_: Any) -> Answer:
        if self.state.review_comments.pop(int(params["comment_id"]), None) is None:
            raise _error(404, "Not Found")
        return Answer(204)

    def _issues_list_comments(
        self, params: dict[str, str], query: dict[str, str], **_: Any
    ) -> Answer:
        number = int(params["issue_number"])
        found = [
            c
            for c in self.state.issue_comments.values()
            if c["issue_url"].endswith(f"/issues/{number}")
        ]
        return self._paginate(
            found, f"/repos/{self.state.full_name}/issues/{number}/comments", query
        )

    def _issues_create_comment(
        self, params: dict[str, str], body: dict[str, Any], author: dict[str, Any], **_: Any
    ) -> Answer:
        number = int(params["issue_number"])
        if number not in self.state.pulls:
            raise _error(404, "Not Found")
        comment = self.state.issue_comment(number, author=author, body=body["body"])
        return Answer(201, comment, {"location": comment["url"]})

    def _issues_update_comment(
        self, params: dict[str, str], body: dict[str, Any], **_: Any
    ) -> Answer:
        comment = self.state.issue_comments.get(int(params["comment_id"]))
        if comment is None:
            raise _error(404, "Not Found")
        comment["body"] = body["body"]
        comment["updated_at"] = self.state.now()
        return Answer(200, comment)

    def _checks_create(self, body: dict[str, Any], **_: Any) -> Answer:
        _check_annotations(body)
        return Answer(201, self.state.check_run(body))

    def _checks_update(self, params: dict[str, str], body: dict[str, Any], **_: Any) -> Answer:
        run = self.state.check_runs.get(int(params["check_run_id"]))
        if run is None:
            raise _error(404, "Not Found")
        _check_annotations(body)
        for key in ("name", "status", "conclusion", "completed_at", "details_url", "external_id"):
            if key in body:
                run[key] = body[key]
        output = body.get("output") or {}
        for key in ("title", "summary", "text"):
            if key in output:
                run["output"][key] = output[key]
        self.state.check_annotations[run["id"]].extend(output.get("annotations", []))
        run["output"]["annotations_count"] = len(self.state.check_annotations[run["id"]])
        return Answer(200, run)


def _check_body_lengths(body: object, *, simple: bool) -> None:
    """GitHub refuses a comment or review body over 65,536 characters, in a review's comments too
    (`simple`: the operation answers with the simple form of a validation error)."""
    if not isinstance(body, dict):
        return
    bodies = [body.get("body")] + [
        item.get("body") for item in body.get("comments") or [] if isinstance(item, dict)
    ]
    if any(isinstance(text, str) and len(text) > MAX_BODY for text in bodies):
        message = "Body is too long (maximum is 65536 characters)"
        if simple:
            raise _simple_422(message)
        raise ApiError(422, _validation("body", "custom", message))


def _check_annotations(body: dict[str, Any]) -> None:
    if len((body.get("output") or {}).get("annotations", [])) > 50:
        raise _simple_422("Only 50 annotations can be sent per request")


def _validation(field: str, code: str, message: str) -> dict[str, Any]:
    return {
        "message": "Validation Failed",
        "errors": [
            {
                "resource": "PullRequestReviewComment",
                "field": field,
                "code": code,
                "message": message,
            }
        ],
        "documentation_url": DOCS,
        "status": "422",
    }


def _parse_json(raw: bytes) -> object:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise ApiError(
            400, {"message": "Problems parsing JSON", "documentation_url": DOCS, "status": "400"}
        ) from None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the emulator records requests in `Emulator.requests` instead."""

    @property
    def emulator(self) -> Emulator:
        return self.server.emulator  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        emulator = self.emulator
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query))
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            recorded_body: object = json.loads(raw) if raw.strip() else None
        except ValueError:
            recorded_body = raw
        recorded = Recorded(method, split.path, query, recorded_body)
        with emulator.lock:
            emulator.requests.append(recorded)
            fault = emulator.faults.take(method, split.path)
        if fault is not None and fault.kind is not Kind.LOST_ANSWER:
            self._fault(fault, recorded)
            return
        token = self._token()
        try:
            if self.headers.get("authorization") and token is None:
                raise _error(401, "Bad credentials")
            answer = emulator.handle(method, split.path, query, token, raw)
        except ApiError as error:
            answer = error.answer
        except Exception as error:  # a bug in the emulator: make the test fail, loudly
            emulator.violations.append(f"{method} {self.path}: emulator error {error!r}")
            answer = Answer(500, {"message": "Server Error"})
        found = spec.match(method, split.path)
        recorded.operation = (
            found[0].operation_id if found else ("graphql" if split.path == "/graphql" else "")
        )
        emulator.validate(method, split.path, answer)
        recorded.status = answer.status
        if fault is not None:
            recorded.operation = "fault:" + fault.kind.value
            self._drop()
            return
        headers = emulator.rate_headers(counted=split.path != "/rate_limit")
        headers.update(answer.headers or {})
        payload = b"" if answer.body is None else json.dumps(answer.body).encode()
        self._send(answer.status, headers, payload)

    def _token(self) -> Token | None:
        value = self.headers.get("authorization", "")
        scheme, _, secret = value.partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        return self.emulator.tokens.get(secret.strip())

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        if payload:
            self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _fault(self, fault: Fault, recorded: Recorded) -> None:
        recorded.operation = "fault:" + fault.kind.value
        if fault.kind is Kind.TIMEOUT:
            self.emulator.stopping.wait(fault.seconds)
            self._drop()
        elif fault.kind is Kind.DROP:
            self._drop()
        else:
            recorded.status = fault.status
            headers = self.emulator.rate_headers(counted=True)
            headers.update(fault.headers)
            self._send(fault.status, headers, fault.body)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
