"""A jeweler installs a paid app in a real browser: the consent page says it is paid, the
confirmation page states the price in plain words, the (test-mode) checkout takes the payment,
the install then completes at the app, and Billing > Apps lists the charge and its payment.
Screenshots at 1280 px and 390 px."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest

from jewelia.core.security import encrypt_secret
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up
from tests.e2e.test_marketplace_browser import sql

pytestmark = pytest.mark.e2e


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"app-charges-{name}.png"), full_page=True)


@pytest.fixture
def app_callback() -> Iterator[str]:
    """The app's OAuth redirect address: a page that says it got a code."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            body = b"<!doctype html><title>App</title><h1>Connected</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/oauth/callback"
    server.shutdown()
    server.server_close()


def paid_listing(redirect: str) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    org, listing = uuid.uuid4(), uuid.uuid4()
    secret = "jws_" + secrets.token_urlsafe(24)
    client_id = "jwc_" + tag + secrets.token_hex(4)
    sql(
        "INSERT INTO public.developer_org (id, name, slug) VALUES ($1, $2, $3)",
        org,
        f"Facet Labs {tag}",
        f"facet-{tag}",
    )
    sql(
        "INSERT INTO public.listing (id, org_id, slug, name, description, developer_name,"
        " category, scopes, redirect_uris, app_url, status, is_verified, client_id,"
        " client_secret_hash, client_secret_enc, pricing_model, pricing_amount, billing_cycle,"
        " trial_days) VALUES ($1, $2, $3, $4, 'Appraisals', 'Facet Labs', 'analytics',"
        " $5, $6, 'https://app.example.com', 'published', true, $7, $8, $9, 'subscription',"
        " 29.00, 'monthly', 0)",
        listing,
        org,
        f"appraise-{tag}",
        f"Appraise Pro {tag}",
        ["customers:read"],
        [redirect],
        client_id,
        hashlib.sha256(secret.encode()).hexdigest(),
        encrypt_secret(secret),
    )
    return {"id": listing, "client_id": client_id, "name": f"Appraise Pro {tag}"}


def test_jeweler_pays_for_an_app_and_sees_it_under_billing(
    page: Any, live_server: str, app_callback: str
) -> None:
    base = live_server
    listing = paid_listing(app_callback)
    sign_up(page, base, "Paid Gems", "Pia Paid", f"paid-{uuid.uuid4().hex[:8]}@example.com")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "response_type": "code",
            "client_id": listing["client_id"],
            "redirect_uri": app_callback,
            "scope": "customers:read",
            "state": "xyz",
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"{base}/oauth/authorize?{query}")
    assert "USD 29.00 a month" in page.inner_text("#consent-price")
    page.click("button:has-text('Approve')")

    page.wait_for_url("**/settings/billing/apps/confirm/*")
    assert page.inner_text("#charge-terms") == "USD 29.00 a month"
    assert "Monthly" in page.inner_text("#charge-cycle")
    assert "None" in page.inner_text("#charge-trial")
    shot(page, "confirm-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "confirm-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#accept-charge")

    page.wait_for_url("**/settings/billing/apps/test-checkout/*")
    assert "Test mode" in page.inner_text(".page-head")
    page.click("#test-pay")
    page.wait_for_url("**/done")
    assert "Payment received" in page.inner_text("#app-charge-done")
    page.click("#continue-install")

    page.wait_for_url("**/oauth/authorize?*")
    page.click("button:has-text('Approve')")
    page.wait_for_url(f"{app_callback}?*")
    assert "code=" in page.url and "Connected" in page.inner_text("h1")
    installed = sql(
        "SELECT count(*) AS n FROM public.app_install WHERE listing_id = $1"
        " AND uninstalled_at IS NULL",
        listing["id"],
    )
    assert installed[0]["n"] == 1

    page.goto(f"{base}/settings/billing")
    page.click("#apps-card a")
    card = page.locator(".app-charge").first
    assert listing["name"] in card.inner_text() and "active" in card.inner_text()
    assert "29.00 USD" in card.inner_text() and "paid" in card.inner_text()
    shot(page, "apps-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "apps-390")
    # Cancel asks first, then stops billing and uninstalls.
    page.set_viewport_size({"width": 1280, "height": 800})
    card.locator("summary:has-text('Cancel')").click()
    card.locator("button:has-text('Yes, cancel and uninstall')").click()
    assert "cancelled and uninstalled" in page.inner_text(".flash")
    assert "cancelled" in page.locator(".app-charge").first.inner_text()
