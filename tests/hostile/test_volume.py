"""Volume, end to end: a pull request that adds 2,500 root modules with two findings each.

Every module's backend keeps state in a bucket nobody creates (an error) and uses a deprecated
argument (a warning): 5,000 findings, all on the PR's diff. The action runs as the runner starts
it, through the audit launcher of `test_secrets`, which also reports its peak memory. GitHub's
limits must hold: at most `MAX_INLINE_COMMENTS` inline comments with the rest in the review body,
a review body under 65,536 characters, a job summary under 1 MiB that says what it left out, and a
SARIF log that is valid however long.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend_guard.github.review import MAX_INLINE_COMMENTS
from backend_guard.report.workflow_commands import SHOWN_PER_STEP
from tests.github_emulator import WRITE_TOKEN, Emulator
from tests.github_emulator.scenario import event, with_commits
from tests.hostile.test_injection import commands
from tests.hostile.test_secrets import Audit, audited, read_audit
from tests.test_action_e2e import Result, Runner
from tests.test_report_sarif import _validator

MODULES = 2_500
FINDINGS = 2 * MODULES
STEP_SUMMARY_LIMIT = 1024 * 1024  # bytes; GitHub refuses a larger step summary
REVIEW_BODY_LIMIT = 65_536  # characters
PEAK_MEMORY_LIMIT = 300 * 1024 * 1024  # bytes; generous: the run needs about a sixth of it


def backend(index: int) -> str:
    return (
        'terraform {\n  required_version = ">= 1.6.0"\n\n  backend "s3" {\n'
        f'    bucket           = "acme-state-{index:04d}"\n'
        f'    key              = "s{index:04d}/terraform.tfstate"\n'
        '    region           = "us-east-1"\n    force_path_style = true\n  }\n}\n'
    )


def added(path: str, text: str, *, repository: str, head: str) -> dict[str, object]:
    """The files endpoint's entry for a file the PR adds (what `GitRepo.files` reads from git,
    which would take a process per file here)."""
    lines = text.splitlines()
    blob = hashlib.sha1(f"blob {len(text)}\0{text}".encode()).hexdigest()
    return {
        "sha": blob,
        "filename": path,
        "status": "added",
        "additions": len(lines),
        "deletions": 0,
        "changes": len(lines),
        "blob_url": f"https://github.com/{repository}/blob/{head}/{path}",
        "raw_url": f"https://github.com/{repository}/raw/{head}/{path}",
        "contents_url": f"https://api.github.com/repos/{repository}/contents/{path}?ref={head}",
        "patch": f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join(f"+{line}" for line in lines),
    }


@dataclass
class Large:
    emulator: Emulator
    workspace: Path
    result: Result
    audit: Audit


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Large]:
    tmp = tmp_path_factory.mktemp("volume")
    workspace = tmp / "workspace"
    base, head = (hashlib.sha1(name.encode()).hexdigest() for name in ("base", "head"))
    opened = with_commits(event("pull_request.opened"), base_sha=base, head_sha=head)
    repository = opened["repository"]["full_name"]
    files = []
    for index in range(MODULES):
        path = f"stacks/s{index:04d}/backend.tf"
        (workspace / path).parent.mkdir(parents=True)
        (workspace / path).write_text(backend(index), encoding="utf-8")
        files.append(added(path, backend(index), repository=repository, head=head))
    with Emulator(opened["repository"]) as emulator:
        emulator.add_pull(
            2, base_sha=base, head_sha=head, files=files, payload=opened["pull_request"]
        )
        runner, report = audited(Runner(tmp, workspace, emulator))
        result = runner.run(opened, "pull_request", **{"sarif-file": "backend-guard.sarif"})
        yield Large(emulator, workspace, result, read_audit(report))
        assert emulator.violations == []


def test_the_verdict_and_outputs_count_every_finding(large: Large) -> None:
    assert large.result.code == 1, large.result.stderr
    assert large.result.outputs["findings"] == str(FINDINGS)
    assert large.result.outputs["errors"] == large.result.outputs["warnings"] == str(MODULES)


def test_peak_memory_stays_bounded(large: Large) -> None:
    assert 0 < large.audit.peak_bytes < PEAK_MEMORY_LIMIT


def test_every_finding_is_annotated_errors_first(large: Large) -> None:
    found = commands(large.result.stdout, WRITE_TOKEN)
    kinds = [kind for kind, _, _ in found]
    assert kinds == ["error"] * MODULES + ["warning"] * MODULES
    files = [properties["file"] for _, properties, _ in found]
    assert files[:MODULES] == sorted(files[:MODULES])  # the scan's order, kept within a severity
    assert large.result.summary.count(f"GitHub shows only the first {SHOWN_PER_STEP}") == 2


def test_inline_comments_are_capped_and_the_rest_listed_in_the_review_body(large: Large) -> None:
    comments = large.emulator.comments(2)
    assert len(comments) == MAX_INLINE_COMMENTS
    assert [c["path"] for c in comments] == [
        f"stacks/s{i:04d}/backend.tf" for i in range(MAX_INLINE_COMMENTS)
    ]
    [review] = large.emulator.reviews(2)
    body = review["body"]
    assert len(body) <= REVIEW_BODY_LIMIT
    below = FINDINGS - MAX_INLINE_COMMENTS  # the warnings have no fix to share: one place each
    assert f"{MAX_INLINE_COMMENTS} with an inline comment; {below} below ({below} findings)" in body
    listed = len(re.findall(r"^#### `stacks/s\d{4}/backend\.tf:4`$", body, re.MULTILINE))
    left_out = re.search(r"^(\d+) more not shown here \(size limit\)", body, re.MULTILINE)
    assert left_out is not None and listed > 0
    assert listed + int(left_out[1]) == below


def test_the_job_summary_stays_under_githubs_limit_and_says_what_it_left_out(
    large: Large,
) -> None:
    summary = large.result.summary
    assert len(summary.encode("utf-8")) <= STEP_SUMMARY_LIMIT
    rows = [line for line in summary.splitlines() if re.match(r"\| (error|warning) \|", line)]
    left_out = re.search(r"^(\d+) more findings are not shown here \(size limit\)", summary, re.M)
    assert left_out is not None and rows
    assert len(rows) + int(left_out[1]) == FINDINGS
    assert rows[0].startswith("| error |")  # what is cut is the least important


def test_sarif_is_valid_and_complete(large: Large) -> None:
    log: dict[str, Any] = json.loads(
        (large.workspace / "backend-guard.sarif").read_text(encoding="utf-8")
    )
    _validator().validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == FINDINGS
    assert len({r["partialFingerprints"]["backendGuard/v1"] for r in results}) == FINDINGS
