"""Incoming webhooks on real PostgreSQL, Redis and a real Dramatiq worker."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.platform.apikeys.service import create_key
from jewelia.tenants.webhooks.inbound import service as inbound
from jewelia.tenants.webhooks.inbound.verify import sign, sign_body_field


def now_iso(delta: float = 0) -> str:
    when = datetime.now(UTC) + timedelta(seconds=delta)
    return when.isoformat().replace("+00:00", "Z")


async def make_source(api: Any, name: str = "Shop sync") -> dict[str, Any]:
    r = await api.post("/webhooks/inbound", json={"name": name})
    assert r.status_code == 201, r.text
    source = r.json()["data"]
    assert source["secret"].startswith("whsec_")
    assert source["receive_url"].endswith(f"/api/v1/webhooks/{source['id']}")
    return source  # type: ignore[no-any-return]


def signed(payload: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {"Content-Type": "application/json", "X-Webhook-Signature": sign(secret, body)}


async def post(
    client: httpx.AsyncClient, source_id: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    """The sender's request: no API key, only the signature."""
    return await client.post(f"/api/v1/webhooks/{source_id}", content=body, headers=headers)


async def events(api: Any, source_id: str, **params: Any) -> list[dict[str, Any]]:
    r = await api.get(f"/webhooks/inbound/{source_id}/events", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]  # type: ignore[no-any-return]


async def wait_processed(api: Any, source_id: str, event_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        found = [e for e in await events(api, source_id) if e["id"] == event_id]
        if found and found[0]["status"] != "received":
            return found[0]
        assert time.monotonic() < deadline, f"event still waiting: {found}"
        await asyncio.sleep(0.2)


async def crm_setup(api: Any, quantity: int = 3) -> tuple[dict[str, Any], dict[str, Any]]:
    sku = f"RING-{uuid.uuid4().hex[:6]}"
    item = await api.post(
        "/inventory",
        json={"sku": sku, "name": "Solitaire", "category": "rings", "price": 2500.00,
              "quantity": quantity},
    )  # fmt: skip
    assert item.status_code == 201, item.text
    email = f"jane-{uuid.uuid4().hex[:6]}@example.com"
    customer = await api.post("/customers", json={"full_name": "Jane Smith", "email": email})
    assert customer.status_code == 201, customer.text
    return item.json()["data"], customer.json()["data"]


async def test_signed_order_created_becomes_an_order_once(
    api: Any, client: httpx.AsyncClient, worker: object
) -> None:
    item, customer = await crm_setup(api)
    source = await make_source(api, "Shopify")
    payload = {
        "id": "evt_1001",
        "event": "order.created",
        "data": {
            "order_id": "shop-1001",
            "customer_email": customer["email"].upper(),
            "items": [{"sku": item["sku"], "quantity": 2, "unit_price": 2400.50}],
            "total_amount": 4801.00,
        },
        "timestamp": now_iso(),
    }
    body, headers = signed(payload, source["secret"])
    r = await post(client, source["id"], body, headers)
    assert r.status_code == 202, r.text
    got = r.json()["data"]
    assert got["duplicate"] is False and got["status"] == "received"
    assert got["event"] == "order.created"

    done = await wait_processed(api, source["id"], got["id"])
    assert done["status"] == "processed", done
    assert done["external_id"] == "evt_1001" and done["attempts"] == 1
    order = (await api.get(f"/orders/{done['result']['order_id']}")).json()["data"]
    assert order["customer_id"] == customer["id"]
    assert order["total_amount"] == 4801.00
    assert order["items"][0]["quantity"] == 2 and order["items"][0]["unit_price"] == 2400.50
    assert order["notes"] == "via integration Shopify (their order shop-1001)"
    assert (await api.get(f"/inventory/{item['id']}")).json()["data"]["quantity"] == 1

    # Replays: the same request; the same id with a new body; the same body with a new
    # (unsigned) webhook-id header. Each is answered as a duplicate of the stored event.
    again = await post(client, source["id"], body, headers)
    assert again.status_code == 200 and again.json()["data"] == {
        **got,
        "status": "processed",
        "duplicate": True,
    }
    body2, headers2 = signed({**payload, "timestamp": now_iso(1)}, source["secret"])
    assert (await post(client, source["id"], body2, headers2)).json()["data"]["duplicate"]
    no_id = {k: v for k, v in payload.items() if k != "id"}
    body3, headers3 = signed(no_id, source["secret"])
    first = await post(client, source["id"], body3, {**headers3, "webhook-id": "a"})
    replay = await post(client, source["id"], body3, {**headers3, "webhook-id": "b"})
    assert first.status_code == 202 and replay.status_code == 200
    assert replay.json()["data"]["id"] == first.json()["data"]["id"]
    # The third (new) event found no stock left: it failed, with the reason on the row.
    third = await wait_processed(api, source["id"], first.json()["data"]["id"])
    assert third["status"] == "failed" and "Not enough stock" in third["error"]

    orders = (await api.get("/orders", params={"customer_id": customer["id"]})).json()
    assert orders["pagination"]["total"] == 1
    assert len(await events(api, source["id"])) == 2
    assert len(await events(api, source["id"], status="failed")) == 1


async def test_body_field_signature(api: Any, client: httpx.AsyncClient) -> None:
    _item, customer = await crm_setup(api)
    source = await make_source(api)
    payload = {
        "event": "customer.updated",
        "data": {"email": customer["email"], "phone": "+1 555 010 0199", "company": "Acme"},
        "timestamp": now_iso(),
        "signature": "",
    }
    body = sign_body_field(source["secret"], json.dumps(payload).encode())
    r = await post(client, source["id"], body, {"Content-Type": "application/json"})
    assert r.status_code == 202, r.text
    tampered = body.replace(b"Acme", b"Evil")
    r = await post(client, source["id"], tampered, {"Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR"

    # Processing in this process (a worker may get there first: both end the same way).
    event_id = (await events(api, source["id"]))[0]["id"]
    status = await inbound.process_event(api.tenant.id, uuid.UUID(event_id))
    assert status == "processed"
    assert await inbound.process_event(api.tenant.id, uuid.UUID(event_id)) == "processed"
    after = (await api.get(f"/customers/{customer['id']}")).json()["data"]
    assert after["company"] == "Acme" and after["phone"] == "+15550100199"
    row = (await events(api, source["id"]))[0]
    assert row["result"] == {"customer_id": customer["id"], "action": "updated"}


async def test_standard_webhooks_signature(api: Any, client: httpx.AsyncClient) -> None:
    """Signed the way our own deliveries are (webhook-id/-timestamp/-signature, v1)."""
    import time

    from jewelia.tenants.webhooks import signing

    source = await make_source(api)
    payload = {"event": "customer.created", "data": {"full_name": "Std Hooks"}, "id": "evt-std-1"}
    body = json.dumps(payload).encode()
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": "evt-std-1",
        "webhook-timestamp": str(stamp),
        "webhook-signature": signing.standard_signature(source["secret"], "evt-std-1", stamp, body),
    }
    assert (await post(client, source["id"], body, headers)).status_code == 202
    assert (await post(client, source["id"], body, headers)).json()["data"]["duplicate"] is True
    stale = {**headers, "webhook-timestamp": str(stamp - 3600)}
    stale["webhook-signature"] = signing.standard_signature(
        source["secret"], "evt-std-1", stamp - 3600, body
    )
    r = await post(client, source["id"], body, stale)
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR"
    forged = {**headers, "webhook-signature": "v1," + "A" * 44}
    r = await post(client, source["id"], body.replace(b"Std", b"Evil"), forged)
    assert r.status_code == 401


async def test_refusals_write_nothing(api: Any, client: httpx.AsyncClient) -> None:
    source = await make_source(api)
    secret = source["secret"]
    good = {"id": "e1", "event": "customer.created", "data": {}, "timestamp": now_iso()}
    body, headers = signed(good, secret)

    r = await post(client, str(uuid.uuid4()), body, headers)
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"

    cases = [
        (body, {**headers, "X-Webhook-Signature": sign("whsec_wrong", body)}),
        (body, {"Content-Type": "application/json"}),  # no signature at all
        (body + b"\n", headers),  # body changed after signing
        signed({**good, "timestamp": now_iso(-301)}, secret),  # stale
        signed({**good, "timestamp": now_iso(+301)}, secret),  # from the future
        signed({k: v for k, v in good.items() if k != "timestamp"}, secret),  # no timestamp
        signed({**good, "timestamp": "last tuesday"}, secret),
    ]
    for raw, hdrs in cases:
        r = await post(client, source["id"], raw, hdrs)
        assert r.status_code == 401, (raw, r.text)
        assert r.json()["code"] == "AUTHENTICATION_ERROR"

    # The header timestamp counts when the body has none.
    stamp = {"webhook-timestamp": str(int(time.time()) - 400)}
    no_ts, hdrs = signed({k: v for k, v in good.items() if k != "timestamp"}, secret)
    assert (await post(client, source["id"], no_ts, {**hdrs, **stamp})).status_code == 401

    malformed = b'{"event": "order.created", '
    r = await post(
        client, source["id"], malformed, {"X-Webhook-Signature": sign(secret, malformed)}
    )
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"
    assert r.json()["details"][0]["code"] == "MALFORMED_JSON"
    r = await post(client, source["id"], malformed, {})  # no header: the body is read first
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"
    for bad in ([1, 2], "text"):
        raw = json.dumps(bad).encode()
        r = await post(client, source["id"], raw, {"X-Webhook-Signature": sign(secret, raw)})
        assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"

    invalid = [
        ({k: v for k, v in good.items() if k != "event"}, "event"),
        ({**good, "event": ""}, "event"),
        ({**good, "event": "has spaces"}, "event"),
        ({**good, "data": [1]}, "data"),
        ({**good, "id": ""}, "id"),
        ({**good, "id": {"nested": 1}}, "id"),
    ]
    for payload, field in invalid:
        raw, hdrs = signed(payload, secret)
        r = await post(client, source["id"], raw, hdrs)
        assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", r.text
        assert r.json()["details"][0]["field"] == field
    raw, hdrs = signed({**good, "data": {"note": "nul \u0000 byte"}}, secret)
    r = await post(client, source["id"], raw, hdrs)  # refused by the body middleware
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR", r.text

    assert await events(api, source["id"]) == []
    # And the good one is accepted.
    assert (await post(client, source["id"], body, headers)).status_code == 202


async def test_processing_outcomes_are_recorded(api: Any, client: httpx.AsyncClient) -> None:
    item, customer = await crm_setup(api, quantity=5)
    source = await make_source(api, "POS")
    sent = [
        ("order.created", {"customer_id": customer["id"], "items": [{"sku": "NOPE-1"}]}),
        ("order.created", {"customer_email": "nobody@example.com",
                           "items": [{"inventory_id": item["id"]}]}),
        ("order.created", {"customer_id": customer["id"],
                           "items": [{"inventory_id": item["id"], "quantity": 0}]}),
        ("order.created", {"customer": {"email": "new-buyer@example.com", "full_name": "Nia New"},
                           "items": [{"inventory_id": item["id"], "quantity": 1}],
                           "notes": "gift wrap"}),
        ("customer.created", {"full_name": "", "email": "bad"}),
        ("customer.created", {"full_name": 12}),
        ("customer.created", {"full_name": "Ola Fresh", "email": "ola@example.com"}),
        ("inventory.synced", {"sku": item["sku"]}),
    ]  # fmt: skip
    ids = []
    for n, (event, data) in enumerate(sent):
        raw, hdrs = signed({"id": f"e{n}", "event": event, "data": data, "timestamp": now_iso()},
                           source["secret"])  # fmt: skip
        r = await post(client, source["id"], raw, hdrs)
        assert r.status_code == 202, r.text
        ids.append(uuid.UUID(r.json()["data"]["id"]))
    statuses = [await inbound.process_event(api.tenant.id, i) for i in ids]
    rows = {uuid.UUID(e["id"]): e for e in await events(api, source["id"], limit=100)}
    got = [rows[i] for i in ids]
    assert [g["status"] for g in got] == [
        "failed",
        "failed",
        "failed",
        "processed",
        "failed",
        "failed",
        "processed",
        "ignored",
    ], got
    assert statuses == [g["status"] for g in got]
    assert "data.items[0].sku" in got[0]["error"] and "NOPE-1" in got[0]["error"]
    assert got[0]["result"]["errors"][0]["field"] == "data.items[0].sku"
    assert got[1]["result"]["errors"][0]["field"] == "data.customer_email"
    assert got[2]["result"]["errors"][0]["field"] == "data.items[0].quantity"
    assert {e["field"] for e in got[4]["result"]["errors"]} == {"data.full_name", "data.email"}
    assert got[5]["result"]["errors"][0]["code"] == "INVALID_TYPE"
    order = (await api.get(f"/orders/{got[3]['result']['order_id']}")).json()["data"]
    assert order["notes"] == "via integration POS\ngift wrap"
    assert order["total_amount"] == 2500.00  # the list price when none is given
    buyer = (await api.get(f"/customers/{order['customer_id']}")).json()["data"]
    assert buyer["full_name"] == "Nia New" and buyer["email"] == "new-buyer@example.com"
    assert got[6]["result"]["action"] == "created"
    # Nothing was half-applied by the failures: only the one order, stock down by one.
    assert (await api.get(f"/inventory/{item['id']}")).json()["data"]["quantity"] == 4
    audit = await fetch_audit(api, uuid.UUID(got[3]["result"]["order_id"]))
    assert audit == [("integration", "integration POS")]


async def fetch_audit(api: Any, order_id: uuid.UUID) -> list[tuple[str, str]]:
    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT actor_type, actor_label FROM audit_log WHERE entity_id = $1", str(order_id)
        )
    return [(r["actor_type"], r["actor_label"]) for r in rows]


async def test_sources_are_per_tenant_and_admin_only(api: Any, app: Any) -> None:
    source = await make_source(api, "A's integration")
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    _user, tenant_b = await accounts.signup("B Gems", "Bea", unique_email("b"), STRONG_PASSWORD)
    key_b = await create_key(tenant_b.id, "b", ["read", "write", "delete", "admin"])
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {key_b.secret}"},
    ) as b:
        assert (await b.get("/webhooks/inbound")).json()["data"] == []
        for method, path in [
            ("GET", f"/webhooks/inbound/{source['id']}"),
            ("DELETE", f"/webhooks/inbound/{source['id']}"),
            ("POST", f"/webhooks/inbound/{source['id']}/rotate-secret"),
            ("GET", f"/webhooks/inbound/{source['id']}/events"),
        ]:
            r = await b.request(method, path)
            assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", (method, path)
    assert (await api.get(f"/webhooks/inbound/{source['id']}")).status_code == 200

    reader = await create_key(api.tenant.id, "reader", ["read", "write", "delete"])
    headers = {"Authorization": f"Bearer {reader.secret}"}
    r = await api.post("/webhooks/inbound", json={"name": "x"}, headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"
    r = await api.delete(f"/webhooks/inbound/{source['id']}", headers=headers)
    assert r.status_code == 403
    assert (await api.get("/webhooks/inbound", headers=headers)).status_code == 200
    bad = await api.post("/webhooks/inbound", json={"name": "  "})
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "name"


async def test_rotate_and_delete(api: Any, client: httpx.AsyncClient) -> None:
    source = await make_source(api)
    old = source["secret"]
    r = await api.post(f"/webhooks/inbound/{source['id']}/rotate-secret", json={})
    assert r.status_code == 201, r.text
    new = r.json()["data"]["secret"]
    assert new != old and r.json()["data"]["previous_secret_expires_at"]
    for n, secret in enumerate([old, new]):
        raw, hdrs = signed({"id": f"r{n}", "event": "ping", "timestamp": now_iso()}, secret)
        assert (await post(client, source["id"], raw, hdrs)).status_code == 202
    r = await api.post(
        f"/webhooks/inbound/{source['id']}/rotate-secret", json={"grace_period_hours": 0}
    )
    newest = r.json()["data"]["secret"]
    raw, hdrs = signed({"id": "r3", "event": "ping", "timestamp": now_iso()}, new)
    assert (await post(client, source["id"], raw, hdrs)).status_code == 401
    raw, hdrs = signed({"id": "r4", "event": "ping", "timestamp": now_iso()}, newest)
    assert (await post(client, source["id"], raw, hdrs)).status_code == 202
    bad = await api.post(
        f"/webhooks/inbound/{source['id']}/rotate-secret", json={"grace_period_hours": 999}
    )
    assert bad.status_code == 422

    r = await api.delete(f"/webhooks/inbound/{source['id']}")
    assert r.status_code == 200 and r.json()["data"]["id"] == source["id"]
    assert (await api.get(f"/webhooks/inbound/{source['id']}")).status_code == 404
    assert not await fetch("SELECT 1 FROM public.inbound_route WHERE id = $1", source["id"])
    raw, hdrs = signed({"id": "r5", "event": "ping", "timestamp": now_iso()}, newest)
    assert (await post(client, source["id"], raw, hdrs)).status_code == 404


async def test_sweeper_finds_events_left_waiting(api: Any) -> None:
    source = await make_source(api)
    event_id = uuid.uuid4()
    async with tenant_scope(api.tenant.ref):
        await execute(
            "INSERT INTO inbound_event (id, source_id, external_id, body_sha256, event_type,"
            " payload, received_at) VALUES ($1, $2, 'lost', $3, 'ping', '{}',"
            " now() - interval '10 minutes')",
            event_id,
            uuid.UUID(source["id"]),
            "0" * 64,
        )
    assert (api.tenant.id, event_id) in await inbound.pending_events()
    assert await inbound.process_event(api.tenant.id, event_id) == "ignored"
    assert (api.tenant.id, event_id) not in await inbound.pending_events()


async def test_unexpected_failures_are_retried_then_recorded(api: Any) -> None:
    """A row the handler cannot read (stored by hand: receiving refuses such bodies) raises,
    so the worker retries; each attempt is counted and the last one marks it failed."""
    source = await make_source(api)
    event_id = uuid.uuid4()
    async with tenant_scope(api.tenant.ref):
        await execute(
            "INSERT INTO inbound_event (id, source_id, external_id, body_sha256, event_type,"
            " payload, received_at) VALUES ($1, $2, 'odd', $3, 'order.created', '\"text\"',"
            " now() - interval '10 minutes')",
            event_id,
            uuid.UUID(source["id"]),
            "1" * 64,
        )
    for attempt in range(1, inbound.MAX_ATTEMPTS + 1):
        with pytest.raises(AttributeError):
            await inbound.process_event(api.tenant.id, event_id)
        row = next(e for e in await events(api, source["id"]) if e["id"] == str(event_id))
        assert row["attempts"] == attempt and "AttributeError" in row["error"]
        assert row["status"] == ("failed" if attempt == inbound.MAX_ATTEMPTS else "received")
    assert (api.tenant.id, event_id) not in await inbound.pending_events()
    assert await inbound.process_event(api.tenant.id, event_id) == "failed"


async def test_routes_and_openapi(api: Any, client: httpx.AsyncClient) -> None:
    # The static /webhooks/inbound path is not taken for an integration id, and vice versa.
    assert (await api.get("/webhooks/inbound")).status_code == 200
    r = await client.post("/api/v1/webhooks/inbound", json={"name": "no key"})
    assert r.status_code == 401
    doc = (await client.get("/api/v1/openapi.json")).json()
    receive = doc["paths"]["/api/v1/webhooks/{integration_id}"]["post"]
    assert receive["operationId"] == "receiveWebhook"
    assert receive["security"] == [{}]
    assert {"200", "202", "401", "404"} <= set(receive["responses"])
    assert receive["requestBody"]["content"]["application/json"]["schema"]["required"] == ["event"]
    ops = doc["paths"]["/api/v1/webhooks/inbound/{source_id}"]
    assert set(ops) >= {"get", "delete"}


async def test_page_shows_the_secret_once_and_the_events(client: httpx.AsyncClient) -> None:
    from tests.integration.test_pages import CSRF, form_post, signup

    await signup(client, business="Inbound Gems")
    page = "/developers/webhooks/inbound"
    r = await form_post(client, page, {"name": ""})
    assert r.status_code == 422 and "Name is required" in r.text
    r = await form_post(client, page, {"name": "Etsy shop"})
    assert r.status_code == 201, r.text
    secret = re.search(r'id="new-inbound-secret" class="secret">(whsec_[\w+/=]+)<', r.text)
    source_id = re.search(r'data-source="([0-9a-f-]{36})"', r.text)
    assert secret and source_id
    raw, hdrs = signed(
        {"id": "p1", "event": "listing.renewed", "timestamp": now_iso()}, secret.group(1)
    )
    assert (await post(client, source_id.group(1), raw, hdrs)).status_code == 202
    again = await client.get(page)
    assert secret.group(1) not in again.text and "Etsy shop" in again.text
    assert "listing.renewed" in again.text
    token = CSRF.search(again.text).group(1)  # type: ignore[union-attr]
    r = await client.post(
        f"{page}/{source_id.group(1)}/rotate",
        data={"grace_period_hours": "0", "_csrf_token": token, "confirm": "yes"},
    )
    assert r.status_code == 201 and 'id="new-inbound-secret"' in r.text
    assert secret.group(1) not in r.text
    r = await client.post(
        f"{page}/{source_id.group(1)}/delete", data={"_csrf_token": token, "confirm": "yes"}
    )
    assert r.status_code == 200 and "Etsy shop deleted." in r.text
    assert "No sources yet." in r.text
    r = await client.post(f"{page}/{source_id.group(1)}/delete")  # no CSRF token
    assert r.status_code == 403
