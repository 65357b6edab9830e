"""A stack that picks its backend in a branch: the constructs of different arms of one `if`,
`switch` or `?:` never both run, so they are no duplicate-backend (BG108); two constructs one after
the other still are. Every language, through the real scan.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from backend_guard.config import Settings
from backend_guard.scan import scan

GO_HEADER = (
    "package main\n\nimport (\n"
    '\t"github.com/aws/jsii-runtime-go"\n'
    '\t"github.com/hashicorp/terraform-cdk-go/cdktf"\n)\n\n'
)
S3 = {
    "ts": "new S3Backend(this, { bucket: 'team-state', key: 'a.tfstate', region: 'eu-west-1' });",
    "py": 'S3Backend(self, bucket="team-state", key="a.tfstate", region="eu-west-1")',
    "go": 'cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{Bucket: jsii.String("team-state"), '
    'Key: jsii.String("a.tfstate"), Region: jsii.String("eu-west-1")})',
    "java": 'new S3Backend(this, S3BackendConfig.builder().bucket("team-state")'
    '.key("a.tfstate").region("eu-west-1").build());',
    "cs": 'new S3Backend(this, new S3BackendConfig { Bucket = "team-state", Key = "a.tfstate", '
    'Region = "eu-west-1" });',
}
LOCAL = {
    "ts": "new LocalBackend(this, { path: 'dev.tfstate' });",
    "py": 'LocalBackend(self, path="dev.tfstate")',
    "go": 'cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("dev.tfstate")})',
    "java": 'new LocalBackend(this, LocalBackendConfig.builder().path("dev.tfstate").build());',
    "cs": 'new LocalBackend(this, new LocalBackendConfig { Path = "dev.tfstate" });',
}


def _ts(body: str) -> str:
    return (
        "import { Construct } from 'constructs';\n"
        "import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';\n\n"
        "export class AppStack extends TerraformStack {\n"
        "  constructor(scope: Construct, id: string, shared: boolean, store: string) {\n"
        f"    super(scope, id);\n{body}\n  }}\n}}\n"
    )


def _py(body: str) -> str:
    return (
        "from cdktf import LocalBackend, S3Backend, TerraformStack\n\n\n"
        "class AppStack(TerraformStack):\n"
        "    def __init__(self, scope, ns, shared, store):\n"
        f"        super().__init__(scope, ns)\n{body}\n"
    )


def _go(body: str) -> str:
    return (
        GO_HEADER + "func NewAppStack(stack cdktf.TerraformStack, shared bool, store string) {\n"
        f"{body}\n}}\n"
    )


def _java(body: str) -> str:
    return (
        "package com.acme;\n\nimport com.hashicorp.cdktf.*;\n\n"
        "public class AppStack extends TerraformStack {\n"
        "  public AppStack(Construct scope, String id, boolean shared, String store) {\n"
        f"    super(scope, id);\n{body}\n  }}\n}}\n"
    )


def _cs(body: str) -> str:
    return (
        "using HashiCorp.Cdktf;\n\nclass AppStack : TerraformStack {\n"
        "  public AppStack(Construct scope, string id, bool shared, string store) : base(scope, id) {\n"
        f"{body}\n  }}\n}}\n"
    )


Shape = Callable[[str], str]  # a language -> a constructor body holding two backends
WRAP = {"ts": _ts, "py": _py, "go": _go, "java": _java, "cs": _cs}
SUFFIX = {
    "ts": "main.ts",
    "py": "main.py",
    "go": "main.go",
    "java": "AppStack.java",
    "cs": "AppStack.cs",
}


def _if_else(lang: str) -> str:
    if lang == "py":
        return (
            f"        if shared:\n            {S3[lang]}\n        else:\n            {LOCAL[lang]}"
        )
    condition = "shared" if lang == "go" else "(shared)"
    return f"    if {condition} {{\n      {S3[lang]}\n    }} else {{\n      {LOCAL[lang]}\n    }}"


def _else_if(lang: str) -> str:
    if lang == "py":
        return (
            f'        if store == "s3":\n            {S3[lang]}\n'
            f'        elif store == "local":\n            {LOCAL[lang]}'
        )
    if lang == "go":
        return (
            f'    if store == "s3" {{\n      {S3[lang]}\n'
            f'    }} else if store == "local" {{\n      {LOCAL[lang]}\n    }}'
        )
    equals = {"ts": 'store === "s3"', "java": 'store.equals("s3")', "cs": 'store == "s3"'}[lang]
    other = equals.replace("s3", "local")
    return (
        f"    if ({equals}) {{\n      {S3[lang]}\n"
        f"    }} else if ({other}) {{\n      {LOCAL[lang]}\n    }}"
    )


def _switch(lang: str) -> str:
    if lang == "py":
        return (
            f'        match store:\n            case "s3":\n                {S3[lang]}\n'
            f"            case _:\n                {LOCAL[lang]}"
        )
    if lang == "go":
        return (
            f'    switch store {{\n    case "s3":\n      {S3[lang]}\n'
            f"    default:\n      {LOCAL[lang]}\n    }}"
        )
    return (
        f'    switch (store) {{\n      case "s3":\n        {S3[lang]}\n        break;\n'
        f"      default:\n        {LOCAL[lang]}\n        break;\n    }}"
    )


def _one_after_the_other(lang: str) -> str:
    indent = "        " if lang == "py" else "    "
    return f"{indent}{S3[lang]}\n{indent}{LOCAL[lang]}"


def _both_in_one_arm(lang: str) -> str:
    if lang == "py":
        return f"        if shared:\n            {S3[lang]}\n            {LOCAL[lang]}"
    condition = "shared" if lang == "go" else "(shared)"
    return f"    if {condition} {{\n      {S3[lang]}\n      {LOCAL[lang]}\n    }}"


def _rules(tmp_path: Path, lang: str, body: str, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    (tmp_path / "cdktf.json").write_text('{"app": "run"}', encoding="utf-8")
    (tmp_path / SUFFIX[lang]).write_text(WRAP[lang](body), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = scan(["."], Settings())
    assert sum(len(m.backends) for m in result.modules.values()) == 2, result.modules
    return {finding.rule for finding in result.findings}


@pytest.mark.parametrize("lang", sorted(WRAP))
@pytest.mark.parametrize("shape", [_if_else, _else_if, _switch])
def test_backends_in_exclusive_arms_are_no_duplicate(
    lang: str, shape: Shape, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _rules(tmp_path, lang, shape(lang), monkeypatch)
    assert "BG108" not in found
    assert "BG104" in found  # the S3 arm is still judged on its own


@pytest.mark.parametrize("lang", sorted(WRAP))
@pytest.mark.parametrize("shape", [_one_after_the_other, _both_in_one_arm])
def test_backends_that_both_run_are_a_duplicate(
    lang: str, shape: Shape, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "BG108" in _rules(tmp_path, lang, shape(lang), monkeypatch)


def test_a_conditional_expression_picks_one_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "    const backend = shared\n"
        f"      ? {S3['ts'][:-1]}\n"
        f"      : {LOCAL['ts'][:-1]};\n"
        "    backend.addOverride('encrypt', true);"
    )
    assert "BG108" not in _rules(tmp_path, "ts", body, monkeypatch)
