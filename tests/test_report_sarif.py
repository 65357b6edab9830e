"""SARIF 2.1.0: valid against the official schema, complete about rules, stable fingerprints."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from backend_guard import __version__
from backend_guard.config import Settings
from backend_guard.model import Edit, Finding, Fix, Severity, Span
from backend_guard.report.sarif import render
from backend_guard.rules import RULES
from backend_guard.scan import scan

DATA = Path(__file__).parent / "data"
PROJECTS = Path(__file__).parent / "fixtures" / "projects"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _log(findings: list[Finding]) -> dict:
    log = json.loads(render(findings, RULES))
    _validator().validate(log)
    return log


def _finding(path: str, key: str = "", severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        rule="BG101",
        name="partial-backend-config",
        severity=severity,
        span=Span(path, 12, 3, 12, 18),
        message='backend "s3" has no `bucket`, `key` or `region`',
        fix=Fix(
            "use local state",
            (Edit(path, 12, 3, 12, 18, 'backend "local" {\n    path = "terraform.tfstate"\n  }'),),
        ),
        key=key,
    )


def test_every_fixture_project_gives_a_valid_log() -> None:
    result = scan([str(PROJECTS)], Settings())
    log = _log(result.findings)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("backend-guard", __version__)
    assert driver["informationUri"].startswith("https://")
    assert len(run["results"]) == len(result.findings)
    for result_, finding in zip(run["results"], result.findings, strict=True):
        assert result_["ruleId"] == finding.rule
        assert driver["rules"][result_["ruleIndex"]]["id"] == finding.rule
        assert result_["level"] == finding.severity.value
        assert result_["message"]["text"] == finding.message
        location = result_["locations"][0]["physicalLocation"]
        assert unquote(location["artifactLocation"]["uri"]) == finding.path
        span = finding.span
        assert location["region"] == {
            "startLine": span.start_line,
            "startColumn": span.start_column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
        assert ("fixes" in result_) == (finding.fix is not None)


def test_the_driver_documents_every_rule() -> None:
    rules = _log([])["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    for described, rule in zip(rules, RULES, strict=True):
        assert described["name"] == rule.name
        assert described["shortDescription"]["text"] == rule.summary
        assert described["fullDescription"]["text"]
        assert "**" not in described["fullDescription"]["text"]
        assert described["help"]["markdown"] == rule.doc
        assert described["helpUri"] == rule.help_uri
        assert described["defaultConfiguration"]["level"] == rule.severity.value


def test_a_fix_becomes_replacements_per_file() -> None:
    fix = Fix(
        "use local state and drop the override",
        (
            Edit("prod/main.tf", 2, 3, 2, 15, 'backend "local" {}'),
            Edit("prod/override.tf", 1, 1, 5, 2, ""),
            Edit("prod/main.tf", 9, 1, 10, 1, ""),
        ),
    )
    finding = Finding(
        "BG101",
        "partial-backend-config",
        Severity.ERROR,
        Span("prod/main.tf", 2, 3, 2, 15),
        "m",
        fix,
    )
    [result] = _log([finding])["runs"][0]["results"]
    [sarif_fix] = result["fixes"]
    assert sarif_fix["description"]["text"] == fix.description
    changes = {
        c["artifactLocation"]["uri"]: c["replacements"] for c in sarif_fix["artifactChanges"]
    }
    assert list(changes) == ["prod/main.tf", "prod/override.tf"]
    assert changes["prod/main.tf"] == [
        {
            "deletedRegion": {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 15},
            "insertedContent": {"text": 'backend "local" {}'},
        },
        {
            "deletedRegion": {"startLine": 9, "startColumn": 1, "endLine": 10, "endColumn": 1},
            "insertedContent": {"text": ""},
        },
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("infra/provider.tf", "infra/provider.tf"),
        ("./infra/provider.tf", "infra/provider.tf"),
        ("infra\\windows\\main.tf", "infra/windows/main.tf"),
        ("my stacks/prod #1/main.tf", "my%20stacks/prod%20%231/main.tf"),
        ("c:d/100%/a?b.tf", "c%3Ad/100%25/a%3Fb.tf"),
        ("état/main.tf", "%C3%A9tat/main.tf"),
        ("/srv/repo/a b.tf", "file:///srv/repo/a%20b.tf"),
    ],
)
def test_paths_become_uri_references(path: str, uri: str) -> None:
    [result] = _log([_finding(path, key=path)])["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    change = result["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == uri


def test_fingerprints_survive_line_moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(PROJECTS / "seed_partial_s3", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    before = _log(scan(["infra"], Settings()).findings)["runs"][0]["results"]
    provider = tmp_path / "infra" / "provider.tf"
    provider.write_text("# moved down\n\n\n" + provider.read_text(encoding="utf-8"))
    after = _log(scan(["infra"], Settings()).findings)["runs"][0]["results"]

    def line(result: dict) -> int:
        return result["locations"][0]["physicalLocation"]["region"]["startLine"]

    assert [line(r) + 3 for r in before] == [line(r) for r in after]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]


def test_fingerprints_tell_apart_findings_that_share_a_place() -> None:
    result = scan([str(PROJECTS / "removed_argument")], Settings())
    keys = [f.key for f in result.findings]
    assert len(set(keys)) < len(keys), "the fixture has two findings of one rule on one backend"
    prints = [
        r["partialFingerprints"]["backendGuard/v1"]
        for r in _log(result.findings)["runs"][0]["results"]
    ]
    assert len(set(prints)) == len(prints)
    unkeyed = [_finding("a.tf"), _finding("b.tf")]
    prints = [
        r["partialFingerprints"]["backendGuard/v1"] for r in _log(unkeyed)["runs"][0]["results"]
    ]
    assert prints[0] != prints[1]


def test_a_finding_of_an_unknown_rule_has_no_rule_index() -> None:
    finding = Finding("BG999", "future-rule", Severity.NOTE, Span("a.tf", 1, 1, 1, 2), "m")
    [result] = _log([finding])["runs"][0]["results"]
    assert result["ruleId"] == "BG999" and "ruleIndex" not in result
    assert result["level"] == "note"


def test_five_thousand_findings_stay_valid() -> None:
    findings = [
        _finding(
            f"stacks/s{i:04d}/main.tf",
            key=f'stacks/s{i:04d}||backend "s3"|BG101',
            severity=(Severity.ERROR, Severity.WARNING, Severity.NOTE)[i % 3],
        )
        for i in range(5_000)
    ]
    results = _log(findings)["runs"][0]["results"]
    assert len(results) == 5_000
    assert len({r["partialFingerprints"]["backendGuard/v1"] for r in results}) == 5_000
    assert {r["level"] for r in results} == {"error", "warning", "note"}
