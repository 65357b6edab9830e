"""Markers count only in comments of the account the token acts as, whatever kind of token it is.

Through the real entrypoint against the emulator, which answers `GET /user` as GitHub does: with
the user of a personal access token, and with 403 "Resource not accessible by integration" for an
installation token (`GITHUB_TOKEN`, or a GitHub App's). A run with a personal access token
recognises its own earlier comments (a re-run edits, never posts again); a marker forged by another
user or by another app's bot is never taken as the run's own, whichever token the run has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from backend_guard.github import review_file
from tests.github_emulator import HUMAN_TOKEN, READ_TOKEN, WRITE_TOKEN, Fault
from tests.github_emulator.server import Token
from tests.github_emulator.state import BOT, HUMAN
from tests.hostile.test_posted_text import PARTIAL, Scene, pull_request

DEPLOYER = {"login": "acme-deployer", "id": 7000001, "type": "User"}
DEPENDABOT = {"login": "dependabot[bot]", "id": 49699333, "type": "Bot"}
ACME_APP = {"login": "acme-guard[bot]", "id": 7000002, "type": "Bot"}
TOKENS = {  # a personal access token of its own for the deployer, installation tokens for the apps
    "deployer": ("ghp_emulatorDeployerToken000000000000004", DEPLOYER),
    "dependabot": ("ghs_emulatorDependabotToken00000000000005", DEPENDABOT),
    "acme-app": ("ghs_emulatorAcmeAppToken000000000000000006", ACME_APP),
    "actions": (WRITE_TOKEN, BOT),
    "octocat": (HUMAN_TOKEN, HUMAN),
}


def _token(scene: Scene, name: str) -> tuple[str, dict[str, Any]]:
    token, account = TOKENS[name]
    scene.emulator.tokens.setdefault(token, Token(True, account))
    return token, account


def _by(scene: Scene, account: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in scene.emulator.comments(2) if c["user"]["login"] == account["login"]]


def _user_requests(scene: Scene) -> list[int]:
    return [r.status for r in scene.emulator.requests if r.path == "/user"]


def test_a_personal_access_token_run_edits_its_own_comment_and_never_posts_twice(
    tmp_path: Path,
) -> None:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}) as scene:
        token, account = _token(scene, "deployer")
        first = scene.run(**{"github-token": token})
        assert first.code == 1 and first.stderr == ""
        [posted] = [dict(c) for c in _by(scene, account)]  # the emulator edits its own copy
        assert "```suggestion" in posted["body"]
        scene.run(**{"github-token": token})
        assert scene.emulator.comments(2) == [posted] and len(scene.emulator.reviews(2)) == 1
        edited = scene.run(**{"github-token": token, "suggestions": "false"})
        [after] = scene.emulator.comments(2)
        assert after["id"] == posted["id"] and after["body"] != posted["body"]
        assert "```suggestion" not in after["body"]
        assert "1 updated" in edited.summary and len(scene.emulator.reviews(2)) == 1
        assert _user_requests(scene) == [200, 200, 200]  # asked once a run


def test_github_token_runs_ask_once_and_take_the_actions_bot(tmp_path: Path) -> None:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}) as scene:
        for _ in range(2):
            run = scene.run()
            assert run.code == 1 and run.stderr == ""  # PyGithub's log of the 403 is left out
        [posted] = scene.emulator.comments(2)
        assert posted["user"]["login"] == "github-actions[bot]"
        assert len(scene.emulator.reviews(2)) == 1
        assert _user_requests(scene) == [403, 403]


@pytest.mark.parametrize(
    ("runner", "forger", "inputs"),
    [
        ("actions", "octocat", {}),
        ("actions", "dependabot", {}),
        ("deployer", "octocat", {}),
        ("deployer", "actions", {}),
        ("acme-app", "actions", {"bot-login": "acme-guard[bot]"}),
        ("acme-app", "dependabot", {"bot-login": "acme-guard[bot]"}),
    ],
    ids=[
        "github-token/user",
        "github-token/other-bot",
        "pat/other-user",
        "pat/actions-bot",
        "app/actions-bot",
        "app/other-bot",
    ],
)
def test_a_forged_marker_is_never_the_runs_own(
    tmp_path: Path, runner: str, forger: str, inputs: dict[str, str]
) -> None:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}) as scene:
        # The marker can be computed offline: here, from a review file of the same commit.
        scene.run(comment="artifact", **{"github-token": READ_TOKEN})
        planned = review_file.load(scene.pr.repo.path / review_file.FILE_NAME)
        (scene.pr.repo.path / review_file.FILE_NAME).unlink()
        [comment] = planned.comments
        forger_token, forger_account = _token(scene, forger)
        forged = requests.post(
            f"{scene.emulator.url}/repos/Codertocat/Hello-World/pulls/2/comments",
            json={
                "body": comment.body.split("\n", 1)[0] + "\nLooks fine to me.",
                "commit_id": scene.pr.head_sha,
                "path": comment.path,
                "line": comment.line,
                "side": "RIGHT",
            },
            headers={"Authorization": f"token {forger_token}"},
            timeout=5,
        ).json()
        token, account = _token(scene, runner)
        for _ in range(2):
            run = scene.run(**{"github-token": token, **inputs})
            assert run.code == 1 and run.stderr == ""
        [own] = _by(scene, account)
        assert own["body"] == comment.body
        assert [c["body"] for c in _by(scene, forger_account)] == [forged["body"]]  # untouched
        own_reviews = [r for r in scene.emulator.reviews(2) if r["user"] == own["user"]]
        assert len(own_reviews) == 1


def test_a_bot_login_that_is_not_an_apps_is_an_input_error(tmp_path: Path) -> None:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}) as scene:
        run = scene.run(**{"bot-login": "acme-guard"})  # a user could own that login
        assert run.code == 2 and "bot-login" in run.stdout.splitlines()[-1]
        assert scene.emulator.reviews(2) == [] and scene.emulator.comments(2) == []


def test_when_github_does_not_say_who_the_token_is_nothing_is_posted(tmp_path: Path) -> None:
    with pull_request(tmp_path, {"stacks/a/main.tf": PARTIAL}) as scene:
        scene.emulator.inject(Fault.server_error(502), count=100, method="GET", path="^/user$")
        run = scene.run()
        assert run.code == 1
        assert "Could not tell which account the token acts as" in run.summary.replace("\\", "")
        assert scene.emulator.reviews(2) == [] and scene.emulator.comments(2) == []
