"""Developers > Webhooks > Testing tools in a real browser: a signed test request reaches a real
receiver (retried once), a metadata address is refused, a template is rendered into the send form
and checked, and a signature made on the page verifies on the page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from jewelia.tenants.webhooks import signing
from tests.e2e.test_accounts_browser import shot, sign_up
from tests.webhook_receiver import Receiver, seed_signature_ok

pytestmark = pytest.mark.e2e


def test_webhook_testing_tools(page: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Hook Atelier", "Wendy Hook", f"hooks-{uuid.uuid4().hex[:8]}@example.com")
    page.goto(f"{base}/developers/webhooks/tools")
    send = page.locator("#send-form")
    secret = signing.new_secret()
    with Receiver(secret) as receiver:
        send.locator("input[name=webhookUrl]").fill(receiver.url("/flaky/1"))
        send.locator("input[name=secret]").fill(secret)
        send.locator("input[name=retries]").fill("2")
        send.locator("button[type=submit]").click()
        outcome = page.locator("#send-outcome")
        outcome.wait_for()
        assert "Delivered · HTTP 200" in outcome.inner_text()
        assert "2 attempts" in outcome.inner_text()
        assert '"received": true' in page.inner_text("#send-response")
        got = receiver.received[-1]
        assert seed_signature_ok(secret, got.headers, got.body)
        assert got.json() == {"event": "test", "data": {"message": "Test webhook"}}

    send.locator("input[name=webhookUrl]").fill("http://169.254.169.254/latest/meta-data/")
    send.locator("button[type=submit]").click()
    page.locator("#send-result .flash-error").wait_for()
    assert "not allowed" in page.inner_text("#send-result")

    # Templates: render order_created with its example values into the send form, then check it.
    page.locator("#render-form button[type=submit]").click()
    page.locator("#rendered-payload").wait_for()
    assert '"event": "order.created"' in page.inner_text("#rendered-payload")
    assert "order.created" in page.input_value("#send-payload")
    page.locator("#validate-form button[type=submit]").click()
    page.locator("#validate-outcome").wait_for()
    assert "The payload fits order_created" in page.inner_text("#validate-outcome")
    page.fill("#validate-payload", '{"event": "order.created", "data": {"order_id": 5}}')
    page.locator("#validate-form button[type=submit]").click()
    page.locator("#validate-outcome", has_text="does not fit").wait_for()
    assert "data.customer_id" in page.inner_text("#validate-result")

    # Signatures: sign on the left, paste into verify on the right.
    sign = page.locator("#sign-form")
    sign.locator("input[name=secret]").fill("your-webhook-secret")
    body = sign.locator("textarea[name=body]").input_value()
    sign.locator("button[type=submit]").click()
    page.locator("#signature-headers").wait_for()
    headers = page.inner_text("#signature-headers")
    assert "X-Webhook-Signature: sha256=" in headers and "webhook-signature: v1," in headers
    verify = page.locator("#verify-form")
    verify.locator("input[name=secret]").fill("your-webhook-secret")
    verify.locator("textarea[name=body]").fill(body)
    verify.locator("textarea[name=headers]").fill(headers)
    verify.locator("button[type=submit]").click()
    page.locator("#verify-outcome").wait_for()
    assert page.inner_text("#verify-outcome").startswith("Valid")
    verify.locator("textarea[name=body]").fill(body + " ")
    verify.locator("button[type=submit]").click()
    page.locator("#verify-outcome", has_text="Not valid").wait_for()
    # Last: Chromium's full-page capture leaves style="" on text areas, which htmx would then
    # try to copy onto swapped-in ones (refused by our CSP).
    shot(page, "webhook-tools")
