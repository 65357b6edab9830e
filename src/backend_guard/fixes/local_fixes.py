"""The local-backend fix of each backend in one scan, settled once: its edits and its wording.

Several rules flag one backend and each offers its fix; the fix is made once per backend. A file
that was not read whole (a bound cut it, a part did not parse) is never rewritten: the fix would
change what was checked and leave the rest as it was.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from backend_guard.context import RepoContext
from backend_guard.fixes import local_backend_fix
from backend_guard.model import BackendConfig, Engine, Fix, Span

_SHOWN_FLAGS = 3
_SETTING_FILES = (".tfbackend", ".hcl", ".json")


class LocalFixes:
    def __init__(
        self,
        texts: Mapping[str, str],
        engines: Mapping[str, Engine],
        partly_read: Collection[str],
        repo: RepoContext,
    ) -> None:
        self._texts = texts
        self._engines = engines  # by module directory
        self._partly_read = partly_read
        self._repo = repo
        self._made: dict[tuple[str, Span], Fix | None] = {}  # by backend identity

    def __call__(self, backend: BackendConfig) -> Fix | None:
        if backend.identity not in self._made:
            self._made[backend.identity] = self._make(backend)
        return self._made[backend.identity]

    def _make(self, backend: BackendConfig) -> Fix | None:
        text = self._texts.get(backend.path)
        if text is None or backend.path in self._partly_read:
            return None
        engine = self._engines.get(backend.module_dir, Engine.TERRAFORM)
        fix = local_backend_fix(backend, text, engine)
        flags = self._init_flags(backend.type)
        if fix is None or not flags:
            return fix
        # A local backend refuses the remote settings that automation passes at init time.
        places = ", ".join(f"{span.path}:{span.start_line}" for span in flags[:_SHOWN_FLAGS])
        more = f" and {len(flags) - _SHOWN_FLAGS} more" if len(flags) > _SHOWN_FLAGS else ""
        return replace(
            fix,
            description=f"{fix.description}; then drop the -backend-config settings at "
            f"{places}{more}, which a local backend does not accept",
        )

    def _init_flags(self, backend_type: str) -> list[Span]:
        """Where automation passes `-backend-config` flags (not files) for `backend_type`."""
        return sorted(
            {
                supplied.where
                for supplied in self._repo.supplied_for(backend_type)
                if not supplied.where.path.endswith(_SETTING_FILES)
            },
            key=lambda span: (span.path, span.start_line),
        )
