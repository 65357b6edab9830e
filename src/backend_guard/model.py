"""The one model in the middle: what a root module or CDKTF stack declares as its state backend.

Sources (`backend_guard.sources.*`) turn files into these facts; rules (`backend_guard.rules.*`)
read only these facts and yield `Finding`s; fixes are `Edit` lists that the CLI applies and the
GitHub reviewer renders as suggestions. Nothing here knows HCL, JSON or program syntax.

Lines and columns are 1-based; columns count characters (not bytes); an end column is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from backend_guard.choices import Engine, Severity
from backend_guard.languages import Syntax


class BackendKind(StrEnum):
    BACKEND = "backend"  # terraform { backend "<type>" { ... } }
    CLOUD = "cloud"  # terraform { cloud { ... } }


@dataclass(frozen=True, slots=True)
class Span:
    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def contains_line(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line

    def start(self) -> Span:
        """The point where this span starts."""
        return Span(
            self.path, self.start_line, self.start_column, self.start_line, self.start_column
        )


class ValueKind(StrEnum):
    LITERAL = "literal"  # a constant the engine sees as written
    EXPRESSION = (
        "expression"  # an expression the engine itself must evaluate (HCL references, calls)
    )
    PROGRAM = "program"  # computed by a CDKTF program at synth time; `literal` holds what is known


@dataclass(frozen=True, slots=True)
class Value:
    """An attribute value: a literal, or an expression with what is known about it."""

    kind: ValueKind
    text: str  # the source text, as written
    literal: object = None  # the Python value when known (str, int, float, bool, list, dict)
    references: tuple[str, ...] = ()  # e.g. ("var.env", "local.prefix", "path.module")
    functions: tuple[str, ...] = ()  # function names called, e.g. ("lower",)
    uninterpolated_template: bool = False  # a "${...}" the engine will take literally (JSON)
    known: str | None = None  # what was resolved statically, e.g. "defaults to 'my-bucket'"
    # OpenTofu's early evaluation: the variables this value needs that nothing sets, and the
    # definitions files that set them but that init reads only when `-var-file` names them.
    unset: tuple[str, ...] = ()
    unset_set_in: tuple[str, ...] = ()
    # CDKTF: the environment variables a program reads the value from, when their absence at
    # synth leaves it unset or empty (`process.env.BUCKET!`, `os.getenv("BUCKET")`).
    environment: tuple[str, ...] = ()

    @property
    def is_known(self) -> bool:
        if self.kind is ValueKind.EXPRESSION:
            return self.known is not None  # evaluated early, as OpenTofu does
        return self.kind is ValueKind.LITERAL or self.literal is not None


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    value: Value
    span: Span  # the whole `name = value` (or nested block)
    written_as_block: bool = False  # `endpoints { ... }` where the engine wants `endpoints = {...}`


class Origin(StrEnum):
    WRITTEN = "written"  # an ordinary configuration file
    OVERRIDE_FILE = "override-file"  # override.tf / *_override.tf(.json)
    SYNTHESIZED = "synthesized"  # cdktf.out/stacks/*/cdk.tf.json
    PROGRAM = "program"  # a CDKTF construct in program code
    ESCAPE_HATCH = "escape-hatch"  # addOverride('terraform.backend.<type>...') in program code


@dataclass(frozen=True, slots=True)
class BackendConfig:
    """One `backend "<type>"` or `cloud` declaration, with the exact span of every part."""

    kind: BackendKind
    type: str  # "s3", "local", ...; "cloud" for a cloud block
    attributes: tuple[Attribute, ...]
    span: Span  # the whole block (or construct / JSON member)
    header_span: Span  # where a reader's eye goes: `backend "s3" {`, `new S3Backend(`
    module_dir: str
    syntax: Syntax
    origin: Origin = Origin.WRITTEN
    enclosing_span: Span | None = None  # the `terraform { }` block (HCL) or JSON object holding it
    stack: str | None = None  # CDKTF stack class or construct id
    # CDKTF: arguments added by `addOverride('terraform.backend.<type>.<arg>', ...)`, each spanning
    # its call (they are in `attributes` too, as synth merges them), and the program bindings that
    # exist only to feed this backend (`const stateBucket = ...`), each spanning its declaration.
    overrides: tuple[Attribute, ...] = ()
    dedicated_bindings: tuple[Attribute, ...] = ()
    # CDKTF: the branches the construct sits in, as (branching statement, arm) offsets; two
    # constructs in different arms of one `if`/`switch`/`?:` never both run.
    branches: tuple[tuple[int, int], ...] = ()
    # CDKTF: the construct's config is computed (a parameter, a spread): an argument not among
    # `attributes` may still be given.
    arguments_unknown: bool = False
    # CDKTF: the condition (as a message words it) that keeps the construct from running when
    # the environment variables it reads are unset, and those variables; None when it runs.
    off_by_default: tuple[str, tuple[str, ...]] | None = None

    def exclusive_with(self, other: BackendConfig) -> bool:
        """Whether at most one of the two runs: they sit in different arms of one branch."""
        arms = dict(self.branches)
        return any(arms.get(at, arm) != arm for at, arm in other.branches)

    @property
    def path(self) -> str:
        return self.span.path

    @property
    def identity(self) -> tuple[str, Span]:
        """What tells backends of one scan apart: their module (each CDKTF stack is one) and the
        place they are declared."""
        return self.module_dir, self.span

    def attribute(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None

    @property
    def label(self) -> str:
        return "cloud block" if self.kind is BackendKind.CLOUD else f'backend "{self.type}"'


@dataclass(frozen=True, slots=True)
class VersionConstraint:
    text: str  # as written, e.g. ">= 1.5.0, < 2.0.0"
    span: Span


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A file (or part of one) that could not be read or parsed."""

    span: Span
    message: str
    # A bound of backend-guard's own (size, nesting, count) stopped reading, not a fault the
    # engine would see.
    limit: bool = False


@dataclass(slots=True)
class Module:
    """A directory of configuration files, or a CDKTF stack."""

    dir: str
    files: list[str] = field(default_factory=list)
    backends: list[BackendConfig] = field(default_factory=list)
    required_versions: list[VersionConstraint] = field(default_factory=list)
    called_from: list[str] = field(default_factory=list)  # dirs of modules whose `source` is this
    engine: Engine = Engine.TERRAFORM
    is_cdktf: bool = False
    # Synthesized output (`cdktf.out/stacks/*/cdk.tf.json`) whose backend the app's program no
    # longer makes: stale until `cdktf synth` runs again.
    stale_backends: list[BackendConfig] = field(default_factory=list)
    # Other modules whose backend is this module's: the same file, linked into each.
    shares_backend_with: list[str] = field(default_factory=list)

    @property
    def is_root(self) -> bool:
        return not self.called_from


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two positions of one file (end exclusive)."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str
    # Rewrites a program's imports: when two fixes of one file both rewrite the same import,
    # one is enough, as the names the other would drop are dropped after all fixes are applied.
    imports: bool = False


@dataclass(frozen=True, slots=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]
    # Lines the fix cannot change that must change with it: CI lines that still pass
    # `-backend-config` to a module the fix makes local, where the flag serves other modules too
    # or is computed.
    left: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # stable ID, e.g. "BG101"
    name: str  # readable name, e.g. "partial-backend-config"
    severity: Severity
    span: Span
    message: str
    fix: Fix | None = None
    # The finding's logical place, free of line numbers: module, backend, rule.
    key: str = ""
    # The backend the finding is about, when it is about a whole backend block.
    backend: BackendConfig | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> str:
        return self.span.path


@dataclass(frozen=True, slots=True)
class StorageResource:
    """A resource in the repository that creates state storage: a bucket, table, container, ..."""

    resource_type: str  # e.g. "aws_s3_bucket"
    name: Value  # the storage's name as written (bucket, table name, ...)
    span: Span
    module_dir: str


@dataclass(slots=True)
class FileFacts:
    """Everything one source learned from one file."""

    path: str
    backends: list[BackendConfig] = field(default_factory=list)
    required_versions: list[VersionConstraint] = field(default_factory=list)
    module_sources: list[str] = field(default_factory=list)  # `source` of module calls, as written
    storage: list[StorageResource] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
