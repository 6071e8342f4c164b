"""The webhook testing tools and the event catalog through the API, against a real receiver."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jsonschema_rs
import pytest
from standardwebhooks import Webhook

from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.webhooks import catalog, signing
from tests.webhook_receiver import Receiver, seed_signature_ok


async def test_templates_have_the_contract_shape(api: Any) -> None:
    r = await api.get("/webhooks/test", params={"category": "order_events"})
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True
    first = body["data"][0]
    assert first["name"] == "order_created"
    assert first["category"] == "order_events"
    assert first["description"] == "Template for order creation events"
    assert first["template"]["method"] == "POST"
    assert first["template"]["headers"] == {"Content-Type": "application/json"}
    assert first["template"]["payload"]["event"] == "order.created"
    assert first["template"]["payload"]["data"]["order_id"] == "{{order.id}}"
    assert first["template"]["payload"]["data"]["customer_id"] == "{{order.customer_id}}"
    assert {
        "name": "order.id",
        "type": "string",
        "description": "Order ID",
        "required": True,
    }.items() <= first["template"]["variables"][0].items()
    assert set(first) == {"name", "description", "category", "template"}
    assert {t["category"] for t in body["data"]} == {"order_events"}
    everything = (await api.get("/webhooks/test")).json()["data"]
    assert len(everything) == len(catalog.EVENT_TYPES)


async def test_unknown_category_is_a_validation_error(api: Any) -> None:
    r = await api.get("/webhooks/test", params={"category": "shipping_events"})
    assert r.status_code == 400
    assert r.json()["code"] == "VALIDATION_ERROR"


async def test_send_reaches_a_real_receiver_signed(api: Any) -> None:
    secret = signing.new_secret()
    payload = {"event": "test", "data": {"message": "Test webhook", "ünï": "cödé"}}
    with Receiver(secret) as receiver:
        r = await api.post(
            "/webhooks/test",
            json={
                "webhookUrl": receiver.url("/hook"),
                "method": "POST",
                "headers": {"X-Shop": "opal"},
                "payload": payload,
                "timeout": 5000,
                "retries": 3,
                "secret": secret,
            },
        )
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        assert data["success"] is True
        assert data["statusCode"] == 200
        assert data["responseData"] == {"received": True}
        assert data["attempts"] == 1
        assert isinstance(data["responseTime"], int) and data["responseTime"] >= 0
        got = receiver.received[0]
        assert got.method == "POST" and got.json() == payload
        assert got.headers["X-Shop"] == "opal"
        assert got.headers["Content-Type"] == "application/json"
        # Exactly as the contract's Flask receiver checks it, and as Standard Webhooks does.
        assert seed_signature_ok(secret, got.headers, got.body)
        Webhook(secret).verify(got.body, got.headers)
        assert data["requestHeaders"]["webhook-id"] == got.headers["webhook-id"]


async def test_a_receiver_that_fails_twice_gets_it_on_the_third_attempt(api: Any) -> None:
    with Receiver() as receiver:
        r = await api.post(
            "/webhooks/test",
            json={"webhookUrl": receiver.url("/flaky/2"), "retries": 3, "timeout": 5000},
        )
        data = r.json()["data"]
        assert data["success"] is True and data["attempts"] == 3
        assert [a["statusCode"] for a in data["attemptLog"]] == [503, 503, 200]
        assert len(receiver.received) == 3
        # Too few retries: the last failure is reported, not an error of ours.
        r = await api.post(
            "/webhooks/test", json={"webhookUrl": receiver.url("/flaky/5"), "retries": 1}
        )
        data = r.json()["data"]
        assert r.status_code == 200
        assert (data["success"], data["statusCode"], data["attempts"]) == (False, 503, 2)
        assert data["responseData"] == {"error": "try again"}


async def test_client_errors_and_redirects_are_not_retried(api: Any) -> None:
    with Receiver() as receiver:
        for path, status in (("/status/404", 404), ("/redirect", 302)):
            r = await api.post(
                "/webhooks/test", json={"webhookUrl": receiver.url(path), "retries": 3}
            )
            data = r.json()["data"]
            assert (data["success"], data["statusCode"], data["attempts"]) == (False, status, 1)
        assert [g.path for g in receiver.received] == ["/status/404", "/redirect"]
        r = await api.post(
            "/webhooks/test", json={"webhookUrl": receiver.url("/status/429"), "retries": 1}
        )
        assert r.json()["data"]["attempts"] == 2  # 429 is worth another try


async def test_unreachable_and_slow_endpoints_fail_cleanly_and_quickly(api: Any) -> None:
    with Receiver() as receiver:
        closed = receiver.url("/hook")
    started = time.monotonic()
    r = await api.post("/webhooks/test", json={"webhookUrl": closed, "retries": 2})
    data = r.json()["data"]
    assert r.status_code == 200
    assert (data["success"], data["statusCode"], data["attempts"]) == (False, None, 3)
    assert data["error"].startswith("Could not connect")
    with Receiver() as receiver:
        r = await api.post(
            "/webhooks/test", json={"webhookUrl": receiver.url("/slow"), "timeout": 200}
        )
        data = r.json()["data"]
        assert (data["success"], data["error"], data["attempts"]) == (False, "Timed out", 1)
        assert data["responseTime"] < 1500
    assert time.monotonic() - started < 5


async def test_large_responses_are_cut_at_20_kb(api: Any) -> None:
    with Receiver() as receiver:
        data = (await api.post("/webhooks/test", json={"webhookUrl": receiver.url("/big")})).json()[
            "data"
        ]
    assert data["success"] is True and data["truncated"] is True
    assert data["responseData"] == "x" * 20 * 1024


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/hook",
        "http://[::ffff:169.254.169.254]/",
        "http://224.0.0.1/hook",
    ],
)
async def test_metadata_and_link_local_are_refused_even_in_development(
    api: Any, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JEWELIA_WEBHOOK_ALLOW_PRIVATE", "1")
    r = await api.post("/webhooks/test", json={"webhookUrl": url})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["details"][0]["field"] == "webhookUrl"
    assert body["details"][0]["code"] == "BLOCKED_DESTINATION"


async def test_loopback_is_refused_without_the_development_switch(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JEWELIA_WEBHOOK_ALLOW_PRIVATE", raising=False)
    with Receiver() as receiver:
        r = await api.post("/webhooks/test", json={"webhookUrl": receiver.url("/hook")})
        assert r.status_code == 422
        assert r.json()["details"][0]["code"] == "BLOCKED_DESTINATION"
        assert receiver.received == []


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"webhookUrl": "not a url"}, 422, "webhookUrl", "INVALID_URL"),
        ({"webhookUrl": "ftp://example.com/x"}, 422, "webhookUrl", "INVALID_URL"),
        ({"webhookUrl": "http://user:pw@example.com/"}, 422, "webhookUrl", "INVALID_URL"),
        ({"webhookUrl": ""}, 422, "webhookUrl", "REQUIRED"),
        ({"webhookUrl": "http://" + "a" * 70 + ".example/"}, 422, "webhookUrl", "INVALID_URL"),
        ({"webhookUrl": "http://127.0.0.1/", "method": "GET"}, 422, "method", "INVALID_CHOICE"),
        ({"webhookUrl": "http://127.0.0.1/", "timeout": 0}, 400, "timeout", "OUT_OF_RANGE"),
        ({"webhookUrl": "http://127.0.0.1/", "timeout": 30001}, 400, "timeout", "OUT_OF_RANGE"),
        ({"webhookUrl": "http://127.0.0.1/", "retries": 6}, 400, "retries", "OUT_OF_RANGE"),
        ({"webhookUrl": "http://127.0.0.1/", "timeout": "ten"}, 400, "timeout", "INVALID_TYPE"),
        ({"webhookUrl": "http://127.0.0.1/", "colour": "red"}, 400, "colour", "UNKNOWN_FIELD"),
        ({"method": "POST"}, 400, "webhookUrl", "REQUIRED"),
        (
            {"webhookUrl": "http://127.0.0.1/", "headers": {"Host": "evil.example"}},
            422,
            "headers.Host",
            "FORBIDDEN_HEADER",
        ),
        (
            {"webhookUrl": "http://127.0.0.1/", "headers": {"content-length": "1"}},
            422,
            "headers.content-length",
            "FORBIDDEN_HEADER",
        ),
        (
            {"webhookUrl": "http://127.0.0.1/", "headers": {"X-A": "b\r\nX-Injected: 1"}},
            422,
            "headers.X-A",
            "INVALID",
        ),
        (
            {"webhookUrl": "http://127.0.0.1/", "headers": {"Bad Name": "x"}},
            422,
            "headers.Bad Name",
            "INVALID_HEADER",
        ),
        (
            {
                "webhookUrl": "http://127.0.0.1/",
                "secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                "headers": {"webhook-signature": "v1,forged"},
            },
            422,
            "headers.webhook-signature",
            "FORBIDDEN_HEADER",
        ),
        (
            {"webhookUrl": "http://127.0.0.1/", "secret": "whsec_***"},
            422,
            "secret",
            "INVALID_SECRET",
        ),
        ({"webhookUrl": "http://127.0.0.1/", "payload": "x" * 300_000}, 422, "payload", "TOO_LONG"),
    ],
)
async def test_bad_test_requests(api: Any, body: dict, status: int, field: str, code: str) -> None:
    r = await api.post("/webhooks/test", json=body)
    assert r.status_code == status, r.text
    payload = r.json()
    assert payload["success"] is False and payload["code"] == "VALIDATION_ERROR"
    assert {"field": field, "code": code} in [
        {"field": d["field"], "code": d["code"]} for d in payload["details"]
    ], payload


async def test_render_and_validate(api: Any) -> None:
    r = await api.post(
        "/webhooks/test/render",
        json={
            "template": "order_created",
            "variables": {
                "order.id": "7f3e9a12-4b5c-4d6e-8f70-9a1b2c3d4e5f",
                "order.customer_id": "0b9c3f5e-8d7a-4c21-9e34-5f6a7b8c9d01",
                "order.total_amount": 2500.0,
            },
        },
    )
    assert r.status_code == 200, r.text
    rendered = r.json()["data"]
    assert rendered["payload"]["data"]["total_amount"] == 2500.0
    r = await api.post(
        "/webhooks/test/validate",
        json={"template": "order_created", "payload": rendered["payload"]},
    )
    assert r.json()["data"]["valid"] is True
    broken = {**rendered["payload"], "data": {"order_id": 5, "extra": 1}}
    report = (
        await api.post(
            "/webhooks/test/validate", json={"template": "order_created", "payload": broken}
        )
    ).json()["data"]
    assert report["valid"] is False
    assert report["missing"] == ["data.customer_id", "data.total_amount"]
    assert report["extra"] == ["data.extra"] and report["mistyped"] == ["data.order_id"]

    r = await api.post("/webhooks/test/render", json={"template": "order_created", "variables": {}})
    assert r.status_code == 422
    missing = {d["field"] for d in r.json()["details"] if d["code"] == "REQUIRED"}
    assert missing == {
        "variables.order.id",
        "variables.order.customer_id",
        "variables.order.total_amount",
    }
    r = await api.post("/webhooks/test/render", json={"template": "nope", "variables": {}})
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "UNKNOWN_TEMPLATE"


async def test_signature_generate_and_verify(api: Any) -> None:
    secret = "your-webhook-secret"
    body = '{"event":"order.created","data":{"order_id":"x"}}'
    r = await api.post(
        "/webhooks/test/signature",
        json={"secret": secret, "body": body, "id": "msg_1", "timestamp": 1700000000},
    )
    assert r.status_code == 200, r.text
    made = r.json()["data"]
    headers = made["headers"]
    assert seed_signature_ok(secret, headers, body.encode())
    assert made["signedContent"] == f"msg_1.1700000000.{body}"
    assert headers["webhook-timestamp"] == "1700000000"
    # An old timestamp: the legacy signature matches, the Standard one is refused as a replay.
    r = await api.post(
        "/webhooks/test/verify", json={"secret": secret, "body": body, "headers": headers}
    )
    verdict = r.json()["data"]
    assert verdict["valid"] is False and "too old" in verdict["reason"]
    assert [c["valid"] for c in verdict["checks"]] == [True, False]

    fresh = (
        await api.post("/webhooks/test/signature", json={"secret": secret, "payload": {"a": 1}})
    ).json()["data"]
    assert fresh["body"] == '{"a":1}'
    check = {"secret": secret, "body": fresh["body"], "headers": fresh["headers"]}
    assert (await api.post("/webhooks/test/verify", json=check)).json()["data"]["valid"] is True
    tampered = {**check, "body": '{"a":2}'}
    assert (await api.post("/webhooks/test/verify", json=tampered)).json()["data"]["valid"] is False
    nothing = {**check, "headers": {"X-Other": "1"}}
    assert (await api.post("/webhooks/test/verify", json=nothing)).json()["data"]["checks"] == []

    for bad, field in (
        ({"secret": secret}, "body"),
        ({"secret": secret, "body": "x", "payload": {}}, "body"),
        ({"secret": "", "body": "x"}, "secret"),
        ({"secret": secret, "body": "x", "id": "has space"}, "id"),
    ):
        r = await api.post("/webhooks/test/signature", json=bad)
        assert r.status_code == 422 and r.json()["details"][0]["field"] == field, bad
    r = await api.post("/webhooks/test/verify", json={**check, "tolerance": 0})
    assert r.status_code == 400


async def test_read_only_keys_use_the_pure_tools_but_cannot_send(api: Any) -> None:
    from jewelia.platform.apikeys.service import create_key

    key = await create_key(api.tenant.id, "read only", ["read"])
    auth = {"Authorization": f"Bearer {key.secret}"}
    r = await api.post(
        "/webhooks/test/signature",
        json={"secret": "a-long-enough-secret", "body": "{}"},
        headers=auth,
    )
    assert r.status_code == 200
    r = await api.post("/webhooks/test", json={"webhookUrl": "http://127.0.0.1:9/"}, headers=auth)
    assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"
    r = await api.get("/webhooks/events", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


async def test_event_catalog_matches_what_the_services_emit(api: Any) -> None:
    r = await api.get("/webhooks/events")
    assert r.status_code == 200
    listed = {e["type"]: e for e in r.json()["data"]}
    assert set(listed) == set(catalog.EVENT_TYPES)
    assert listed["order.created"]["example"]["event"] == "order.created"

    customer = (
        await api.post(
            "/customers",
            json={
                "full_name": "Ada Opal",
                "email": "ada@example.com",
                "ring_size": {"system": "US", "label": "6"},
            },
        )
    ).json()["data"]
    await api.patch(f"/customers/{customer['id']}", json={"phone": "+1-555-0123"})
    item = (
        await api.post(
            "/inventory",
            json={
                "sku": f"R-{uuid.uuid4().hex[:6]}",
                "name": "Opal ring",
                "category": "rings",
                "price": 1450.0,
                "quantity": 2,
                "specifications": {"metal": "gold"},
            },
        )
    ).json()["data"]
    order = (
        await api.post(
            "/orders",
            json={"customer_id": customer["id"], "items": [{"inventory_id": item["id"]}]},
        )
    ).json()["data"]
    await api.patch(f"/orders/{order['id']}", json={"status": "confirmed"})
    await api.patch(f"/orders/{order['id']}", json={"status": "cancelled"})
    await api.patch(f"/inventory/{item['id']}", json={"price": 1500.0})
    other = (await api.post("/customers", json={"full_name": "Temp"})).json()["data"]
    await api.delete(f"/customers/{other['id']}")
    spare = (
        await api.post(
            "/inventory", json={"sku": "SPARE-1", "name": "x", "category": "c", "price": 1}
        )
    ).json()["data"]
    await api.delete(f"/inventory/{spare['id']}")

    async with tenant_scope(api.tenant.ref):
        rows = await fetch("SELECT event_type, payload FROM event_outbox ORDER BY created_at")
    seen = set()
    for row in rows:
        payload = row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])
        event = catalog.CATALOG[row["event_type"]]
        validator = jsonschema_rs.Draft202012Validator(
            event.payload_schema(), validate_formats=True
        )
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(payload)]
        assert errors == [], (row["event_type"], errors, payload)
        seen.add(row["event_type"])
    assert seen >= {
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "inventory.created",
        "inventory.updated",
        "inventory.deleted",
        "inventory.low_stock",
        "order.created",
        "order.updated",
        "order.status_changed",
        "order.cancelled",
    }


async def test_malformed_bodies_are_validation_errors(api: Any) -> None:
    for body in (
        '{"webhookUrl": ',
        "[]",
        '{"webhookUrl": 5}',
        '{"webhookUrl": "x", "headers": []}',
    ):
        r = await api.post(
            "/webhooks/test", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 400, (body, r.text)
