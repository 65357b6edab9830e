"""GitHub's own OpenAPI description (the subset in tests/data/github-api) as a validator.

Every request the emulator receives is matched to an operation of the description and its JSON
body and query parameters are validated against the operation's schemas; the emulator's own
tests validate every response against the schema of the status code it was sent with.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import validators
from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).resolve().parent.parent / "data" / "github-api" / "openapi-subset.json"


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document, loaded once."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    template: str  # e.g. /repos/{owner}/{repo}/pulls/{pull_number}
    spec: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", ""))

    def success_codes(self) -> list[int]:
        return sorted(int(code) for code in self.spec["responses"] if code.startswith("2"))


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        # a file's path (`/contents/{path}`) has slashes of its own
        (f"(?P<{part[1:-1]}>.+)" if part == "{path}" else f"(?P<{part[1:-1]}>[^/]+)")
        if part.startswith("{")
        else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{regex}$")


@cache
def _operations() -> list[tuple[re.Pattern[str], Operation]]:
    found = []
    for template, item in document()["paths"].items():
        for method, spec in item.items():
            found.append((_pattern(template), Operation(method.upper(), template, spec)))
    # literal segments first, so /pulls/comments/{id} wins over /pulls/{pull_number}
    found.sort(key=lambda pair: pair[1].template.count("{"))
    return found


def match(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation for a request, and its path parameters; None when the API has none."""
    for pattern, operation in _operations():
        if operation.method != method:
            continue
        found = pattern.match(path)
        if found:
            return operation, found.groupdict()
    return None


def path_exists(path: str) -> bool:
    """Whether any method is described for this path (to tell 404 from 405)."""
    return any(pattern.match(path) for pattern, _ in _operations())


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (`#/components/...`) to what it points at."""
    while "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _enum(validator: Any, enums: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    # GitHub sends null for `nullable` enums (start_side of a one-line comment) without listing
    # null among the values; OpenAPI 3.0 is ambiguous there and GitHub's answers settle it.
    if instance is None and schema.get("nullable"):
        return
    yield from _BASE_ENUM(validator, enums, instance, schema)


_BASE_ENUM = OAS30Validator.VALIDATORS["enum"]
_Validator = validators.extend(OAS30Validator, {"enum": _enum})


def _without_discriminator(node: Any) -> Any:
    # A `discriminator` without a mapping over inline `oneOf` branches (check-runs) names no
    # schemas to pick; plain `oneOf` already says what GitHub enforces, and GitHub accepts a
    # check run without `status`, which the validator's discriminator handling would refuse.
    if isinstance(node, dict):
        return {k: _without_discriminator(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [_without_discriminator(v) for v in node]
    return node


@cache
def _components() -> dict[str, Any]:
    return _without_discriminator(document()["components"])


def _validator(schema: dict[str, Any]) -> Any:
    # The components ride along in the root so that `#/components/...` references resolve.
    return _Validator({"allOf": [_without_discriminator(schema)], "components": _components()})


def errors(schema: dict[str, Any], instance: object) -> list[str]:
    """Messages for every way `instance` violates `schema` (empty when it conforms)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in _validator(schema).iter_errors(instance)
    ]


def request_schema(operation: Operation) -> dict[str, Any] | None:
    body = operation.spec.get("requestBody")
    if body is None:
        return None
    return resolve(body)["content"]["application/json"]["schema"]


def request_body_required(operation: Operation) -> bool:
    body = operation.spec.get("requestBody")
    return bool(body and resolve(body).get("required"))


def query_errors(operation: Operation, query: dict[str, str]) -> list[str]:
    """Type errors in the query string, by the operation's `in: query` parameters."""
    found = []
    for raw in operation.spec.get("parameters", []):
        parameter = resolve(raw)
        name = parameter["name"]
        if parameter["in"] != "query" or name not in query:
            continue
        schema = parameter.get("schema", {})
        value: object = query[name]
        if schema.get("type") == "integer":
            try:
                value = int(query[name])
            except ValueError:
                found.append(f"{name}: {query[name]!r} is not an integer")
                continue
        found.extend(errors(schema, value))
    return found


def response_schema(operation: Operation, status: int) -> dict[str, Any] | None:
    """The schema documented for a status code; None when the response has no body."""
    responses = operation.spec["responses"]
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise KeyError(f"{operation.method} {operation.template} documents no status {status}")
    content = resolve(response).get("content")
    if not content:
        return None
    return content["application/json"]["schema"]


def documented_statuses(operation: Operation) -> set[int]:
    return {int(code) for code in operation.spec["responses"] if code.isdigit()}
