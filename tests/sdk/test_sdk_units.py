"""Decisions both SDKs make without a server, checked against the same tables: which failures
are retried, how a base URL becomes the API root, and (Python) the environment fallbacks, the
key-less client and webhook verification without the timestamped headers, signed here by the
server's own signing code. The live behaviour is in test_python_sdk.py and
test_typescript_sdk.py."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from jewelia.tenants.webhooks import signing
from tests.sdk.test_typescript_sdk import SDK_DIR, build_sdk

PYTHON_SDK = SDK_DIR.parent / "python"
STATUSES = (None, 200, 201, 400, 401, 404, 409, 422, 429, 500, 502, 503, 504)
# (method, carries an Idempotency-Key) -> retried after (429, 5xx, no answer at all)
RETRY_TABLE: dict[tuple[str, bool], tuple[bool, bool, bool]] = {
    ("GET", False): (True, True, True),
    ("HEAD", False): (True, True, True),
    ("PUT", False): (True, True, True),
    ("DELETE", False): (True, True, True),
    ("OPTIONS", False): (True, True, True),
    ("POST", True): (True, True, True),
    ("POST", False): (True, False, False),  # idempotency_key=False / idempotencyKey: false
    ("PATCH", True): (True, False, False),  # the server ignores keys on PATCH
    ("PATCH", False): (True, False, False),
}
API_ROOTS = {
    "https://jewelia.example": "https://jewelia.example/api/v1",
    "https://jewelia.example/": "https://jewelia.example/api/v1",
    "http://127.0.0.1:8000": "http://127.0.0.1:8000/api/v1",
    "https://jewelia.example/api/v1": "https://jewelia.example/api/v1",
    "https://jewelia.example/api/v1/": "https://jewelia.example/api/v1",
    "https://api.jewelia-crm.com/v1": "https://api.jewelia-crm.com/v1",  # the contract's
}
NOT_URLS = ("jewelia.example/api/v1", "ftp://jewelia.example")


def expected_retry(method: str, keyed: bool, status: int | None) -> bool:
    after_429, after_5xx, after_no_answer = RETRY_TABLE[method, keyed]
    if status is None:
        return after_no_answer
    if status == 429:
        return after_429
    return after_5xx if status >= 500 else False


CASES: list[dict[str, Any]] = [
    {"method": method, "keyed": keyed, "status": status}
    for (method, keyed) in RETRY_TABLE
    for status in STATUSES
]


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The Python SDK package from the repository."""
    monkeypatch.syspath_prepend(str(PYTHON_SDK))
    import jewelia_api_client

    assert Path(jewelia_api_client.__file__).parent == PYTHON_SDK / "jewelia_api_client"
    return jewelia_api_client


def test_python_retry_decision_table(sdk: Any) -> None:
    from jewelia_api_client._retry import may_retry

    got = {(c["method"], c["keyed"], c["status"]): may_retry(**c) for c in CASES}
    want = {(c["method"], c["keyed"], c["status"]): expected_retry(**c) for c in CASES}
    assert got == want


def test_python_api_root(sdk: Any) -> None:
    from jewelia_api_client._core import api_root

    assert {url: api_root(url) for url in API_ROOTS} == API_ROOTS
    for url in NOT_URLS:
        with pytest.raises(sdk.JeweliaError, match="base_url must be an http"):
            api_root(url)


def test_python_environment_fallbacks(sdk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JEWELIA_API_KEY", raising=False)
    monkeypatch.delenv("JEWELIA_API_URL", raising=False)
    monkeypatch.setenv("JEWELIA_BASE_URL", "http://127.0.0.1:9")  # the server's, not the SDK's
    with pytest.raises(sdk.JeweliaError, match="set JEWELIA_API_URL"):
        sdk.JeweliaClient()
    monkeypatch.setenv("JEWELIA_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("JEWELIA_API_KEY", "jw_live_from_env")
    with sdk.JeweliaClient() as client:
        assert client.base_url == "http://127.0.0.1:9/api/v1"
        assert client.http_client.headers["authorization"] == "Bearer jw_live_from_env"


def test_python_client_without_a_key_refuses_before_sending(
    sdk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JEWELIA_API_KEY", raising=False)
    # Nothing listens on port 9: a request that went out would be an APIConnectionError.
    with sdk.JeweliaClient(base_url="http://127.0.0.1:9", max_retries=0) as client:
        assert "authorization" not in client.http_client.headers
        with pytest.raises(sdk.JeweliaError) as refused:
            client.customers.list()
        assert type(refused.value) is sdk.JeweliaError
        assert refused.value.message == "api_key is required (or set JEWELIA_API_KEY)"
        with pytest.raises(sdk.APIConnectionError):  # key-less operations are sent
            client.inbound_webhooks.receive(
                "00000000-0000-4000-8000-000000000000",
                {"event": "sdk.ping"},
                signing_secret="whsec_x",
            )


@pytest.fixture
def delivery() -> dict[str, Any]:
    """A delivery signed by the server's signing code, as the worker signs every delivery."""
    secret = signing.new_secret()
    body = b'{"id":"evt_1","event":"customer.created","data":{"full_name":"Ann"}}'
    now = int(time.time())
    headers = signing.signed_headers([secret], "msg_1", now, body)
    stale = signing.signed_headers([secret], "msg_1", now - 3600, body)
    legacy = {k: v for k, v in headers.items() if not k.startswith("webhook-")}
    return {"secret": secret, "body": body, "headers": headers, "stale": stale, "legacy": legacy}


def test_python_verify_signature_refuses_missing_timestamp_headers(
    sdk: Any, delivery: dict[str, Any]
) -> None:
    verify, error = sdk.webhooks.verify_signature, sdk.WebhookSignatureError
    body, secret = delivery["body"], delivery["secret"]
    verify(body, delivery["headers"], secret)
    verify(body.decode(), delivery["headers"], secret, allow_legacy=True)

    with pytest.raises(error) as refused:
        verify(body, delivery["legacy"], secret)
    assert refused.value.message == (
        "no webhook-timestamp: pass allow_legacy=True only for receivers that cannot get the"
        " timestamped headers; it cannot stop replays"
    )
    verify(body, delivery["legacy"], secret, allow_legacy=True)
    with pytest.raises(error, match="does not match"):
        verify(body + b" ", delivery["legacy"], secret, allow_legacy=True)

    # allow_legacy never skips a timestamp that is there: stale or partial headers are refused.
    for allow_legacy in (False, True):
        with pytest.raises(error, match="more than 300 s old"):
            verify(body, delivery["stale"], secret, allow_legacy=allow_legacy)
        partial = {k: v for k, v in delivery["headers"].items() if k != "webhook-signature"}
        with pytest.raises(error, match="Missing webhook-id, webhook-timestamp"):
            verify(body, partial, secret, allow_legacy=allow_legacy)
    with pytest.raises(error, match="no webhook-timestamp"):
        sdk.webhooks.construct_event(body, delivery["legacy"], secret)
    event = sdk.webhooks.construct_event(body, delivery["legacy"], secret, allow_legacy=True)
    assert event["event"] == "customer.created"


TS_UNITS = """
import { mayRetry } from %(transport)s;
import { apiRoot } from %(core)s;
import { verifyWebhookSignature } from %(index)s;
const input = JSON.parse(process.argv[2]);
const retries = input.cases.map((c) => mayRetry(c.method, c.keyed, c.status));
const roots = {};
for (const url of input.roots) roots[url] = apiRoot(url);
const refused = [];
for (const url of input.not_urls) {
  try { apiRoot(url); } catch (e) { refused.push(e instanceof TypeError); }
}
const verdict = async (headers, options) => {
  try {
    await verifyWebhookSignature(input.body, headers, input.secret, options);
    return 'valid';
  } catch (e) {
    return `refused: ${e.message}`;
  }
};
const webhooks = {
  full: await verdict(input.headers),
  legacy: await verdict(input.legacy),
  legacy_allowed: await verdict(input.legacy, { allowLegacy: true }),
  stale: await verdict(input.stale),
  stale_allowed: await verdict(input.stale, { allowLegacy: true }),
};
console.log(JSON.stringify({ retries, roots, refused, webhooks }));
"""


def test_typescript_decisions(tmp_path: Path, delivery: dict[str, Any]) -> None:
    """The same tables through the built TypeScript SDK (dist/), run with node."""
    build_sdk()
    dist = SDK_DIR / "dist"
    script = tmp_path / "units.mjs"
    script.write_text(
        TS_UNITS
        % {
            name: json.dumps((dist / f"{name}.js").as_uri())
            for name in ("transport", "core", "index")
        }
    )
    given = {
        "cases": CASES,
        "roots": list(API_ROOTS),
        "not_urls": list(NOT_URLS),
        "body": delivery["body"].decode(),
        "secret": delivery["secret"],
        "headers": delivery["headers"],
        "legacy": delivery["legacy"],
        "stale": delivery["stale"],
    }
    done = subprocess.run(
        ["node", str(script), json.dumps(given)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])

    want = [expected_retry(**c) for c in CASES]
    assert [(c, g) for c, g, w in zip(CASES, got["retries"], want, strict=True) if g != w] == []
    assert got["roots"] == API_ROOTS
    assert got["refused"] == [True] * len(NOT_URLS)
    hooks = got["webhooks"]
    assert hooks["full"] == hooks["legacy_allowed"] == "valid"
    assert hooks["legacy"] == (
        "refused: no webhook-timestamp: pass allowLegacy: true only for receivers that cannot"
        " get the timestamped headers; it cannot stop replays"
    )
    assert hooks["stale"].startswith("refused: Timestamp too old")
    assert hooks["stale_allowed"] == hooks["stale"]
