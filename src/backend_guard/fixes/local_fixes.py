"""The local-backend fix of each backend in one scan, settled once: its edits and its wording.

Several rules flag one backend and each offers its fix; the fix is made once per backend. A file
that was not read whole (a bound cut it, a part did not parse) is never rewritten: the fix would
change what was checked and leave the rest as it was. A backend that is already local is never
rewritten either: a new path would orphan the state kept at the old one (a CDKTF program's local
backend keeps its fix, which removes the overrides that would add a second backend).

A local backend refuses the settings that automation passes at init time, so the fix also drops
the `-backend-config` flags that reach only this module; those it cannot drop (they serve other
modules too, or stand in `TF_CLI_ARGS_init`) are the lines it leaves to change by hand.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping

from backend_guard import backends
from backend_guard.fixes import local_backend_fix
from backend_guard.fixes.init_flags import drop_flags
from backend_guard.model import BackendConfig, BackendKind, Edit, Engine, Fix, Span, Syntax
from backend_guard.module_context import ModuleContext

_SHOWN = 3


class LocalFixes:
    def __init__(
        self,
        texts: MutableMapping[str, str],
        contexts: Mapping[str, ModuleContext],
        partly_read: Collection[str],
        automation_texts: Mapping[str, str],
    ) -> None:
        # The scan's texts: an automation file a fix edits joins them, as `fix` writes only
        # files whose text the scan holds.
        self._texts = texts
        self._contexts = contexts  # by module directory
        self._partly_read = partly_read
        self._automation_texts = automation_texts
        self._made: dict[tuple[str, Span], Fix | None] = {}  # by backend identity

    def __call__(self, backend: BackendConfig) -> Fix | None:
        if backend.identity not in self._made:
            self._made[backend.identity] = self._make(backend)
        return self._made[backend.identity]

    def _make(self, backend: BackendConfig) -> Fix | None:
        text = self._texts.get(backend.path)
        if text is None or backend.path in self._partly_read:
            return None
        if backend.type == "local" and backend.syntax in (Syntax.HCL, Syntax.JSON):
            return None
        context = self._contexts.get(backend.module_dir) or ModuleContext()
        fix = local_backend_fix(
            backend, text, context.engine, partial=_partial(backend, context.engine)
        )
        if fix is None or not (context.removable_flags or context.fixed_flags):
            return fix
        edits = self._flag_edits(context.removable_flags)
        description = fix.description
        if edits:
            description += (
                f"; drop the -backend-config settings at {_places(context.removable_flags)}, "
                "which a local backend does not accept"
            )
        if context.fixed_flags:
            passes = (
                "pass"
                if len({(s.path, s.start_line) for s in context.fixed_flags}) > 1
                else "passes"
            )
            description += (
                f"; then change by hand {_places(context.fixed_flags)}, which still {passes} it "
                "-backend-config settings a local backend does not accept"
            )
        left = tuple(dict.fromkeys(span.start() for span in context.fixed_flags))
        return Fix(description, (*fix.edits, *edits), left)

    def _flag_edits(self, spans: list[Span]) -> list[Edit]:
        edits: list[Edit] = []
        for path in dict.fromkeys(span.path for span in spans):
            text = self._automation_texts.get(path)
            if text is None:
                continue
            self._texts.setdefault(path, text)
            edits.extend(drop_flags(text, [s for s in spans if s.path == path]))
        return edits


def _places(spans: list[Span]) -> str:
    lines = list(dict.fromkeys(f"{span.path}:{span.start_line}" for span in spans))
    more = f" and {len(lines) - _SHOWN} more" if len(lines) > _SHOWN else ""
    return ", ".join(lines[:_SHOWN]) + more


def _partial(backend: BackendConfig, engine: Engine) -> bool:
    """Whether the block leaves required settings to init time (`-backend-config`)."""
    if backend.kind is BackendKind.CLOUD or backend.type == "remote":
        return False
    known = backends.lookup(engine.value, backend.type)
    if known is None:
        return not backend.attributes
    present = {a.name for a in backend.attributes}
    return any(a.required and n not in present for n, a in known.arguments.items()) or any(
        not present.intersection(group) for group in known.required_groups
    )
