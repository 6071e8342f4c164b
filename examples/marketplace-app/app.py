"""Customer Count: the reference third-party app for the Jewelia marketplace.

It shows everything an app does: install with the authorization code flow and PKCE (S256),
exchange and refresh tokens, call the Jewelia API with its token, verify signed webhooks, clean
up on `app.uninstalled` and forget a tenant on `tenant.redact`, and (a usage-priced app) report
usage with an idempotency key (`POST /tenants/{id}/usage`: a resend is not charged twice).

Configuration (environment):
    JEWELIA_BASE_URL   the Jewelia it is installed from, e.g. http://127.0.0.1:8000
    APP_CLIENT_ID      the listing's OAuth client id
    APP_CLIENT_SECRET  the listing's client secret (also the webhook signing key)
    APP_PUBLIC_URL     where this app is reachable, e.g. http://127.0.0.1:8010
    APP_DATA_FILE      its JSON store (default: marketplace-app.json beside this file)
    APP_SCOPES         scopes it asks for (default: customers:read)
    APP_DEBUG_EVENTS   1 to serve GET /events (every stored event as JSON; tests and demos)

Run: `python -m uvicorn app:app --port 8010` in this folder, or `python app.py --port 8010`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from litestar import Litestar, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.response import Redirect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store import Store

log = logging.getLogger("marketplace-app")
TENANTS_COOKIE = "cc_tenants"
STATE_COOKIE = "cc_state"
HTTP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Settings:
    base_url: str
    client_id: str
    client_secret: str
    public_url: str
    data_file: str
    scopes: str = "customers:read"
    debug_events: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        here = Path(__file__).resolve().parent
        return cls(
            base_url=os.environ.get("JEWELIA_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            client_id=os.environ.get("APP_CLIENT_ID", ""),
            client_secret=os.environ.get("APP_CLIENT_SECRET", ""),
            public_url=os.environ.get("APP_PUBLIC_URL", "http://127.0.0.1:8010").rstrip("/"),
            data_file=os.environ.get("APP_DATA_FILE", str(here / "marketplace-app.json")),
            scopes=os.environ.get("APP_SCOPES", "customers:read"),
            debug_events=os.environ.get("APP_DEBUG_EVENTS", "") == "1",
        )

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/callback"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


# -- helpers ----------------------------------------------------------------------------------
def pkce_pair() -> tuple[str, str]:
    """A code verifier (43+ characters of base64url) and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant
    time."""
    if not header or not secret:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.encode(), expected.encode())


def page(title: str, body: str, status: int = 200, cookies: list[Cookie] | None = None) -> Response:
    """A whole HTML page; every value in `body` is escaped by the caller with `esc`."""
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · Customer Count</title></head>
<body><main>
<h1>{esc(title)}</h1>
{body}
</main></body></html>"""
    return Response(
        document,
        status_code=status,
        media_type="text/html; charset=utf-8",
        cookies=cookies or [],
        headers={
            "Content-Security-Policy": "default-src 'none'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


class App:
    """The handlers' shared state: settings, the store and the signed tenants cookie."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.data_file)

    # The browser's proof that it installed a tenant: the ids, HMAC-signed with a key derived
    # from the client secret, so a tenant's page is not open to whoever knows its id.
    def _mac(self, value: str) -> str:
        key = hmac.new(self.settings.client_secret.encode(), b"tenants-cookie", hashlib.sha256)
        return hmac.new(key.digest(), value.encode(), hashlib.sha256).hexdigest()

    def tenants_of(self, request: Request) -> set[str]:
        raw = request.cookies.get(TENANTS_COOKIE, "")
        value, _, mac = raw.rpartition(".")
        if not value or not hmac.compare_digest(mac.encode(), self._mac(value).encode()):
            return set()
        return set(value.split(","))

    def tenants_cookie(self, tenant_ids: set[str]) -> Cookie:
        value = ",".join(sorted(tenant_ids))
        return Cookie(
            key=TENANTS_COOKIE,
            value=f"{value}.{self._mac(value)}",
            httponly=True,
            samesite="lax",
            secure=self.settings.secure_cookies,
            max_age=90 * 86400,
        )

    # -- the Jewelia API ----------------------------------------------------------------------
    async def token_request(self, form: dict[str, str]) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            answer = await client.post(
                f"{self.settings.base_url}/oauth/token",
                data=form,
                auth=(self.settings.client_id, self.settings.client_secret),
                headers={"Accept": "application/json"},
            )
        body = answer.json() if answer.content else {}
        if answer.status_code != 200 or "access_token" not in body:
            raise TokenError(body.get("error", f"HTTP {answer.status_code}"))
        return dict(body)

    def save_tokens(self, tenant_id: str, tokens: dict[str, Any]) -> dict[str, Any]:
        return self.store.update_tenant(
            tenant_id,
            access_token=tokens["access_token"],
            refresh_token=tokens.get("refresh_token"),
            scope=tokens.get("scope", ""),
            expires_at=time.time() + int(tokens.get("expires_in", 3600)),
        )

    async def refresh(self, tenant: dict[str, Any]) -> dict[str, Any] | None:
        if not tenant.get("refresh_token"):
            return None
        try:
            tokens = await self.token_request(
                {"grant_type": "refresh_token", "refresh_token": tenant["refresh_token"]}
            )
        except (TokenError, httpx.HTTPError, ValueError) as exc:
            log.warning("refresh for %s refused: %s", tenant["tenant_id"], exc)
            return None
        return self.save_tokens(tenant["tenant_id"], tokens)

    async def api_get(self, tenant: dict[str, Any], path: str) -> httpx.Response:
        """GET an API path with the tenant's access token; once more after a refresh on 401."""
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            for attempt in range(2):
                answer = await client.get(
                    f"{self.settings.base_url}{path}",
                    headers={"Authorization": f"Bearer {tenant.get('access_token', '')}"},
                )
                if answer.status_code != 401 or attempt:
                    return answer
                refreshed = await self.refresh(tenant)
                if refreshed is None:
                    return answer
                tenant = refreshed
        raise AssertionError("unreachable")

    async def report_usage(
        self, tenant: dict[str, Any], quantity: int, description: str, key: str
    ) -> httpx.Response:
        """Report usage to Jewelia with the tenant's token; the idempotency key makes a resend
        (after a timeout, a crash, a double click) the same report, never a second charge."""
        body = {"quantity": quantity, "description": description, "idempotencyKey": key}
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            for attempt in range(2):
                answer = await client.post(
                    f"{self.settings.base_url}/api/v1/marketplace/usage",
                    json=body,
                    headers={"Authorization": f"Bearer {tenant.get('access_token', '')}"},
                )
                if answer.status_code != 401 or attempt:
                    return answer
                refreshed = await self.refresh(tenant)
                if refreshed is None:
                    return answer
                tenant = refreshed
        raise AssertionError("unreachable")

    async def customer_count(self, tenant: dict[str, Any]) -> int | None:
        answer = await self.api_get(tenant, "/api/v1/customers?limit=1")
        if answer.status_code != 200:
            return None
        return int(answer.json()["pagination"]["total"])

    async def clean_up(self, tenant_id: str) -> None:
        """After app.uninstalled: use the read-only grant once (a real app would export or
        archive here), then drop the tokens for good."""
        tenant = self.store.tenant(tenant_id)
        if tenant is None:
            return
        try:
            answer = await self.api_get(tenant, "/api/v1/customers?limit=1")
            result = f"HTTP {answer.status_code}"
        except httpx.HTTPError as exc:
            result = f"failed: {exc.__class__.__name__}"
        self.store.update_tenant(
            tenant_id,
            cleanup_result=result,
            cleaned_up_at=time.time(),
            access_token=None,
            refresh_token=None,
        )


class TokenError(Exception):
    pass


def create_app(settings: Settings | None = None) -> Litestar:
    cfg = settings or Settings.from_env()
    state = App(cfg)

    @get("/", sync_to_thread=False)
    def home(request: Request) -> Response:
        if request.query_params.get("install"):
            return start_install(request)
        return page(
            "Customer Count",
            "<p>A sample Jewelia marketplace app: it shows how many customers your business "
            "has and the events Jewelia sends it.</p>"
            '<p><a href="/install">Install it on Jewelia</a></p>',
        )

    @get("/install", sync_to_thread=False)
    def install(request: Request) -> Response:
        return start_install(request)

    def start_install(request: Request) -> Response:
        # Only the configured Jewelia: a link naming another host must not receive our code
        # exchange (it would get the client secret).
        named = (request.query_params.get("jewelia") or cfg.base_url).rstrip("/")
        if named != cfg.base_url:
            return page(
                "Unknown Jewelia",
                f"<p>This app is connected to {esc(cfg.base_url)}, not {esc(named)}.</p>",
                status=400,
            )
        verifier, challenge = pkce_pair()
        oauth_state = secrets.token_urlsafe(24)
        state.store.put_state(oauth_state, verifier)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": cfg.client_id,
                "redirect_uri": cfg.redirect_uri,
                "scope": cfg.scopes,
                "state": oauth_state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        # The state is also bound to this browser, so a code started elsewhere is not accepted.
        cookie = Cookie(
            key=STATE_COOKIE,
            value=oauth_state,
            httponly=True,
            samesite="lax",
            secure=cfg.secure_cookies,
            max_age=600,
            path="/callback",
        )
        return Redirect(
            f"{cfg.base_url}/oauth/authorize?{query}", status_code=302, cookies=[cookie]
        )

    @get("/callback")
    async def callback(request: Request) -> Response:
        params = request.query_params
        if params.get("error"):
            return page(
                "Not installed",
                f"<p>Jewelia answered: {esc(params.get('error'))}"
                f" {esc(params.get('error_description', ''))}</p>",
                status=400,
            )
        oauth_state = params.get("state") or ""
        code = params.get("code") or ""
        same_browser = hmac.compare_digest(
            request.cookies.get(STATE_COOKIE, "").encode(), oauth_state.encode()
        )
        verifier = state.store.pop_state(oauth_state) if oauth_state else None
        if not code or verifier is None or not same_browser:
            return page("Install expired", '<p><a href="/install">Start again</a>.</p>', 400)
        try:
            tokens = await state.token_request(
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": cfg.redirect_uri,
                    "code_verifier": verifier,
                }
            )
        except (TokenError, httpx.HTTPError, ValueError) as exc:
            return page("Not installed", f"<p>The code exchange failed: {esc(exc)}</p>", 502)
        tenant_id = str(tokens["tenant_id"])
        state.save_tokens(tenant_id, tokens)
        state.store.update_tenant(tenant_id, status="installed", installed_at=time.time())
        tenants = state.tenants_of(request) | {tenant_id}
        return Redirect(
            f"/tenants/{tenant_id}",
            status_code=303,
            cookies=[
                state.tenants_cookie(tenants),
                Cookie(key=STATE_COOKIE, path="/callback", value="", max_age=0),
            ],
        )

    @get("/tenants/{tenant_id:str}")
    async def tenant_page(request: Request, tenant_id: str) -> Response:
        tenant = state.store.tenant(tenant_id)
        if tenant is None or tenant_id not in state.tenants_of(request):
            return page("Not found", "<p>No installation of yours with that id.</p>", 404)
        if tenant.get("status") == "uninstalled":
            summary = "<p class=status>Uninstalled from Jewelia.</p>"
            if tenant.get("cleanup_result"):
                summary += f"<p>Clean-up call: {esc(tenant['cleanup_result'])}</p>"
        else:
            try:
                count = await state.customer_count(tenant)
            except (httpx.HTTPError, ValueError, KeyError):
                count = None
            if count is None:
                summary = "<p class=status>Jewelia refused our token: reinstall the app.</p>"
            else:
                noun = "customer" if count == 1 else "customers"
                summary = f'<p class=count id="customer-count">{count} {noun}</p>'
        rows = "".join(
            f"<li><code>{esc(e['event'])}</code> <small>{esc(e['id'])}</small>"
            f" <span>{esc(json.dumps(e.get('data'), sort_keys=True)[:300])}</span></li>"
            for e in state.store.events(tenant_id, limit=20)
        )
        return page(
            f"Business {tenant_id}",
            f"{summary}<h2>Last webhooks</h2><ul id=events>{rows or '<li>None yet.</li>'}</ul>",
        )

    @post("/tenants/{tenant_id:str}/usage", status_code=200)
    async def usage(request: Request, tenant_id: str) -> Response:
        """Bill the business for work done (here: a JSON {quantity, description, key}); a real
        app meters its own jobs. Only the browser that installed the tenant may ask."""
        tenant = state.store.tenant(tenant_id)
        if tenant is None or tenant_id not in state.tenants_of(request):
            return Response({"error": "Not found"}, status_code=404)
        try:
            asked = await request.json()
            quantity = asked["quantity"]
            description = str(asked.get("description", ""))
            key = str(asked.get("key") or secrets.token_hex(16))
        except (ValueError, KeyError, TypeError):
            return Response({"error": "Send JSON {quantity, description, key}"}, status_code=400)
        try:
            answer = await state.report_usage(tenant, quantity, description, key)
        except httpx.HTTPError as exc:
            return Response({"error": f"Jewelia unreachable: {exc}"}, status_code=502)
        result = answer.json() if answer.content else {}
        if answer.status_code in (200, 201):
            state.store.update_tenant(tenant_id, last_usage=result.get("data"))
        return Response(
            {"status": answer.status_code, "key": key, "jewelia": result}, status_code=200
        )

    @post("/webhooks", status_code=200)
    async def webhooks(request: Request) -> Response:
        body = await request.body()
        header = request.headers.get("x-webhook-signature")
        if not signature_ok(cfg.client_secret, body, header):
            return Response({"error": "Invalid signature"}, status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return Response({"error": "Body is not JSON"}, status_code=400)
        if not isinstance(payload, dict):
            return Response({"error": "Body is not a JSON object"}, status_code=400)
        event: dict[str, Any] = {
            "id": str(payload.get("id") or hashlib.sha256(body).hexdigest()),
            "event": str(payload.get("event", "")),
            "tenant_id": str(payload["tenant_id"]) if payload.get("tenant_id") else None,
            "timestamp": payload.get("timestamp"),
            "data": payload.get("data"),
            "received_at": time.time(),
        }
        tenant_id: str | None = event["tenant_id"]
        if event["event"] == "tenant.redact" and tenant_id:
            state.store.forget_tenant(tenant_id)
            return Response({"received": True, "redacted": True}, status_code=200)
        if not state.store.add_event(event):
            return Response({"received": True, "duplicate": True}, status_code=200)
        if event["event"] == "app.uninstalled" and tenant_id:
            state.store.update_tenant(tenant_id, status="uninstalled", uninstalled_at=time.time())
            # Answer at once; the clean-up call runs after the response is sent.
            return Response(
                {"received": True},
                status_code=200,
                background=BackgroundTask(state.clean_up, tenant_id),
            )
        if event["event"] == "app.installed" and tenant_id:
            state.store.update_tenant(tenant_id, status="installed")
        return Response({"received": True}, status_code=200)

    @get("/events", sync_to_thread=False)
    def events() -> Response:
        if not cfg.debug_events:
            return Response({"error": "Not found"}, status_code=404)
        return Response(state.store.events(), status_code=200)

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, Any]:
        return {"status": "ok", "configured": bool(cfg.client_id and cfg.client_secret)}

    return Litestar(
        route_handlers=[home, install, callback, tenant_page, usage, webhooks, events, health],
        openapi_config=None,
    )


app = create_app()


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
