"""Developers > Webhooks > Testing tools over HTTP: whole pages without JavaScript, result
panels for htmx, CSRF, and the same rules as the API."""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any

from jewelia.tenants.webhooks import signing
from tests.integration.test_pages import CSRF, signup
from tests.webhook_receiver import Receiver, seed_signature_ok

PAGE = "/developers/webhooks/tools"


async def _token(client: Any) -> str:
    got = await client.get(PAGE)
    assert got.status_code == 200
    found = CSRF.search(got.text)
    assert found
    return found.group(1)


async def test_the_page_needs_a_login(client: Any) -> None:
    r = await client.get(PAGE, follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")


async def test_send_without_javascript_and_with_htmx(client: Any) -> None:
    await signup(client)
    token = await _token(client)
    secret = signing.new_secret()
    with Receiver(secret) as receiver:
        form = {
            "_csrf_token": token,
            "webhookUrl": receiver.url("/flaky/1"),
            "method": "PUT",
            "timeout": "3000",
            "retries": "2",
            "secret": secret,
            "headers": "X-Shop: opal\n\n",
            "payload": '{"event": "test", "data": {"message": "hi"}}',
        }
        r = await client.post(f"{PAGE}/send", data=form)
        assert r.status_code == 200
        assert "Delivered · HTTP 200" in r.text and "2 attempts" in r.text
        assert "Webhook testing tools" in r.text  # the whole page
        got = receiver.received[-1]
        assert got.method == "PUT" and got.headers["X-Shop"] == "opal"
        assert seed_signature_ok(secret, got.headers, got.body)

        r = await client.post(
            f"{PAGE}/send",
            data={**form, "webhookUrl": receiver.url("/status/500"), "retries": "0"},
            headers={"HX-Request": "true"},
        )
        assert r.status_code == 200
        assert "Failed · HTTP 500" in r.text and "<html" not in r.text


async def test_send_errors_show_at_their_fields(client: Any) -> None:
    await signup(client)
    token = await _token(client)
    form = {
        "_csrf_token": token,
        "webhookUrl": "http://169.254.169.254/latest/",
        "method": "POST",
        "timeout": "99999",
        "retries": "1",
        "headers": "no colon here",
        "payload": "{broken",
    }
    r = await client.post(f"{PAGE}/send", data=form)
    assert r.status_code == 422
    assert 'data-field="headers"' in r.text
    assert "Line 1: write headers as Name: value" in r.text
    r = await client.post(f"{PAGE}/send", data={**form, "headers": ""})
    assert "Not valid JSON" in r.text
    r = await client.post(f"{PAGE}/send", data={**form, "headers": "", "payload": "{}"})
    assert 'data-field="timeout"' in r.text
    r = await client.post(
        f"{PAGE}/send",
        data={**form, "headers": "", "payload": "{}", "timeout": "1000"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200  # htmx swaps 2xx only
    assert "are not allowed" in r.text and "webhookUrl" in r.text


async def test_forms_need_the_csrf_token(client: Any) -> None:
    await signup(client)
    r = await client.post(f"{PAGE}/signature", data={"secret": "x" * 20, "body": "{}"})
    assert r.status_code == 403


async def test_templates_render_and_validate(client: Any) -> None:
    await signup(client)
    r = await client.get(
        PAGE, params={"category": "inventory_events", "template": "inventory_low_stock"}
    )
    assert "inventory_low_stock" in r.text and 'name="var.item.sku"' in r.text
    token = await _token(client)
    form = {
        "_csrf_token": token,
        "template": "inventory_low_stock",
        "category": "inventory_events",
        "var.item.id": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
        "var.item.sku": "RING-9",
        "var.item.quantity": "1",
    }
    r = await client.post(f"{PAGE}/render", data=form, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert 'id="rendered-payload"' in r.text and 'hx-swap-oob="true"' in r.text
    rendered = re.search(r'id="rendered-payload">(.*?)</pre>', r.text, re.S)
    assert rendered
    payload = json.loads(html.unescape(rendered.group(1)))
    assert payload["data"] == {
        "id": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
        "sku": "RING-9",
        "quantity": 1,
    }
    r = await client.post(f"{PAGE}/render", data={**form, "var.item.quantity": "lots"})
    assert r.status_code == 422 and "item.quantity must be a integer" in r.text

    check = {
        "_csrf_token": token,
        "template": "inventory_low_stock",
        "category": "inventory_events",
        "payload": json.dumps(payload),
    }
    r = await client.post(f"{PAGE}/validate", data=check, headers={"HX-Request": "true"})
    assert "The payload fits inventory_low_stock" in r.text
    del payload["data"]["sku"]
    payload["data"]["colour"] = "red"
    r = await client.post(f"{PAGE}/validate", data={**check, "payload": json.dumps(payload)})
    assert r.status_code == 200 and "does not fit" in r.text
    assert "data.sku" in r.text and "data.colour" in r.text


async def test_sign_then_verify(client: Any) -> None:
    await signup(client)
    token = await _token(client)
    body = '{"event": "order.created",\r\n "data": {}}'  # a browser sends CRLF line breaks
    r = await client.post(
        f"{PAGE}/signature",
        data={"_csrf_token": token, "secret": "your-webhook-secret", "body": body, "id": "msg_7"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    headers_text = html.unescape(
        re.search(r'id="signature-headers">(.*?)</pre>', r.text, re.S).group(1)
    )
    exact = body.replace("\r\n", "\n").encode()
    headers = dict(line.split(": ", 1) for line in headers_text.strip().splitlines())
    assert seed_signature_ok("your-webhook-secret", headers, exact)
    assert headers["webhook-id"] == "msg_7"
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60

    verify = {
        "_csrf_token": token,
        "secret": "your-webhook-secret",
        "body": body,
        "headers": headers_text,
        "tolerance": "300",
    }
    r = await client.post(f"{PAGE}/verify", data=verify, headers={"HX-Request": "true"})
    assert "Valid:" in r.text
    r = await client.post(f"{PAGE}/verify", data={**verify, "secret": "another-secret-value"})
    assert r.status_code == 200 and "Not valid" in r.text
    r = await client.post(f"{PAGE}/verify", data={**verify, "secret": ""})
    assert r.status_code == 422 and 'data-field="verify_secret"' in r.text
