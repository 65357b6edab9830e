"""Whose comments are the run's own: the account its token acts as, asked once per run.

Hidden markers are trusted only in comments and reviews by that one account: anyone else, people
and other apps' bots alike, can type a marker (keys and digests can be computed offline).

A personal access token, or a GitHub App's user-to-server token, acts as a user, and `GET /user`
names them. An installation token (the workflow's `GITHUB_TOKEN`, or a GitHub App's) acts as the
app's bot, and `GET /user` refuses it with 403 "Resource not accessible by integration"; such a
token cannot ask its own login, so it is taken to be the Actions bot, `github-actions[bot]`, unless
the workflow names another app's bot in the input `bot-login`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from github import Github, GithubException
from github.NamedUser import NamedUser

from backend_guard.github.run import InputError

ACTIONS_BOT = "github-actions[bot]"
_INTEGRATION = "Resource not accessible by integration"  # GitHub's answer to an installation token
_BOT_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\[bot\]")


@dataclass(frozen=True)
class Account:
    """A GitHub account as comments' authors are listed: its login and its type."""

    login: str
    type: str  # "User" or "Bot"

    def wrote(self, author: NamedUser | None) -> bool:
        """Whether `author` is this account. Logins are unique whatever their case, and a user's
        login cannot end in `[bot]`. (Both are in the listing: reading them costs no request.)"""
        return (
            author is not None
            and author.type == self.type
            and author.login.casefold() == self.login.casefold()
        )


def bot_login(value: str) -> str:
    """The input `bot-login`, empty or an app's bot login; `InputError` for anything else (an
    app's slug alone could be a user's login, and a user's comments must never be trusted)."""
    if value and not _BOT_LOGIN.fullmatch(value):
        raise InputError(
            f"input 'bot-login' must be a GitHub App's bot login, like 'my-app[bot]', not {value!r}"
        )
    return value


def acting(gh: Github, bot: str = "") -> Account:
    """The account `gh`'s token acts as: one request. `bot` is the login of the app whose
    installation token it may be (the Actions bot when empty). Raises what PyGithub raises
    when GitHub does not say."""
    retry_log = logging.getLogger("github.GithubRetry")
    retry_log.addFilter(_no_refusal)
    try:
        user = gh.get_user()
        return Account(user.login, user.type)
    except GithubException as error:
        data = error.data if isinstance(error.data, dict) else {}
        if error.status == 403 and data.get("message") == _INTEGRATION:
            return Account(bot or ACTIONS_BOT, "Bot")
        raise
    finally:
        retry_log.removeFilter(_no_refusal)


def _no_refusal(record: logging.LogRecord) -> bool:
    """PyGithub logs every 403 on stderr; here it is GitHub's usual answer to `GITHUB_TOKEN`, and
    would stand in every run's log as if something had failed."""
    return "failed with 403" not in record.getMessage()
