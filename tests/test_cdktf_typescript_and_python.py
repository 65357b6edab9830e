"""CDKTF stacks in TypeScript and Python, the languages backend-guard fixes: findings on whole
little projects, their exact fixes, the facts read from single programs, and properties of the
source and the fix on generated programs. One suite over both languages, as
`test_cdktf_other_languages.py` is over Go, Java and C#; a test of what only one language has is
marked for that language.

Each project under `tests/fixtures/cdktf/<name>/` with a remote backend has its fixed program in
`<name>.expected/`, written by hand: the fix must produce exactly that file, byte for byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest
import tree_sitter_python
import tree_sitter_typescript
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Language, Parser

from backend_guard.apply import apply_edits, plan, write
from backend_guard.cli import main
from backend_guard.fixes import cdktf_python as python_fix
from backend_guard.fixes import cdktf_typescript as typescript_fix
from backend_guard.model import (
    BackendConfig,
    BackendKind,
    FileFacts,
    Fix,
    Origin,
    Severity,
    Syntax,
    ValueKind,
)
from backend_guard.sources import cdktf_python, cdktf_typescript
from tests.cdktf_projects import FIXTURES, fixed_copy, found, has_error, scan_here, touched_lines

SEED_STACK = "lib/tap-stack.ts"

# project -> {(rule, path, line, severity)}
EXPECTED: dict[str, set[tuple[str, str, int, Severity]]] = {
    "seed_stack": {
        ("BG202", SEED_STACK, 24, Severity.NOTE),
        ("BG202", SEED_STACK, 25, Severity.NOTE),
        ("BG104", SEED_STACK, 34, Severity.ERROR),
        ("BG201", SEED_STACK, 41, Severity.WARNING),
    },
    "ts_local": set(),
    "ts_namespace": {
        ("BG202", "main.ts", 4, Severity.NOTE),
        ("BG104", "main.ts", 10, Severity.ERROR),
        ("BG112", "main.ts", 10, Severity.WARNING),  # dynamodbTable
    },
    "ts_alias": {("BG202", "main.ts", 14, Severity.NOTE), ("BG104", "main.ts", 16, Severity.ERROR)},
    "ts_gcs": {("BG104", "main.ts", 8, Severity.ERROR)},
    "ts_cloud": {("BG106", "main.ts", 20, Severity.ERROR)},
    "ts_leftover_override": {("BG201", "main.ts", 12, Severity.ERROR)},
    # a bootstrap stack in another file creates the bucket: nothing to say
    "ts_bootstrap_stack": set(),
    # two stacks on one bucket named in a settings module: its import goes with the last use
    "ts_shared_settings": {
        ("BG104", "main.ts", 9, Severity.ERROR),
        ("BG104", "main.ts", 24, Severity.ERROR),
    },
    # one stack per branch of a switch or an if: no duplicate-backend, and the fix of every
    # remote branch drops the imports none of them uses any more
    "ts_state_store": {
        ("BG104", "main.ts", 18, Severity.ERROR),
        ("BG104", "main.ts", 25, Severity.ERROR),
        ("BG104", "main.ts", 43, Severity.ERROR),
    },
    "python_app": {
        ("BG202", "main.py", 12, Severity.NOTE),
        ("BG202", "main.py", 13, Severity.NOTE),
        ("BG104", "main.py", 17, Severity.ERROR),
        ("BG201", "main.py", 25, Severity.WARNING),
    },
    "python_local": set(),
    "python_namespace": {("BG104", "main.py", 10, Severity.ERROR)},
    "python_alias_gcs": {
        ("BG202", "main.py", 9, Severity.NOTE),
        ("BG104", "main.py", 16, Severity.ERROR),
    },
    "python_cloud": {("BG106", "main.py", 10, Severity.ERROR)},
    "python_leftover_override": {("BG201", "main.py", 12, Severity.ERROR)},
    # the stack creates the bucket its own state is to live in
    "python_bootstrap_cycle": {("BG105", "main.py", 17, Severity.ERROR)},
    # a stack made at top level, its backend and override given to it there: the stack stays
    "python_toplevel_stack": {
        ("BG104", "main.py", 15, Severity.ERROR),
        ("BG201", "main.py", 16, Severity.WARNING),
    },
    # a backend per branch of an if/elif: no duplicate-backend, one import rewrite for both fixes
    "python_state_store": {
        ("BG104", "main.py", 14, Severity.ERROR),
        ("BG104", "main.py", 21, Severity.ERROR),
    },
}


def _compiles_as_python(text: str) -> None:
    compile(text, "main.py", "exec")  # valid Python, not only to tree-sitter


@dataclass(frozen=True)
class Lang:
    """What the suite needs of a language."""

    source: ModuleType
    fix: Callable[[BackendConfig, str], Fix | None]
    path: str  # the file a single program is read as
    parser: Parser
    compiles: Callable[[str], None]  # raises where the text is not valid in the language


LANGS: dict[str, Lang] = {
    "ts": Lang(
        cdktf_typescript,
        typescript_fix.local_backend_fix,
        "stack.ts",
        Parser(Language(tree_sitter_typescript.language_typescript())),
        lambda text: None,  # the type-check tests compile TypeScript fixes
    ),
    "py": Lang(
        cdktf_python,
        python_fix.local_backend_fix,
        "main.py",
        Parser(Language(tree_sitter_python.language())),
        _compiles_as_python,
    ),
}
both = pytest.mark.parametrize("lang", sorted(LANGS))
typescript_only = pytest.mark.parametrize("lang", ["ts"])
python_only = pytest.mark.parametrize("lang", ["py"])


def read(lang: str, text: str, path: str | None = None) -> FileFacts:
    path = path or LANGS[lang].path
    return LANGS[lang].source.read(path, text, path)


def local_fix(lang: str, backend: BackendConfig, text: str) -> Fix | None:
    return LANGS[lang].fix(backend, text)


# -- whole projects ---------------------------------------------------------------------------


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_project_findings(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert found(scan_here(FIXTURES / project, monkeypatch)) == EXPECTED[project]


@pytest.mark.parametrize(
    "project", sorted(p for p in EXPECTED if (FIXTURES / f"{p}.expected").is_dir())
)
def test_project_fix_matches_the_expected_files_and_rescans_clean(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = fixed_copy(project, tmp_path, monkeypatch)
    expected_root = FIXTURES / f"{project}.expected"
    for expected in expected_root.rglob("*"):
        if expected.is_file():
            relative = expected.relative_to(expected_root)
            assert (fixed / relative).read_text(encoding="utf-8") == expected.read_text(
                encoding="utf-8"
            ), relative
    assert scan_here(fixed, monkeypatch).findings == []


def test_every_remote_project_has_an_expected_fix() -> None:
    remote = {p for p, findings in EXPECTED.items() if findings}
    assert {p for p in remote if (FIXTURES / f"{p}.expected").is_dir()} == remote


@pytest.mark.parametrize(
    ("project", "program", "removed"),
    [
        (
            "ts_leftover_override",
            "main.ts",
            {
                "    // Native S3 state locking (Terraform 1.10+)",
                "    this.addOverride('terraform.backend.s3.use_lockfile', true);",
            },
        ),
        (
            "python_leftover_override",
            "main.py",
            {
                "        # keep S3 locking on",
                '        self.add_override("terraform.backend.s3.use_lockfile", True)',
            },
        ),
    ],
)
def test_leftover_override_fix_removes_only_the_override(
    project: str, program: str, removed: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = (FIXTURES / project / program).read_text(encoding="utf-8")
    fixed = fixed_copy(project, tmp_path, monkeypatch)
    after = (fixed / program).read_text(encoding="utf-8").splitlines()
    assert set(original.splitlines()) - set(after) == removed


CLOUD = pytest.mark.parametrize(
    ("project", "module"), [("ts_cloud", "main.ts#web"), ("python_cloud", "main.py#SearchStack")]
)


@CLOUD
def test_cloud_backend_is_a_cloud_block(
    project: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan_here(FIXTURES / project, monkeypatch)
    (backend,) = result.modules[module].backends
    assert (backend.kind, backend.type) == (BackendKind.CLOUD, "cloud")
    if project == "ts_cloud":
        organization = backend.attribute("organization")
        assert organization is not None and organization.value.literal == "acme"


@pytest.mark.parametrize(
    ("project", "module", "name"),
    [("ts_cloud", "main.ts#web", "web"), ("python_cloud", "main.py#SearchStack", "search")],
)
def test_cloud_workspace_class_counts_as_a_workspace(
    project: str, module: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan_here(FIXTURES / project, monkeypatch)
    (backend,) = result.modules[module].backends
    workspaces = backend.attribute("workspaces")
    assert workspaces is not None and workspaces.value.literal == {"name": name}
    (finding,) = [f for f in result.findings if f.rule == "BG106"]
    assert "no workspace" not in finding.message


@CLOUD
def test_cloud_workspaces_object_is_not_reported_as_a_block_error(
    project: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan_here(FIXTURES / project, monkeypatch)
    assert "BG110" not in {f.rule for f in result.findings}


# -- reading single files ---------------------------------------------------------------------

TOP_LEVEL_STACKS = {
    "ts": """import { App, CloudBackend, NamedCloudWorkspace } from 'cdktf';
import { IsoStack, ClusterStack } from './stacks';

const app = new App();
const iso = new IsoStack(app, 'nix-iso');
new CloudBackend(iso, { organization: 'o', workspaces: new NamedCloudWorkspace('iso') });
const cluster = new ClusterStack(app, 'cluster');
new CloudBackend(cluster, { organization: 'o', workspaces: new NamedCloudWorkspace('c') });
app.synth();
""",
    "py": """from cdktf import App, CloudBackend, NamedCloudWorkspace
from stacks import IsoStack, ClusterStack

app = App()
iso = IsoStack(app, "nix-iso")
CloudBackend(iso, organization="o", workspaces=NamedCloudWorkspace("iso"))
cluster = ClusterStack(app, "cluster")
CloudBackend(cluster, organization="o", workspaces=NamedCloudWorkspace("c"))
app.synth()
""",
}


@both
def test_top_level_constructs_belong_to_the_stack_given_as_scope(lang: str) -> None:
    path = f"main.{lang}"
    assert [b.module_dir for b in read(lang, TOP_LEVEL_STACKS[lang], path).backends] == [
        f"{path}#nix-iso",
        f"{path}#cluster",
    ]


RESOLVED_VALUES = {
    "ts": """import { S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

const REGION = 'eu-north-1';

export class Stack extends TerraformStack {
  constructor(scope: Construct, id: string, stage = 'qa', props?: { bucket?: string }) {
    super(scope, id);
    const bucket = props?.bucket ?? 'team-state';
    new S3Backend(this, {
      bucket,
      key: `${stage}/state.tfstate`,
      region: REGION,
      roleArn: process.env.STATE_ROLE,
      encrypt: true,
    });
  }
}
""",
    "py": """import os
from cdktf import S3Backend, TerraformStack

REGION = "ap-south-1"


class Stack(TerraformStack):
    def __init__(self, scope, id, stage="qa", **kwargs):
        super().__init__(scope, id)
        bucket = kwargs.get("bucket") or "fallback-state"
        S3Backend(
            self,
            bucket=bucket,
            key=f"{stage}/state.tfstate",
            region=REGION,
            role_arn=os.environ.get("STATE_ROLE"),
            encrypt=True,
        )
""",
}


@pytest.mark.parametrize(
    ("lang", "bucket", "region", "role", "module"),
    [
        ("ts", "team-state", "eu-north-1", "process.env.STATE_ROLE", "stack.ts#Stack"),
        ("py", "fallback-state", "ap-south-1", 'os.environ.get("STATE_ROLE")', "main.py#Stack"),
    ],
)
def test_values_resolve_through_bindings_defaults_and_templates(
    lang: str, bucket: str, region: str, role: str, module: str
) -> None:
    (backend,) = read(lang, RESOLVED_VALUES[lang]).backends
    values = {a.name: a.value for a in backend.attributes}
    assert values["bucket"].literal == bucket
    if lang == "ts":
        assert values["bucket"].known == "'team-state' (the default of `props?.bucket`)"
    assert values["key"].literal == "qa/state.tfstate"
    assert values["region"].literal == region
    assert values["role_arn"].literal is None
    assert values["role_arn"].references == (role,)
    assert (values["encrypt"].kind, values["encrypt"].literal) == (ValueKind.LITERAL, True)
    assert backend.module_dir == module


OVERRIDE_ON_THE_OBJECT = {
    "ts": """import { S3Backend, TerraformStack } from 'cdktf';
class S extends TerraformStack {
  constructor(scope: any) {
    super(scope, 's');
    const backend = new S3Backend(this, { bucket: 'b', key: 'k' });
    backend.addOverride('use_lockfile', true);
  }
}
""",
    "py": """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        backend = S3Backend(self, bucket="b", key="k")
        backend.add_override("use_lockfile", True)
""",
}
OVERRIDE_ALONE = {
    "ts": """import { TerraformStack } from 'cdktf';
class S extends TerraformStack {
  constructor(scope: any) {
    super(scope, 's');
    this.addOverride('terraform.backend.s3.bucket', 'state');
  }
}
""",
    "py": """from cdktf import TerraformStack
class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        self.add_override("terraform.backend.gcs.bucket", "state")
""",
}


@both
def test_override_on_the_backend_object_belongs_to_it(lang: str) -> None:
    (backend,) = read(lang, OVERRIDE_ON_THE_OBJECT[lang]).backends
    assert [a.name for a in backend.overrides] == ["use_lockfile"]


@pytest.mark.parametrize(("lang", "backend_type"), [("ts", "s3"), ("py", "gcs")])
def test_an_override_alone_makes_a_backend_of_its_own(lang: str, backend_type: str) -> None:
    (backend,) = read(lang, OVERRIDE_ALONE[lang]).backends
    assert (backend.type, backend.origin) == (backend_type, Origin.ESCAPE_HATCH)


COMPUTED_CONFIG = {
    "ts": """import {{ S3Backend, S3BackendConfig, TerraformStack }} from 'cdktf';
class S extends TerraformStack {{
  constructor(scope: any, id: string, config: S3BackendConfig) {{
    super(scope, id);
    new S3Backend(this, {config});
  }}
}}
""",
    "py": """from cdktf import S3Backend, TerraformStack


class ServiceStack(TerraformStack):
    def __init__(self, scope, ns, backend_args):
        super().__init__(scope, ns)
        S3Backend(self, {config})
""",
}


@pytest.mark.parametrize(
    ("lang", "config", "names", "unknown"),
    [
        (
            "ts",
            "<S3BackendConfig>{ bucket: 'b', key: 'k', region: 'r' }",
            ["bucket", "key", "region"],
            False,
        ),
        (
            "ts",
            "{ bucket: 'b', key: 'k', region: 'r' } as S3BackendConfig",
            ["bucket", "key", "region"],
            False,
        ),
        (
            "ts",
            "({ bucket: 'b', key: 'k', region: 'r' } satisfies S3BackendConfig)",
            ["bucket", "key", "region"],
            False,
        ),
        ("ts", "config", [], True),  # a parameter: the caller decides
        ("ts", "config!", [], True),
        ("ts", "{ ...config, key: 'k' }", ["key"], True),
        ("ts", "loadBackend()", [], True),
        ("py", 'bucket="b", key="k", region="r"', ["bucket", "key", "region"], False),
        ("py", 'key=f"{ns}.tfstate", **backend_args', ["key"], True),  # keyword splats
        ("py", "**self.backend_base_args", [], True),
    ],
)
def test_a_config_the_program_computes_is_not_missing_arguments(
    lang: str, config: str, names: list[str], unknown: bool
) -> None:
    (backend,) = read(lang, COMPUTED_CONFIG[lang].format(config=config)).backends
    assert [a.name for a in backend.attributes] == names
    assert backend.arguments_unknown is unknown


CREATED_STORAGE = {
    "ts": """import * as aws from '@cdktf/provider-aws';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { TerraformStack } from 'cdktf';

const lockTable = 'orders-locks';
class StateStack extends TerraformStack {
  constructor(scope: any, id: string, bucket: string) {
    super(scope, id);
    new aws.s3Bucket.S3Bucket(this, 'state', { bucket });
    new DynamodbTable(this, 'locks', { name: lockTable, hashKey: 'LockID' });
    new aws.s3Bucket.S3Bucket(this, 'logs');
  }
}
""",
    "py": """from cdktf import App, TerraformStack
from imports.aws.s3_bucket import S3Bucket
from imports.azurerm import storage_account

app = App()
shared = TerraformStack(app, "shared-state")
S3Bucket(shared, "state", bucket="acme-state", force_destroy=False)
storage_account.StorageAccount(shared, "sa", name="acmestate", account_tier="Standard")
S3Bucket(shared, "logs")
""",
}


@pytest.mark.parametrize(
    ("lang", "expected", "line"),
    [
        (
            "ts",
            [
                ("aws_s3_bucket", "bucket", None, "stack.ts#StateStack"),
                ("aws_dynamodb_table", "lockTable", "orders-locks", "stack.ts#StateStack"),
            ],
            10,
        ),
        (
            "py",
            [
                ("aws_s3_bucket", '"acme-state"', "acme-state", "main.py#shared-state"),
                ("azurerm_storage_account", '"acmestate"', "acmestate", "main.py#shared-state"),
            ],
            8,
        ),
    ],
)
def test_provider_constructs_that_create_storage_are_read(
    lang: str, expected: list[tuple[str, str, str | None, str]], line: int
) -> None:
    storage = read(lang, CREATED_STORAGE[lang]).storage
    assert [
        (s.resource_type, s.name.text, s.name.literal, s.module_dir) for s in storage
    ] == expected
    assert storage[1].span.start_line == line


# -- properties -------------------------------------------------------------------------------

REMOTE_CLASSES = ["S3Backend", "GcsBackend", "AzurermBackend", "HttpBackend", "PgBackend"]
IDENTIFIERS = st.sampled_from(["alpha", "bucketName", "stateKey", "region", "tableName", "zone"])
NAMES = st.sampled_from(["state_bucket", "state_key", "lock_table", "region_name", "zone"])


@dataclass
class Generated:
    text: str
    class_name: str
    allowed: set[int] = field(default_factory=set)  # 1-based lines a fix may touch
    kept: list[str] = field(default_factory=list)  # lines the fix must leave in place


def _type(class_name: str) -> str:
    return class_name.removesuffix("Backend").lower()


def _allowed_and_kept(out: list[tuple[str, str]], generated: Generated) -> None:
    """The lines a fix may touch (removed statements take the blank lines above them along)
    and those it must keep, from the tags the lines were written with."""
    for index, (line, tag) in enumerate(out, start=1):
        if tag in ("import", "construct", "override", "binding"):
            generated.allowed.add(index)
            above = index - 1
            while tag in ("override", "binding") and above > 0 and not out[above - 1][0].strip():
                generated.allowed.add(above)
                above -= 1
        if tag == "keep":
            generated.kept.append(line)


def _lines_of(chunk: str) -> list[str]:
    return chunk.split("\n")


@st.composite
def typescript_programs(draw: st.DrawFn) -> Generated:
    """A valid TypeScript stack with one backend construct, written in many ways."""
    q = draw(st.sampled_from(["'", '"']))
    semi = draw(st.sampled_from([";", ""]))
    class_name = draw(st.sampled_from(REMOTE_CLASSES))
    style = draw(st.sampled_from(["named", "alias", "namespace"]))
    local = {"named": class_name, "alias": "Remote", "namespace": f"cdktf.{class_name}"}[style]
    stack_base = "cdktf.TerraformStack" if style == "namespace" else "TerraformStack"
    out: list[tuple[str, str]] = []  # (line, tag)

    def emit(chunk: str, tag: str = "") -> None:
        out.extend((line, tag) for line in _lines_of(chunk))

    if style == "namespace":
        emit(f"import * as cdktf from {q}cdktf{q}{semi}", "import")
    else:
        names = ["TerraformStack", class_name if style == "named" else f"{class_name} as Remote"]
        names += draw(st.lists(st.sampled_from(["App", "TerraformOutput", "Fn"]), unique=True))
        names = draw(st.permutations(names))
        if draw(st.booleans()):
            body = "{\n" + "".join(f"  {n},\n" for n in names) + "}"
        else:
            body = "{ " + ", ".join(names) + " }"
        emit(f"import {body} from {q}cdktf{q}{semi}", "import")
    emit(f"import {{ Construct }} from {q}constructs{q}{semi}")
    if draw(st.booleans()):
        emit("// state configuration")
    emit("")
    emit(f"export class Stack extends {stack_base} {{")
    emit("  constructor(scope: Construct, id: string) {")
    emit(f"    super(scope, id){semi}")
    if draw(st.booleans()):
        emit(f"    const environmentSuffix = process.env.SUFFIX || {q}dev{q}{semi}")
        emit(f"    new Marker(this, environmentSuffix){semi}")
    bindings = draw(st.lists(IDENTIFIERS, unique=True, max_size=3))
    shared = draw(st.lists(st.sampled_from(bindings), unique=True)) if bindings else []
    for name in bindings:
        if draw(st.booleans()):
            emit("")
        emit(f"    const {name} = props.{name} || {q}{name}-value{q}{semi}", "binding")
    for name in shared:
        out.append((f"    new Marker(this, {name}){semi}", "keep"))
    emit("")
    if draw(st.booleans()):
        emit("    // the backend")
    props: list[str] = [f"bucket: {q}state{q}"]
    props += [f"{name}: {name}" if draw(st.booleans()) else name for name in bindings]
    props += draw(
        st.lists(
            st.sampled_from(
                [
                    "key: `${id}/terraform.tfstate`",
                    "encrypt: true",
                    "timeout: 30",
                    f"region: {q}us-east-1{q}",
                    f"{q}quoted-key{q}: {q}x{q}",
                ]
            ),
            unique=True,
        )
    )
    props = draw(st.permutations(props))
    layout = draw(st.sampled_from(["inline", "lines", "comments"]))
    trailing = draw(st.booleans())
    scope = draw(st.sampled_from(["this", "scope === undefined ? this : this"]))
    if layout == "inline":
        body = "{ " + ", ".join(props) + (", " if trailing else " ") + "}"
        emit(f"    new {local}({scope}, {body}){semi}", "construct")
    else:
        lines = [f"    new {local}(", f"      {scope},", "      {"]
        for index, prop in enumerate(props):
            if layout == "comments" and draw(st.booleans()):
                lines.append("        // about the next one")
            last = index == len(props) - 1
            comma = "," if trailing or not last else ""
            lines.append(f"        {prop}{comma}")
            if layout == "comments" and draw(st.booleans()):
                lines.append("")
        lines.append(f"      }}){semi}")
        emit("\n".join(lines), "construct")
    if draw(st.booleans()):
        if draw(st.booleans()):
            emit("    // native locking", "override")
        emit(
            f"    this.addOverride({q}terraform.backend.{_type(class_name)}.use_lockfile{q}, true){semi}",
            "override",
        )
    if draw(st.booleans()):
        emit(f"    new Marker(this, {q}after{q}, {{ tags: {{ a: 1 }} }}){semi}")
    emit("  }")
    emit("}")
    emit("")
    text = "\n".join(line for line, _ in out)
    generated = Generated(text, class_name)
    _allowed_and_kept(out, generated)
    for name in shared:
        generated.kept.append(next(line for line, _ in out if f"const {name} =" in line))
    return generated


@st.composite
def python_programs(draw: st.DrawFn) -> Generated:
    """A valid Python stack with one backend construct, written in many ways."""
    q = draw(st.sampled_from(["'", '"']))
    class_name = draw(st.sampled_from(REMOTE_CLASSES))
    style = draw(st.sampled_from(["from", "alias", "parenthesized", "module", "module_alias"]))
    out: list[tuple[str, str]] = []

    def emit(chunk: str, tag: str = "") -> None:
        out.extend((line, tag) for line in chunk.split("\n"))

    emit("import os")
    names = ["TerraformStack", class_name if style != "alias" else f"{class_name} as Remote"]
    names += draw(st.lists(st.sampled_from(["App", "TerraformOutput", "Fn"]), unique=True))
    names = draw(st.permutations(names))
    if style in ("from", "alias"):
        emit(f"from cdktf import {', '.join(names)}", "import")
    elif style == "parenthesized":
        trailing = "," if draw(st.booleans()) else ""
        emit(
            "from cdktf import (\n" + ",\n".join(f"    {n}" for n in names) + f"{trailing}\n)",
            "import",
        )
    else:
        emit("import cdktf" if style == "module" else "import cdktf as tf", "import")
    namespace = {"module": "cdktf.", "module_alias": "tf."}.get(style, "")
    local = {"alias": "Remote"}.get(style, f"{namespace}{class_name}")
    emit("from constructs import Construct")
    emit("")
    emit("")
    emit(f"class Stack({namespace}TerraformStack):")
    suffix = draw(st.sampled_from(["", ", environment_suffix: str = 'dev'", ", env: str"]))
    emit(f"    def __init__(self, scope: Construct, id: str{suffix}, **kwargs):")
    if draw(st.booleans()):
        emit('        """The stack."""')
    emit("        super().__init__(scope, id)")
    bindings = draw(st.lists(NAMES, unique=True, max_size=3))
    shared = draw(st.lists(st.sampled_from(bindings), unique=True)) if bindings else []
    for name in bindings:
        if draw(st.booleans()):
            emit("")
        getter = draw(
            st.sampled_from(
                [
                    f"kwargs.get({q}{name}{q}, {q}v{q})",
                    f"os.getenv({q}{name.upper()}{q}, {q}v{q})",
                    f"{q}v-{name}{q}",
                ]
            )
        )
        emit(f"        {name} = {getter}", "binding")
    for name in shared:
        out.append((f"        print({name})", "keep"))
    emit("")
    if draw(st.booleans()):
        emit("        # the backend")
    arguments = [f"bucket={q}state{q}"]
    arguments += [f"{name.split('_')[-1]}_x={name}" for name in bindings]
    arguments += draw(
        st.lists(
            st.sampled_from(
                [
                    "key=f'{id}/terraform.tfstate'",
                    "encrypt=True",
                    "timeout=30",
                    f"region={q}us-east-1{q}",
                ]
            ),
            unique=True,
        )
    )
    arguments = draw(st.permutations(arguments))
    layout = draw(st.sampled_from(["inline", "lines", "comments"]))
    trailing = draw(st.booleans())
    if layout == "inline":
        emit(f"        {local}(self, {', '.join(arguments)})", "construct")
    else:
        lines = [f"        {local}(", "            self,"]
        for index, argument in enumerate(arguments):
            if layout == "comments" and draw(st.booleans()):
                lines.append("            # about the next one")
            comma = "," if trailing or index < len(arguments) - 1 else ""
            lines.append(f"            {argument}{comma}")
        lines.append("        )")
        emit("\n".join(lines), "construct")
    if draw(st.booleans()):
        if draw(st.booleans()):
            emit("        # native locking", "override")
        path = f"terraform.backend.{_type(class_name)}.use_lockfile"
        emit(f"        self.add_override({q}{path}{q}, True)", "override")
    if draw(st.booleans()):
        emit(f"        print({q}after{q})")
    emit("")
    text = "\n".join(line for line, _ in out)
    generated = Generated(text, class_name)
    _allowed_and_kept(out, generated)
    for name in shared:
        generated.kept.append(next(line for line, _ in out if line.startswith(f"        {name} =")))
    return generated


PROGRAMS = {"ts": typescript_programs(), "py": python_programs()}


@both
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_stacks_are_read_and_fixed_within_the_construct(
    lang: str, data: st.DataObject
) -> None:
    generated = data.draw(PROGRAMS[lang])
    language = LANGS[lang]
    assert not has_error(language.parser, generated.text), generated.text
    language.compiles(generated.text)
    facts = read(lang, generated.text)
    assert facts.problems == []
    (backend,) = facts.backends
    assert backend.type == _type(generated.class_name)
    bucket = backend.attribute("bucket")
    assert bucket is not None and bucket.value.literal == "state"
    fix = local_fix(lang, backend, generated.text)
    assert fix is not None
    for edit in fix.edits:
        assert touched_lines(edit) <= generated.allowed, (edit, generated.text)
    fixed = apply_edits(generated.text, fix.edits)
    assert not has_error(language.parser, fixed), fixed
    language.compiles(fixed)
    for line in generated.kept:
        assert line in fixed.splitlines(), (line, fixed)
    (after,) = read(lang, fixed).backends
    assert (after.type, after.overrides) == ("local", ())
    assert local_fix(lang, after, fixed) is None


IMPORTS = {"ts": b"import { S3Backend } from 'cdktf';\n", "py": b"from cdktf import S3Backend\n"}


@both
@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash_the_source(lang: str, data: bytes) -> None:
    text = (IMPORTS[lang] + data).decode("utf-8", "replace")
    facts = read(lang, text)
    for backend in facts.backends:
        local_fix(lang, backend, text)


NEAR_MISSES = {
    "ts": list("new S3Backend(this,{bucket:'é'})`${}\n;/*,.addOverride"),
    "py": list("S3Backend(self,bucket='é')f{}\n #:.add_override\\"),
}


@both
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_near_miss_programs_never_crash_the_source_or_the_fix(
    lang: str, data: st.DataObject
) -> None:
    noise = data.draw(st.text(alphabet=st.sampled_from(NEAR_MISSES[lang]), max_size=200))
    text = IMPORTS[lang].decode() + noise
    facts = read(lang, text)
    for backend in facts.backends:
        fix = local_fix(lang, backend, text)
        if fix is not None:
            apply_edits(text, fix.edits)


# -- what only TypeScript has -------------------------------------------------------------------


@typescript_only
def test_seed_stack_findings_name_the_bucket_default_and_the_bindings(
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = scan_here(FIXTURES / "seed_stack", monkeypatch)
    assert found(result) == EXPECTED["seed_stack"]
    by_rule = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    (storage,) = by_rule["BG104"]
    assert "bucket 'iac-rlhf-tf-states' (the default of `props?.stateBucket`)" in storage.message
    assert (storage.span.start_line, storage.span.end_line) == (34, 39)
    (override,) = by_rule["BG201"]
    assert "`use_lockfile`" in override.message and "Duplicate 'backend'" in override.message
    names = sorted(f.message.split("`")[1] for f in by_rule["BG202"])
    assert names == ["stateBucket", "stateBucketRegion"]
    assert all("`props.stateBucket" in f.message for f in by_rule["BG202"])
    assert {f.fix for f in result.findings} == {storage.fix}  # one fix, offered everywhere
    assert storage.fix is not None
    assert storage.fix.description == (
        "use LocalBackend instead of S3Backend, drops the backend override, "
        "removes stateBucket, stateBucketRegion"
    )


@typescript_only
def test_seed_stack_is_read_as_one_stack_with_an_s3_backend(
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = scan_here(FIXTURES / "seed_stack", monkeypatch)
    module = result.modules[f"{SEED_STACK}#TapStack"]
    assert module.is_cdktf
    (backend,) = module.backends
    assert (backend.type, backend.syntax, backend.origin) == (
        "s3",
        Syntax.TYPESCRIPT,
        Origin.PROGRAM,
    )
    bucket = backend.attribute("bucket")
    assert bucket is not None
    assert (bucket.value.kind, bucket.value.literal) == (ValueKind.PROGRAM, "iac-rlhf-tf-states")
    assert bucket.value.references == ("props.stateBucket",)
    key = backend.attribute("key")
    assert key is not None and (key.value.kind, key.value.literal) == (ValueKind.PROGRAM, None)
    assert backend.attribute("use_lockfile") is not None  # the override is part of the backend
    assert [a.name for a in backend.overrides] == ["use_lockfile"]
    assert [a.name for a in backend.dedicated_bindings] == ["stateBucket", "stateBucketRegion"]


@typescript_only
def test_seed_stack_fix_is_exactly_the_ideal_change(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = fixed_copy("seed_stack", tmp_path, monkeypatch)
    expected = (FIXTURES / "seed_stack.expected" / SEED_STACK).read_text(encoding="utf-8")
    assert (fixed / SEED_STACK).read_text(encoding="utf-8") == expected
    for other in ("bin/tap.ts", "lib/networking-stack.ts", "cdktf.json", "package.json"):
        assert (fixed / other).read_bytes() == (FIXTURES / "seed_stack" / other).read_bytes()
    assert scan_here(fixed, monkeypatch).findings == []


@typescript_only
def test_seed_stack_fix_through_the_command_line(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "seed_stack", tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "--diff", "app"]) == 0
    diff = capsys.readouterr().out
    changed = [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-import { S3Backend, TerraformStack } from 'cdktf';",
        "+import { LocalBackend, TerraformStack } from 'cdktf';",
        "-    const stateBucketRegion = props?.stateBucketRegion || 'us-east-1';",
        "-    const stateBucket = props?.stateBucket || 'iac-rlhf-tf-states';",
        "-    new S3Backend(this, {",
        "-      bucket: stateBucket,",
        "-      key: `${environmentSuffix}/${id}.tfstate`,",
        "-      region: stateBucketRegion,",
        "-      encrypt: true,",
        "+    new LocalBackend(this, {",
        "+      path: `terraform.${environmentSuffix}.tfstate`,",
        "-    // Using an escape hatch instead of S3Backend construct",
        "-    this.addOverride('terraform.backend.s3.use_lockfile', true);",
    ]
    assert main(["fix", "app"]) == 0
    capsys.readouterr()
    assert main(["check", "app"]) == 0


@typescript_only
def test_namespace_import_keeps_the_namespace(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "ts_namespace", monkeypatch)
    (backend,) = result.modules["main.ts#OrdersStack"].backends
    assert backend.type == "s3"
    bucket = backend.attribute("bucket")
    assert bucket is not None and bucket.value.literal == "orders-terraform-state"
    assert "process.env.STATE_BUCKET" in bucket.value.references
    assert backend.attribute("dynamodb_table") is not None  # camelCase prop, snake_case argument


@typescript_only
def test_cloud_fix_keeps_the_stack_binding_passed_as_scope(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = (fixed_copy("ts_cloud", tmp_path, monkeypatch) / "main.ts").read_text()
    assert "const stack = new WebStack(app, 'web');" in fixed
    assert "new LocalBackend(stack, {" in fixed
    assert "NamedCloudWorkspace" not in fixed  # used only by the construct: its import goes


@typescript_only
def test_computed_workspaces_name_a_workspace(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.ts").write_text(
        """import { Construct } from 'constructs';
import { App, TerraformStack, RemoteBackend } from 'cdktf';

class Api extends TerraformStack {
  constructor(scope: Construct, id: string, workspace: string) {
    super(scope, id);
    new RemoteBackend(this, { organization: 'acme', workspaces: { name: workspace } });
  }
}

new Api(new App(), 'api', process.argv[2]);
"""
    )
    (finding,) = [f for f in scan_here(tmp_path, monkeypatch).findings if f.rule == "BG106"]
    assert 'organization "acme" (no API token' in finding.message
    assert "no workspace" not in finding.message


@typescript_only
def test_files_without_cdktf_or_backend_are_ignored(lang: str) -> None:
    assert read(lang, "new S3Backend(this, { bucket: 'b', key: 'k' });\n").backends == []
    assert read(lang, "import { App } from 'cdktf';\nnew App().synth();\n").backends == []
    # a class of the same name from another package is not cdktf's
    other = "import { S3Backend } from './backends';\nnew S3Backend(this, { bucket: 'b' });\n"
    assert read(lang, other + "// cdktf\n").backends == []


@typescript_only
def test_every_backend_class_is_recognised(lang: str) -> None:
    classes = {
        "S3Backend": "s3",
        "GcsBackend": "gcs",
        "AzurermBackend": "azurerm",
        "RemoteBackend": "remote",
        "ConsulBackend": "consul",
        "CosBackend": "cos",
        "HttpBackend": "http",
        "OssBackend": "oss",
        "PgBackend": "pg",
        "SwiftBackend": "swift",
        "LocalBackend": "local",
    }
    for class_name, backend_type in classes.items():
        text = (
            f"import * as cdktf from 'cdktf';\nclass S extends cdktf.TerraformStack {{\n"
            f"  constructor(s: any) {{ super(s, 's'); new cdktf.{class_name}(this, {{}}); }}\n}}\n"
        )
        (backend,) = read(lang, text).backends
        assert backend.type == backend_type


@typescript_only
def test_a_syntax_error_is_reported_next_to_the_backend(lang: str) -> None:
    text = "import { S3Backend } from 'cdktf';\nnew S3Backend(this, { bucket: 'b', key: });\n"
    facts = read(lang, text)
    assert [b.type for b in facts.backends] == ["s3"]
    assert facts.problems and "syntax error" in facts.problems[0].message


@typescript_only
def test_a_computed_config_is_no_partial_backend(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdktf.json").write_text('{"app": "npx ts-node main.ts"}', encoding="utf-8")
    (tmp_path / "main.ts").write_text(
        """import { Construct } from 'constructs';
import { S3Backend, S3BackendConfig, TerraformStack } from 'cdktf';

export class ServiceStack extends TerraformStack {
  constructor(scope: Construct, id: string, backend: S3BackendConfig) {
    super(scope, id);
    new S3Backend(this, { ...backend, key: `services/${id}.tfstate` });
  }
}
""",
        encoding="utf-8",
    )
    rules = {f.rule for f in scan_here(tmp_path, monkeypatch).findings}
    assert rules == {"BG104"}  # a remote bucket nothing here creates; but nothing is missing


@typescript_only
def test_no_fix_where_the_backend_class_is_also_a_type(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`(): S3Backend => new LocalBackend(...)` would not type-check: the finding stands alone."""
    (tmp_path / "cdktf.json").write_text('{"app": "npx ts-node main.ts"}', encoding="utf-8")
    (tmp_path / "backend.ts").write_text(
        """import { S3Backend } from 'cdktf';
import { Construct } from 'constructs';

export const stateBackend = (scope: Construct, id: string): S3Backend =>
  new S3Backend(scope, { bucket: 'acme-state', key: `${id}.tfstate`, region: 'us-east-1' });
""",
        encoding="utf-8",
    )
    (finding,) = scan_here(tmp_path, monkeypatch).findings
    assert (finding.rule, finding.fix) == ("BG104", None)


@typescript_only
def test_an_override_on_a_stack_made_at_top_level_goes_with_the_fix(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdktf.json").write_text('{"app": "npx ts-node main.ts"}', encoding="utf-8")
    program = """import { App, S3Backend, TerraformStack } from 'cdktf';

const app = new App();
const web = new TerraformStack(app, 'web');
new S3Backend(web, { bucket: 'web-state', key: 'web.tfstate', region: 'eu-west-1' });
web.addOverride('terraform.backend.s3.use_lockfile', true);
app.synth();
"""
    (tmp_path / "main.ts").write_text(program, encoding="utf-8")
    result = scan_here(tmp_path, monkeypatch)
    assert found(result) == {
        ("BG104", "main.ts", 5, Severity.ERROR),
        ("BG201", "main.ts", 6, Severity.WARNING),
    }
    (backend,) = result.modules["main.ts#web"].backends
    assert [a.name for a in backend.overrides] == ["use_lockfile"]
    assert main(["fix", "."]) == 0
    assert (tmp_path / "main.ts").read_text(encoding="utf-8") == program.replace(
        "S3Backend", "LocalBackend", 1
    ).replace(
        "new S3Backend(web, { bucket: 'web-state', key: 'web.tfstate', region: 'eu-west-1' });\n"
        "web.addOverride('terraform.backend.s3.use_lockfile', true);\n",
        "new LocalBackend(web, { path: 'terraform.tfstate' });\n",
    )


@typescript_only
def test_two_stacks_of_one_file_are_fixed_in_one_run(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both fixes rewrite the import line: one rewrite is taken, and the names the other would
    drop (`NamedRemoteWorkspace`, then `RemoteBackend`) go once both fixes are applied."""
    (tmp_path / "main.ts").write_text(
        """import { Construct } from 'constructs';
import { App, TerraformStack, RemoteBackend, NamedRemoteWorkspace } from 'cdktf';

class Api extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new RemoteBackend(this, { organization: 'acme', workspaces: { name: 'api-prod' } });
  }
}

class Web extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new RemoteBackend(this, {
      organization: 'acme',
      workspaces: new NamedRemoteWorkspace('web-prod'),
    });
  }
}

const app = new App();
new Api(app, 'api');
new Web(app, 'web');
app.synth();
"""
    )
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "--diff", "."]) == 0
    diff = capsys.readouterr()
    assert diff.err == ""
    assert "+import { App, TerraformStack, LocalBackend } from 'cdktf';" in diff.out
    assert diff.out.count("+    new LocalBackend(this, {") == 2
    assert main(["fix", "."]) == 0
    assert capsys.readouterr().out == "fixed main.ts\n"
    fixed = (tmp_path / "main.ts").read_text()
    assert "import { App, TerraformStack, LocalBackend } from 'cdktf';" in fixed
    assert fixed.count("new LocalBackend(this, {") == 2
    assert "RemoteBackend" not in fixed
    assert main(["check", "."]) == 0


@typescript_only
@pytest.mark.parametrize(
    "override",
    [
        "this.addOverride('terraform.backend', { s3: { bucket: 'b', key: 'k', region: 'r' } });",
        "this.addOverride('terraform.backend.s3', { bucket: 'b', key: 'k', region: 'r' });",
        "const remote = { s3: { bucket: 'b', key: 'k', region: 'r' } };\n"
        "    this.addOverride('terraform.backend', remote);",
    ],
)
def test_an_override_of_the_whole_backend_is_read(lang: str, override: str) -> None:
    text = f"""import {{ TerraformStack }} from 'cdktf';
class S extends TerraformStack {{
  constructor(scope: any) {{
    super(scope, 's');
    {override}
  }}
}}
"""
    (backend,) = read(lang, text).backends
    assert (backend.type, backend.origin) == ("s3", Origin.ESCAPE_HATCH)
    assert [(a.name, a.value.literal) for a in backend.attributes] == [
        ("bucket", "b"),
        ("key", "k"),
        ("region", "r"),
    ]
    assert len({a.span for a in backend.overrides}) == 1  # one call


# -- what only Python has ---------------------------------------------------------------------


@python_only
def test_python_app_messages_say_what_is_known(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "python_app", monkeypatch)
    messages = {(f.rule, f.span.start_line): f.message for f in result.findings}
    assert (
        "bucket 'acme-tf-state' (the default of `kwargs.get('state_bucket')`)"
        in (messages[("BG104", 17)])
    )
    assert messages[("BG202", 13)].startswith(
        "`state_bucket_region` from `os.getenv('TERRAFORM_STATE_BUCKET_REGION')` exists only"
    )
    (backend,) = result.modules["main.py#TapStack"].backends
    key = backend.attribute("key")
    assert key is not None and key.value.kind is ValueKind.PROGRAM
    assert key.value.literal is None  # construct_id is known only at synth
    region = backend.attribute("region")
    assert region is not None and region.value.literal == "us-east-1"
    assert [a.name for a in backend.dedicated_bindings] == ["state_bucket", "state_bucket_region"]


@python_only
def test_fix_description_lists_what_goes(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "python_app", monkeypatch)
    fixes = {f.fix for f in result.findings}
    (fix,) = fixes
    assert fix is not None
    assert fix.description == (
        "use LocalBackend instead of S3Backend, drops the backend override, "
        "removes state_bucket, state_bucket_region"
    )


@python_only
def test_arguments_continuing_the_call_line_become_one_line(lang: str) -> None:
    text = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        S3Backend(self,
            bucket = "b",
            key = "k"
        )
"""
    (backend,) = read(lang, text).backends
    fix = local_fix(lang, backend, text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed.endswith('\n        LocalBackend(self, path="terraform.tfstate")\n')


@python_only
def test_keyword_arguments_from_a_dictionary_are_read(lang: str) -> None:
    text = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope, ns):
        super().__init__(scope, ns)
        backend_args = {"region": "eu-west-1", "key": ns + "/terraform.tfstate", "bucket": "b"}
        S3Backend(self, **backend_args)
"""
    (backend,) = read(lang, text).backends
    assert [(a.name, a.value.literal) for a in backend.attributes] == [
        ("region", "eu-west-1"),
        ("key", None),
        ("bucket", "b"),
    ]


@python_only
def test_imports_decide_what_is_a_backend(lang: str) -> None:
    assert read(lang, "S3Backend(self, bucket='b', key='k')  # cdktf\n").backends == []
    aliased = "from cdktf import S3Backend as Remote\nRemote(self, bucket='b', key='k')\n"
    assert [b.type for b in read(lang, aliased).backends] == ["s3"]
    module_alias = "import cdktf as tf\ntf.GcsBackend(self, bucket='b')\n"
    assert [b.type for b in read(lang, module_alias).backends] == ["gcs"]
    other = "from mylib import S3Backend\nS3Backend(self, bucket='b')  # cdktf\n"
    assert read(lang, other).backends == []


@python_only
def test_an_environment_parameter_without_default_names_the_path(lang: str) -> None:
    text = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope, id: str, environment_suffix: str):
        super().__init__(scope, id)
        S3Backend(self, bucket="b", key="k")
"""
    (backend,) = read(lang, text).backends
    fix = local_fix(lang, backend, text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert 'LocalBackend(self, path=f"terraform.{environment_suffix}.tfstate")' in fixed


@python_only
def test_an_import_line_used_only_by_the_backend_goes(lang: str) -> None:
    text = """from cdktf import App, TerraformStack
from cdktf import S3Backend as Remote


class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        Remote(self, bucket="b", key="k")


App()
"""
    (backend,) = read(lang, text).backends
    fix = local_fix(lang, backend, text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed.startswith("from cdktf import App, LocalBackend, TerraformStack\n\n\nclass S")
    assert 'LocalBackend(self, path="terraform.tfstate")' in fixed


@python_only
def test_a_whole_backend_override_on_a_top_level_stack_goes_and_the_stack_stays(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdktf.json").write_text('{"app": "python3 main.py"}', encoding="utf-8")
    program = """from cdktf import App, TerraformStack

app = App()
stack = TerraformStack(app, "edge")
stack.add_override("terraform.backend", {"remote": {"organization": "acme", "workspaces": {"name": "edge"}}})
app.synth()
"""
    (tmp_path / "main.py").write_text(program, encoding="utf-8")
    result = scan_here(tmp_path, monkeypatch)
    assert {(f.rule, f.span.start_line) for f in result.findings} == {("BG106", 5), ("BG201", 5)}
    write(plan(result.findings, result.texts), result.texts)
    assert (tmp_path / "main.py").read_text(encoding="utf-8") == program.replace(
        program.splitlines(keepends=True)[4], ""
    )
