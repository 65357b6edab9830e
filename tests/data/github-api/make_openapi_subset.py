#!/usr/bin/env python3
"""Cut the operations a PR-review GitHub Action needs out of GitHub's bundled
OpenAPI description (api.github.com, OpenAPI 3.0.3) into one self-contained file.

Usage: make_openapi_subset.py SOURCE_JSON OUT_JSON

SOURCE_JSON is descriptions/api.github.com/api.github.com.json from
github/rest-api-description, or generated/api.github.com.json from the npm
package @octokit/openapi (same document plus Octokit's "x-octokit" keys and a
few replaced operations; this script undoes the parts that matter here).
See README.md for the provenance of the file actually used.
"""

import copy
import json
import sys

OPERATIONS = [
    ("/rate_limit", "get"),
    ("/repos/{owner}/{repo}", "get"),
    ("/repos/{owner}/{repo}/check-runs", "post"),
    ("/repos/{owner}/{repo}/check-runs/{check_run_id}", "patch"),
    ("/repos/{owner}/{repo}/contents/{path}", "get"),
    ("/repos/{owner}/{repo}/issues/comments/{comment_id}", "patch"),
    ("/repos/{owner}/{repo}/issues/{issue_number}/comments", "get"),
    ("/repos/{owner}/{repo}/issues/{issue_number}/comments", "post"),
    ("/repos/{owner}/{repo}/pulls/comments/{comment_id}", "patch"),
    ("/repos/{owner}/{repo}/pulls/comments/{comment_id}", "delete"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/comments", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/comments", "post"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/files", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "post"),
]
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# info block of the upstream file (the npm copy rewrites it)
UPSTREAM_INFO = {
    "version": "1.1.4",
    "title": "GitHub v3 REST API",
    "description": "GitHub's v3 REST API.",
    "license": {"name": "MIT", "url": "https://spdx.org/licenses/MIT"},
    "termsOfService": "https://docs.github.com/articles/github-terms-of-service",
    "contact": {
        "name": "Support",
        "url": "https://support.github.com/contact?tags=dotcom-rest-api",
    },
    "x-github-plan": "api.github.com",
}


def restore_checks_create(op):
    """@octokit/openapi replaces POST /repos/{owner}/{repo}/check-runs with its
    own older variant (no oneOf). Put back the upstream wording and the
    status/conclusion oneOf, as read in the upstream file (see README)."""
    if "oneOf" in op["requestBody"]["content"]["application/json"]["schema"]:
        return op  # already the upstream form
    op = copy.deepcopy(op)
    op["description"] = (
        "Creates a new check run for a specific commit in a repository.\n\n"
        "To create a check run, you must use a GitHub App. OAuth apps and authenticated users are not able to create a check suite.\n\n"
        "In a check suite, GitHub limits the number of check runs with the same name to 1000. Once these check runs exceed 1000, GitHub will start to automatically delete older check runs.\n\n"
        "> [!NOTE]\n> The Checks API only looks for pushes in the repository where the check suite or check run were created. "
        "Pushes to a branch in a forked repository are not detected and return an empty `pull_requests` array."
    )
    op["externalDocs"]["url"] = "https://docs.github.com/rest/checks/runs#create-a-check-run"
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    status = schema["properties"]["status"]
    status.clear()
    status.update(
        {
            "type": "string",
            "description": "The current status of the check run. Only GitHub Actions can set a status of `waiting`, `pending`, or `requested`.",
            "enum": ["queued", "in_progress", "completed", "waiting", "requested", "pending"],
            "default": "queued",
        }
    )
    ann = schema["properties"]["output"]["properties"]["annotations"]
    ann["description"] = ann["description"].replace(
        "https://docs.github.com/rest/reference/checks#update-a-check-run",
        "https://docs.github.com/rest/checks/runs#update-a-check-run",
    )
    act = schema["properties"]["actions"]
    act["description"] = act["description"].replace(
        "https://docs.github.com/rest/reference/checks#check-runs-and-requested-actions",
        "https://docs.github.com/rest/guides/using-the-rest-api-to-interact-with-checks#check-runs-and-requested-actions",
    )
    schema["required"] = ["name", "head_sha"]
    schema["discriminator"] = {"propertyName": "status"}
    schema["oneOf"] = [
        {
            "properties": {"status": {"enum": ["completed"]}},
            "required": ["status", "conclusion"],
            "additionalProperties": True,
        },
        {
            "properties": {"status": {"enum": ["queued", "in_progress"]}},
            "additionalProperties": True,
        },
    ]
    return op


def strip_octokit(node):
    if isinstance(node, dict):
        node.pop("x-octokit", None)
        for v in node.values():
            strip_octokit(v)
    elif isinstance(node, list):
        for v in node:
            strip_octokit(v)


def collect_refs(node, out):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            out.add(ref)
        for k, v in node.items():
            if k != "$ref":
                collect_refs(v, out)
    elif isinstance(node, list):
        for v in node:
            collect_refs(v, out)


def main(src_path, out_path):
    with open(src_path, encoding="utf-8") as f:
        spec = json.load(f)

    paths = {}
    for path, method in OPERATIONS:
        item = spec["paths"][path]
        new_item = paths.setdefault(
            path, {k: copy.deepcopy(v) for k, v in item.items() if k not in METHODS}
        )
        op = copy.deepcopy(item[method])
        op.pop("x-octokit", None)
        if (path, method) == ("/repos/{owner}/{repo}/check-runs", "post"):
            op = restore_checks_create(op)
        new_item[method] = op
    # keep upstream method order inside each path item
    for path in paths:
        order = list(spec["paths"][path].keys())
        paths[path] = dict(sorted(paths[path].items(), key=lambda kv: order.index(kv[0])))

    components = {}
    seen = set()
    todo = set()
    collect_refs(paths, todo)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        parts = ref.split("/")
        if parts[:2] != ["#", "components"] or len(parts) != 4:
            raise SystemExit("unexpected $ref " + ref)
        node = copy.deepcopy(spec["components"][parts[2]][parts[3]])
        strip_octokit(node)
        components.setdefault(parts[2], {})[parts[3]] = node
        collect_refs(node, todo)

    # components in upstream order
    ordered = {}
    for section in spec["components"]:
        if section in components:
            names = components[section]
            ordered[section] = {n: names[n] for n in spec["components"][section] if n in names}

    used_tags = {
        t
        for item in paths.values()
        for k, op in item.items()
        if k in METHODS
        for t in op.get("tags", [])
    }
    subset = {
        "openapi": spec["openapi"],
        "info": UPSTREAM_INFO,
        "tags": [t for t in spec["tags"] if t["name"] in used_tags],
        "servers": spec["servers"],
        "externalDocs": spec["externalDocs"],
        "paths": paths,
        "components": ordered,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(subset, f, indent=2, ensure_ascii=False)
        f.write("\n")
    n_ops = sum(1 for item in paths.values() for k in item if k in METHODS)
    print(
        "%d paths, %d operations, %s"
        % (len(paths), n_ops, ", ".join("%d %s" % (len(v), k) for k, v in ordered.items()))
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
