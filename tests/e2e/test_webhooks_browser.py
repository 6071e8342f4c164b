"""Developers > Webhooks in a real browser with a real worker and receiver: create an endpoint
(its secret shown once), send a test event, watch the delivery arrive live over SSE without a
reload, open it to see the attempt, replay it and watch the second attempt appear."""

from __future__ import annotations

import re
import shutil
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up
from tests.webhook_receiver import Receiver, seed_signature_ok

pytestmark = pytest.mark.e2e


def _shots(page: Any, name: str) -> None:
    """Desktop and phone-width captures (kept with the other artifacts, copied to /tmp)."""
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        path = ARTIFACTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, f"/tmp/{name}{suffix}.png")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_webhook_dashboard_live(page: Any, live_server: str, worker: Any) -> None:
    base = live_server
    sign_up(page, base, "Live Hooks", "Lena Live", f"live-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav.sidenav >> text=Webhooks")
    page.wait_for_url(f"{base}/developers/webhooks")
    page.locator("#live-state[data-live-state=open]").wait_for()
    assert page.locator("#catalog code", has_text="order.created").count() >= 1

    with Receiver() as receiver:
        form = page.locator("#endpoint-form")
        form.locator("input[name=url]").fill("http://169.254.169.254/latest/meta-data/")
        form.locator("button[type=submit]").click()
        page.locator(".error[data-field=events]").wait_for()
        assert "Choose at least one event type" in page.inner_text(".error[data-field=events]")
        assert page.locator(".error[data-field=url]").count() == 1

        form = page.locator("#endpoint-form")
        form.locator("input[name=url]").fill(receiver.url("/hook"))
        form.locator("input[name=events][value='order.*']").check()
        form.locator("input[name=description]").fill("Shop sync")
        form.locator("button[type=submit]").click()
        secret = page.inner_text("#new-webhook-secret").strip()
        assert secret.startswith("whsec_")
        receiver.secret = secret  # the receiver answers 401 to a wrong signature
        _shots(page, "webhooks-list")
        page.click("text=Open the endpoint")
        page.wait_for_url(re.compile(r".*/developers/webhooks/[0-9a-f-]{36}$"))
        page.locator("#live-state[data-live-state=open]").wait_for()
        assert secret not in page.content()
        page.evaluate("window.__sameDocument = true")

        page.click("#send-test button")
        row = page.locator("#deliveries-table tbody[data-delivery]").first
        row.locator(".badge", has_text="succeeded").wait_for()
        assert page.evaluate("window.__sameDocument") is True  # no reload: it came live
        assert row.locator("code").inner_text() == "webhook.test"
        assert row.locator(".attempts").inner_text() == "1"
        page.locator("#stat-total", has_text="1").wait_for()  # the stats refreshed too
        assert page.inner_text("#stat-success") == "100.0%"
        got = receiver.received[-1]
        assert seed_signature_ok(secret, got.headers, got.body)
        assert got.json()["event"] == "webhook.test"

        row.locator("text=Details").click()
        detail = row.locator(".delivery-detail")
        detail.wait_for()
        assert "Attempt 1" in detail.inner_text() and "HTTP 200" in detail.inner_text()
        assert "X-Webhook-Signature: sha256=" in (detail.locator("pre").nth(1).text_content() or "")

        row.locator("button", has_text="Replay").click()
        row.locator(".attempts", has_text="2").wait_for()
        row.locator(".attempt[data-attempt='2']").wait_for()  # the open row was refreshed
        row.locator(".badge", has_text="succeeded").first.wait_for()
        assert page.evaluate("window.__sameDocument") is True
        assert len(receiver.received) == 2
        assert (
            receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
        )
        assert page.locator("#deliveries-table tbody[data-delivery]").count() == 1
        _shots(page, "webhook-endpoint")
