"""Stripe webhooks (verified with the real stripe library), stored once, and the test-mode flow."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from jewelia.core.db import execute, fetch
from jewelia.core.errors import AuthenticationFailed
from jewelia.core.settings import reset_settings
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.billing.service import checkout_url, handle_webhook, portal_url
from jewelia.platform.tenancy.registry import get_tenant
from tests.fake_stripe import FakeStripe


def event(kind: str, obj: dict[str, Any]) -> bytes:
    return gateway.encode(
        {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": kind, "data": {"object": obj}}
    )


async def post(client: Any, body: bytes, signature: str | None) -> Any:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["stripe-signature"] = signature
    return await client.post("/billing/stripe/webhook", content=body, headers=headers)


async def test_signature_timestamp_replay_and_unknowns(client: Any, api: Any) -> None:
    customer = f"cus_{uuid.uuid4().hex[:12]}"
    await execute(
        "UPDATE public.tenant SET stripe_customer_id = $2 WHERE id = $1", api.tenant.id, customer
    )
    body = event(
        "customer.subscription.updated",
        {
            "id": "sub_1",
            "customer": customer,
            "status": "active",
            "cancel_at_period_end": False,
            "metadata": {"plan": "enterprise"},
            "items": {"data": []},
        },
    )
    assert (await post(client, body, None)).status_code == 400
    assert (await post(client, body, "t=1,v1=deadbeef")).status_code == 400
    stale = gateway.sign(body, int(time.time()) - 301)
    assert (await post(client, body, stale)).status_code == 400
    tampered = body.replace(b"enterprise", b"professional")
    assert (await post(client, tampered, gateway.sign(body))).status_code == 400
    assert (await get_tenant(api.tenant.id)).plan == "free"
    ok = await post(client, body, gateway.sign(body))
    assert ok.status_code == 200 and ok.json()["status"] == "processed"
    assert (await get_tenant(api.tenant.id)).plan == "enterprise"
    assert (await api.get("/customers")).headers["x-ratelimit-limit"] == "100000"
    replay = await post(client, body, gateway.sign(body))
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    stored = await fetch(
        "SELECT count(*) AS n FROM public.stripe_event WHERE id = $1", json.loads(body)["id"]
    )
    assert stored[0]["n"] == 1
    unknown_type = event("charge.dispute.created", {"id": "dp_1"})
    r = await post(client, unknown_type, gateway.sign(unknown_type))
    assert r.status_code == 200 and r.json()["status"] == "ignored"
    stranger = event("customer.subscription.deleted", {"id": "sub_x", "customer": "cus_nobody"})
    r = await post(client, stranger, gateway.sign(stranger))
    assert r.json()["status"] == "ignored"
    detail = await fetch(
        "SELECT detail FROM public.stripe_event WHERE id = $1", json.loads(stranger)["id"]
    )
    assert detail[0]["detail"] == "unknown customer"


async def test_payment_failure_grace_then_free(client: Any, api: Any) -> None:
    from jewelia.platform.billing.service import enforce_grace_periods

    customer = f"cus_{uuid.uuid4().hex[:12]}"
    await execute(
        "UPDATE public.tenant SET stripe_customer_id = $2, plan = 'professional' WHERE id = $1",
        api.tenant.id,
        customer,
    )
    failed = event(
        "invoice.payment_failed",
        {
            "id": f"in_{uuid.uuid4().hex[:8]}",
            "customer": customer,
            "amount_due": 4900,
            "currency": "usd",
        },
    )
    assert (await post(client, failed, gateway.sign(failed))).json()["status"] == "processed"
    row = (
        await fetch(
            "SELECT plan, payment_grace_until FROM public.tenant WHERE id = $1", api.tenant.id
        )
    )[0]
    assert row["plan"] == "professional" and row["payment_grace_until"] is not None
    mail = await fetch(
        "SELECT subject FROM public.email_outbox WHERE to_address = $1", api.user.email
    )
    assert any("payment failed" in m["subject"] for m in mail)
    await execute(
        "UPDATE public.tenant SET payment_grace_until = now() - interval '1 minute' WHERE id = $1",
        api.tenant.id,
    )
    assert await enforce_grace_periods() >= 1
    assert (await get_tenant(api.tenant.id)).plan == "free"


@pytest.fixture
def stripe_configured() -> Iterator[FakeStripe]:
    """A Stripe-like server of ours, and settings pointing the real stripe client at it."""
    names = (
        "STRIPE_API_KEY",
        "STRIPE_API_BASE",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_PRICE_PROFESSIONAL",
    )
    saved = {name: os.environ.get(name) for name in names}
    with FakeStripe() as fake:
        os.environ.update(
            {
                "STRIPE_API_KEY": "sk_test_jewelia",
                "STRIPE_API_BASE": fake.url,
                "STRIPE_WEBHOOK_SECRET": "whsec_test_configured",
                "STRIPE_PRICE_PROFESSIONAL": "price_pro_123",
            }
        )
        reset_settings()
        try:
            yield fake
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            reset_settings()


async def test_checkout_and_portal_through_the_stripe_client(
    api: Any, stripe_configured: FakeStripe
) -> None:
    """With keys set, the real stripe client creates the Checkout Session on a Stripe-like server."""
    fake = stripe_configured
    url = await checkout_url(api.tenant, "professional", "https://app.example")
    assert url.startswith("https://checkout.stripe.test/pay/cs_test_")
    _method, path, params, auth = fake.requests[-1]
    assert path == "/v1/checkout/sessions" and auth == "Bearer sk_test_jewelia"
    assert params["mode"] == "subscription" and params["client_reference_id"] == str(api.tenant.id)
    assert params["line_items"]["0"]["price"] == "price_pro_123"
    assert params["metadata"]["plan"] == "professional"
    session = fake.sessions[url.rsplit("/", 1)[1]]
    done = gateway.encode(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": {**session, "customer": "cus_real_1", "subscription": "sub_real_1"}},
        }
    )
    assert await handle_webhook(done, gateway.sign(done)) == "processed"
    assert (await get_tenant(api.tenant.id)).plan == "professional"
    portal = await portal_url(
        await get_tenant(api.tenant.id), "https://app.example/settings/billing"
    )
    assert portal == "https://billing.stripe.test/session/cus_real_1"
    with pytest.raises(AuthenticationFailed):  # signed with the local test-mode secret: refused
        reset_settings()
        gateway.verify_event(done, "t=1,v1=00")
