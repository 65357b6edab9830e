"""What a GitHub Actions run gives the action: the event, the repository, the inputs.

A Docker container action receives its inputs as `INPUT_<NAME>` environment variables, upper-cased
with spaces turned into `_` and dashes kept (`github-token` is `INPUT_GITHUB-TOKEN`), and the
webhook payload in the file `GITHUB_EVENT_PATH`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class InputError(ValueError):
    """An input or environment value the action cannot work with."""


def input_value(env: Mapping[str, str], name: str, default: str = "") -> str:
    key = "INPUT_" + name.replace(" ", "_").upper()
    return env.get(key, default).strip() or default


def input_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = input_value(env, name, "true" if default else "false").lower()
    if value in ("true", "yes", "1", "on"):
        return True
    if value in ("false", "no", "0", "off"):
        return False
    raise InputError(f"input {name!r} must be true or false, not {value!r}")


def input_choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = input_value(env, name, default)
    if value not in choices:
        raise InputError(f"input {name!r} must be one of {', '.join(choices)}, not {value!r}")
    return value


@dataclass(frozen=True)
class PullRequest:
    number: int
    head_sha: str
    base_sha: str
    head_repo: str  # owner/name of the head repository
    base_repo: str

    @property
    def from_fork(self) -> bool:
        return self.head_repo != self.base_repo


@dataclass(frozen=True)
class WorkflowRun:
    """The run a `workflow_run` event reports on (the event's `workflow_run` object)."""

    event: str  # what triggered that run, e.g. "pull_request"
    head_sha: str
    head_branch: str
    head_repo: str  # owner/name
    pull_requests: Mapping[int, str]  # number -> head sha; GitHub leaves it empty for forks


@dataclass(frozen=True)
class Run:
    event_name: str
    repository: str  # owner/name
    api_url: str
    graphql_url: str
    server_url: str
    workspace: Path
    sha: str
    pull_request: PullRequest | None
    event: Mapping[str, object]
    workflow_run: WorkflowRun | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Run:
        event_name = env.get("GITHUB_EVENT_NAME", "")
        event: Mapping[str, object] = {}
        event_path = env.get("GITHUB_EVENT_PATH")
        if event_path:
            try:
                loaded = json.loads(Path(event_path).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise InputError(f"cannot read the event payload {event_path}: {error}") from None
            event = loaded if isinstance(loaded, dict) else {}
        api_url = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        return cls(
            event_name=event_name,
            repository=env.get("GITHUB_REPOSITORY", ""),
            api_url=api_url,
            graphql_url=env.get("GITHUB_GRAPHQL_URL", f"{api_url}/graphql"),
            server_url=env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
            workspace=Path(env.get("GITHUB_WORKSPACE", ".")),
            sha=env.get("GITHUB_SHA", ""),
            pull_request=_pull_request(event_name, event),
            event=event,
            workflow_run=_workflow_run(event_name, event),
        )


def _pull_request(event_name: str, event: Mapping[str, object]) -> PullRequest | None:
    if event_name not in ("pull_request", "pull_request_target"):
        return None
    pull = event.get("pull_request")
    if not isinstance(pull, dict):
        return None
    head, base = pull.get("head") or {}, pull.get("base") or {}
    try:
        return PullRequest(
            number=int(pull["number"]),
            head_sha=str(head["sha"]),
            base_sha=str(base["sha"]),
            head_repo=str((head.get("repo") or {}).get("full_name", "")),
            base_repo=str((base.get("repo") or {}).get("full_name", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _workflow_run(event_name: str, event: Mapping[str, object]) -> WorkflowRun | None:
    if event_name != "workflow_run":
        return None
    data = event.get("workflow_run")
    if not isinstance(data, dict):
        return None
    pulls: dict[int, str] = {}
    for pull in data.get("pull_requests") or []:
        if isinstance(pull, dict) and isinstance(pull.get("number"), int):
            pulls[pull["number"]] = str((pull.get("head") or {}).get("sha", ""))
    return WorkflowRun(
        event=str(data.get("event", "")),
        head_sha=str(data.get("head_sha", "")),
        head_branch=str(data.get("head_branch", "")),
        head_repo=str((data.get("head_repository") or {}).get("full_name", "")),
        pull_requests=pulls,
    )
