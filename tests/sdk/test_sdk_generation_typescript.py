"""The TypeScript SDK agrees with sdks/openapi.json: the generated layer is what the generator
makes of it today, and the facade has exactly one method per operation, calling that operation."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from jewelia.core.openapi_sdk import HTTP_METHODS, camel
from tests.sdk.test_typescript_sdk import SDK_DIR, build_sdk, ensure_node_modules, run

SDK_DOCUMENT = SDK_DIR.parent / "openapi.json"
GENERATOR_FILES = ("openapi-ts.config.ts", "tsconfig.json", "package.json")
LIST_ENVELOPE = {
    "success": True,
    "data": [],
    "pagination": {"page": 1, "limit": 20, "total": 0, "totalPages": 0, "next_cursor": None},
}


def sdk_operations() -> list[dict[str, Any]]:
    """Every operation of the SDK document with its facade name and path parameters."""
    document = json.loads(SDK_DOCUMENT.read_text())
    found = []
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            path_params = [
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"
            ]
            # Positional arguments follow the path's order, not the parameter list's.
            path_params.sort(key=lambda name: path.index("{" + name + "}"))
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            found.append(
                {
                    "resource": camel(operation["x-sdk-resource"]),
                    "method": camel(operation["x-sdk-method"]),
                    "http_method": method.upper(),
                    "path": path,
                    "path_params": path_params,
                    "has_body": "requestBody" in operation,
                    "required_query": {
                        p["name"]: p["schema"]["enum"][0] for p in query if p.get("required")
                    },
                }
            )
    return found


def diff(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only, recursively."""
    report = filecmp.dircmp(left, right)
    out = [f"only in {left}: {n}" for n in report.left_only]
    out += [f"only in {right}: {n}" for n in report.right_only]
    out += [f"differs: {n}" for n in report.diff_files + report.funny_files]
    for name in report.common_dirs:
        out += diff(left / name, right / name)
    return out


def test_regenerating_gives_the_committed_code(tmp_path: Path) -> None:
    ensure_node_modules()
    # The committed config, run as `npm run generate` would, in a copy of the package.
    package = tmp_path / "typescript"
    package.mkdir()
    for name in GENERATOR_FILES:
        shutil.copy(SDK_DIR / name, package / name)
    (package / "node_modules").symlink_to(SDK_DIR / "node_modules")
    shutil.copy(SDK_DOCUMENT, tmp_path / "openapi.json")
    run(["npm", "run", "generate"], package)

    changes = diff(SDK_DIR / "src" / "generated", package / "src" / "generated")
    assert not changes, "src/generated is stale; run `make sdks`:\n" + "\n".join(changes)


class Recorder:
    """A real HTTP server that records each request and answers a list envelope."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorder.requests.append(
                    {
                        "method": self.command,
                        "path": self.path.split("?", 1)[0],
                        "idempotency_key": self.headers.get("Idempotency-Key"),
                    }
                )
                body = json.dumps(LIST_ENVELOPE).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    threading.Thread(target=rec.server.serve_forever, daemon=True).start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


# Runs on the built dist: lists the client's resources and methods, then calls each operation's
# method with placeholder path parameters (and a body when it takes one).
PROBE = """
import { JeweliaClient } from %(dist)s;
const operations = JSON.parse(process.argv[2]);
const client = new JeweliaClient({ apiKey: 'jw_live_probe', baseUrl: %(base)s, maxRetries: 0 });
const methods = {};
for (const [name, resource] of Object.entries(client)) {
  methods[name] = Object.getOwnPropertyNames(Object.getPrototypeOf(resource))
    .filter((m) => m !== 'constructor' && typeof resource[m] === 'function').sort();
}
for (const op of operations) {
  const resource = client[op.resource];
  const args = op.path_params.map((p) => 'p-' + p);
  if (op.has_body) args.push({});
  if (Object.keys(op.required_query).length) args.push(op.required_query);
  // receive signs its body: the source's secret comes in its options
  if (op.method === 'receive') args.push({ signingSecret: 'whsec_probe' });
  await resource[op.method](...args);
}
console.log(JSON.stringify(methods));
"""


def test_every_operation_has_a_facade_method_that_calls_it(
    tmp_path: Path, recorder: Recorder
) -> None:
    build_sdk()
    operations = sdk_operations()
    probe = tmp_path / "probe.mjs"
    probe.write_text(
        PROBE
        % {
            "dist": json.dumps((SDK_DIR / "dist" / "index.js").as_uri()),
            "base": json.dumps(recorder.url + "/api/v1"),
        }
    )
    done = subprocess.run(
        ["node", str(probe), json.dumps(operations)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    methods: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])

    expected: dict[str, set[str]] = {}
    for op in operations:
        expected.setdefault(op["resource"], set()).add(op["method"])
    assert {name: set(found) for name, found in methods.items()} == expected

    # Each method sent its operation's HTTP method to its path; every POST had an Idempotency-Key.
    assert len(recorder.requests) == len(operations)
    for op, request in zip(operations, recorder.requests, strict=True):
        path = op["path"]
        for name in op["path_params"]:
            path = path.replace("{" + name + "}", "p-" + name)
        called = f"{op['resource']}.{op['method']}"
        assert (request["method"], request["path"]) == (op["http_method"], "/api/v1" + path), called
        if op["http_method"] == "POST":
            assert request["idempotency_key"], called
