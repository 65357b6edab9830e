"""The GitHub emulator honours GitHub's OpenAPI description and GitHub's documented behaviour."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from github import Auth, Github
from hypothesis import given
from hypothesis import strategies as st

from tests.github_emulator import (
    HUMAN_TOKEN,
    READ_TOKEN,
    WRITE_TOKEN,
    Emulator,
    Fault,
    GitRepo,
    hunks,
    spec,
)
from tests.github_emulator.scenario import event, open_pull_request

REPO = "/repos/Codertocat/Hello-World"
MAIN_TF_BASE = "".join(f"locals {{ n{i} = {i} }}\n" for i in range(1, 21))


def _auth(token: str = WRITE_TOKEN) -> dict[str, str]:
    return {"Authorization": f"token {token}", "Accept": "application/vnd.github+json"}


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    """A PR #2 whose head changes main.tf in two separate hunks and adds backend.tf."""
    payload = event("pull_request.opened")
    repo = GitRepo(tmp_path / "repo")
    repo.write("main.tf", MAIN_TF_BASE)
    base = repo.commit("base")
    lines = MAIN_TF_BASE.splitlines(keepends=True)
    lines[1] = "locals { n2 = 200 }\n"  # hunk 1 around line 2
    lines[16] = "locals { n17 = 1700 }\n"  # hunk 2 around line 17
    repo.write("main.tf", "".join(lines))
    repo.write("backend.tf", 'terraform {\n  backend "s3" {}\n}\n')
    head = repo.commit("head")
    with Emulator(payload["repository"]) as running:
        open_pull_request(running, repo, payload, base_sha=base, head_sha=head)
        yield running
    assert running.violations == []


def _head(emulator: Emulator) -> str:
    return emulator.state.pulls[2].head_sha


def _review(
    emulator: Emulator, comments: list[dict[str, object]], token: str = WRITE_TOKEN
) -> requests.Response:
    return requests.post(
        f"{emulator.url}{REPO}/pulls/2/reviews",
        json={
            "commit_id": _head(emulator),
            "body": "Review",
            "event": "COMMENT",
            "comments": comments,
        },
        headers=_auth(token),
        timeout=5,
    )


def test_reads_answer_with_documented_shapes(emulator: Emulator) -> None:
    for path in (
        REPO,
        f"{REPO}/pulls/2",
        f"{REPO}/pulls/2/files",
        f"{REPO}/pulls/2/comments",
        f"{REPO}/pulls/2/reviews",
        f"{REPO}/issues/2/comments",
        "/rate_limit",
    ):
        answer = requests.get(emulator.url + path, headers=_auth(), timeout=5)
        assert answer.status_code == 200, path
    files = requests.get(f"{emulator.url}{REPO}/pulls/2/files", headers=_auth(), timeout=5).json()
    assert {f["filename"]: f["status"] for f in files} == {
        "backend.tf": "added",
        "main.tf": "modified",
    }
    assert files[0]["patch"].startswith("@@ -0,0 +1,3 @@")


def test_review_is_200_and_stores_multi_line_comments_verbatim(emulator: Emulator) -> None:
    suggestion = 'Use local state:\n\n```suggestion\n  backend "local" {}\n```'
    answer = _review(
        emulator,
        [
            {
                "path": "backend.tf",
                "start_line": 1,
                "start_side": "RIGHT",
                "line": 3,
                "side": "RIGHT",
                "body": suggestion,
            },
            {"path": "main.tf", "line": 17, "body": "one line"},
        ],
    )
    assert answer.status_code == 200
    assert answer.json()["state"] == "COMMENTED"
    stored = emulator.comments(2)
    assert [(c["path"], c["start_line"], c["line"], c["side"]) for c in stored] == [
        ("backend.tf", 1, 3, "RIGHT"),
        ("main.tf", None, 17, "RIGHT"),
    ]
    assert stored[0]["body"] == suggestion
    assert stored[0]["pull_request_review_id"] == answer.json()["id"]
    assert stored[1]["diff_hunk"].startswith("@@ ") and stored[1]["diff_hunk"].endswith(
        "+locals { n17 = 1700 }"
    )


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ({"path": "main.tf", "line": 10, "body": "x"}, "must be part of the diff"),
        ({"path": "other.tf", "line": 1, "body": "x"}, "must be part of the diff"),
        ({"path": "main.tf", "line": 2, "start_line": 2, "body": "x"}, "must precede the end line"),
        ({"path": "main.tf", "line": 17, "start_line": 2, "body": "x"}, "part of the same hunk"),
    ],
)
def test_one_bad_comment_rejects_the_whole_review(
    emulator: Emulator, comment: dict[str, object], message: str
) -> None:
    good = {"path": "backend.tf", "line": 2, "body": "fine"}
    answer = _review(emulator, [good, comment])
    assert answer.status_code == 422
    body = answer.json()
    assert body["message"] == "Unprocessable Entity"
    assert all(isinstance(e, str) for e in body["errors"])
    assert message in body["errors"][0]
    assert emulator.comments(2) == [] and emulator.reviews(2) == []


def test_left_side_takes_removed_lines_only(emulator: Emulator) -> None:
    assert (
        _review(
            emulator, [{"path": "main.tf", "line": 2, "side": "LEFT", "body": "old"}]
        ).status_code
        == 200
    )
    assert (
        _review(
            emulator, [{"path": "backend.tf", "line": 1, "side": "LEFT", "body": "x"}]
        ).status_code
        == 422
    )


def test_request_bodies_are_validated_against_the_schema(emulator: Emulator) -> None:
    assert _review(emulator, [{"path": "main.tf", "line": 17}]).status_code == 422  # no body
    wrong_event = requests.post(
        f"{emulator.url}{REPO}/pulls/2/reviews", json={"event": "LGTM"}, headers=_auth(), timeout=5
    )
    assert wrong_event.status_code == 422 and "LGTM" in wrong_event.json()["message"]
    no_body = requests.patch(
        f"{emulator.url}{REPO}/pulls/comments/1", json={}, headers=_auth(), timeout=5
    )
    assert no_body.status_code == 422
    bad_json = requests.post(
        f"{emulator.url}{REPO}/pulls/2/reviews", data=b"{", headers=_auth(), timeout=5
    )
    assert bad_json.status_code == 400


def test_single_comments_are_201_with_location_and_replies_join_the_thread(
    emulator: Emulator,
) -> None:
    created = requests.post(
        f"{emulator.url}{REPO}/pulls/2/comments",
        json={
            "body": "hm",
            "commit_id": _head(emulator),
            "path": "main.tf",
            "line": 2,
            "side": "RIGHT",
        },
        headers=_auth(),
        timeout=5,
    )
    assert created.status_code == 201
    assert created.headers["location"] == created.json()["url"]
    reply = requests.post(
        f"{emulator.url}{REPO}/pulls/2/comments",
        json={
            "body": "agreed",
            "in_reply_to": created.json()["id"],
            "commit_id": _head(emulator),
            "path": "main.tf",
        },
        headers=_auth(HUMAN_TOKEN),
        timeout=5,
    )
    assert reply.status_code == 201 and reply.json()["in_reply_to_id"] == created.json()["id"]
    assert (
        reply.json()["user"]["type"] == "User"
        and created.json()["user"]["login"] == "github-actions[bot]"
    )
    off_diff = requests.post(
        f"{emulator.url}{REPO}/pulls/2/comments",
        json={"body": "x", "commit_id": _head(emulator), "path": "main.tf", "line": 9},
        headers=_auth(),
        timeout=5,
    )
    assert off_diff.status_code == 422
    assert (
        off_diff.json()["errors"][0]["message"]
        == "pull_request_review_thread.line must be part of the diff"
    )


def test_edit_and_delete(emulator: Emulator) -> None:
    _review(emulator, [{"path": "main.tf", "line": 17, "body": "first"}])
    comment = emulator.comments(2)[0]
    edited = requests.patch(comment["url"], json={"body": "second"}, headers=_auth(), timeout=5)
    assert edited.status_code == 200 and edited.json()["body"] == "second"
    deleted = requests.delete(comment["url"], headers=_auth(), timeout=5)
    assert deleted.status_code == 204 and deleted.content == b""
    assert requests.delete(comment["url"], headers=_auth(), timeout=5).status_code == 404


def test_pagination_follows_github_link_headers(emulator: Emulator) -> None:
    pull = emulator.state.pulls[2]
    template = pull.files[0]
    pull.files = [dict(template, filename=f"m{i:04}.tf") for i in range(3005)]
    first = requests.get(
        f"{emulator.url}{REPO}/pulls/2/files?per_page=100", headers=_auth(), timeout=5
    )
    assert len(first.json()) == 100
    assert (
        'page=2>; rel="next"' in first.headers["link"]
        and 'page=30>; rel="last"' in first.headers["link"]
    )
    middle = requests.get(
        f"{emulator.url}{REPO}/pulls/2/files?per_page=100&page=2", headers=_auth(), timeout=5
    )
    assert 'rel="prev"' in middle.headers["link"] and 'rel="first"' in middle.headers["link"]
    last = requests.get(
        f"{emulator.url}{REPO}/pulls/2/files?per_page=100&page=30", headers=_auth(), timeout=5
    )
    assert 'rel="next"' not in last.headers["link"]
    default = requests.get(f"{emulator.url}{REPO}/pulls/2/files", headers=_auth(), timeout=5)
    assert len(default.json()) == 30
    gh = Github(base_url=emulator.url, auth=Auth.Token(WRITE_TOKEN), per_page=100)
    names = [f.filename for f in gh.get_repo("Codertocat/Hello-World").get_pull(2).get_files()]
    assert len(names) == 3000 and len(set(names)) == 3000  # GitHub lists at most 3000 files
    one_page = requests.get(f"{emulator.url}{REPO}/pulls/2/reviews", headers=_auth(), timeout=5)
    assert "link" not in one_page.headers


def test_read_only_token_gets_403_on_every_write(emulator: Emulator) -> None:
    assert (
        requests.get(
            f"{emulator.url}{REPO}/pulls/2", headers=_auth(READ_TOKEN), timeout=5
        ).status_code
        == 200
    )
    writes = [
        ("POST", f"{REPO}/pulls/2/reviews", {"body": "x", "event": "COMMENT"}),
        ("POST", f"{REPO}/issues/2/comments", {"body": "x"}),
        ("POST", f"{REPO}/check-runs", {"name": "backend-guard", "head_sha": _head(emulator)}),
        ("PATCH", f"{REPO}/pulls/comments/1", {"body": "x"}),
    ]
    for method, path, body in writes:
        answer = requests.request(
            method, emulator.url + path, json=body, headers=_auth(READ_TOKEN), timeout=5
        )
        assert answer.status_code == 403, path
        assert answer.json()["message"] == "Resource not accessible by integration"
        assert "pull_requests=write" in answer.headers["x-accepted-github-permissions"]
    assert emulator.reviews(2) == []
    assert (
        requests.get(f"{emulator.url}{REPO}", headers=_auth("ghs_nonsense"), timeout=5).status_code
        == 401
    )


def test_get_user_names_a_users_token_and_refuses_an_installation_token(
    emulator: Emulator,
) -> None:
    """`GET /user` answers a personal access token with its user (the public view without the
    `user` scope) and refuses an installation token (`GITHUB_TOKEN`) as GitHub does."""
    mine = requests.get(f"{emulator.url}/user", headers=_auth(HUMAN_TOKEN), timeout=5)
    assert mine.status_code == 200
    assert (mine.json()["login"], mine.json()["type"]) == ("octocat", "User")
    assert mine.json()["user_view_type"] == "public"
    for token in (WRITE_TOKEN, READ_TOKEN):
        refused = requests.get(f"{emulator.url}/user", headers=_auth(token), timeout=5)
        assert refused.status_code == 403
        assert refused.json()["message"] == "Resource not accessible by integration"
    assert requests.get(f"{emulator.url}/user", timeout=5).status_code == 401
    me = Github(base_url=emulator.url, auth=Auth.Token(HUMAN_TOKEN)).get_user()
    assert (me.login, me.type) == ("octocat", "User")
    ours = [r for r in emulator.requests if r.path == "/user"]
    assert [r.status for r in ours] == [200, 403, 403, 401, 200]
    assert {r.operation for r in ours} == {"users/get-authenticated"}


def test_rate_limit_headers_on_every_answer(emulator: Emulator) -> None:
    first = requests.get(f"{emulator.url}{REPO}", headers=_auth(), timeout=5)
    second = requests.get(f"{emulator.url}{REPO}/pulls/2", headers=_auth(), timeout=5)
    for name in (
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-used",
        "x-ratelimit-reset",
        "x-ratelimit-resource",
    ):
        assert name in first.headers
    assert (
        int(second.headers["x-ratelimit-remaining"])
        == int(first.headers["x-ratelimit-remaining"]) - 1
    )
    free = requests.get(f"{emulator.url}/rate_limit", headers=_auth(), timeout=5)
    assert free.headers["x-ratelimit-remaining"] == second.headers["x-ratelimit-remaining"]


def test_check_runs_take_at_most_50_annotations_per_request(emulator: Emulator) -> None:
    annotation = {
        "path": "main.tf",
        "start_line": 1,
        "end_line": 1,
        "annotation_level": "failure",
        "message": "m",
    }
    body = {
        "name": "backend-guard",
        "head_sha": _head(emulator),
        "status": "completed",
        "conclusion": "failure",
        "output": {"title": "t", "summary": "s", "annotations": [annotation] * 50},
    }
    created = requests.post(
        f"{emulator.url}{REPO}/check-runs", json=body, headers=_auth(), timeout=5
    )
    assert created.status_code == 201
    too_many = dict(body, output=dict(body["output"], annotations=[annotation] * 51))
    assert (
        requests.post(
            f"{emulator.url}{REPO}/check-runs", json=too_many, headers=_auth(), timeout=5
        ).status_code
        == 422
    )
    missing_conclusion = {"name": "x", "head_sha": _head(emulator), "status": "completed"}
    assert (
        requests.post(
            f"{emulator.url}{REPO}/check-runs", json=missing_conclusion, headers=_auth(), timeout=5
        ).status_code
        == 422
    )
    more = {"output": {"title": "t", "summary": "s", "annotations": [annotation] * 10}}
    updated = requests.patch(created.json()["url"], json=more, headers=_auth(), timeout=5)
    assert updated.status_code == 200 and updated.json()["output"]["annotations_count"] == 60


def test_faults_are_served_in_order_then_normal_answers_resume(emulator: Emulator) -> None:
    emulator.inject(Fault.server_error(503), count=2, method="GET", path="/pulls/2$")
    emulator.inject(Fault.secondary_rate_limit(retry_after=7), count=1, method="POST")
    emulator.inject(Fault.too_many_requests(retry_after=3), count=1, path="/files$")
    emulator.inject(Fault.malformed_json(), count=1, path="/reviews$", method="GET")
    url = f"{emulator.url}{REPO}/pulls/2"
    assert [requests.get(url, headers=_auth(), timeout=5).status_code for _ in range(3)] == [
        503,
        503,
        200,
    ]
    limited = _review(emulator, [])
    assert limited.status_code == 403 and limited.headers["retry-after"] == "7"
    assert "secondary rate limit" in limited.json()["message"]
    many = requests.get(url + "/files", headers=_auth(), timeout=5)
    assert many.status_code == 429 and many.headers["retry-after"] == "3"
    with pytest.raises(ValueError):
        requests.get(url + "/reviews", headers=_auth(), timeout=5).json()
    assert emulator.faults.pending() == 0


def test_dropped_connections_and_timeouts(emulator: Emulator) -> None:
    emulator.inject(Fault.drop())
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emulator.url}{REPO}", headers=_auth(), timeout=5)
    emulator.inject(Fault.timeout(2.0))
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{emulator.url}{REPO}", headers=_auth(), timeout=0.3)
    assert requests.get(f"{emulator.url}{REPO}", headers=_auth(), timeout=5).status_code == 200


_THREADS = "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { pullRequest(number: 2) { reviewThreads(first: 10) { nodes { id isResolved comments(first: 1) { nodes { databaseId body } } } pageInfo { hasNextPage endCursor } } } } }"
_RESOLVE = (
    "mutation($t: ID!) { resolveReviewThread(input: {threadId: $t}) { thread { id isResolved } } }"
)


def _graphql(
    emulator: Emulator, query: str, variables: dict[str, object], token: str = WRITE_TOKEN
) -> dict[str, object]:
    answer = requests.post(
        f"{emulator.url}/graphql",
        json={"query": query, "variables": variables},
        headers=_auth(token),
        timeout=5,
    )
    assert answer.status_code == 200
    return answer.json()


def test_graphql_review_threads_and_resolving(emulator: Emulator) -> None:
    _review(emulator, [{"path": "main.tf", "line": 17, "body": "first"}])
    names = {"o": "Codertocat", "n": "Hello-World"}
    threads = _graphql(emulator, _THREADS, names)["data"]["repository"]["pullRequest"][
        "reviewThreads"
    ]["nodes"]
    assert threads[0]["isResolved"] is False
    assert threads[0]["comments"]["nodes"][0]["databaseId"] == emulator.comments(2)[0]["id"]
    forbidden = _graphql(emulator, _RESOLVE, {"t": threads[0]["id"]}, READ_TOKEN)
    assert forbidden["errors"][0]["type"] == "FORBIDDEN"
    resolved = _graphql(emulator, _RESOLVE, {"t": threads[0]["id"]})
    assert resolved["data"]["resolveReviewThread"]["thread"]["isResolved"] is True
    unknown_field = _graphql(emulator, '{ repository(owner: "a", name: "b") { stars } }', {})
    assert "stars" in unknown_field["errors"][0]["message"] and "data" not in unknown_field


def test_every_response_is_checked_against_its_schema() -> None:
    operation, _ = spec.match("POST", "/repos/o/r/pulls/1/reviews") or (None, None)
    assert operation is not None and operation.success_codes() == [200]
    created = spec.match("POST", "/repos/o/r/pulls/1/comments")
    assert created is not None and created[0].success_codes() == [201]
    comment_schema = spec.response_schema(created[0], 201)
    assert comment_schema is not None and spec.errors(comment_schema, {"id": 1}) != []
    assert spec.match("GET", "/repos/o/r/pulls/comments/5") is None  # not in the subset: a 405


_LINES = st.lists(st.sampled_from(["a", "b", "c", "", "  x", "}"]), max_size=30)


@given(_LINES, _LINES, st.integers(min_value=0, max_value=3))
def test_hunk_lines_point_at_the_right_text(old: list[str], new: list[str], context: int) -> None:
    patch = "".join(
        difflib.unified_diff([f"{x}\n" for x in old], [f"{x}\n" for x in new], n=context)
    )
    parsed = hunks.parse(patch.split("\n", 2)[2] if patch else "")
    for hunk in parsed:
        for line, index in hunk.right.items():
            assert hunk.rows[index][1:] == new[line - 1]
        for line, index in hunk.left.items():
            assert hunk.rows[index][1:] == old[line - 1]
    changed_new = {
        i + 1
        for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes()
        if tag != "equal"
        for i in range(j1, j2)
    }
    assert changed_new <= {line for hunk in parsed for line in hunk.right}
