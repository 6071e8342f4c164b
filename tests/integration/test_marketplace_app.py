"""The reference marketplace app (examples/marketplace-app) as a real server: the install
redirect carries PKCE (S256) and a state it checks, the code exchange sends the verifier with the
client secret, the API is called with the token and refreshed on 401, webhooks are verified
(401 for a bad or missing signature), deduplicated, and uninstall/redact are honoured.

Jewelia's side is a small fake authorization server here; the browser test
(tests/e2e/test_marketplace_browser.py) runs the app against the real one."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.marketplace_app import ReferenceApp, sign

CLIENT_ID = "jwc_reference"
SECRET = "jws_" + "s3cret" * 6
TENANT = str(uuid.uuid4())


class FakeJewelia:
    """/oauth/token and /api/v1/customers, checking what a real server checks."""

    def __init__(self) -> None:
        self.challenges: dict[str, str] = {}  # code -> S256 challenge it was issued for
        self.live_access: set[str] = set()
        self.live_refresh: set[str] = set()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                form = {
                    k: v[0]
                    for k, v in parse_qs(
                        self.rfile.read(int(self.headers["Content-Length"])).decode()
                    ).items()
                }
                fake.requests.append(("token", {**form, "auth": self.headers["Authorization"]}))
                basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
                if self.path != "/oauth/token" or self.headers["Authorization"] != basic:
                    return self.reply(401, {"error": "invalid_client"})
                if form.get("grant_type") == "authorization_code":
                    challenge = fake.challenges.pop(form.get("code", ""), None)
                    digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                    if challenge is None or computed != challenge:
                        return self.reply(400, {"error": "invalid_grant"})
                elif form.get("grant_type") == "refresh_token":
                    if form.get("refresh_token") not in fake.live_refresh:
                        return self.reply(400, {"error": "invalid_grant"})
                    fake.live_refresh.discard(form["refresh_token"])
                else:
                    return self.reply(400, {"error": "unsupported_grant_type"})
                access, refresh = f"jwa_{uuid.uuid4().hex}", f"jwr_{uuid.uuid4().hex}"
                fake.live_access.add(access)
                fake.live_refresh.add(refresh)
                return self.reply(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "refresh_token": refresh,
                        "scope": "customers:read",
                        "tenant_id": TENANT,
                    },
                )

            def do_GET(self) -> None:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                fake.requests.append(("api", {"path": self.path, "token": token}))
                if not self.path.startswith("/api/v1/customers"):
                    return self.reply(404, {"error": "not found"})
                if token not in fake.live_access:
                    return self.reply(401, {"success": False, "code": "UNAUTHORIZED"})
                return self.reply(200, {"success": True, "data": [], "pagination": {"total": 7}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeJewelia:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def jewelia() -> Iterator[FakeJewelia]:
    with FakeJewelia() as fake:
        yield fake


@pytest.fixture(scope="module")
def ref(jewelia: FakeJewelia) -> Iterator[ReferenceApp]:
    with ReferenceApp(jewelia.url, CLIENT_ID, SECRET) as app:
        yield app


def post_event(ref: ReferenceApp, payload: dict[str, Any], signature: str | None = "good") -> Any:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "good":
        headers["X-Webhook-Signature"] = sign(SECRET, body)
    elif signature is not None:
        headers["X-Webhook-Signature"] = signature
    return httpx.post(f"{ref.url}/webhooks", content=body, headers=headers, timeout=10)


def start_install(browser: httpx.Client, ref: ReferenceApp, jewelia: FakeJewelia) -> dict:
    answer = browser.get(f"{ref.url}/", params={"install": "1", "jewelia": jewelia.url})
    assert answer.status_code == 302
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{jewelia.url}/oauth/authorize"
    return {k: v[0] for k, v in parse_qs(target.query).items()}


def test_install_redirect_carries_pkce_s256_and_state(
    ref: ReferenceApp, jewelia: FakeJewelia
) -> None:
    with httpx.Client() as browser:
        first = start_install(browser, ref, jewelia)
        second = start_install(browser, ref, jewelia)
    assert first["response_type"] == "code"
    assert first["client_id"] == CLIENT_ID
    assert first["redirect_uri"] == f"{ref.url}/callback"
    assert first["scope"] == "customers:read"
    assert first["code_challenge_method"] == "S256"
    # RFC 7636: base64url of a SHA-256 digest, no padding: 43 characters.
    assert len(first["code_challenge"]) == 43
    assert set(first["code_challenge"]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert len(first["state"]) >= 32
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]
    # /install is the same flow; a link naming another Jewelia is refused (no code exchange
    # with an unknown server, which would get the client secret).
    assert httpx.get(f"{ref.url}/install").status_code == 302
    other = httpx.get(f"{ref.url}/", params={"install": "1", "jewelia": "https://evil.example"})
    assert other.status_code == 400
    assert "evil.example" in other.text and "<script" not in other.text


def test_callback_exchanges_code_with_verifier_and_shows_the_count(
    ref: ReferenceApp, jewelia: FakeJewelia
) -> None:
    with httpx.Client() as browser:
        params = start_install(browser, ref, jewelia)
        jewelia.challenges["code-1"] = params["code_challenge"]
        done = browser.get(
            f"{ref.url}/callback", params={"code": "code-1", "state": params["state"]}
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == f"/tenants/{TENANT}"
        exchange = [r for kind, r in jewelia.requests if kind == "token"][-1]
        assert exchange["grant_type"] == "authorization_code"
        assert exchange["redirect_uri"] == f"{ref.url}/callback"
        assert exchange["auth"].startswith("Basic ")

        shown = browser.get(f"{ref.url}/tenants/{TENANT}")
        assert shown.status_code == 200
        assert '<p class=count id="customer-count">7 customers</p>' in shown.text

        # A state is single-use.
        again = browser.get(f"{ref.url}/callback", params={"code": "x", "state": params["state"]})
        assert again.status_code == 400

        # The access token expired: the page refreshes once and still shows the count.
        jewelia.live_access.clear()
        shown = browser.get(f"{ref.url}/tenants/{TENANT}")
        assert "7 customers" in shown.text
        assert [r for kind, r in jewelia.requests if kind == "token"][-1]["grant_type"] == (
            "refresh_token"
        )
        # Both tokens dead: the page says so instead of a number.
        jewelia.live_access.clear()
        jewelia.live_refresh.clear()
        assert "refused our token" in browser.get(f"{ref.url}/tenants/{TENANT}").text

    # Another browser (no cookie from the install) does not see the tenant's page.
    assert httpx.get(f"{ref.url}/tenants/{TENANT}").status_code == 404


def test_callback_refuses_unknown_state_or_another_browser(
    ref: ReferenceApp, jewelia: FakeJewelia
) -> None:
    with httpx.Client() as browser:
        params = start_install(browser, ref, jewelia)
        jewelia.challenges["code-2"] = params["code_challenge"]
        wrong = browser.get(f"{ref.url}/callback", params={"code": "code-2", "state": "forged"})
        assert wrong.status_code == 400
    # The right state from a browser that did not start the install (login CSRF).
    with httpx.Client() as other:
        stolen = other.get(
            f"{ref.url}/callback", params={"code": "code-2", "state": params["state"]}
        )
        assert stolen.status_code == 400
    # Jewelia's error redirect (the user denied) is shown, escaped.
    denied = httpx.get(
        f"{ref.url}/callback", params={"error": "access_denied", "error_description": "<b>no</b>"}
    )
    assert denied.status_code == 400 and "&lt;b&gt;no&lt;/b&gt;" in denied.text


def test_webhook_signature_is_checked(ref: ReferenceApp) -> None:
    event = {
        "id": str(uuid.uuid4()),
        "event": "customer.created",
        "timestamp": "2026-01-01T00:00:00Z",
        "tenant_id": TENANT,
        "data": {"id": "c1", "firstName": "<Ada>"},
    }
    assert post_event(ref, event, signature=None).status_code == 401
    assert post_event(ref, event, signature="sha256=" + "0" * 64).status_code == 401
    assert post_event(ref, event, signature=sign("another-secret", b"{}")).status_code == 401
    assert post_event(ref, event, signature="garbage").status_code == 401
    assert [e for e in ref.events() if e["id"] == event["id"]] == []

    assert post_event(ref, event).status_code == 200
    assert post_event(ref, event).json() == {"received": True, "duplicate": True}
    stored = [e for e in ref.events() if e["id"] == event["id"]]
    assert len(stored) == 1
    assert stored[0]["data"] == event["data"] and stored[0]["tenant_id"] == TENANT

    # A body changed after signing is refused.
    body = json.dumps(event).encode()
    tampered = httpx.post(
        f"{ref.url}/webhooks",
        content=body.replace(b"Ada", b"Eve"),
        headers={"X-Webhook-Signature": sign(SECRET, body)},
    )
    assert tampered.status_code == 401


def test_uninstall_cleans_up_once_then_redact_forgets(
    ref: ReferenceApp, jewelia: FakeJewelia
) -> None:
    with httpx.Client() as browser:
        params = start_install(browser, ref, jewelia)
        jewelia.challenges["code-3"] = params["code_challenge"]
        browser.get(f"{ref.url}/callback", params={"code": "code-3", "state": params["state"]})
        token = ref.data()["tenants"][TENANT]["access_token"]

        calls_before = sum(1 for kind, r in jewelia.requests if kind == "api")
        gone = {"id": str(uuid.uuid4()), "event": "app.uninstalled", "tenant_id": TENANT}
        assert post_event(ref, gone).status_code == 200
        for _ in range(50):
            tenant = ref.data()["tenants"][TENANT]
            if "cleanup_result" in tenant:
                break
            threading.Event().wait(0.1)
        assert tenant["status"] == "uninstalled"
        assert tenant["cleanup_result"] == "HTTP 200"
        assert "access_token" not in tenant and "refresh_token" not in tenant
        cleanup = [r for kind, r in jewelia.requests if kind == "api"][calls_before:]
        assert [c["token"] for c in cleanup] == [token]
        page = browser.get(f"{ref.url}/tenants/{TENANT}").text
        assert "Uninstalled" in page and "app.uninstalled" in page

        redact = {"id": str(uuid.uuid4()), "event": "tenant.redact", "tenant_id": TENANT}
        assert post_event(ref, redact).status_code == 200
        assert TENANT not in ref.data()["tenants"]
        assert [e for e in ref.events() if e.get("tenant_id") == TENANT] == []
        assert browser.get(f"{ref.url}/tenants/{TENANT}").status_code == 404
