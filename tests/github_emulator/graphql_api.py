"""The sliver of GitHub's GraphQL API the action uses: review threads, and resolving one.

Queries are parsed and validated by graphql-core against a schema whose names and shapes follow
GitHub's (`repository.pullRequest.reviewThreads`, `resolveReviewThread(input:)`), so a query
GitHub would refuse is refused here too. A read-only token gets GitHub's FORBIDDEN error.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, build_schema, graphql_sync

from tests.github_emulator.state import State

SDL = """
type Query {
  repository(owner: String!, name: String!): Repository
}
type Mutation {
  resolveReviewThread(input: ResolveReviewThreadInput!): ResolveReviewThreadPayload
  unresolveReviewThread(input: UnresolveReviewThreadInput!): UnresolveReviewThreadPayload
}
type Repository {
  nameWithOwner: String!
  pullRequest(number: Int!): PullRequest
}
type PullRequest {
  number: Int!
  reviewThreads(first: Int, after: String): PullRequestReviewThreadConnection!
}
type PullRequestReviewThreadConnection {
  totalCount: Int!
  nodes: [PullRequestReviewThread]
  pageInfo: PageInfo!
}
type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}
type PullRequestReviewThread {
  id: ID!
  isResolved: Boolean!
  isOutdated: Boolean!
  path: String!
  comments(first: Int): PullRequestReviewCommentConnection!
}
type PullRequestReviewCommentConnection {
  totalCount: Int!
  nodes: [PullRequestReviewComment]
}
type PullRequestReviewComment {
  id: ID!
  databaseId: Int
  body: String!
  author: Actor
}
type Actor {
  login: String!
}
input ResolveReviewThreadInput {
  threadId: ID!
  clientMutationId: String
}
input UnresolveReviewThreadInput {
  threadId: ID!
  clientMutationId: String
}
type ResolveReviewThreadPayload {
  clientMutationId: String
  thread: PullRequestReviewThread
}
type UnresolveReviewThreadPayload {
  clientMutationId: String
  thread: PullRequestReviewThread
}
"""

SCHEMA = build_schema(SDL)


class ForbiddenError(GraphQLError):
    """GitHub's answer to a mutation the token may not make."""

    def __init__(self) -> None:
        super().__init__("Resource not accessible by integration", extensions={"type": "FORBIDDEN"})


def execute(state: State, body: object, *, can_write: bool) -> dict[str, Any]:
    """The JSON answer (always HTTP 200, as GitHub's) to a GraphQL request body."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return {
            "errors": [{"message": "A query attribute must be specified and must be a string."}]
        }
    variables = body.get("variables") or {}
    result = graphql_sync(
        SCHEMA,
        body["query"],
        root_value=_Root(state, can_write),
        variable_values=variables if isinstance(variables, dict) else {},
    )
    answer: dict[str, Any] = {}
    if result.data is not None:
        answer["data"] = result.data
    if result.errors:
        answer["errors"] = [_error(error) for error in result.errors]
    return answer


def _error(error: GraphQLError) -> dict[str, Any]:
    found: dict[str, Any] = {"message": error.message}
    if error.path:
        found["path"] = list(error.path)
    if error.extensions and "type" in error.extensions:
        found["type"] = error.extensions["type"]
    return found


def _thread(state: State, thread_id: str) -> dict[str, Any]:
    thread = state.threads[thread_id]
    comments = [state.review_comments[i] for i in thread.comment_ids if i in state.review_comments]
    first = comments[0] if comments else {"path": "", "line": None}

    def comment_nodes(first_n: int | None = None, **_: object) -> dict[str, Any]:
        shown = comments[:first_n] if first_n is not None else comments
        return {
            "totalCount": len(comments),
            "nodes": [
                {
                    "id": c["node_id"],
                    "databaseId": c["id"],
                    "body": c["body"],
                    "author": {"login": c["user"]["login"]},
                }
                for c in shown
            ],
        }

    return {
        "id": thread.id,
        "isResolved": thread.resolved,
        "isOutdated": first.get("line") is None,
        "path": first["path"],
        "comments": lambda _info, first=None: comment_nodes(first),
    }


class _Root:
    def __init__(self, state: State, can_write: bool) -> None:
        self.state = state
        self.can_write = can_write

    def repository(self, _info: object, owner: str, name: str) -> dict[str, Any] | None:
        if f"{owner}/{name}".lower() != self.state.full_name.lower():
            return None
        return {"nameWithOwner": self.state.full_name, "pullRequest": self._pull_request}

    def _pull_request(self, _info: object, number: int) -> dict[str, Any] | None:
        pull = self.state.pulls.get(number)
        if pull is None:
            return None
        return {"number": number, "reviewThreads": self._threads_of(number)}

    def _threads_of(self, number: int):  # type: ignore[no-untyped-def]
        def threads(
            _info: object, first: int | None = None, after: str | None = None
        ) -> dict[str, Any]:
            ids = [
                thread.id
                for thread in self.state.threads.values()
                if self.state.review_comments.get(thread.comment_ids[0], {})
                .get("pull_request_url", "")
                .endswith(f"/pulls/{number}")
            ]
            start = int(after) if after else 0
            size = min(first or 100, 100)
            page = ids[start : start + size]
            end = start + len(page)
            return {
                "totalCount": len(ids),
                "nodes": [_thread(self.state, thread_id) for thread_id in page],
                "pageInfo": {
                    "hasNextPage": end < len(ids),
                    "endCursor": str(end) if page else None,
                },
            }

        return threads

    def resolveReviewThread(self, _info: object, input: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._set_resolved(input, True)

    def unresolveReviewThread(self, _info: object, input: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._set_resolved(input, False)

    def _set_resolved(self, request: dict[str, Any], resolved: bool) -> dict[str, Any]:
        if not self.can_write:
            raise ForbiddenError()
        thread = self.state.threads.get(request["threadId"])
        if thread is None:
            raise GraphQLError(
                f"Could not resolve to a node with the global id of '{request['threadId']}'",
                extensions={"type": "NOT_FOUND"},
            )
        thread.resolved = resolved
        return {
            "clientMutationId": request.get("clientMutationId"),
            "thread": _thread(self.state, thread.id),
        }
