"""Publishing a review file in a `workflow_run` run: only for the pull request it was made for.

The file is the pull request's word; the event and the API are GitHub's. The file is published
only when it names this repository, the head commit the triggering run was for, and that run's pull
request: one listed in `workflow_run.pull_requests`, and in any case (GitHub leaves that list empty
for pull requests from forks) one whose head repository and branch are the triggering run's. Its
comments' lines are then checked against the pull request's diff; those GitHub would refuse move
to the review body.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_guard.github import publish
from backend_guard.github.diffmap import DiffMap
from backend_guard.github.review_file import Listed, ReviewFile, ReviewFileError
from backend_guard.github.run import Run, WorkflowRun


@dataclass(frozen=True)
class Head:
    """The head of a pull request as the API tells it."""

    sha: str
    repo: str  # owner/name
    ref: str


def check_event(planned: ReviewFile, run: Run) -> WorkflowRun:
    """The triggering run, when the file claims nothing it contradicts; else `ReviewFileError`."""
    trigger = run.workflow_run
    if trigger is None:
        raise ReviewFileError(
            "`review-from` publishes a review file in a run on `workflow_run`, "
            f"not on {run.event_name or 'an unknown event'}"
        )
    if trigger.event != "pull_request":
        raise ReviewFileError(
            f"the triggering run was for a {trigger.event or 'unknown'} event, not a pull request"
        )
    if planned.repository != run.repository:
        raise ReviewFileError(
            f"the review file is for {planned.repository}, this run is in {run.repository}"
        )
    if planned.head_sha != trigger.head_sha:
        raise ReviewFileError(
            f"the review file is for commit {planned.head_sha[:12]}, the triggering run was for "
            f"{trigger.head_sha[:12]}"
        )
    if trigger.pull_requests:
        if planned.pull_request not in trigger.pull_requests:
            numbers = ", ".join(f"#{n}" for n in sorted(trigger.pull_requests))
            raise ReviewFileError(
                f"the review file is for pull request #{planned.pull_request}, the triggering run "
                f"was for {numbers}"
            )
        if trigger.pull_requests[planned.pull_request] != planned.head_sha:
            raise ReviewFileError(
                f"pull request #{planned.pull_request} of the triggering run has another head commit"
            )
    return trigger


def is_current(planned: ReviewFile, trigger: WorkflowRun, head: Head) -> bool:
    """Whether the pull request's head is still the file's commit.

    `ReviewFileError` when the pull request is not the triggering run's at all: its head comes
    from another repository or branch. False when it has only moved on to a newer commit since:
    the run for that commit publishes its own review.
    """
    if (head.repo, head.ref) != (trigger.head_repo, trigger.head_branch):
        raise ReviewFileError(
            f"pull request #{planned.pull_request} has its head at {head.repo}:{head.ref}, the "
            f"triggering run was for {trigger.head_repo}:{trigger.head_branch}"
        )
    return head.sha == planned.head_sha


def place(planned: ReviewFile, diff: DiffMap) -> tuple[ReviewFile, str, int]:
    """The review to publish, its body, and how many comments moved to the body.

    A comment whose lines are not on one hunk of the diff would make GitHub refuse the whole
    review, so it is listed in the body (and counted as listed, so it is not marked fixed).
    """
    inline = [c for c in planned.comments if diff.can_comment(c.path, c.start_line, c.line)]
    moved = [c for c in planned.comments if c not in inline]
    placed = ReviewFile(
        planned.repository,
        planned.pull_request,
        planned.head_sha,
        planned.body,
        inline,
        [*planned.outside, *((Listed(c.key), c.body) for c in moved)],
    )
    body = publish.with_moved(planned.body, moved) if moved else planned.body
    return placed, body, len(moved)
