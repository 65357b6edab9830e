"""CDKTF TypeScript stacks: findings on whole little projects, their exact fixes, and properties
of the source and the fix on generated programs.

Each project under `tests/fixtures/cdktf/<name>/` with a remote backend has its fixed program in
`<name>.expected/`, written by hand: the fix must produce exactly that file, byte for byte.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tree_sitter_typescript
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Language, Parser

from backend_guard.apply import apply_edits
from backend_guard.cli import main
from backend_guard.fixes.cdktf_typescript import local_backend_fix
from backend_guard.model import BackendKind, Origin, Severity, Syntax, ValueKind
from backend_guard.sources import cdktf_typescript
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
}


# -- the seed ---------------------------------------------------------------------------------


def test_seed_stack_findings_name_the_bucket_default_and_the_bindings(
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


def test_seed_stack_is_read_as_one_stack_with_an_s3_backend(
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


def test_seed_stack_fix_is_exactly_the_ideal_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = fixed_copy("seed_stack", tmp_path, monkeypatch)
    expected = (FIXTURES / "seed_stack.expected" / SEED_STACK).read_text(encoding="utf-8")
    assert (fixed / SEED_STACK).read_text(encoding="utf-8") == expected
    for other in ("bin/tap.ts", "lib/networking-stack.ts", "cdktf.json", "package.json"):
        assert (fixed / other).read_bytes() == (FIXTURES / "seed_stack" / other).read_bytes()
    assert scan_here(fixed, monkeypatch).findings == []


def test_seed_stack_fix_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
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


# -- the other projects -----------------------------------------------------------------------


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


def test_leftover_override_fix_removes_only_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = (FIXTURES / "ts_leftover_override" / "main.ts").read_text(encoding="utf-8")
    fixed = fixed_copy("ts_leftover_override", tmp_path, monkeypatch)
    removed = set(original.splitlines()) - set((fixed / "main.ts").read_text().splitlines())
    assert removed == {
        "    // Native S3 state locking (Terraform 1.10+)",
        "    this.addOverride('terraform.backend.s3.use_lockfile', true);",
    }


def test_namespace_import_keeps_the_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "ts_namespace", monkeypatch)
    (backend,) = result.modules["main.ts#OrdersStack"].backends
    assert backend.type == "s3"
    bucket = backend.attribute("bucket")
    assert bucket is not None and bucket.value.literal == "orders-terraform-state"
    assert "process.env.STATE_BUCKET" in bucket.value.references
    assert backend.attribute("dynamodb_table") is not None  # camelCase prop, snake_case argument


def test_cloud_backend_is_a_cloud_block(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "ts_cloud", monkeypatch)
    (backend,) = result.modules["main.ts#web"].backends
    assert (backend.kind, backend.type) == (BackendKind.CLOUD, "cloud")
    organization = backend.attribute("organization")
    assert organization is not None and organization.value.literal == "acme"


def test_cloud_fix_keeps_the_stack_binding_passed_as_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = (fixed_copy("ts_cloud", tmp_path, monkeypatch) / "main.ts").read_text()
    assert "const stack = new WebStack(app, 'web');" in fixed
    assert "new LocalBackend(stack, {" in fixed
    assert "NamedCloudWorkspace" not in fixed  # used only by the construct: its import goes


def test_cloud_workspace_class_counts_as_a_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "ts_cloud", monkeypatch)
    (backend,) = result.modules["main.ts#web"].backends
    workspaces = backend.attribute("workspaces")
    assert workspaces is not None and workspaces.value.literal == {"name": "web"}
    (finding,) = [f for f in result.findings if f.rule == "BG106"]
    assert "no workspace" not in finding.message


def test_computed_workspaces_name_a_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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


def test_top_level_constructs_belong_to_the_stack_given_as_scope() -> None:
    text = """import { App, CloudBackend, NamedCloudWorkspace } from 'cdktf';
import { IsoStack, ClusterStack } from './stacks';

const app = new App();
const iso = new IsoStack(app, 'nix-iso');
new CloudBackend(iso, { organization: 'o', workspaces: new NamedCloudWorkspace('iso') });
const cluster = new ClusterStack(app, 'cluster');
new CloudBackend(cluster, { organization: 'o', workspaces: new NamedCloudWorkspace('c') });
app.synth();
"""
    assert [b.module_dir for b in read(text, "main.ts").backends] == [
        "main.ts#nix-iso",
        "main.ts#cluster",
    ]


def test_cloud_workspaces_object_is_not_reported_as_a_block_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = scan_here(FIXTURES / "ts_cloud", monkeypatch)
    assert "BG110" not in {f.rule for f in result.findings}


# -- reading single files ---------------------------------------------------------------------


def read(text: str, path: str = "stack.ts") -> cdktf_typescript.FileFacts:
    return cdktf_typescript.read(path, text, path)


def test_files_without_cdktf_or_backend_are_ignored() -> None:
    assert read("new S3Backend(this, { bucket: 'b', key: 'k' });\n").backends == []
    assert read("import { App } from 'cdktf';\nnew App().synth();\n").backends == []
    # a class of the same name from another package is not cdktf's
    other = "import { S3Backend } from './backends';\nnew S3Backend(this, { bucket: 'b' });\n"
    assert read(other + "// cdktf\n").backends == []


def test_values_resolve_through_bindings_defaults_and_templates() -> None:
    text = """import { S3Backend, TerraformStack } from 'cdktf';
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
"""
    (backend,) = read(text).backends
    values = {a.name: a.value for a in backend.attributes}
    assert values["bucket"].literal == "team-state"
    assert values["bucket"].known == "'team-state' (the default of `props?.bucket`)"
    assert values["key"].literal == "qa/state.tfstate"
    assert values["region"].literal == "eu-north-1"
    assert values["role_arn"].literal is None
    assert values["role_arn"].references == ("process.env.STATE_ROLE",)
    assert (values["encrypt"].kind, values["encrypt"].literal) == (ValueKind.LITERAL, True)
    assert backend.module_dir == "stack.ts#Stack"


def test_every_backend_class_is_recognised() -> None:
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
        (backend,) = read(text).backends
        assert backend.type == backend_type


def test_override_on_the_backend_object_belongs_to_it() -> None:
    text = """import { S3Backend, TerraformStack } from 'cdktf';
class S extends TerraformStack {
  constructor(scope: any) {
    super(scope, 's');
    const backend = new S3Backend(this, { bucket: 'b', key: 'k' });
    backend.addOverride('use_lockfile', true);
  }
}
"""
    (backend,) = read(text).backends
    assert [a.name for a in backend.overrides] == ["use_lockfile"]


def test_an_override_alone_makes_a_backend_of_its_own() -> None:
    text = """import { TerraformStack } from 'cdktf';
class S extends TerraformStack {
  constructor(scope: any) {
    super(scope, 's');
    this.addOverride('terraform.backend.s3.bucket', 'state');
  }
}
"""
    (backend,) = read(text).backends
    assert (backend.type, backend.origin) == ("s3", Origin.ESCAPE_HATCH)


def test_a_syntax_error_is_reported_next_to_the_backend() -> None:
    text = "import { S3Backend } from 'cdktf';\nnew S3Backend(this, { bucket: 'b', key: });\n"
    facts = read(text)
    assert [b.type for b in facts.backends] == ["s3"]
    assert facts.problems and "syntax error" in facts.problems[0].message


@pytest.mark.parametrize(
    ("props", "names", "unknown"),
    [
        (
            "<S3BackendConfig>{ bucket: 'b', key: 'k', region: 'r' }",
            ["bucket", "key", "region"],
            False,
        ),
        (
            "{ bucket: 'b', key: 'k', region: 'r' } as S3BackendConfig",
            ["bucket", "key", "region"],
            False,
        ),
        (
            "({ bucket: 'b', key: 'k', region: 'r' } satisfies S3BackendConfig)",
            ["bucket", "key", "region"],
            False,
        ),
        ("config", [], True),  # a parameter: the caller decides
        ("config!", [], True),
        ("{ ...config, key: 'k' }", ["key"], True),
        ("loadBackend()", [], True),
    ],
)
def test_a_config_the_program_computes_is_not_missing_arguments(
    props: str, names: list[str], unknown: bool
) -> None:
    text = f"""import {{ S3Backend, S3BackendConfig, TerraformStack }} from 'cdktf';
class S extends TerraformStack {{
  constructor(scope: any, id: string, config: S3BackendConfig) {{
    super(scope, id);
    new S3Backend(this, {props});
  }}
}}
"""
    (backend,) = read(text).backends
    assert [a.name for a in backend.attributes] == names
    assert backend.arguments_unknown is unknown


def test_a_computed_config_is_no_partial_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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


def test_no_fix_where_the_backend_class_is_also_a_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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


def test_an_override_on_a_stack_made_at_top_level_goes_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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


# -- properties -------------------------------------------------------------------------------

_PARSER = Parser(Language(tree_sitter_typescript.language_typescript()))
REMOTE_CLASSES = ["S3Backend", "GcsBackend", "AzurermBackend", "HttpBackend", "PgBackend"]
IDENTIFIERS = st.sampled_from(["alpha", "bucketName", "stateKey", "region", "tableName", "zone"])


@dataclass
class Generated:
    text: str
    class_name: str
    allowed: set[int] = field(default_factory=set)  # 1-based lines a fix may touch
    kept: list[str] = field(default_factory=list)  # lines the fix must leave in place


def _lines_of(chunk: str) -> list[str]:
    return chunk.split("\n")


@st.composite
def programs(draw: st.DrawFn) -> Generated:
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
    for index, (line, tag) in enumerate(out, start=1):
        if tag in ("import", "construct", "override", "binding"):
            generated.allowed.add(index)
            above = index - 1  # removed statements take the blank lines above them along
            while tag in ("override", "binding") and above > 0 and not out[above - 1][0].strip():
                generated.allowed.add(above)
                above -= 1
        if tag == "keep":
            generated.kept.append(line)
    for name in shared:
        generated.kept.append(next(line for line, _ in out if f"const {name} =" in line))
    return generated


def _type(class_name: str) -> str:
    return class_name.removesuffix("Backend").lower()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_generated_stacks_are_read_and_fixed_within_the_construct(generated: Generated) -> None:
    assert not has_error(_PARSER, generated.text), generated.text
    facts = read(generated.text)
    assert facts.problems == []
    (backend,) = facts.backends
    assert backend.type == _type(generated.class_name)
    bucket = backend.attribute("bucket")
    assert bucket is not None and bucket.value.literal == "state"
    fix = local_backend_fix(backend, generated.text)
    assert fix is not None
    for edit in fix.edits:
        assert touched_lines(edit) <= generated.allowed, (edit, generated.text)
    fixed = apply_edits(generated.text, fix.edits)
    assert not has_error(_PARSER, fixed), fixed
    for line in generated.kept:
        assert line in fixed.splitlines(), (line, fixed)
    (after,) = read(fixed).backends
    assert (after.type, after.overrides) == ("local", ())
    assert local_backend_fix(after, fixed) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_source(data: bytes) -> None:
    text = (b"import { S3Backend } from 'cdktf';\n" + data).decode("utf-8", "replace")
    facts = read(text)
    for backend in facts.backends:
        local_backend_fix(backend, text)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("new S3Backend(this,{bucket:'é'})`${}\n;/*,.addOverride")),
        max_size=200,
    )
)
def test_near_miss_programs_never_crash_the_source_or_the_fix(noise: str) -> None:
    text = "import { S3Backend } from 'cdktf';\n" + noise
    facts = read(text)
    for backend in facts.backends:
        fix = local_backend_fix(backend, text)
        if fix is not None:
            apply_edits(text, fix.edits)


def test_two_stacks_of_one_file_are_fixed_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
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


def test_provider_constructs_that_create_storage_are_read() -> None:
    text = """import * as aws from '@cdktf/provider-aws';
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
"""
    storage = read(text).storage
    assert [(s.resource_type, s.name.text, s.name.literal, s.module_dir) for s in storage] == [
        ("aws_s3_bucket", "bucket", None, "stack.ts#StateStack"),
        ("aws_dynamodb_table", "lockTable", "orders-locks", "stack.ts#StateStack"),
    ]
    assert storage[1].span.start_line == 10


@pytest.mark.parametrize(
    "override",
    [
        "this.addOverride('terraform.backend', { s3: { bucket: 'b', key: 'k', region: 'r' } });",
        "this.addOverride('terraform.backend.s3', { bucket: 'b', key: 'k', region: 'r' });",
        "const remote = { s3: { bucket: 'b', key: 'k', region: 'r' } };\n"
        "    this.addOverride('terraform.backend', remote);",
    ],
)
def test_an_override_of_the_whole_backend_is_read(override: str) -> None:
    text = f"""import {{ TerraformStack }} from 'cdktf';
class S extends TerraformStack {{
  constructor(scope: any) {{
    super(scope, 's');
    {override}
  }}
}}
"""
    (backend,) = read(text).backends
    assert (backend.type, backend.origin) == ("s3", Origin.ESCAPE_HATCH)
    assert [(a.name, a.value.literal) for a in backend.attributes] == [
        ("bucket", "b"),
        ("key", "k"),
        ("region", "r"),
    ]
    assert len({a.span for a in backend.overrides}) == 1  # one call
