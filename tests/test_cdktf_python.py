"""CDKTF Python stacks: findings on whole little projects, their exact fixes, and properties of the
source and the fix on generated programs.

Each project under `tests/fixtures/cdktf/<name>/` with a remote backend has its fixed `main.py` in
`<name>.expected/`, written by hand: the fix must produce exactly that file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tree_sitter_python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Language, Parser

from backend_guard.apply import apply_edits, plan, write
from backend_guard.fixes.cdktf_python import local_backend_fix
from backend_guard.model import BackendKind, FileFacts, Origin, Severity, ValueKind
from backend_guard.sources import cdktf_python
from tests.cdktf_projects import FIXTURES, fixed_copy, found, has_error, scan_here, touched_lines

EXPECTED: dict[str, set[tuple[str, str, int, Severity]]] = {
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


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_project_findings(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert found(scan_here(FIXTURES / project, monkeypatch)) == EXPECTED[project]


@pytest.mark.parametrize(
    "project", sorted(p for p in EXPECTED if (FIXTURES / f"{p}.expected").is_dir())
)
def test_project_fix_matches_the_expected_file_and_rescans_clean(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = fixed_copy(project, tmp_path, monkeypatch)
    expected = (FIXTURES / f"{project}.expected" / "main.py").read_text(encoding="utf-8")
    assert (fixed / "main.py").read_text(encoding="utf-8") == expected
    assert scan_here(fixed, monkeypatch).findings == []


def test_every_remote_project_has_an_expected_fix() -> None:
    remote = {p for p, findings in EXPECTED.items() if findings}
    assert {p for p in remote if (FIXTURES / f"{p}.expected").is_dir()} == remote


def test_python_app_messages_say_what_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
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


def test_fix_description_lists_what_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "python_app", monkeypatch)
    fixes = {f.fix for f in result.findings}
    (fix,) = fixes
    assert fix is not None
    assert fix.description == (
        "use LocalBackend instead of S3Backend, drops the backend override, "
        "removes state_bucket, state_bucket_region"
    )


def test_leftover_override_fix_removes_only_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = (FIXTURES / "python_leftover_override" / "main.py").read_text(encoding="utf-8")
    fixed = fixed_copy("python_leftover_override", tmp_path, monkeypatch)
    after = (fixed / "main.py").read_text(encoding="utf-8").splitlines()
    assert set(original.splitlines()) - set(after) == {
        "        # keep S3 locking on",
        '        self.add_override("terraform.backend.s3.use_lockfile", True)',
    }


def test_cloud_backend_is_a_cloud_block(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "python_cloud", monkeypatch)
    (backend,) = result.modules["main.py#SearchStack"].backends
    assert (backend.kind, backend.type) == (BackendKind.CLOUD, "cloud")


def test_cloud_workspace_class_counts_as_a_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan_here(FIXTURES / "python_cloud", monkeypatch)
    (backend,) = result.modules["main.py#SearchStack"].backends
    workspaces = backend.attribute("workspaces")
    assert workspaces is not None and workspaces.value.literal == {"name": "search"}
    (finding,) = [f for f in result.findings if f.rule == "BG106"]
    assert "no workspace" not in finding.message


def test_arguments_continuing_the_call_line_become_one_line() -> None:
    text = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        S3Backend(self,
            bucket = "b",
            key = "k"
        )
"""
    (backend,) = read(text).backends
    fix = local_backend_fix(backend, text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed.endswith('\n        LocalBackend(self, path="terraform.tfstate")\n')


def test_keyword_arguments_from_a_dictionary_are_read() -> None:
    text = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope, ns):
        super().__init__(scope, ns)
        backend_args = {"region": "eu-west-1", "key": ns + "/terraform.tfstate", "bucket": "b"}
        S3Backend(self, **backend_args)
"""
    (backend,) = read(text).backends
    assert [(a.name, a.value.literal) for a in backend.attributes] == [
        ("region", "eu-west-1"),
        ("key", None),
        ("bucket", "b"),
    ]


def test_top_level_constructs_belong_to_the_stack_given_as_scope() -> None:
    text = """from cdktf import App, CloudBackend, NamedCloudWorkspace
from stacks import IsoStack, ClusterStack

app = App()
iso = IsoStack(app, "nix-iso")
CloudBackend(iso, organization="o", workspaces=NamedCloudWorkspace("iso"))
cluster = ClusterStack(app, "cluster")
CloudBackend(cluster, organization="o", workspaces=NamedCloudWorkspace("c"))
app.synth()
"""
    assert [b.module_dir for b in read(text).backends] == ["main.py#nix-iso", "main.py#cluster"]


def test_cloud_workspaces_object_is_not_reported_as_a_block_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = scan_here(FIXTURES / "python_cloud", monkeypatch)
    assert "BG110" not in {f.rule for f in result.findings}


# -- reading single files ---------------------------------------------------------------------


def read(text: str, path: str = "main.py") -> FileFacts:
    return cdktf_python.read(path, text, path)


def test_imports_decide_what_is_a_backend() -> None:
    assert read("S3Backend(self, bucket='b', key='k')  # cdktf\n").backends == []
    aliased = "from cdktf import S3Backend as Remote\nRemote(self, bucket='b', key='k')\n"
    assert [b.type for b in read(aliased).backends] == ["s3"]
    module_alias = "import cdktf as tf\ntf.GcsBackend(self, bucket='b')\n"
    assert [b.type for b in read(module_alias).backends] == ["gcs"]
    other = "from mylib import S3Backend\nS3Backend(self, bucket='b')  # cdktf\n"
    assert read(other).backends == []


def test_values_resolve_through_assignments_getters_and_defaults() -> None:
    text = """import os
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
"""
    (backend,) = read(text).backends
    values = {a.name: a.value for a in backend.attributes}
    assert values["bucket"].literal == "fallback-state"
    assert values["key"].literal == "qa/state.tfstate"
    assert values["region"].literal == "ap-south-1"
    assert values["role_arn"].literal is None
    assert values["role_arn"].references == ('os.environ.get("STATE_ROLE")',)
    assert (values["encrypt"].kind, values["encrypt"].literal) == (ValueKind.LITERAL, True)
    assert backend.module_dir == "main.py#Stack"


def test_override_on_the_backend_object_and_alone() -> None:
    on_object = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        backend = S3Backend(self, bucket="b", key="k")
        backend.add_override("use_lockfile", True)
"""
    (backend,) = read(on_object).backends
    assert [a.name for a in backend.overrides] == ["use_lockfile"]
    alone = """from cdktf import TerraformStack
class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        self.add_override("terraform.backend.gcs.bucket", "state")
"""
    (backend,) = read(alone).backends
    assert (backend.type, backend.origin) == ("gcs", Origin.ESCAPE_HATCH)


def test_an_environment_parameter_without_default_names_the_path() -> None:
    text = """from cdktf import S3Backend, TerraformStack
class S(TerraformStack):
    def __init__(self, scope, id: str, environment_suffix: str):
        super().__init__(scope, id)
        S3Backend(self, bucket="b", key="k")
"""
    (backend,) = read(text).backends
    fix = local_backend_fix(backend, text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert 'LocalBackend(self, path=f"terraform.{environment_suffix}.tfstate")' in fixed


def test_an_import_line_used_only_by_the_backend_goes() -> None:
    text = """from cdktf import App, TerraformStack
from cdktf import S3Backend as Remote


class S(TerraformStack):
    def __init__(self, scope):
        super().__init__(scope, "s")
        Remote(self, bucket="b", key="k")


App()
"""
    (backend,) = read(text).backends
    fix = local_backend_fix(backend, text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed.startswith("from cdktf import App, LocalBackend, TerraformStack\n\n\nclass S")
    assert 'LocalBackend(self, path="terraform.tfstate")' in fixed


# -- properties -------------------------------------------------------------------------------

_PARSER = Parser(Language(tree_sitter_python.language()))
REMOTE_CLASSES = ["S3Backend", "GcsBackend", "AzurermBackend", "HttpBackend", "PgBackend"]
NAMES = st.sampled_from(["state_bucket", "state_key", "lock_table", "region_name", "zone"])


@dataclass
class Generated:
    text: str
    class_name: str
    allowed: set[int] = field(default_factory=set)  # 1-based lines a fix may touch
    kept: list[str] = field(default_factory=list)  # lines the fix must leave in place


def _type(class_name: str) -> str:
    return class_name.removesuffix("Backend").lower()


@st.composite
def programs(draw: st.DrawFn) -> Generated:
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
    for index, (line, tag) in enumerate(out, start=1):
        if tag in ("import", "construct", "override", "binding"):
            generated.allowed.add(index)
            above = index - 1
            while tag in ("override", "binding") and above > 0 and not out[above - 1][0].strip():
                generated.allowed.add(above)
                above -= 1
        if tag == "keep":
            generated.kept.append(line)
    for name in shared:
        generated.kept.append(next(line for line, _ in out if line.startswith(f"        {name} =")))
    return generated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_generated_stacks_are_read_and_fixed_within_the_construct(generated: Generated) -> None:
    assert not has_error(_PARSER, generated.text), generated.text
    compile(generated.text, "main.py", "exec")  # valid Python, not only to tree-sitter
    facts = read(generated.text)
    assert facts.problems == []
    (backend,) = facts.backends
    assert backend.type == _type(generated.class_name)
    fix = local_backend_fix(backend, generated.text)
    assert fix is not None
    for edit in fix.edits:
        assert touched_lines(edit) <= generated.allowed, (edit, generated.text)
    fixed = apply_edits(generated.text, fix.edits)
    assert not has_error(_PARSER, fixed), fixed
    compile(fixed, "main.py", "exec")
    for line in generated.kept:
        assert line in fixed.splitlines(), (line, fixed)
    (after,) = read(fixed).backends
    assert (after.type, after.overrides) == ("local", ())
    assert local_backend_fix(after, fixed) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_source(data: bytes) -> None:
    text = (b"from cdktf import S3Backend\n" + data).decode("utf-8", "replace")
    facts = read(text)
    for backend in facts.backends:
        local_backend_fix(backend, text)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("S3Backend(self,bucket='é')f{}\n #:.add_override\\")),
        max_size=200,
    )
)
def test_near_miss_programs_never_crash_the_source_or_the_fix(noise: str) -> None:
    text = "from cdktf import S3Backend\n" + noise
    facts = read(text)
    for backend in facts.backends:
        fix = local_backend_fix(backend, text)
        if fix is not None:
            apply_edits(text, fix.edits)


@pytest.mark.parametrize(
    ("arguments", "names", "unknown"),
    [
        ('bucket="b", key="k", region="r"', ["bucket", "key", "region"], False),
        ('key=f"{ns}.tfstate", **backend_args', ["key"], True),
        ("**self.backend_base_args", [], True),
    ],
)
def test_keyword_splats_leave_the_arguments_unknown(
    arguments: str, names: list[str], unknown: bool
) -> None:
    text = f"""from cdktf import S3Backend, TerraformStack


class ServiceStack(TerraformStack):
    def __init__(self, scope, ns, backend_args):
        super().__init__(scope, ns)
        S3Backend(self, {arguments})
"""
    (backend,) = read(text).backends
    assert [a.name for a in backend.attributes] == names
    assert backend.arguments_unknown is unknown


def test_provider_constructs_that_create_storage_are_read() -> None:
    text = """from cdktf import App, TerraformStack
from imports.aws.s3_bucket import S3Bucket
from imports.azurerm import storage_account

app = App()
shared = TerraformStack(app, "shared-state")
S3Bucket(shared, "state", bucket="acme-state", force_destroy=False)
storage_account.StorageAccount(shared, "sa", name="acmestate", account_tier="Standard")
S3Bucket(shared, "logs")
"""
    storage = read(text).storage
    assert [(s.resource_type, s.name.literal, s.module_dir) for s in storage] == [
        ("aws_s3_bucket", "acme-state", "main.py#shared-state"),
        ("azurerm_storage_account", "acmestate", "main.py#shared-state"),
    ]


def test_a_whole_backend_override_on_a_top_level_stack_goes_and_the_stack_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
