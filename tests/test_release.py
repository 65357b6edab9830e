"""The release: scripts/release_action.py switches action.yml to the pushed image, and the
release workflow runs it once the image is pushed, with the name it pushed it under.

The script runs as the workflow runs it, in a fresh process from the root of a copy of the
repository's files; the switched action.yml is checked against SchemaStore's schema.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_action_files import ROOT, check_schema

SCRIPT = ROOT / "scripts" / "release_action.py"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
IMAGE = "ghcr.io/acme/backend-guard"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("action.yml", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def _release(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_main_builds_the_dockerfile() -> None:
    assert yaml.safe_load((ROOT / "action.yml").read_text())["runs"] == {
        "using": "docker",
        "image": "Dockerfile",
    }


def test_a_release_names_the_pushed_image_and_changes_nothing_else(repo: Path) -> None:
    before = (repo / "action.yml").read_text(encoding="utf-8")
    done = _release(repo, VERSION, IMAGE)
    assert (done.returncode, done.stderr) == (0, "")
    after = (repo / "action.yml").read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [("  image: Dockerfile", f"  image: docker://{IMAGE}:{VERSION}")]
    assert yaml.safe_load(after)["runs"]["image"] == f"docker://{IMAGE}:{VERSION}"
    check_schema("vendor.github-actions", repo / "action.yml")


def test_check_changes_nothing(repo: Path) -> None:
    before = (repo / "action.yml").read_bytes()
    assert _release(repo, "--check", VERSION).returncode == 0
    assert (repo / "action.yml").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("9.9.9", IMAGE), f"the tag says 9.9.9 but pyproject.toml says {VERSION}"),
        ((f"v{VERSION}", IMAGE), f"'v{VERSION}' is not a version X.Y.Z"),
        (("--check", "1.2"), "'1.2' is not a version X.Y.Z"),
        ((VERSION, "GHCR.io/Acme"), "'GHCR.io/Acme' is not an image name"),
        ((VERSION, f"{IMAGE}:latest"), f"'{IMAGE}:latest' is not an image name"),
    ],
)
def test_a_mismatch_changes_nothing(repo: Path, args: tuple[str, ...], message: str) -> None:
    before = (repo / "action.yml").read_bytes()
    done = _release(repo, *args)
    assert done.returncode == 2
    assert done.stderr.startswith(f"release_action: {message}")
    assert (repo / "action.yml").read_bytes() == before


def test_a_released_action_yml_is_not_switched_twice(repo: Path) -> None:
    assert _release(repo, VERSION, IMAGE).returncode == 0
    done = _release(repo, VERSION, IMAGE)
    assert done.returncode == 2
    assert "action.yml has no line 'image: Dockerfile' to switch" in done.stderr


def _workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    return loaded


def _step(job: dict[str, Any], uses: str) -> dict[str, Any]:
    [step] = [s for s in job["steps"] if s.get("uses", "").startswith(f"{uses}@")]
    return step


def test_the_release_workflow_pushes_then_switches() -> None:
    workflow = _workflow("release.yml")
    assert workflow[True] == {"push": {"tags": ["v*.*.*"]}}  # PyYAML reads `on` as True
    assert workflow["env"]["IMAGE"] == "ghcr.io/${{ github.repository_owner }}/backend-guard"
    jobs = workflow["jobs"]
    assert any(
        "scripts/release_action.py --check" in s.get("run", "") for s in jobs["test"]["steps"]
    )
    tags = _step(jobs["image"], "docker/metadata-action")["with"]["tags"].split()
    assert tags == [
        "type=semver,pattern={{version}}",
        "type=semver,pattern={{major}}.{{minor}}",
        "type=semver,pattern={{major}}",
    ]
    build = _step(jobs["image"], "docker/build-push-action")["with"]
    assert build["platforms"] == "linux/amd64,linux/arm64"
    assert build["push"] is True and build["sbom"] is True and build["provenance"] == "mode=max"
    assert jobs["pypi"]["permissions"]["id-token"] == "write"
    assert "password" not in _step(jobs["pypi"], "pypa/gh-action-pypi-publish").get("with", {})
    switch = jobs["action"]
    assert set(switch["needs"]) == {"image", "pypi"}
    [script] = [s["run"] for s in switch["steps"] if "release_action.py" in s.get("run", "")]
    assert 'python scripts/release_action.py "$version" "$IMAGE"' in script
    assert 'git push --force origin "v$version" "v${version%%.*}"' in script
