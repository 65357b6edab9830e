"""Find the files a scan must look at, cheaply.

Walks the given paths without following symlinks out of the scanned root, skips tool caches and
excluded globs, and sorts what it finds into configuration files (grouped by directory, i.e. by
module), CDKTF program files and the repository files that supply backend settings (`*.tfbackend`,
workflows, Makefiles, scripts). A byte-level pre-filter marks the few configuration files that can
hold anything a rule needs, so only those are decoded and parsed.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from backend_guard import languages
from backend_guard.filekinds import FileKind, base_name, kind_of

SKIPPED_DIRS = frozenset({".terraform", ".terragrunt-cache", ".git", "node_modules", ".gen"})


# What makes a configuration file worth parsing: a terraform block, a call of a local module
# (which makes the callee a child module), or a resource that creates state storage. Three
# searches that each start with a literal cost a third of one alternation of them all. Built on
# first use: the storage resource names come from the package's data.
@functools.cache
def _prefilters() -> tuple[re.Pattern[bytes], ...]:
    from backend_guard.storage import STORAGE_NAME_ATTRIBUTE

    names = "|".join(re.escape(n) for n in STORAGE_NAME_ATTRIBUTE)
    return (
        re.compile(rb'terraform"?\s*[{:]'),
        re.compile(rb'source"?\s*[=:]\s*"\.\.?/'),
        re.compile(rb'"(?:' + names.encode() + rb')"'),
    )


# A CDKTF program worth parsing names the package (`HashiCorp.Cdktf` in C#) and a backend
# class, an override (`AddOverride` in Go and C#) or a provider class that creates storage.
_PROGRAM_PREFILTER = re.compile(
    rb"Backend\b|[Aa]dd_?[Oo]verride|(?:S3|Storage|Cos|Oss|Objectstorage)Bucket\b"
    rb"|(?:Dynamodb|Ots)Table\b|Storage(?:Account|Container)\b"
)


# Go bindings that `cdktf get` generates for providers and modules call jsii's runtime package
# directly, which a stack never does; they are big, many, and hold `AddOverride` methods.
_GENERATED_GO = b'"github.com/aws/jsii-runtime-go/runtime"'


def program_worth_parsing(data: bytes) -> bool:
    return (
        (b"cdktf" in data or b"Cdktf" in data)
        # literal searches first: they are fast
        and (
            b"Backend" in data
            or b"verride" in data
            or b"Bucket" in data
            or b"Table" in data
            or b"Storage" in data
        )
        and _GENERATED_GO not in data
        and _PROGRAM_PREFILTER.search(data) is not None
    )


def worth_parsing(data: bytes) -> bool:
    """Whether a configuration file's bytes can hold anything a rule reads."""
    return any(pattern.search(data) for pattern in _prefilters())


_SCRIPT_SUFFIXES = (".sh", ".bash", ".mk", ".ps1")
_SCRIPT_NAMES = frozenset(
    {
        "Makefile",
        "makefile",
        "GNUmakefile",
        "justfile",
        "Justfile",
        "Jenkinsfile",
        "Taskfile.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        "bitbucket-pipelines.yml",
        "buildspec.yml",
        "cloudbuild.yaml",
        "atlantis.yaml",
    }
)
# CI definitions that live in folders of their own, and composite actions.
_AUTOMATION_DIRS = ("/.github/workflows/", "/.github/actions/", "/.circleci/", "/.gitlab/")
# Extensionless scripts in these folders are read as scripts.
_SCRIPT_DIRS = frozenset({"bin", "scripts", "script", "tools", "ci"})
_CDKTF_SKIPPED_DIRS = frozenset({"cdktf.out", "imports", ".gen", "node_modules", "__pycache__"})
# Vendored and build-output folders of Go, Java and C#, and `cdktf get`'s Go output, whose every
# resource has an `AddOverride` (below the scanned root, which may itself be one): no program of
# the project's own there.
_COMPILED_SKIPPED_DIRS = frozenset({"vendor", "bin", "obj", "target", "build", "generated"})


class PathProblem(NamedTuple):
    """A path given or found that could not be walked or read."""

    path: str
    message: str


@dataclass(slots=True)
class ConfigFile:
    path: str  # as the user would type it
    kind: FileKind
    module_dir: str
    synthesized: bool = False  # cdktf.out/stacks/<stack>/cdk.tf.json


@dataclass(slots=True)
class Discovery:
    config_files: list[ConfigFile] = field(default_factory=list)
    setting_files: list[str] = field(default_factory=list)  # *.tfbackend, backend.hcl
    automation_files: list[str] = field(default_factory=list)  # workflows, Makefiles, scripts
    cdktf_apps: list[str] = field(default_factory=list)  # directories holding cdktf.json
    program_files: list[str] = field(default_factory=list)  # .ts/.py/... that may be CDKTF code
    problems: list[PathProblem] = field(default_factory=list)
    opentofu_dirs: set[str] = field(default_factory=set)  # modules read with OpenTofu's rules

    @property
    def module_dirs(self) -> list[str]:
        return sorted({file.module_dir for file in self.config_files})


def display_path(path: str) -> str:
    """A path as the user would type it: relative to the current directory when under it."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:
        return absolute
    if relative.startswith(".." + os.sep) or relative == "..":
        return absolute
    return relative.replace(os.sep, "/")


def discover(
    paths: Sequence[str], *, excludes: Sequence[str] = (), opentofu: bool | None = None
) -> Discovery:
    """Walk `paths`; `opentofu` decides `.tofu` handling (None: decide per directory)."""
    discovery = Discovery()
    seen: set[str] = set()
    for root in paths:
        if os.path.isfile(root):
            _add_file(discovery, display_path(root), os.path.basename(root), seen)
            continue
        if not os.path.isdir(root):
            exists = os.path.lexists(root)
            message = (
                "is not a regular file or directory" if exists else "no such file or directory"
            )
            discovery.problems.append(PathProblem(display_path(root), message))
            continue
        real_root = os.path.realpath(root)
        shown_root = display_path(root)
        for directory, names in _walk(root, real_root, excludes, discovery):
            shown = _shown_directory(shown_root, directory[len(root) :])
            for name in names:
                _add_file(discovery, f"{shown}{name}", name, seen, directory[len(root) :])
    discovery.config_files = list(
        _apply_precedence(discovery.config_files, opentofu, discovery.opentofu_dirs)
    )
    return discovery


def _shown_directory(shown_root: str, below_root: str) -> str:
    """The display prefix (empty or ending in "/") of a directory `below_root` the scanned root."""
    below = below_root.replace(os.sep, "/").strip("/")
    if shown_root == ".":
        return f"{below}/" if below else ""
    return f"{shown_root.rstrip('/')}/{below}/" if below else f"{shown_root.rstrip('/')}/"


def _excluded(relative: str, excludes: Iterable[str]) -> bool:
    return any(
        fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*")
        for pattern in excludes
    )


def _walk(
    root: str, real_root: str, excludes: Sequence[str], discovery: Discovery
) -> Iterator[tuple[str, list[str]]]:
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            discovery.problems.append(
                PathProblem(display_path(directory), f"cannot be read: {error.strerror}")
            )
            continue
        files: list[str] = []
        subdirs: list[str] = []
        for entry in entries:
            if excludes and _excluded(
                os.path.relpath(entry.path, root).replace(os.sep, "/"), excludes
            ):
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if target != real_root and not target.startswith(real_root + os.sep):
                        continue  # never follow a link out of the scanned root
                    if ".git" in target[len(real_root) :].split(os.sep):
                        continue  # nor into a git folder (a checkout may keep a token there)
                    if not os.path.exists(entry.path) and kind_of(entry.name) is not None:
                        # `terraform init` fails to read it: say so rather than skip it
                        discovery.problems.append(
                            PathProblem(
                                display_path(entry.path), "is a symbolic link that leads nowhere"
                            )
                        )
                        continue
                    if entry.is_dir():
                        continue  # links to directories inside the root: already walked there
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED_DIRS:
                        subdirs.append(entry.path)
                elif entry.is_file():
                    files.append(entry.name)
                elif kind_of(entry.name) is not None:
                    # `terraform init` would wait on a FIFO forever: say why it was not read
                    discovery.problems.append(
                        PathProblem(
                            display_path(entry.path),
                            "is not a regular file (a FIFO, socket or device) and was not read",
                        )
                    )
            except OSError:
                continue
        yield directory, files
        stack.extend(reversed(subdirs))


def _add_file(
    discovery: Discovery, path: str, name: str, seen: set[str], below_root: str = ""
) -> None:
    if path in seen:
        return
    seen.add(path)
    kind = kind_of(name)
    parent = path.rsplit("/", 1)[0] if "/" in path else "."
    if kind is not None:
        synthesized = name == "cdk.tf.json" and "/cdktf.out/stacks/" in f"/{path}"
        discovery.config_files.append(ConfigFile(path, kind, parent, synthesized=synthesized))
    elif name.endswith(".tfbackend") or (name.endswith(".hcl") and "backend" in name):
        discovery.setting_files.append(path)
    elif name == "cdktf.json":
        discovery.cdktf_apps.append(parent)
    elif (
        name in _SCRIPT_NAMES
        or name.endswith(_SCRIPT_SUFFIXES)
        or (
            name.endswith((".yml", ".yaml"))
            and any(folder in f"/{path}" for folder in _AUTOMATION_DIRS)
        )
        or ("." not in name and parent.rsplit("/", 1)[-1] in _SCRIPT_DIRS)
    ):
        discovery.automation_files.append(path)
    elif (
        name.endswith(languages.PROGRAM_SUFFIXES)
        and not name.endswith(".d.ts")
        and not _CDKTF_SKIPPED_DIRS.intersection(path.split("/"))
        and not (
            name.endswith(languages.COMPILED_SUFFIXES)
            and _COMPILED_SKIPPED_DIRS.intersection(below_root.split(os.sep))
        )
    ):
        discovery.program_files.append(path)


def _apply_precedence(
    files: list[ConfigFile], opentofu: bool | None, opentofu_dirs: set[str]
) -> Iterator[ConfigFile]:
    """OpenTofu loads `.tofu` files and lets `x.tofu` hide `x.tf` (`.tofu.json` hides `.tf.json`);
    Terraform ignores `.tofu` files altogether."""
    by_dir: dict[str, list[ConfigFile]] = {}
    for file in files:
        by_dir.setdefault(file.module_dir, []).append(file)
    for directory, directory_files in by_dir.items():
        has_tofu = any(f.kind in (FileKind.TOFU_HCL, FileKind.TOFU_JSON) for f in directory_files)
        tofu = has_tofu if opentofu is None else opentofu
        if tofu:
            opentofu_dirs.add(directory)
        else:
            yield from (f for f in directory_files if f.kind in (FileKind.HCL, FileKind.JSON))
            continue
        hidden = {
            (base_name(f.path), FileKind.HCL if f.kind is FileKind.TOFU_HCL else FileKind.JSON)
            for f in directory_files
            if f.kind in (FileKind.TOFU_HCL, FileKind.TOFU_JSON)
        }
        yield from (f for f in directory_files if (base_name(f.path), f.kind) not in hidden)
