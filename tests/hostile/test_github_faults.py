"""Faults from GitHub, end to end: the verdict is the scan's alone, and the run ends in bounded time.

The action's `main` runs in this process against the emulator (so that its waits can be recorded
instead of slept, and its per-request timeout shortened to `TIMEOUT`), on the PR of
`tests.test_action_e2e.scene`, which a healthy GitHub sees end with exit status 1. Each fault kind
hits it three ways: GitHub down for the whole run, a fault on every attempt to post the review, and
a burst short enough for the retries to absorb. Whatever happens, the findings are annotated and
summarised, the summary says what failed, and the exit status is what the findings make it. The
time a run can take is bounded by counting: attempts per API call, faulted attempts in all, and
the seconds the retries asked to wait.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from backend_guard.github import publish
from tests import test_action_e2e as e2e
from tests.github_emulator import WRITE_TOKEN, Emulator, Fault, GitRepo
from tests.github_emulator.scenario import PROJECTS, event, open_pull_request, with_commits
from tests.hostile.test_injection import commands, expected_annotation, expected_scan, in_process
from tests.test_action_e2e import Result, Runner, Scene

scene = e2e.scene

TIMEOUT = 1  # seconds per attempt here; the action's own is `publish.TIMEOUT_SECONDS`
RETRIES = publish.RETRIES
FAULTS = {
    "500": (Fault.server_error(500), r"HTTP 500 Server Error"),
    "502": (Fault.server_error(502), r"HTTP 502 Bad Gateway"),
    "503": (Fault.server_error(503), r"HTTP 503 Service Unavailable"),
    "timeout": (Fault.timeout(TIMEOUT + 2), r"ConnectionError|ReadTimeout"),
    "dropped": (Fault.drop(), r"ConnectionError"),
    "secondary-rate-limit": (
        Fault.secondary_rate_limit(retry_after=600),
        r"HTTP 403 You have exceeded a secondary rate limit",
    ),
    "429": (Fault.too_many_requests(retry_after=600), r"HTTP 429 API rate limit exceeded"),
    "malformed-json": (Fault.malformed_json(), r"JSONDecodeError|not valid JSON"),
    "422": (Fault.unprocessable(), r"HTTP 422 Unprocessable Entity"),
}
RETRIED = ("500", "502", "503", "timeout", "dropped", "secondary-rate-limit", "429")


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The seconds each retry asked to wait, recorded instead of slept; and a client whose
    attempts time out after `TIMEOUT` seconds."""
    asked: list[float] = []
    retry_module = sys.modules["urllib3.util.retry"]
    monkeypatch.setattr(retry_module, "time", types.SimpleNamespace(sleep=asked.append))
    monkeypatch.setattr(publish, "client", functools.partial(publish.client, timeout=TIMEOUT))
    return asked


def _run(scene: Scene) -> Result:
    return in_process(scene.runner, scene.opened, "pull_request")


def _assert_bounded(emulator: Emulator, waits: list[float]) -> None:
    """No API call is tried more than `RETRIES + 1` times, at most two calls fail in all (the
    one that stops publishing, and one careful second try of the review), and no retry waits
    longer than `publish.MAX_WAIT_SECONDS`. So a run takes at most the healthy run's requests
    plus `2 * (RETRIES + 1)` attempts of at most the client's timeout, plus the waits."""
    attempts = [
        len(list(group))
        for _, group in itertools.groupby(
            emulator.requests, key=lambda r: (r.method, r.path, sorted(r.query.items()))
        )
    ]
    assert max(attempts) <= RETRIES + 1, attempts
    faulted = [
        r
        for r in emulator.requests
        if r.operation.startswith("fault:")
        or (r.status >= 400 and r.path != "/user")  # GitHub's usual 403 to `GITHUB_TOKEN`
    ]
    assert len(faulted) <= 2 * (RETRIES + 1)
    assert len(waits) <= len(faulted)
    assert all(0 <= wait <= publish.MAX_WAIT_SECONDS for wait in waits), waits


def _assert_findings_reported(scene: Scene, result: Result) -> None:
    """Annotations and summary show every finding, exactly as with a healthy GitHub."""
    expected = expected_scan(scene.runner.workspace)
    found = commands(result.stdout, WRITE_TOKEN)
    assert sorted((k, p["file"], p["title"], d) for k, p, d in found) == sorted(
        expected_annotation(f) for f in expected.findings
    )
    rows = [line for line in result.summary.splitlines() if line.startswith("| error ")]
    assert len(rows) == sum(f.severity.value == "error" for f in expected.findings)
    assert result.stderr == ""


def _inject_everywhere(emulator: Emulator, fault: Fault) -> None:
    emulator.inject(fault, count=10_000)


def _inject_on_review(emulator: Emulator, fault: Fault) -> None:
    emulator.inject(fault, count=10_000, method="POST", path=r"/pulls/\d+/reviews$")


@pytest.mark.parametrize("kind", list(FAULTS))
@pytest.mark.parametrize(
    "inject",
    [_inject_everywhere, _inject_on_review],
    ids=["github-down", "review-refused"],
)
def test_a_lasting_fault_falls_back_to_annotations_and_summary(
    scene: Scene, waits: list[float], kind: str, inject: Callable[[Emulator, Fault], None]
) -> None:
    fault, says = FAULTS[kind]
    inject(scene.emulator, fault)
    result = _run(scene)
    assert result.code == 1
    _assert_findings_reported(scene, result)
    notes = result.summary.replace("\\", "")  # the summary escapes Markdown
    assert re.search(says, notes), notes
    assert re.search(r"GitHub API: |Could not read the pull request", notes)
    assert scene.emulator.reviews(2) == []
    _assert_bounded(scene.emulator, waits)


@pytest.mark.parametrize("kind", RETRIED)
def test_a_burst_the_retries_absorb_changes_nothing(
    scene: Scene, waits: list[float], kind: str
) -> None:
    fault, _ = FAULTS[kind]
    scene.emulator.inject(fault, count=RETRIES)
    result = _run(scene)
    assert result.code == 1
    _assert_findings_reported(scene, result)
    assert "GitHub API" not in result.summary and "Could not" not in result.summary
    assert len(scene.emulator.reviews(2)) == 1 and len(scene.emulator.comments(2)) == 3
    assert len(waits) <= RETRIES
    _assert_bounded(scene.emulator, waits)


@pytest.mark.parametrize("kind", list(FAULTS))
def test_github_down_never_turns_a_clean_scan_red(
    tmp_path: Path, waits: list[float], kind: str
) -> None:
    repo = GitRepo(tmp_path / "workspace")
    repo.write("README.md", "# Hello-World\n")
    base = repo.commit("Initial commit")
    repo.copy_tree(PROJECTS / "local_ok", "stacks/app")
    head = repo.commit("Local state")
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    with Emulator(opened["repository"]) as emulator:
        open_pull_request(emulator, repo, opened, base_sha=base, head_sha=head)
        emulator.inject(FAULTS[kind][0], count=10_000)
        result = in_process(Runner(tmp_path, repo.path, emulator), opened, "pull_request")
        _assert_bounded(emulator, waits)
    assert result.code == 0
    assert result.outputs["findings"] == "0"
    assert re.search(FAULTS[kind][1], result.summary.replace("\\", ""))
