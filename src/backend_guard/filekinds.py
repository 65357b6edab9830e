"""What kind of configuration file a path is, by its name alone."""

from __future__ import annotations

from enum import StrEnum


class FileKind(StrEnum):
    HCL = "hcl"  # .tf
    JSON = "json"  # .tf.json
    TOFU_HCL = "tofu-hcl"  # .tofu (OpenTofu only)
    TOFU_JSON = "tofu-json"  # .tofu.json (OpenTofu only)


_SUFFIXES = (
    (".tofu.json", FileKind.TOFU_JSON),
    (".tf.json", FileKind.JSON),
    (".tofu", FileKind.TOFU_HCL),
    (".tf", FileKind.HCL),
)


def kind_of(name: str) -> FileKind | None:
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def base_name(name: str) -> str:
    """The name without its configuration suffix: `main` for `main.tf` and `main.tofu`."""
    for suffix, _ in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_override_file(path: str) -> bool:
    """`override.tf`, `*_override.tf` and their JSON and OpenTofu variants."""
    base = base_name(path.rsplit("/", 1)[-1])
    return base == "override" or base.endswith("_override")
