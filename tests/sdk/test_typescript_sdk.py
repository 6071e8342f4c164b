"""The TypeScript SDK built, packed and installed like a customer's, then run against the live server.

Once per module: `npm ci` in sdks/typescript (from its lockfile), `npm run build`, `npm pack`; a
fresh project gets its own `npm ci` (typescript, @types/node) and `npm install <tarball>`; the
story (tests/sdk/ts_story/story.ts) is type-checked with `tsc --noEmit` (strict) and compiled.
Each test then runs one scenario with node and checks what it printed and the server's state.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SDK_DIR = ROOT / "sdks" / "typescript"
STORY_DIR = Path(__file__).resolve().parent / "ts_story"
STORY_FILES = ("package.json", "package-lock.json", "tsconfig.json", "story.ts")
INSTALLED_MARK = SDK_DIR / "node_modules" / ".jewelia-lockfile-sha256"
# Module specifiers of import/export statements (`... from '...'`, `import '...'`) and `import('...')`.
IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]"""
    r"""|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]""",
    re.MULTILINE,
)


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; its output, or a failure showing both streams."""
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} (in {cwd}) failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def ensure_node_modules() -> None:
    """`npm ci` in sdks/typescript unless node_modules was installed from this very lockfile.

    Parallel test sessions share the checkout, so the install runs under a file lock."""
    with open(SDK_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = hashlib.sha256((SDK_DIR / "package-lock.json").read_bytes()).hexdigest()
        if INSTALLED_MARK.exists() and INSTALLED_MARK.read_text() == wanted:
            return
        run(["npm", "ci", "--no-audit", "--no-fund"], SDK_DIR)
        INSTALLED_MARK.write_text(wanted)


def build_sdk() -> None:
    """`npm ci` when needed, then `npm run build` (tsc) into sdks/typescript/dist."""
    ensure_node_modules()
    with open(SDK_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run(["npm", "run", "build"], SDK_DIR)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The packed SDK installed in a fresh project with the story compiled: paths and pack facts."""
    build_sdk()
    packs = tmp_path_factory.mktemp("ts-pack")
    packed = json.loads(run(["npm", "pack", "--json", "--pack-destination", str(packs)], SDK_DIR))[
        0
    ]
    tarball = packs / packed["filename"]
    project = tmp_path_factory.mktemp("ts-story")
    for name in STORY_FILES:
        shutil.copy(STORY_DIR / name, project / name)
    run(["npm", "ci", "--no-audit", "--no-fund"], project)
    run(["npm", "install", "--no-audit", "--no-fund", str(tarball)], project)
    tsc = str(project / "node_modules" / ".bin" / "tsc")
    run([tsc, "--noEmit", "-p", "."], project)
    run([tsc, "-p", "."], project)
    yield {"project": project, "tarball": tarball, "pack": packed}


def run_story(story: dict[str, Any], scenario: str, **env: str) -> Any:
    """Run one scenario of the compiled story with node; the JSON it printed."""
    full_env = {**os.environ, **env}
    out = run(["node", "out/story.js", scenario], story["project"], env=full_env)
    return json.loads(out.strip().splitlines()[-1])


def story_env(target: dict[str, Any], **extra: str) -> dict[str, str]:
    return {"JEWELIA_BASE_URL": target["base_url"], "JEWELIA_API_KEY": target["api_key"], **extra}


def api_get(target: dict[str, Any], path: str, **params: Any) -> Any:
    """The server's answer to a plain GET (no SDK): the decoded envelope."""
    response = httpx.get(
        f"{target['base_url']}{path}",
        params=params,
        headers={"Authorization": f"Bearer {target['api_key']}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def proxy_log(target: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(target["proxy_log_url"], timeout=10).json()
    return entries


def test_package_is_esm_with_types_and_no_dependencies(story: dict[str, Any]) -> None:
    manifest = json.loads((SDK_DIR / "package.json").read_text())
    assert manifest["name"] == "@jewelia/api-client"
    assert manifest["type"] == "module"
    assert manifest["exports"]["."] == {"types": "./dist/index.d.ts", "import": "./dist/index.js"}
    assert "dependencies" not in manifest and "peerDependencies" not in manifest
    with tarfile.open(story["tarball"]) as tar:
        names = set(tar.getnames())
        sources = {
            n: tar.extractfile(n).read().decode()  # type: ignore[union-attr]
            for n in names
            if n.endswith(".js")
        }
    assert {"package/dist/index.js", "package/dist/index.d.ts", "package/README.md"} <= names
    assert "package/LICENSE" in names
    with tarfile.open(story["tarball"]) as tar:
        shipped = tar.extractfile("package/LICENSE").read()  # type: ignore[union-attr]
    assert shipped == (SDK_DIR / "LICENSE").read_bytes()
    assert shipped.startswith(b"MIT License")
    assert story["pack"]["version"] == manifest["version"] == "1.0.0"
    assert manifest["license"] == "MIT"
    assert manifest["publishConfig"] == {"access": "public"}
    assert manifest["repository"]["url"] == "git+https://github.com/jewelia-crm/js-sdk.git"
    assert manifest["homepage"] == "https://jewelia-crm.com/developers"
    assert manifest["bugs"]["url"] == "https://github.com/jewelia-crm/js-sdk/issues"
    python_version = re.search(
        r'^version = "(.+)"$', (SDK_DIR.parent / "python" / "pyproject.toml").read_text(), re.M
    )
    assert python_version and python_version.group(1) == manifest["version"]
    # Every import in the shipped JavaScript is relative: nothing is loaded from node_modules.
    specifiers = {
        (name, "".join(groups))
        for name, source in sources.items()
        for groups in IMPORT.findall(source)
    }
    assert len(specifiers) > 20
    assert [
        (n, spec)
        for n, spec in specifiers
        if not spec.startswith("./") and not spec.startswith("../")
    ] == []
    assert not any("require(" in source for source in sources.values())


def test_contract_calls_and_crud(story: dict[str, Any], sdk_target: dict[str, Any]) -> None:
    got = run_story(story, "contract", **story_env(sdk_target))

    assert got["search"]["names"] == ["John Appleseed"]
    assert got["search"]["pagination"]["page"] == 1
    assert got["search"]["pagination"]["limit"] == 20
    assert got["search"]["has_more"] is False
    assert got["customer"]["full_name"] == "Jane Smith"
    assert got["customer"]["email"] == "jane@example.com"
    assert got["fetched_name"] == "Jane Smith"
    assert got["updated_phone"] == "+15550100"  # stored normalized
    assert got["replaced_name"] == "John A. Appleseed"
    assert got["deleted"] == {"id": got["john_id"], "deleted": True}
    assert got["not_found"]["status"] == 404 and got["not_found"]["code"] == "NOT_FOUND"
    assert got["not_found"]["request_id"]

    item = got["item"]
    assert item["sku"] == item["fetched_sku"] == "RING-001" and item["quantity"] == 5
    assert got["spare"]["deleted"] is True
    assert got["inventory_ids"] == [item["id"]]
    order = got["order"]
    assert order["customer_id"] == got["customer"]["id"] and order["status"] == "confirmed"
    assert got["order_ids"] == [order["id"]]

    # The server agrees, asked without the SDK.
    customers = api_get(sdk_target, "/customers")["data"]
    assert [(c["id"], c["full_name"], c["phone"]) for c in customers] == [
        (got["customer"]["id"], "Jane Smith", "+15550100")
    ]
    stock = api_get(sdk_target, f"/inventory/{item['id']}")["data"]
    assert stock["quantity"] == 5 - 2  # the order took two
    stored_order = api_get(sdk_target, f"/orders/{order['id']}")["data"]
    assert stored_order["status"] == "confirmed"
    assert [line["quantity"] for line in stored_order["items"]] == [2]


def test_iterates_250_customers_across_cursor_pages(
    story: dict[str, Any], sdk_target: dict[str, Any]
) -> None:
    got = run_story(story, "pagination", **story_env(sdk_target))

    assert len(got["created"]) == len(set(got["created"])) == 250
    assert len(got["seen"]) == len(set(got["seen"])) == 250
    assert set(got["seen"]) == set(got["created"])
    assert api_get(sdk_target, "/customers", limit=1)["pagination"]["total"] == 250
    # 100 + 100 + 50, then nothing: the last full page is followed by no cursor.
    assert got["pages"] == [
        {"count": 100, "has_more": True},
        {"count": 100, "has_more": True},
        {"count": 50, "has_more": False},
        None,
    ]


def test_429_is_retried_after_retry_after(
    story: dict[str, Any], sdk_target: dict[str, Any]
) -> None:
    flaky = sdk_target["flaky_url"]("ratelimit-once")
    got = run_story(story, "rate-limit", **story_env(sdk_target, JEWELIA_FLAKY_URL=flaky))

    assert got["listed"] == 0
    assert got["refused"] == {
        "status": 429,
        "code": "RATE_LIMIT_EXCEEDED",
        "retry_after": 1,
        "request_id": "proxy-ratelimit",
    }
    log = [e for e in proxy_log(sdk_target) if e["path"].startswith("/api/v1/customers")]
    assert [(e["method"], e["status"]) for e in log] == [("GET", 429), ("GET", 200)]
    assert log[1]["time"] - log[0]["time"] >= 1.0, "the retry came before Retry-After: 1"
    refused = [e for e in proxy_log(sdk_target) if e["path"].startswith("/api/v1/inventory")]
    assert [e["status"] for e in refused] == [429], "maxRetries: 0 must not retry"


def test_post_is_replayed_with_the_same_idempotency_key(
    story: dict[str, Any], sdk_target: dict[str, Any]
) -> None:
    flaky = sdk_target["flaky_url"]("drop-once")
    got = run_story(story, "idempotency", **story_env(sdk_target, JEWELIA_FLAKY_URL=flaky))

    posts = [e for e in proxy_log(sdk_target) if e["method"] == "POST"]
    assert [(e["status"], e.get("upstream_status")) for e in posts] == [(503, 201), (201, 201)]
    keys = [{k.lower(): v for k, v in e["headers"].items()}["idempotency-key"] for e in posts]
    assert keys[0] == keys[1]
    assert uuid.UUID(keys[0]).version == 4
    matches = api_get(sdk_target, "/customers", search="Idem Potent")
    assert matches["pagination"]["total"] == 1, "the retried POST created a second customer"
    assert matches["data"][0]["id"] == got["id"]


def test_typed_errors(story: dict[str, Any], sdk_target: dict[str, Any]) -> None:
    got = run_story(story, "errors", **story_env(sdk_target))
    # 404 with code and request id, 422 with field details, 401, 409, and no server at all.

    missing = got["not_found"]
    assert missing["name"] == "NotFoundError" and missing["is_jewelia_error"] is True
    assert missing["status"] == 404 and missing["code"] == "NOT_FOUND"
    assert missing["message"] and len(missing["request_id"]) >= 8
    invalid = got["validation"]
    assert invalid["name"] == "ValidationError" and invalid["code"] == "VALIDATION_ERROR"
    assert invalid["status"] in (400, 422) and invalid["fields"] == ["email"]
    assert invalid["request_id"]
    assert got["unauthenticated"] == {
        "name": "AuthenticationError",
        "status": 401,
        "code": "AUTHENTICATION_ERROR",
    }
    assert got["conflict"] == {
        "name": "ConflictError",
        "status": 409,
        "code": "INSUFFICIENT_STOCK",
    }
    assert got["unreachable"] == {
        "name": "APIConnectionError",
        "status": None,
        "code": "CONNECTION_ERROR",
        "is_jewelia_error": True,
    }


def test_verify_webhook_signature_on_a_real_delivery(
    story: dict[str, Any],
    sdk_target: dict[str, Any],
    webhook_delivery: dict[str, Any],
    tmp_path: Path,
) -> None:
    body_file = tmp_path / "body.json"
    body_file.write_bytes(webhook_delivery["body"])
    headers_file = tmp_path / "headers.json"
    headers_file.write_text(json.dumps(webhook_delivery["headers"]))
    env = story_env(
        sdk_target,
        JEWELIA_WEBHOOK_BODY_FILE=str(body_file),
        JEWELIA_WEBHOOK_HEADERS_FILE=str(headers_file),
        JEWELIA_WEBHOOK_SECRET=webhook_delivery["secret"],
    )
    got = run_story(story, "webhook", **env)

    assert json.loads(webhook_delivery["body"])["event"] == "customer.created"
    assert got["real_bytes"] == "valid"
    assert got["real_text"] == "valid"
    # Without the timestamped headers: refused unless allowLegacy, which checks the other header.
    assert got["legacy_only"] == (
        "refused: no webhook-timestamp: pass allowLegacy: true only for receivers that cannot"
        " get the timestamped headers; it cannot stop replays"
    )
    assert got["legacy_allowed"] == "valid"
    assert got["tampered"].startswith("refused: No v1 signature")
    assert got["wrong_secret"].startswith("refused: No v1 signature")
    assert got["legacy_tampered"].startswith("refused: X-Webhook-Signature does not match")
    assert got["stale_timestamp"].startswith("refused: Timestamp too old")
    assert got["stale_allowed"] == got["stale_timestamp"]


def _header(entry: dict[str, Any], name: str) -> str | None:
    return next((v for k, v in entry["headers"].items() if k.lower() == name), None)


def test_retries_follow_the_decision_table(
    story: dict[str, Any], sdk_target: dict[str, Any]
) -> None:
    env = story_env(
        sdk_target,
        JEWELIA_FLAKY_URL=sdk_target["flaky_url"]("fail-once"),
        JEWELIA_RATELIMIT_URL=sdk_target["flaky_url"]("ratelimit-once"),
    )
    got = run_story(story, "retries", **env)

    assert got["get"] == 1 and got["keyed_post"] == "sha256="
    assert got["patch"] == {"name": "APIError", "status": 503}
    assert got["unkeyed_post"] == {"name": "APIError", "status": 503}
    assert got["unkeyed_post_429"] == "sha256="

    def tries(scenario: str, method: str, path: str) -> list[tuple[int, str | None]]:
        return [
            (e["status"], _header(e, "idempotency-key"))
            for e in proxy_log(sdk_target)
            if (e["scenario"], e["method"], e["path"].split("?")[0]) == (scenario, method, path)
        ]

    assert [s for s, _ in tries("fail-once", "GET", "/api/v1/customers")] == [503, 200]
    patched = tries("fail-once", "PATCH", f"/api/v1/customers/{got['target_id']}")
    assert [s for s, _ in patched] == [503], "PATCH is not retried after a 5xx"
    assert tries("fail-once", "POST", "/api/v1/inventory") == [(503, None)]
    keyed = tries("fail-once", "POST", "/api/v1/webhooks/test/signature")
    assert [s for s, _ in keyed] == [503, 200] and keyed[0][1] and keyed[0][1] == keyed[1][1]
    unkeyed = tries("ratelimit-once", "POST", "/api/v1/webhooks/test/signature")
    assert unkeyed == [(429, None), (200, None)]
    stored = api_get(sdk_target, f"/customers/{got['target_id']}")["data"]
    assert stored["notes"] != "patched"
    assert api_get(sdk_target, "/inventory", search="TS-UNKEYED")["pagination"]["total"] == 0


def test_import_over_one_mib_with_and_without_idempotency_key(
    story: dict[str, Any], sdk_target: dict[str, Any]
) -> None:
    env = story_env(sdk_target, JEWELIA_FLAKY_URL=sdk_target["flaky_url"]("ok"))
    got = run_story(story, "big-import", **env)

    assert got["body_bytes"] > 1 << 20
    imports = [
        e
        for e in proxy_log(sdk_target)
        if e["method"] == "POST" and e["path"].startswith("/api/v1/import-export")
    ]
    assert [e["status"] for e in imports] == [202, 202]
    assert uuid.UUID(_header(imports[0], "idempotency-key") or "").version == 4
    assert _header(imports[1], "idempotency-key") is None
    for job_id in (got["keyed_job"], got["unkeyed_job"]):
        job = api_get(sdk_target, "/import-export", jobId=job_id)["data"]
        assert job["fileSize"] > 1 << 20, job


def test_inbound_receive_signs_the_bytes_it_sends(
    story: dict[str, Any], sdk_target: dict[str, Any]
) -> None:
    env = story_env(sdk_target, JEWELIA_FLAKY_URL=sdk_target["flaky_url"]("ok"))
    got = run_story(story, "inbound", **env)

    assert got["first"]["duplicate"] is False and got["first"]["status"] == "received"
    assert got["again"] == {"duplicate": True, "id": got["first"]["id"]}
    assert got["with_timestamp"] == {"duplicate": False}
    assert got["wrong_secret"] == {"name": "AuthenticationError", "status": 401}
    assert got["keyless"] == {"name": "AuthenticationError", "status": 401}
    receives = [
        e for e in proxy_log(sdk_target) if e["path"] == f"/api/v1/webhooks/{got['source_id']}"
    ]
    assert [e["status"] for e in receives] == [202, 200, 202, 401]
    for entry in receives:
        assert entry["scenario"] == "ok" and _header(entry, "authorization") is None
        assert (_header(entry, "x-webhook-signature") or "").startswith("sha256=")
    assert [bool(_header(e, "webhook-timestamp")) for e in receives] == [True, True, False, True]
    events = api_get(sdk_target, f"/webhooks/inbound/{got['source_id']}/events")
    assert events["pagination"]["total"] == 2


SAMPLES_TSCONFIG = {
    "extends": "./tsconfig.json",
    "compilerOptions": {"noEmit": True, "rootDir": "."},
    "files": [],
    "include": ["samples/*.ts"],
}


def test_portal_typescript_samples_type_check(story: dict[str, Any], app: Any) -> None:
    """The developer portal's TypeScript sample for every operation compiles against the SDK."""
    from jewelia.core.openapi import with_error_responses
    from jewelia.web.developers import samples

    calls = samples.calls(with_error_responses(app.openapi_schema.to_schema()))
    sdk_document = json.loads((SDK_DIR.parent / "openapi.json").read_text())
    operations = sum(
        1 for item in sdk_document["paths"].values() for op in item.values() if "x-sdk-method" in op
    )
    assert len(calls) == operations
    project = story["project"]
    folder = project / "samples"
    folder.mkdir(exist_ok=True)
    for call in calls:
        source = samples.sample(call, "typescript", "https://jewelia.example/api/v1")
        (folder / f"{call.operation_id}.ts").write_text(source + "\nexport {};\n")
    (project / "tsconfig.samples.json").write_text(json.dumps(SAMPLES_TSCONFIG))
    run([str(project / "node_modules" / ".bin" / "tsc"), "-p", "tsconfig.samples.json"], project)
