"""Reading the knowledge data files: the package's own load, and malformed copies refused with the
file and the key named.

Each malformed case is the shipped file with one fact broken, as an edit gone wrong would break it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backend_guard import knowledge
from backend_guard.knowledge import DATA, KnowledgeError, load_engine, load_storage


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (DATA / name).read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_files_load() -> None:
    terraform, opentofu = knowledge.engine("terraform"), knowledge.engine("opentofu")
    assert (terraform.release, opentofu.release) == ("1.15.5", "1.12.6")
    assert terraform.repository == "https://github.com/hashicorp/terraform"
    assert terraform.backends["s3"].arguments["endpoints"].nested["s3"].env == (
        "AWS_ENDPOINT_URL_S3",
        "AWS_S3_ENDPOINT",
    )
    assert terraform.backends["s3"].arguments["bucket"].source == (
        "internal/backend/remote-state/s3/backend.go"
    )
    assert "oci" not in opentofu.backends
    creators = {creator.resource_type: creator for creator in knowledge.storage()}
    assert creators["aws_s3_bucket"].named_by == (("s3", "bucket"),)
    assert creators["aws_s3_bucket"].source.startswith("https://registry.terraform.io/providers/")
    with pytest.raises(KeyError):
        knowledge.engine("pulumi")
    with pytest.raises(KeyError):
        terraform.backends["pulumi"]
    for name in knowledge.ENGINES:  # every backend type checked, not only those a scan looks up
        checked = load_engine(DATA / f"{name}.toml").backends
        assert dict(checked) == dict(knowledge.engine(name).backends) and len(checked) > 10


def test_importing_the_queries_reads_no_data() -> None:
    """The CLI imports `backends`; the data is parsed when a rule first asks."""
    code = (
        "import sys, backend_guard.backends as b\n"
        "assert 'backend_guard.knowledge' not in sys.modules and 'tomllib' not in sys.modules\n"
        "b.lookup('terraform', 's3')\n"
        "assert 'backend_guard.knowledge' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "terraform.toml",
            'bucket = { required = true, names_storage = "S3 bucket" }',
            'bucket = { required = "yes", names_storage = "S3 bucket" }',
            "backends.s3.arguments.bucket.required: expected true or false, found a string",
        ),
        (
            "terraform.toml",
            'use_lockfile = { type = "bool", added_in = "1.10.0" }',
            'use_lockfile = { type = "bool", added_in = "1.10" }',
            'backends.s3.arguments.use_lockfile.added_in: expected a version such as "1.10.0", '
            'found "1.10"',
        ),
        (
            "terraform.toml",
            'use_lockfile = { type = "bool", added_in = "1.10.0" }',
            'use_lockfile = { type = "boolean", added_in = "1.10.0" }',
            "backends.s3.arguments.use_lockfile.type: expected one of string, bool, number",
        ),
        (
            "terraform.toml",
            'use_lockfile = { type = "bool", added_in = "1.10.0" }',
            'use_lockfile = { type = "bool", addded_in = "1.10.0" }',
            "backends.s3.arguments.use_lockfile.addded_in: unknown key",
        ),
        (
            "terraform.toml",
            'profile = { env = ["AWS_PROFILE"], machine_local = true }',
            'profile = { env = "AWS_PROFILE", machine_local = true }',
            "backends.s3.arguments.profile.env: expected a list of strings, found a string",
        ),
        (
            "terraform.toml",
            '[backends.s3.arguments.endpoints]\ntype = "object"',
            '[backends.s3.arguments.endpoints]\ntype = "map"',
            'backends.s3.arguments.endpoints.nested: arguments of type "object", and only they',
        ),
        (
            "terraform.toml",
            "secret_suffix = { required = true }",
            "secret_suffix = { required = true, block = true }",
            'backends.kubernetes.arguments.secret_suffix.block: only an argument of type "object"',
        ),
        (
            "terraform.toml",
            '"use_azuread_auth", "resource_group_name"]]',
            '"use_azure_ad_auth", "resource_group_name"]]',
            'backends.azurerm.required_groups: "use_azure_ad_auth" is not one of its arguments',
        ),
        (
            "terraform.toml",
            'source = "internal/backend/remote-state/pg/backend.go"\n',
            "",
            "backends.pg.source: missing",
        ),
        (
            "terraform.toml",
            "[backends.inmem.arguments]\nlock_id = {}",
            '[backends.inmem.arguments]\nlock_id = "string"',
            "backends.inmem.arguments.lock_id: expected a table, found a string",
        ),
        (
            "terraform.toml",
            'release = "1.15.5"',
            'release = "1.15.5"\nrelease_date = "2025-01-01"',
            "release_date: unknown key",
        ),
        (
            "terraform.toml",
            'title = "Required token could not be found"\n',
            "",
            "errors.missing_token.title: missing",
        ),
        (
            "storage.toml",
            'named_by = ["s3.bucket"]',
            'named_by = ["s3/bucket"]',
            'aws_s3_bucket.named_by: expected "<backend type>.<argument>", found "s3/bucket"',
        ),
        (
            "storage.toml",
            'name_attribute = "table_name"\n',
            "",
            "alicloud_ots_table.name_attribute: missing",
        ),
        (
            "storage.toml",
            'cdktf_class = "S3Bucket"',
            "cdktf_class = 3",
            "aws_s3_bucket.cdktf_class: expected a string, found a number",
        ),
    ],
)
def test_a_malformed_file_names_the_file_and_the_key(
    tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    path = _broken(tmp_path, name, old, new)
    load = load_storage if name == "storage.toml" else load_engine
    with pytest.raises(KnowledgeError) as raised:
        load(path)
    assert str(raised.value).startswith(f"{path}: {message}")


def test_a_file_that_is_not_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "opentofu.toml", "lock_id = {}", "lock_id = {")
    with pytest.raises(KnowledgeError) as raised:
        load_engine(path)
    line = path.read_text(encoding="utf-8").splitlines().index("lock_id = {") + 1
    assert str(raised.value).startswith(f"{path}: ")
    assert f"line {line}" in str(raised.value)
