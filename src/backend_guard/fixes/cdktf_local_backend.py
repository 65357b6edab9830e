"""The local-backend fix of a CDKTF stack, planned once for every language a fix is offered in.

The backend construct becomes a `LocalBackend` with a path per environment when such a binding is
in scope; the stack's backend overrides go, and so do the bindings that only fed the old backend;
the `cdktf` import gains `LocalBackend` and loses the names only the replaced construct used.
Every other byte stays. What is written in the language's own words — the new construct, the
import lists — is its `ProgramFix` subclass's: `fixes/cdktf_typescript.py`, `fixes/cdktf_python.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import ClassVar

from tree_sitter import Node

from backend_guard.fixes.cdktf_edits import Edits, indent_at, used_only_by
from backend_guard.model import BackendConfig, Fix
from backend_guard.sources.cdktf.cdktf_api import LOCAL, environment_binding
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.program import Program

Drop = Callable[[str], bool]  # whether an imported name, as the file calls it, goes


class ProgramFix(ABC):
    """The local-backend fix and the import tidying of one language's programs."""

    PROGRAM: ClassVar[type[Program]]

    # -- what each language writes in its own way ---------------------------------------------

    @abstractmethod
    def construct_text(self, program: Program, construct: Construct, local: str) -> str:
        """The `LocalBackend` construct that replaces `construct` (`local`: its class as the file
        names it)."""

    @abstractmethod
    def import_statements(self, program: Program, *, only_cdktf: bool) -> list[Node]:
        """The `cdktf` imports that name what they import (all such imports unless
        `only_cdktf`)."""

    @abstractmethod
    def imported(self, program: Program, statement: Node) -> list[tuple[str, Node]]:
        """(local name, the name as written) of each name an import statement imports."""

    @abstractmethod
    def replace_names(
        self, program: Program, edits: Edits, statement: Node, keep: list[str]
    ) -> None:
        """Rewrite the import statement's list of names to `keep`."""

    @abstractmethod
    def uses(self, program: Program) -> Iterator[tuple[str, Node]]:
        """Every name the program uses, apart from the imports' own, with its node."""

    def blocks(self, program: Program, construct: Construct) -> bool:
        """Whether no fix may be made: a `LocalBackend` in the construct's place would not
        compile."""
        return False

    def goes_when_empty(self, program: Program, statement: Node) -> bool:
        """Whether an import statement whose names all went goes itself."""
        return True

    # -- the plan -----------------------------------------------------------------------------

    def local_backend_fix(self, backend: BackendConfig, text: str) -> Fix | None:
        """The edits that give `backend`'s stack a local backend, or None where none applies."""
        program = self.PROGRAM(backend.path, text)
        construct = next(
            (c for c in program.constructs() if program.span(c.node) == backend.span), None
        )
        replaced = construct is not None and construct.class_name not in ("", LOCAL)
        if construct is None or self.blocks(program, construct):
            return None
        if not replaced and not construct.overrides:
            return None
        edits = Edits(program)
        local = _local_class(program, construct)
        if replaced:
            edits.replace(construct.node, self.construct_text(program, construct, local))
        for call, *_ in construct.overrides:
            edits.remove_statement(call, comment_above=True)
        bindings = program.dedicated_bindings(construct)
        for _, declaration, _ in bindings:
            edits.remove_statement(declaration)
        if replaced and construct.namespace is None:
            add = local == LOCAL and LOCAL not in program.classes
            uses = list(self.uses(program))
            self.rewrite_imports(
                program, edits, lambda name: used_only_by(uses, name, construct.node), add=add
            )
        return Fix(
            description=_description(construct, [name for name, _, _ in bindings]),
            edits=edits.result(backend.path),
        )

    def path_text(self, program: Program, construct: Construct, quote: str) -> str:
        """The state file's path: one per environment when a binding in scope names it."""
        environment = environment_binding(program.names_in_scope(construct.node))
        if environment is None:
            return f"{quote}terraform.tfstate{quote}"
        return self.environment_path(environment, quote)

    @abstractmethod
    def environment_path(self, environment: str, quote: str) -> str:
        """`terraform.<environment>.tfstate`, written as the language interpolates."""

    # -- imports ------------------------------------------------------------------------------

    def rewrite_imports(
        self,
        program: Program,
        edits: Edits,
        drop: Drop,
        *,
        add: bool,
        only_cdktf: bool = True,
    ) -> None:
        """Rewrite the imports without the names `drop` picks, and with `LocalBackend` in the
        first of them when `add`; an import left empty goes."""
        for index, statement in enumerate(self.import_statements(program, only_cdktf=only_cdktf)):
            keep = [
                program.node_text(written)
                for local, written in self.imported(program, statement)
                if not drop(local)
            ]
            if index == 0 and add:
                keep = _with_local(keep)
            if keep:
                self.replace_names(program, edits, statement, keep)
            elif self.goes_when_empty(program, statement):
                edits.remove_statement(statement, imports=True)

    def tidy(self, before: str, after: str, path: str) -> str:
        """`after` without the imported names that `before` used and `after` no longer does: the
        backend class when each of a file's stacks had its own construct (no single fix may drop
        it), and names that only fed the replaced constructs (`import { STATE_BUCKET } from
        './settings'`)."""
        used_before = {name for name, _ in self.uses(self.PROGRAM(path, before))}
        fixed = self.PROGRAM(path, after)
        used_after = {name for name, _ in self.uses(fixed)}
        edits = Edits(fixed)
        self.rewrite_imports(
            fixed,
            edits,
            lambda name: name in used_before and name not in used_after,
            add=False,
            only_cdktf=False,
        )
        from backend_guard.apply import apply_edits  # `fix` only: not imported by `check`

        return apply_edits(after, edits.result(path))


def multiline_layout(program: Program, container: Node, first: Node | None) -> tuple[str, ...]:
    """(indent of the items, indent of the closing bracket, a trailing comma or nothing, the
    newline) of a bracketed list written one item per line, `first` its first item."""
    text = program.text
    inner = indent_at(text, program.offset(first.start_byte)) if first is not None else "  "
    closing = indent_at(text, program.offset(container.end_byte) - 1)
    trailing = "," if program.node_text(container)[:-1].rstrip().endswith(",") else ""
    return inner, closing, trailing, "\r\n" if "\r\n" in text else "\n"


def _local_class(program: Program, construct: Construct) -> str:
    if construct.namespace:
        return f"{construct.namespace}.{LOCAL}"
    return next((name for name, cls in program.classes.items() if cls == LOCAL), LOCAL)


def _with_local(keep: list[str]) -> list[str]:
    """The names kept, and `LocalBackend`: in order when they were in order."""
    in_order = [k.lower() for k in keep] == sorted(k.lower() for k in keep)
    return sorted([*keep, LOCAL], key=str.lower) if in_order else [*keep, LOCAL]


def _description(construct: Construct, removed: list[str]) -> str:
    if construct.class_name in ("", LOCAL):
        return "remove the backend override, which would add a second backend"
    overrides = ", drops the backend override" if construct.overrides else ""
    names = f", removes {', '.join(removed)}" if removed else ""
    return f"use {LOCAL} instead of {construct.class_name}{overrides}{names}"
