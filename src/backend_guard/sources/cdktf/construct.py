"""A backend construct as found in a program, with the overrides written into its backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node


@dataclass
class Construct:
    node: Node  # the construct's call (`new S3Backend(...)`), or the override's when alone
    class_name: str
    namespace: str | None  # `cdktf` in `new cdktf.S3Backend(...)`
    props: Node | None  # the config's properties, in the language's own form
    stack: str
    # (call, backend type, argument, value) of each override of the stack's backend
    overrides: list[tuple[Node, str, str, Node]] = field(default_factory=list)
    # The config is computed where the source cannot follow it (a parameter, a spread, `**kwargs`):
    # which arguments it holds is unknown.
    opaque: bool = False
