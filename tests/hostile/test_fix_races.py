"""`fix` checks and writes the same file: races and links, through the real CLI in a fresh process.

Between the moment `fix` has staged every temporary file and its first rename, something else
acts: an editor saves a file, a folder is swapped for a link that leads out of the root. `fix`
re-checks each file (the folder its path leads to, device, inode, size, modification time, bytes)
just before renaming over it; a file that changed or moved is refused and named, the edit stays,
nothing is written outside the root. A link named on the command line never makes its target a
root.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.test_fix_integrity import BACKEND_TF, FIXED, contents, write_project

# Runs `backend-guard fix repo`; just before its first rename, does ACTION to the tree.
RACE = """
import os, shutil, sys
from pathlib import Path
from backend_guard.cli import main

real_replace = os.replace
done = False

def replace(source, destination):
    global done
    if not done:
        done = True
        action, path = sys.argv[1], Path(sys.argv[2])
        if action == "edit":
            with path.open("a") as handle:
                handle.write("# saved by an editor while fix ran\\n")
        elif action == "edit-keeping-size-and-time":
            status = path.stat()
            text = path.read_text()
            path.write_text(text.replace("backend", "BACKEND", 1))
            os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
        elif action == "swap-folder":
            os.rename(path, str(path) + ".moved")
            os.symlink(sys.argv[3], path)
    real_replace(source, destination)

os.replace = replace
sys.exit(main(["fix", "repo"]))
"""


def race(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RACE, *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_project(tmp_path / "repo")


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder out of the root holding the very text of the project's backend file."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "backend.tf").write_text(BACKEND_TF)
    return folder


def untouched(elsewhere: Path) -> bool:
    return (elsewhere / "backend.tf").read_text() == BACKEND_TF and [
        p.name for p in elsewhere.iterdir()
    ] == ["backend.tf"]  # no temporary either


@pytest.mark.parametrize("action", ["edit", "edit-keeping-size-and-time"])
def test_a_file_edited_while_fix_stages_is_refused_and_named(
    repo: Path, tmp_path: Path, action: str
) -> None:
    backend = repo / "infra/backend.tf"
    done = race(tmp_path, action, str(backend))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(
        "backend-guard: repo/app/lib/orders-stack.ts changed or moved while it was being fixed"
    ) or done.stderr.startswith(
        "backend-guard: repo/infra/backend.tf changed or moved while it was being fixed"
    ), done.stderr
    assert "run the fix again" in done.stderr
    edited = backend.read_text()
    assert edited != BACKEND_TF and 'backend "local"' not in edited  # the edit stays, whole


def test_a_folder_swapped_for_a_link_out_of_the_root_is_never_written_through(
    repo: Path, tmp_path: Path, elsewhere: Path
) -> None:
    before = (elsewhere / "backend.tf").stat().st_mtime_ns
    done = race(tmp_path, "swap-folder", str(repo / "infra"), str(elsewhere))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "repo/infra/backend.tf changed or moved while it was being fixed" in done.stderr
    assert untouched(elsewhere) and (elsewhere / "backend.tf").stat().st_mtime_ns == before
    assert (repo / "infra.moved/backend.tf").read_text() == BACKEND_TF


@pytest.mark.parametrize("named", ["link.tf", "linked"])
def test_a_link_named_on_the_command_line_never_leads_the_fix_outside(
    tmp_path: Path, elsewhere: Path, named: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "link.tf").symlink_to(elsewhere / "backend.tf")
    (work / "linked").symlink_to(elsewhere, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-m", "backend_guard", "fix", named],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "leads outside" in done.stderr and "nothing was written" in done.stderr
    assert untouched(elsewhere)


def test_without_a_race_every_file_is_fixed(repo: Path, tmp_path: Path) -> None:
    done = race(tmp_path, "none", str(repo))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [f"fixed repo/{name}" for name in FIXED]
    assert all('backend "local"' in contents(repo)[name].decode() for name in ("infra/backend.tf",))
