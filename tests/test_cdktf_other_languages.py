"""CDKTF stacks in Go, Java and C#: findings on whole little projects, the facts read from them
(names, values, exact spans), the forms each language writes a backend in, the bounds on
constructs and overrides per file, and properties of the three sources on generated and mangled
programs.

These languages have no automatic fix: findings carry none, and `backend-guard fix` says so and
leaves the files alone.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_guard import discover
from backend_guard.cli import main
from backend_guard.model import (
    BackendConfig,
    BackendKind,
    FileFacts,
    Origin,
    ParseProblem,
    Severity,
    Span,
    Syntax,
    ValueKind,
)
from backend_guard.sources import cdktf_csharp, cdktf_go, cdktf_java
from tests.cdktf_projects import FIXTURES, found, scan_here

JAVA_DIR = "src/main/java/com/acme"

# project -> {(rule, path, line, severity)}
EXPECTED: dict[str, set[tuple[str, str, int, Severity]]] = {
    "go_app": {
        ("BG104", "main.go", 13, Severity.ERROR),
        ("BG201", "main.go", 19, Severity.WARNING),
        ("BG104", "reports.go", 19, Severity.ERROR),
    },
    "java_app": {
        ("BG104", f"{JAVA_DIR}/AppStack.java", 16, Severity.ERROR),
        ("BG111", f"{JAVA_DIR}/AppStack.java", 16, Severity.ERROR),
        ("BG106", f"{JAVA_DIR}/SearchStack.java", 11, Severity.ERROR),
    },
    "csharp_app": {
        ("BG104", "Stacks/AppStack.cs", 13, Severity.ERROR),
        ("BG110", "Stacks/AppStack.cs", 13, Severity.ERROR),
        ("BG201", "Stacks/AppStack.cs", 20, Severity.WARNING),
        ("BG201", "Stacks/LegacyStack.cs", 12, Severity.ERROR),
    },
}

SOURCES: dict[str, ModuleType] = {"go": cdktf_go, "java": cdktf_java, "cs": cdktf_csharp}


def span_text(text: str, span: Span) -> str:
    """The source text a span covers (columns count characters, the end is exclusive)."""
    lines = text.split("\n")
    if span.start_line == span.end_line:
        return lines[span.start_line - 1][span.start_column - 1 : span.end_column - 1]
    first = lines[span.start_line - 1][span.start_column - 1 :]
    middle = lines[span.start_line : span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_column - 1]
    return "\n".join([first, *middle, last])


def read(suffix: str, text: str) -> FileFacts:
    path = f"stack.{suffix}"
    return SOURCES[suffix].read(path, text, path)


def only_backend(suffix: str, text: str) -> BackendConfig:
    (backend,) = read(suffix, text).backends
    return backend


def fixture_backend(root: Path, module: str, monkeypatch: pytest.MonkeyPatch) -> BackendConfig:
    (backend,) = scan_here(root, monkeypatch).modules[module].backends
    return backend


# -- whole projects -------------------------------------------------------------------------------


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_project_findings(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / project, monkeypatch)
    assert found(result) == EXPECTED[project]
    assert all(f.fix is None for f in result.findings)


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_every_stack_of_a_project_is_a_module(
    project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = {
        name: [b.type for b in module.backends]
        for name, module in scan_here(FIXTURES / project, monkeypatch).modules.items()
    }
    assert (
        modules
        == {
            "go_app": {
                "main.go#NewAppStack": ["s3"],
                "main.go#NewToolsStack": ["local"],
                "reports.go#NewReportsStack": ["gcs"],
            },
            "java_app": {
                f"{JAVA_DIR}/AppStack.java#AppStack": ["s3"],
                f"{JAVA_DIR}/ToolsStack.java#ToolsStack": ["local"],
                f"{JAVA_DIR}/SearchStack.java#SearchStack": ["cloud"],
            },
            "csharp_app": {
                "Stacks/AppStack.cs#AppStack": ["s3"],
                "Stacks/ToolsStack.cs#ToolsStack": ["local"],
                "Stacks/LegacyStack.cs#LegacyStack": ["local"],
            },
        }[project]
    )


def test_go_app_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "go_app"
    text = (root / "main.go").read_text(encoding="utf-8")
    backend = fixture_backend(root, "main.go#NewAppStack", monkeypatch)
    assert (backend.syntax, backend.origin, backend.stack) == (
        Syntax.GO,
        Origin.PROGRAM,
        "NewAppStack",
    )
    assert span_text(text, backend.span).startswith("cdktf.NewS3Backend(stack, &cdktf.S3Backend")
    assert span_text(text, backend.span).endswith("\t})")
    assert span_text(text, backend.header_span) == "cdktf.NewS3Backend"
    assert [(a.name, a.value.literal, a.value.kind) for a in backend.attributes] == [
        ("bucket", "acme-tf-state", ValueKind.LITERAL),
        ("key", "app.tfstate", ValueKind.LITERAL),
        ("region", "eu-west-1", ValueKind.LITERAL),
        ("use_lockfile", True, ValueKind.LITERAL),
    ]
    assert [span_text(text, a.span) for a in backend.attributes] == [
        'Bucket: jsii.String("acme-tf-state")',
        'Key:    jsii.String("app.tfstate")',
        'Region: jsii.String("eu-west-1")',
        'stack.AddOverride(jsii.String("terraform.backend.s3.use_lockfile"), jsii.Bool(true))',
    ]
    (override,) = backend.overrides
    assert override.span == backend.attributes[-1].span
    assert backend.dedicated_bindings == ()


def test_go_app_gcs_stack_reads_a_package_constant_and_keeps_the_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = fixture_backend(FIXTURES / "go_app", "reports.go#NewReportsStack", monkeypatch)
    assert (backend.kind, backend.type) == (BackendKind.BACKEND, "gcs")
    bucket, prefix = backend.attributes
    assert (bucket.name, bucket.value.kind, bucket.value.literal) == (
        "bucket",
        ValueKind.PROGRAM,
        "acme-reports-state",
    )
    assert bucket.value.text == "jsii.String(stateBucket)"
    assert (prefix.name, prefix.value.kind, prefix.value.literal, prefix.value.text) == (
        "prefix",
        ValueKind.PROGRAM,
        None,
        "&prefix",
    )


def test_go_app_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = fixture_backend(FIXTURES / "go_app", "main.go#NewToolsStack", monkeypatch)
    (path,) = backend.attributes
    assert (path.name, path.value.literal) == ("path", "tools.tfstate")


def test_java_app_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "java_app"
    text = (root / JAVA_DIR / "AppStack.java").read_text(encoding="utf-8")
    backend = fixture_backend(root, f"{JAVA_DIR}/AppStack.java#AppStack", monkeypatch)
    assert (backend.syntax, backend.stack) == (Syntax.JAVA, "AppStack")
    assert span_text(text, backend.header_span) == "S3Backend"
    assert span_text(text, backend.span).startswith("new S3Backend(this, S3BackendConfig.builder()")
    assert [(a.name, a.value.literal, a.value.kind) for a in backend.attributes] == [
        ("bucket", "acme-tf-state", ValueKind.LITERAL),
        ("key", "app.tfstate", ValueKind.PROGRAM),  # a local `final String`
        ("region", "eu-west-1", ValueKind.PROGRAM),  # a `static final` field
        ("role_arn", "arn:aws:iam::123456789012:role/terraform-state", ValueKind.LITERAL),
    ]
    assert [span_text(text, a.span) for a in backend.attributes] == [
        'bucket("acme-tf-state")',
        "key(stateKey)",
        "region(STATE_REGION)",
        'roleArn("arn:aws:iam::123456789012:role/terraform-state")',
    ]
    assert [a.span.start_line for a in backend.attributes] == [17, 18, 19, 20]


def test_java_app_builder_and_fully_qualified_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "java_app"
    result = scan_here(root, monkeypatch)
    (tools,) = result.modules[f"{JAVA_DIR}/ToolsStack.java#ToolsStack"].backends
    text = (root / JAVA_DIR / "ToolsStack.java").read_text(encoding="utf-8")
    assert span_text(text, tools.span) == (
        'LocalBackend.Builder.create(this)\n                .path("tools.tfstate")\n'
        "                .build()"
    )
    assert [(a.name, a.value.literal) for a in tools.attributes] == [("path", "tools.tfstate")]
    (search,) = result.modules[f"{JAVA_DIR}/SearchStack.java#SearchStack"].backends
    assert (search.kind, search.type) == (BackendKind.CLOUD, "cloud")
    assert {a.name: a.value.literal for a in search.attributes} == {
        "organization": "acme",
        "workspaces": {"name": "search"},
    }


def test_java_build_output_and_go_vendor_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    for project in ("java_app", "go_app", "csharp_app"):
        result = scan_here(FIXTURES / project, monkeypatch)
        assert not any(
            part in ("build", "vendor", "obj") for m in result.modules for part in m.split("/")
        )


def test_csharp_app_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "csharp_app"
    text = (root / "Stacks/AppStack.cs").read_text(encoding="utf-8")
    backend = fixture_backend(root, "Stacks/AppStack.cs#AppStack", monkeypatch)
    assert (backend.syntax, backend.stack) == (Syntax.CSHARP, "AppStack")
    assert span_text(text, backend.header_span) == "S3Backend"
    bucket, key, region, lock = backend.attributes
    assert span_text(text, bucket.span) == "Bucket = stateBucket"
    assert (bucket.value.literal, bucket.value.known, bucket.value.references) == (
        "acme-tf-state",
        "'acme-tf-state' (the default of `Environment.GetEnvironmentVariable(\"STATE_BUCKET\")`)",
        ('Environment.GetEnvironmentVariable("STATE_BUCKET")',),
    )
    assert (key.name, key.value.kind, key.value.literal) == ("key", ValueKind.PROGRAM, None)
    assert span_text(text, key.span) == 'Key = $"{id}.tfstate"'
    assert (region.name, region.value.kind, region.value.literal) == (
        "region",
        ValueKind.LITERAL,
        "eu-west-1",
    )
    assert (lock.name, lock.value.literal, lock.span.start_line) == ("use_lock_file", True, 20)


def test_csharp_app_finding_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "csharp_app", monkeypatch)
    messages = {(f.rule, f.path): f.message for f in result.findings}
    assert "bucket 'acme-tf-state' (the default of" in messages[("BG104", "Stacks/AppStack.cs")]
    assert "did you mean `use_lockfile`?" in messages[("BG110", "Stacks/AppStack.cs")]
    assert (
        'second backend next to the stack\'s backend "local"'
        in (messages[("BG201", "Stacks/LegacyStack.cs")])
    )


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for project in EXPECTED:
        shutil.copytree(FIXTURES / project, tmp_path / project)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_output(projects: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "go_app"])
    out = capsys.readouterr().out
    assert status == 1
    assert out.splitlines() == [
        'go_app/main.go:13:2: error BG104 external-state-storage: backend "s3" keeps state in '
        'bucket "acme-tf-state", which nothing in this repository creates; in a fresh account '
        "`terraform init` fails because it does not exist.",
        "go_app/main.go:19:2: warning BG201 backend-override: this override sets `use_lockfile` "
        'of backend "s3" behind the construct\'s back; switching the construct to another '
        "backend (such as LocalBackend) would leave it behind as a second backend, which "
        "`terraform init` refuses (\"Duplicate 'backend' configuration block\").",
        'go_app/reports.go:19:2: error BG104 external-state-storage: backend "gcs" keeps state '
        'in bucket "acme-reports-state", which nothing in this repository creates; in a fresh '
        "account `terraform init` fails because it does not exist.",
        "2 errors, 1 warning in 3 root modules (2 files scanned)",
    ]


def test_json_output(projects: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "--format", "json", "java_app", "csharp_app"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [
        (f["rule"], f["path"], f["line"], f["column"], f["fix"]) for f in report["findings"]
    ] == [
        ("BG104", "csharp_app/Stacks/AppStack.cs", 13, 13, None),
        ("BG110", "csharp_app/Stacks/AppStack.cs", 13, 13, None),
        ("BG201", "csharp_app/Stacks/AppStack.cs", 20, 13, None),
        ("BG201", "csharp_app/Stacks/LegacyStack.cs", 12, 9, None),
        ("BG104", f"java_app/{JAVA_DIR}/AppStack.java", 16, 9, None),
        ("BG111", f"java_app/{JAVA_DIR}/AppStack.java", 16, 9, None),
        ("BG106", f"java_app/{JAVA_DIR}/SearchStack.java", 11, 9, None),
    ]
    bg104 = report["findings"][4]
    assert (bg104["end_line"], bg104["severity"]) == (21, "error")


def test_fix_leaves_the_programs_alone_and_says_so(
    projects: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in projects.rglob("*") if p.is_file()}
    status = main(["fix", "go_app", "java_app", "csharp_app"])
    out = capsys.readouterr().out
    assert status == 0
    assert {p: p.read_bytes() for p in projects.rglob("*") if p.is_file()} == before
    assert out.splitlines() == [
        "csharp_app/Stacks/AppStack.cs:13: BG104 external-state-storage has no automatic fix",
        "csharp_app/Stacks/AppStack.cs:13: BG110 unknown-backend-argument has no automatic fix",
        "csharp_app/Stacks/LegacyStack.cs:12: BG201 backend-override has no automatic fix",
        "go_app/main.go:13: BG104 external-state-storage has no automatic fix",
        "go_app/reports.go:19: BG104 external-state-storage has no automatic fix",
        f"java_app/{JAVA_DIR}/AppStack.java:16: BG104 external-state-storage has no automatic fix",
        f"java_app/{JAVA_DIR}/AppStack.java:16: BG111 engine-version-argument has no automatic fix",
        f"java_app/{JAVA_DIR}/SearchStack.java:11: BG106 hcp-terraform-backend has no automatic fix",
    ]
    assert main(["fix", "--diff", "go_app"]) == 0
    assert capsys.readouterr().out == ""


# -- discovery ------------------------------------------------------------------------------------


def test_build_folders_are_skipped_for_programs_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = (FIXTURES / "go_app" / "main.go").read_text(encoding="utf-8")
    for folder in ("vendor", "bin", "obj", "target", "build", "generated"):
        (tmp_path / "app" / folder).mkdir(parents=True)
        (tmp_path / "app" / folder / "main.go").write_text(program, encoding="utf-8")
        (tmp_path / "app" / folder / "main.tf").write_text(
            'terraform {\n  backend "s3" {}\n}\n', encoding="utf-8"
        )
    (tmp_path / "app" / "main.go").write_text(program, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found_files = discover.discover(["app"])
    assert found_files.program_files == ["app/main.go"]
    assert sorted(f.path for f in found_files.config_files) == [
        f"app/{folder}/main.tf"
        for folder in ("bin", "build", "generated", "obj", "target", "vendor")
    ]


def test_a_scanned_root_inside_a_build_folder_is_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "go_app", tmp_path / "build" / "go_app")
    monkeypatch.chdir(tmp_path / "build")
    assert "go_app/main.go" in discover.discover(["go_app"]).program_files
    assert discover.discover([str(tmp_path / "build" / "go_app")]).program_files == [
        "go_app/main.go",
        "go_app/reports.go",
    ]


@pytest.mark.parametrize(
    ("source", "worth"),
    [
        (b"using HashiCorp.Cdktf;\nnew S3Backend(this, new S3BackendConfig());", True),
        (b'using HashiCorp.Cdktf;\nAddOverride("terraform.backend.s3.x", 1);', True),
        (b'import "github.com/hashicorp/terraform-cdk-go/cdktf"\nstack.AddOverride(x, y)', True),
        (b"import com.hashicorp.cdktf.*;\nLocalBackend.Builder.create(this)", True),
        (b'using HashiCorp.Cdktf;\nnew TerraformStack(app, "x");', False),
        (b"class S3Backend {}", False),
        # a provider binding `cdktf get` generated: it calls jsii's runtime, which stacks never do
        (
            b'import (\n\t_jsii_ "github.com/aws/jsii-runtime-go/runtime"\n'
            b'\t"github.com/hashicorp/terraform-cdk-go/cdktf"\n)\n'
            b"func (j *jsiiProxy_S3Bucket) AddOverride(path *string, value interface{}) {}",
            False,
        ),
    ],
)
def test_program_prefilter(source: bytes, worth: bool) -> None:
    assert discover.program_worth_parsing(source) is worth


# -- the forms each language writes -------------------------------------------------------------

GO_HEADER = """package main

import (
\t"github.com/aws/jsii-runtime-go"
\t"github.com/hashicorp/terraform-cdk-go/cdktf"
)
"""

HEADERS = {
    "go": GO_HEADER,
    "java": "import com.hashicorp.cdktf.*;\n",
    "cs": "using HashiCorp.Cdktf;\n",
}


def test_go_qualified_aliased_and_dot_imported_constructors() -> None:
    plain = GO_HEADER + "func s(st cdktf.TerraformStack) { cdktf.NewS3Backend(st, nil) }\n"
    assert only_backend("go", plain).type == "s3"
    aliased = plain.replace('\t"github.com/hashicorp', '\ttf "github.com/hashicorp').replace(
        "cdktf.NewS3Backend", "tf.NewGcsBackend"
    )
    assert only_backend("go", aliased).type == "gcs"
    dotted = plain.replace('\t"github.com/hashicorp', '\t. "github.com/hashicorp').replace(
        "cdktf.NewS3Backend", "NewCloudBackend"
    )
    assert only_backend("go", dotted).kind is BackendKind.CLOUD
    # without the import, `cdktf` is some other package
    other = plain.replace('\t"github.com/hashicorp/terraform-cdk-go/cdktf"\n', "")
    assert read("go", other).backends == []


def test_java_imports_decide_what_a_class_name_is() -> None:
    body = "class S extends TerraformStack {{ S() {{ {} }} }}\n"
    construct = 'new S3Backend(this, S3BackendConfig.builder().bucket("b").build());'
    for imports in ("import com.hashicorp.cdktf.S3Backend;", "import com.hashicorp.cdktf.*;"):
        backend = only_backend("java", imports + "\n" + body.format(construct))
        assert [(a.name, a.value.literal) for a in backend.attributes] == [("bucket", "b")]
    qualified = construct.replace("new S3Backend", "new com.hashicorp.cdktf.S3Backend")
    (backend,) = read("java", "// cdktf\n" + body.format(qualified)).backends
    assert backend.type == "s3"
    for imports in ("import com.other.S3Backend;", "import com.hashicorp.cdktf.App;"):
        assert read("java", imports + "\n" + body.format(construct)).backends == []


def test_csharp_usings_decide_what_a_class_name_is() -> None:
    construct = 'new {}(this, new S3BackendConfig {{ Bucket = "b" }});'
    cases = {
        "using HashiCorp.Cdktf;": "S3Backend",
        "global using HashiCorp.Cdktf;": "S3Backend",
        "using Tf = HashiCorp.Cdktf;": "Tf.S3Backend",
        "using S3 = HashiCorp.Cdktf.S3Backend;": "S3",
        "using System; // HashiCorp.Cdktf": "HashiCorp.Cdktf.S3Backend",
        "using System; // global HashiCorp.Cdktf": "global::HashiCorp.Cdktf.S3Backend",
    }
    for using, name in cases.items():
        text = f"{using}\nclass S : TerraformStack {{ S() {{ {construct.format(name)} }} }}\n"
        backend = only_backend("cs", text)
        assert (backend.type, backend.attributes[0].value.literal) == ("s3", "b"), using
    other = "using Other.Cdktf;\n" + construct.format("S3Backend")
    assert read("cs", other).backends == []


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        ("go", GO_HEADER + '// cdktf.NewS3Backend(stack, nil)\nvar s = "cdktf.NewS3Backend(x)"\n'),
        (
            "java",
            "import com.hashicorp.cdktf.*;\n// new S3Backend(this, cfg);\n"
            'class S { String s = "new S3Backend(this, cfg)"; /* S3Backend.Builder.create(this) */ }\n',
        ),
        (
            "cs",
            "using HashiCorp.Cdktf;\n// new S3Backend(this, cfg);\n"
            'class S { string s = "new S3Backend(this, cfg)"; /* AddOverride("terraform.backend.s3.a", 1) */ }\n',
        ),
    ],
)
def test_mentions_in_comments_and_strings_are_no_backend(suffix: str, text: str) -> None:
    assert read(suffix, text) == FileFacts(path=f"stack.{suffix}")


GO_VALUES = GO_HEADER + (
    'const region = "eu-west-1"\n'
    "func s(st cdktf.TerraformStack) {\n"
    '\tvar (\n\t\tbucket = "b\\u00e9\\n"\n\t\tkey, other = `k\\n`, 1\n\t)\n'
    '\ttable := "old"\n'
    '\ttable = "locks"\n'
    "\tcfg := &cdktf.S3BackendConfig{\n"
    "\t\tBucket: &bucket, Key: jsii.String(key), Region: jsii.String(region),\n"
    "\t\tDynamodbTable: jsii.String(table), MaxRetries: jsii.Number(0x1F),\n"
    "\t\tEncrypt: jsii.Bool(false), Ec2MetadataServiceEndpoint: jsii.String(props.Endpoint),\n"
    '\t\tSharedConfigFiles: jsii.Strings("a", "b"), Profile: jsii.String(os.Getenv("P")),\n'
    "\t}\n"
    "\tcdktf.NewS3Backend(st, cfg)\n"
    "}\n"
)
JAVA_VALUES = (
    "import com.hashicorp.cdktf.*;\n"
    "class S extends TerraformStack {\n"
    '  private static final String BUCKET = "b\\u00e9";\n'
    "  S(Construct scope, Props props) {\n"
    '    super(scope, "s");\n'
    '    String key = "old";\n'
    '    key = "k";\n'
    '    final String region = """\n        eu-west-1\n        """;\n'
    "    final S3BackendConfig config = S3BackendConfig.builder()\n"
    "        .bucket(BUCKET).key(key).region(region).maxRetries(10L).encrypt(true)\n"
    '        .dynamodbTable(props.table).profile(System.getenv("P"))\n'
    "        .build();\n"
    "    new S3Backend(this, config);\n"
    "  }\n"
    "}\n"
)
CSHARP_VALUES = (
    "using HashiCorp.Cdktf;\n"
    "class S : TerraformStack {\n"
    '  const string Region = "eu-west-1";\n'
    '  S(Construct scope, string env) : base(scope, "s") {\n'
    '    var bucket = @"b""é";\n'
    '    string key = "old";\n'
    '    key = $"{Region}/k\\t";\n'
    "    var config = new S3BackendConfig { Bucket = bucket, Key = key, Region = Region,\n"
    '      Profile = $"{env}-p", MaxRetries = 3, Encrypt = true, SkipRegionValidation = (false),\n'
    '      Acl = """\n        private\n        """, SseCustomerKey = $"{Region,12}" };\n'
    "    new S3Backend(this, config);\n"
    "  }\n"
    "}\n"
)


@pytest.mark.parametrize(
    ("suffix", "text", "values", "literal", "references"),
    [
        pytest.param(
            "go",
            GO_VALUES,
            {
                "bucket": "bé\n",
                "key": "k\\n",
                "region": "eu-west-1",
                "dynamodb_table": "locks",
                "max_retries": 31,
                "encrypt": False,
                "ec2_metadata_service_endpoint": None,
                "shared_config_files": ["a", "b"],
                "profile": None,
            },
            {"max_retries", "encrypt"},  # a literal in a jsii helper is written as a literal
            {
                "ec2_metadata_service_endpoint": ("props.Endpoint",),
                "profile": ('os.Getenv("P")',),
            },
            id="go",
        ),
        pytest.param(
            "java",
            JAVA_VALUES,
            {
                "bucket": "bé",
                "key": "k",
                "region": "eu-west-1\n",
                "max_retries": 10,
                "encrypt": True,
                "dynamodb_table": None,
                "profile": None,
            },
            {"max_retries", "encrypt"},
            {"dynamodb_table": ("props.table",), "profile": ('System.getenv("P")',)},
            id="java",
        ),
        pytest.param(
            "cs",
            CSHARP_VALUES,
            {
                "bucket": 'b"é',
                "key": "eu-west-1/k\t",
                "region": "eu-west-1",
                "profile": None,
                "max_retries": 3,
                "encrypt": True,
                "skip_region_validation": False,
                "acl": "private",
                "sse_customer_key": None,  # an aligned interpolation is not the value as written
            },
            {"max_retries", "encrypt", "acl"},
            {},
            id="cs",
        ),
    ],
)
def test_values_and_bindings(
    suffix: str,
    text: str,
    values: dict[str, object],
    literal: set[str],
    references: dict[str, tuple[str, ...]],
) -> None:
    """Literals, constants, fields, reassigned locals and escapes are read as the program
    means them; what the program is given stays unknown, named by what it reads."""
    backend = only_backend(suffix, text)
    assert {a.name: a.value.literal for a in backend.attributes} == values
    assert {a.name for a in backend.attributes if a.value.kind is ValueKind.LITERAL} == literal
    assert {
        a.name: a.value.references for a in backend.attributes if a.value.references
    } == references


@pytest.mark.parametrize(
    ("suffix", "text", "stack"),
    [
        (
            "go",
            GO_HEADER + "func main() {\n\tapp := cdktf.NewApp(nil)\n"
            '\tst := cdktf.NewTerraformStack(app, jsii.String("prod"))\n'
            "\tcdktf.NewLocalBackend(st, nil)\n}\n",
            "prod",
        ),
        (
            "java",
            "import com.hashicorp.cdktf.*;\nclass Main { static void main(String[] a) {\n"
            '  App app = new App();\n  TerraformStack st = new TerraformStack(app, "prod");\n'
            "  new LocalBackend(st, LocalBackendConfig.builder().build());\n} }\n",
            "prod",
        ),
        (
            "cs",
            "using HashiCorp.Cdktf;\nvar app = new App();\n"
            'var st = new TerraformStack(app, "prod");\nnew LocalBackend(st);\n',
            "prod",
        ),
        ("cs", "using HashiCorp.Cdktf;\nnew LocalBackend(Make());\n", "(top level)"),
    ],
)
def test_a_stack_made_with_a_literal_id_is_named_by_it(suffix: str, text: str, stack: str) -> None:
    backend = only_backend(suffix, text)
    assert (backend.stack, backend.module_dir) == (stack, f"stack.{suffix}#{stack}")


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (
            "go",
            GO_HEADER + "func s(st cdktf.TerraformStack) {\n"
            "\tb := cdktf.NewS3Backend(st, &cdktf.S3BackendConfig{})\n"
            '\tb.AddOverride(jsii.String("use_lockfile"), true)\n'
            '\tst.AddOverride(jsii.String("terraform.backend.local.path"), "x")\n}\n',
        ),
        (
            "java",
            "import com.hashicorp.cdktf.*;\nclass S extends TerraformStack { S() {\n"
            "  S3Backend b = new S3Backend(this, S3BackendConfig.builder().build());\n"
            '  b.addOverride("use_lockfile", true);\n'
            '  addOverride("terraform.backend.local.path", "x");\n} }\n',
        ),
        (
            "cs",
            "using HashiCorp.Cdktf;\nclass S : TerraformStack { S() {\n"
            "  var b = new S3Backend(this, new S3BackendConfig());\n"
            '  b.AddOverride("use_lockfile", true);\n'
            '  AddOverride("terraform.backend.local.path", "x");\n} }\n',
        ),
    ],
)
def test_overrides_on_the_backend_and_on_the_stack(suffix: str, text: str) -> None:
    backend = only_backend(suffix, text)
    assert [(a.name, a.value.literal) for a in backend.attributes] == [("use_lockfile", True)]
    assert [(a.name, a.value.literal) for a in backend.overrides] == [
        ("use_lockfile", True),
        ("path", "x"),
    ]


@pytest.mark.parametrize(
    ("suffix", "before", "call", "after"),
    [
        (
            "go",
            GO_HEADER + "func NewS(st cdktf.TerraformStack) {\n\t",
            'st.AddOverride(jsii.String("terraform.backend.s3.bucket"), "b")',
            "\n}\n",
        ),
        (
            "java",
            "import com.hashicorp.cdktf.*;\nclass NewS extends TerraformStack { NewS() {\n  ",
            'this.addOverride("terraform.backend.s3.bucket", "b")',
            ";\n} }\n",
        ),
        (
            "cs",
            "using HashiCorp.Cdktf;\nclass NewS : TerraformStack { NewS() {\n  ",
            'AddOverride("terraform.backend.s3.bucket", "b")',
            ";\n} }\n",
        ),
    ],
)
def test_an_override_alone_makes_a_backend_of_its_own(
    suffix: str, before: str, call: str, after: str
) -> None:
    text = before + call + after
    backend = only_backend(suffix, text)
    assert (backend.origin, backend.type, backend.stack) == (Origin.ESCAPE_HATCH, "s3", "NewS")
    assert [(a.name, a.value.literal) for a in backend.attributes] == [("bucket", "b")]
    assert span_text(text, backend.span) == span_text(text, backend.header_span) == call


@pytest.mark.parametrize("suffix", sorted(SOURCES))
def test_a_syntax_error_is_reported_next_to_the_backend(suffix: str) -> None:
    text = {
        "go": GO_HEADER + "func s(st cdktf.TerraformStack) {\n\tcdktf.NewLocalBackend(st, nil)\n"
        "\tx := ((\n}\n",
        "java": "import com.hashicorp.cdktf.*;\nclass S { S() {\n"
        "  new LocalBackend(this, null);\n  int x = ((;\n} }\n",
        "cs": "using HashiCorp.Cdktf;\nclass S { S() {\n  new LocalBackend(this);\n  int x = ((;\n} }\n",
    }[suffix]
    facts = read(suffix, text)
    assert [b.type for b in facts.backends] == ["local"]
    (problem,) = facts.problems
    assert problem.message == "has a syntax error; its backend may be read incompletely"


# how each language makes an S3 backend, and overrides an argument of its stack's backend
CONSTRUCT = {
    "go": "cdktf.NewS3Backend(st, nil)\n",
    "java": "new S3Backend(this, S3BackendConfig.builder().build());\n",
    "cs": "new S3Backend(this);\n",
}
STACK_OVERRIDE = {
    "go": 'st.AddOverride(jsii.String("terraform.backend.s3.{}"), "v")\n',
    "java": 'addOverride("terraform.backend.s3.{}", "v");\n',
    "cs": 'AddOverride("terraform.backend.s3.{}", "v");\n',
}


def _stack(suffix: str, name: str, overrides: int = 0) -> str:
    """A stack (a class, in Go a function) with an S3 backend and `overrides` overrides."""
    body = "".join(
        f"  {line}"
        for line in [CONSTRUCT[suffix]]
        + [STACK_OVERRIDE[suffix].format(f"arg{n}") for n in range(overrides)]
    )
    return {
        "go": f"func {name}(st cdktf.TerraformStack) {{\n{body}}}\n",
        "java": f"class {name} extends TerraformStack {{ {name}() {{\n{body}}} }}\n",
        "cs": f"class {name} : TerraformStack {{ {name}() {{\n{body}}} }}\n",
    }[suffix]


def _start_of(text: str, part: str, occurrence: int, path: str) -> Span:
    """Where the `occurrence`th (from 0) `part` in `text` starts."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    return Span(path, line, column, line, column)


@pytest.mark.parametrize("suffix", sorted(SOURCES))
def test_constructs_past_the_bound_are_not_read_and_said_so(suffix: str) -> None:
    text = HEADERS[suffix] + "".join(_stack(suffix, f"Stack{n}") for n in range(25))
    facts = read(suffix, text)
    assert [b.stack for b in facts.backends] == [f"Stack{n}" for n in range(20)]
    assert facts.problems == [
        ParseProblem(
            _start_of(text, CONSTRUCT[suffix], 20, facts.path),
            "has more than 20 backend constructs; those from here on were not read",
            limit=True,
        )
    ]


@pytest.mark.parametrize("suffix", sorted(SOURCES))
def test_overrides_past_the_bound_are_not_read_and_said_so(suffix: str) -> None:
    text = HEADERS[suffix] + _stack(suffix, "Big", overrides=205)
    facts = read(suffix, text)
    (backend,) = facts.backends
    assert [a.name for a in backend.overrides] == [f"arg{n}" for n in range(200)]
    assert [a.name for a in backend.attributes] == [f"arg{n}" for n in range(200)]
    assert facts.problems == [
        ParseProblem(
            _start_of(text, STACK_OVERRIDE[suffix].split("(")[0], 200, facts.path),
            "has more than 200 backend overrides in stack Big; those from here on were not read",
            limit=True,
        )
    ]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(SOURCES)), st.integers(1, 24), st.integers(0, 203))
def test_bounds_cut_only_what_is_past_them(suffix: str, stacks: int, overrides: int) -> None:
    text = HEADERS[suffix] + "".join(
        _stack(suffix, f"Stack{n}", overrides if n == 0 else 0) for n in range(stacks)
    )
    facts = read(suffix, text)
    assert len(facts.backends) == min(stacks, 20)
    assert len(facts.backends[0].overrides) == min(overrides, 200)
    assert len(facts.problems) == (stacks > 20) + (overrides > 200)


@pytest.mark.parametrize(
    ("suffix", "render"),
    [
        (
            "go",
            lambda c: GO_HEADER + f"func s(st cdktf.TerraformStack) {{ cdktf.New{c}(st, nil) }}",
        ),
        (
            "java",
            lambda c: f"import com.hashicorp.cdktf.*;\nclass S {{ S() {{ new {c}(this); }} }}",
        ),
        ("cs", lambda c: f"using HashiCorp.Cdktf;\nclass S {{ S() {{ new {c}(this); }} }}"),
    ],
)
def test_every_backend_class_is_recognised(suffix: str, render: Callable[[str], str]) -> None:
    for class_name, (kind, backend_type) in cdktf_java.BACKEND_CLASSES.items():
        backend = only_backend(suffix, render(class_name))
        assert (backend.kind, backend.type) == (kind, backend_type)


# -- properties -----------------------------------------------------------------------------------

# (construct property, argument) pairs, as each language spells the property.
PROPERTIES = [
    ("bucket", "bucket"),
    ("key", "key"),
    ("region", "region"),
    ("dynamodbTable", "dynamodb_table"),
    ("kmsKeyId", "kms_key_id"),
    ("ec2MetadataServiceEndpoint", "ec2_metadata_service_endpoint"),
    ("workspaceKeyPrefix", "workspace_key_prefix"),
]


@dataclass(frozen=True)
class Generated:
    text: str
    written: dict[str, str]  # argument -> the exact text of its property


def _generated(language: str, props: list[tuple[str, str, str]], gap: str) -> Generated:
    """A stack with an S3 backend whose properties are `props` (property, argument, value)."""
    quoted = [(p, a, json.dumps(v, ensure_ascii=False)) for p, a, v in props]
    if language == "go":
        parts = [(a, f"{p[0].upper()}{p[1:]}:{gap}jsii.String({v})") for p, a, v in quoted]
        body = f",{gap}".join(text for _, text in parts)
        text = (
            GO_HEADER + "func s(st cdktf.TerraformStack) {\n"
            f"\tcdktf.NewS3Backend(st, &cdktf.S3BackendConfig{{{gap}{body},{gap}}})\n}}\n"
        )
    elif language == "java":
        parts = [(a, f"{p}({v})") for p, a, v in quoted]
        body = "".join(f"{gap}.{text}" for _, text in parts)
        text = (
            "import com.hashicorp.cdktf.*;\nclass S extends TerraformStack { S() {\n"
            f"  new S3Backend(this, S3BackendConfig.builder(){body}{gap}.build());\n}} }}\n"
        )
    else:
        parts = [(a, f"{p[0].upper()}{p[1:]} ={gap}{v}") for p, a, v in quoted]
        body = f",{gap}".join(text for _, text in parts)
        text = (
            "using HashiCorp.Cdktf;\nclass S : TerraformStack { S() {\n"
            f"  new S3Backend(this, new S3BackendConfig {{{gap}{body}{gap}}});\n}} }}\n"
        )
    return Generated(text, dict(parts))


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, Generated, dict[str, str]]:
    language = draw(st.sampled_from(["go", "java", "cs"]))
    chosen = draw(st.lists(st.sampled_from(PROPERTIES), min_size=1, max_size=5, unique=True))
    values = [draw(st.text(alphabet="abcé-_/.ü ", max_size=8)) for _ in chosen]
    gap = draw(st.sampled_from([" ", "\n\t\t", "\n  ", "  "]))
    props = [(p, a, v) for (p, a), v in zip(chosen, values, strict=True)]
    return language, _generated(language, props, gap), {a: v for _, a, v in props}


@settings(max_examples=150, deadline=None)
@given(programs())
def test_generated_stacks_are_read_exactly(program: tuple[str, Generated, dict[str, str]]) -> None:
    language, generated, values = program
    facts = read(language, generated.text)
    assert facts.problems == [], generated.text
    (backend,) = facts.backends
    assert {a.name: a.value.literal for a in backend.attributes} == values
    assert all(a.value.kind is ValueKind.LITERAL for a in backend.attributes)
    assert {a.name: span_text(generated.text, a.span) for a in backend.attributes} == (
        generated.written
    )


NOISE = {
    "go": list(
        'cdktf.NewS3Backend(st,&cdktf.S3BackendConfig{Bucket:jsii.String("é")})`\n;/*.AddOverride:='
    ),
    "java": list(
        'new S3Backend(this,S3BackendConfig.builder().bucket("é").build())"""\n;/*{}.addOverride'
    ),
    "cs": list('new S3Backend(this,new S3BackendConfig{Bucket=$@"é{x}"})""\n;/*.AddOverride??'),
}


def _check_spans(text: str, facts: FileFacts) -> None:
    lines = text.split("\n")
    for backend in facts.backends:
        for span in (backend.span, backend.header_span, *(a.span for a in backend.attributes)):
            assert 1 <= span.start_line <= span.end_line <= len(lines)
            assert 1 <= span.start_column <= len(lines[span.start_line - 1]) + 1


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(SOURCES)), st.binary(max_size=400))
def test_random_bytes_never_crash_the_sources(suffix: str, data: bytes) -> None:
    text = HEADERS[suffix] + data.decode("utf-8", "replace")
    _check_spans(text, read(suffix, text))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_near_miss_programs_never_crash_the_sources(data: st.DataObject) -> None:
    suffix = data.draw(st.sampled_from(sorted(SOURCES)))
    noise = data.draw(st.text(alphabet=st.sampled_from(NOISE[suffix]), max_size=200))
    text = HEADERS[suffix] + noise
    _check_spans(text, read(suffix, text))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(EXPECTED)), st.data())
def test_mangled_fixture_programs_never_crash_the_sources(
    project: str, data: st.DataObject
) -> None:
    files = sorted(
        p
        for p in (FIXTURES / project).rglob("*")
        if p.suffix in (".go", ".java", ".cs") and not {"vendor", "build", "obj"} & set(p.parts)
    )
    path = data.draw(st.sampled_from(files))
    text = path.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    mangled = text[:start] + data.draw(st.text(max_size=5)) + text[end:]
    _check_spans(mangled, read(path.suffix[1:], mangled))


@pytest.mark.parametrize(
    ("suffix", "header"),
    [
        ("java", "import com.hashicorp.cdktf.S3Backend;\n"),
        ("cs", "using S3 = HashiCorp.Cdktf.S3Backend;\n"),
    ],
)
def test_a_syntax_error_that_hides_an_imported_backend_is_said(suffix: str, header: str) -> None:
    """The file names a backend class, so it is CDKTF code: when the parser cannot find the
    construct for an error, the file is reported, not passed in silence."""
    broken = _stack(suffix, "Orders").replace("  new S3Backend", "  new S3Backend" + "{" * 10)
    facts = read(suffix, header + broken)
    assert facts.backends == []
    assert [p.message for p in facts.problems] == [
        "has a syntax error; its backend could not be read"
    ]


@pytest.mark.parametrize(
    ("suffix", "text", "unknown"),
    [
        (
            "go",
            GO_HEADER + "func NewS(st cdktf.TerraformStack, config *cdktf.S3BackendConfig) {\n"
            "\tcdktf.NewS3Backend(st, config)\n}\n",
            True,
        ),
        (
            "go",
            GO_HEADER
            + "func NewS(st cdktf.TerraformStack) {\n\tcdktf.NewLocalBackend(st, nil)\n}\n",
            False,
        ),
        (
            "java",
            "import com.hashicorp.cdktf.*;\nclass S extends TerraformStack {\n"
            '  S(Construct scope, S3BackendConfig config) {\n    super(scope, "s");\n'
            "    new S3Backend(this, config);\n  }\n}\n",
            True,
        ),
        (
            "cs",
            "using HashiCorp.Cdktf;\nclass S : TerraformStack {\n"
            '  S(Construct scope, S3BackendConfig config) : base(scope, "s") {\n'
            "    new S3Backend(this, config);\n  }\n}\n",
            True,
        ),
    ],
)
def test_a_config_passed_in_leaves_the_arguments_unknown(
    suffix: str, text: str, unknown: bool
) -> None:
    backend = only_backend(suffix, text)
    assert (backend.attributes, backend.arguments_unknown) == ((), unknown)
