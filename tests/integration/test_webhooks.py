"""Webhook endpoints end to end: real API, real Dramatiq worker (with its dispatcher), a real
HTTP receiver verifying signatures the way the contract's Flask example does."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from jewelia.tenants.webhooks import signing
from tests.webhook_receiver import Receiver, seed_signature_ok


async def _wait(predicate: Any, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def _item(api: Any, sku: str, qty: int = 3) -> dict[str, Any]:
    r = await api.post(
        "/inventory",
        json={
            "sku": sku,
            "name": "Solitaire ring",
            "category": "rings",
            "price": 2500,
            "quantity": qty,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _customer(api: Any) -> dict[str, Any]:
    r = await api.post("/customers", json={"full_name": "John Doe", "email": "john@example.com"})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_order_created_reaches_receiver_signed(api: Any, worker: Any) -> None:
    with Receiver(secret="your-webhook-secret") as receiver:
        # The seed's "Configure Webhook" example, as written.
        r = await api.post(
            "/webhooks",
            json={
                "url": receiver.url("/hook"),
                "events": ["order.created", "customer.updated"],
                "secret": "your-webhook-secret",
            },
        )
        assert r.status_code == 201, r.text
        hook = r.json()["data"]
        assert hook["secret"] == "your-webhook-secret" and hook["enabled"] is True
        customer, item = await _customer(api), await _item(api, "WH-1")
        r = await api.post(
            "/orders",
            json={
                "customer_id": customer["id"],
                "items": [{"inventory_id": item["id"], "quantity": 1, "unit_price": 2500}],
            },
        )
        assert r.status_code == 201, r.text
        order = r.json()["data"]

        async def arrived() -> Any:
            return [x for x in receiver.received if x.json()["event"] == "order.created"]

        got = (await _wait(arrived))[0]
        assert seed_signature_ok("your-webhook-secret", got.headers, got.body)
        body = got.json()
        assert set(body) == {"event", "data", "timestamp", "id"}
        assert body["data"]["order_id"] == order["id"]
        verdict = signing.verify_standard("your-webhook-secret", got.headers, got.body)
        assert verdict.valid, verdict
        assert got.headers["webhook-id"] == f"msg_{body['id'].replace('-', '')}"
        # customer.created was not subscribed to
        assert all(x.json()["event"] != "customer.created" for x in receiver.received)
        # the seed's receiver reads data["customer_id"] on customer.updated
        r = await api.patch(f"/customers/{customer['id']}", json={"company": "Acme"})
        assert r.status_code == 200, r.text

        async def updated() -> Any:
            return [x for x in receiver.received if x.json()["event"] == "customer.updated"]

        got = (await _wait(updated))[0]
        assert seed_signature_ok("your-webhook-secret", got.headers, got.body)
        assert got.json()["data"]["customer_id"] == customer["id"]

        async def succeeded() -> Any:
            r = await api.get(f"/webhooks/{hook['id']}/deliveries")
            rows = r.json()["data"]
            return rows if rows and rows[0]["status"] == "succeeded" else None

        rows = await _wait(succeeded)
        detail = (await api.get(f"/webhooks/deliveries/{rows[0]['id']}")).json()["data"]
        assert detail["attempts"][0]["status_code"] == 200
        assert detail["attempts"][0]["response_body"] == '{"received": true}'
        assert "X-Webhook-Signature" in detail["attempts"][0]["request_headers"]
        stats = (await api.get(f"/webhooks/{hook['id']}")).json()["data"]["stats"]
        assert stats["succeeded"] == 2 and stats["success_rate"] == 100.0


async def test_fails_twice_then_succeeds_on_third_attempt(api: Any, worker: Any) -> None:
    with Receiver() as receiver:
        r = await api.post(
            "/webhooks",
            json={
                "url": receiver.url("/flaky/2"),
                "events": ["customer.*"],
                "retry_base_seconds": 0.05,
            },
        )
        hook = r.json()["data"]
        assert hook["secret"].startswith("whsec_")
        await _customer(api)

        async def done() -> Any:
            rows = (await api.get(f"/webhooks/{hook['id']}/deliveries")).json()["data"]
            return rows if rows and rows[0]["status"] == "succeeded" else None

        rows = await _wait(done)
        assert rows[0]["attempt_count"] == 3
        detail = (await api.get(f"/webhooks/deliveries/{rows[0]['id']}")).json()["data"]
        assert [a["status_code"] for a in detail["attempts"]] == [503, 503, 200]
        assert detail["attempts"][0]["error"] == "HTTP 503"
        ids = {x.headers["webhook-id"] for x in receiver.received}
        assert len(receiver.received) == 3 and len(ids) == 1  # same webhook-id on every try

        # replay: a fourth attempt, same id
        r = await api.post(f"/webhooks/deliveries/{rows[0]['id']}/replay")
        assert r.status_code == 202
        await _wait(lambda: _count(receiver, 4))
        assert {x.headers["webhook-id"] for x in receiver.received} == ids


async def _count(receiver: Receiver, n: int) -> bool:
    return len(receiver.received) >= n


async def test_410_disables_and_recover_resends(api: Any, worker: Any) -> None:
    with Receiver() as receiver:
        hook = (
            await api.post("/webhooks", json={"url": receiver.url("/status/410"), "events": ["*"]})
        ).json()["data"]
        await _customer(api)

        async def disabled() -> Any:
            data = (await api.get(f"/webhooks/{hook['id']}")).json()["data"]
            return data if not data["enabled"] else None

        data = await _wait(disabled)
        assert "410" in data["disabled_reason"]
        rows = (await api.get(f"/webhooks/{hook['id']}/deliveries?status=failed")).json()["data"]
        assert len(rows) == 1
        # the owner was told
        from jewelia.platform.mail.service import recent_emails

        mails = await recent_emails(to=api.user.email)
        assert any("disabled" in m.subject for m in mails)

        # fix the endpoint, enable it, recover the failed delivery
        r = await api.patch(
            f"/webhooks/{hook['id']}", json={"url": receiver.url("/hook"), "enabled": True}
        )
        assert r.status_code == 200 and r.json()["data"]["enabled"] is True
        r = await api.post(
            f"/webhooks/{hook['id']}/recover", json={"since": "2000-01-01T00:00:00Z"}
        )
        assert r.status_code == 202 and r.json()["data"]["queued"] == 1
        await _wait(lambda: _count_path(receiver, "/hook", 1))


async def _count_path(receiver: Receiver, path: str, n: int) -> bool:
    return sum(1 for x in receiver.received if x.path == path) >= n


async def test_retry_after_is_honoured(api: Any, worker: Any) -> None:
    from jewelia.tenants.webhooks.outbound.delivery import Outcome, next_delay

    row = {"max_attempts": 8, "retry_base_seconds": 5.0}
    now = __import__("datetime").datetime.now(__import__("datetime").UTC)
    out = Outcome(row, {"x": "y"}, status_code=429, response_headers={"retry-after": "7"})
    assert next_delay(out, 1, now) == 7.0
    out = Outcome(row, {"x": "y"}, status_code=500)
    assert 5.0 <= next_delay(out, 1, now) <= 5.5  # type: ignore[operator]
    assert 300 <= next_delay(out, 2, now) <= 330  # type: ignore[operator]
    assert next_delay(out, 8, now) is None  # attempts used up
    gone = Outcome(row, {"x": "y"}, status_code=410)
    assert next_delay(gone, 1, now) is None


async def test_rotation_signs_with_both_secrets(api: Any, worker: Any) -> None:
    with Receiver() as receiver:
        hook = (
            await api.post("/webhooks", json={"url": receiver.url("/hook"), "events": ["*"]})
        ).json()["data"]
        old = hook["secret"]
        r = await api.post(f"/webhooks/{hook['id']}/rotate-secret")
        new = r.json()["data"]["secret"]
        assert new != old and r.json()["data"]["secret_rotation_ends_at"]
        await _customer(api)
        await _wait(lambda: _count(receiver, 1))
        got = receiver.received[0]
        assert signing.verify_standard(old, got.headers, got.body).valid
        assert signing.verify_standard(new, got.headers, got.body).valid
        assert seed_signature_ok(new, got.headers, got.body)  # legacy header: current secret


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"url": "not a url", "events": ["order.created"]}, "url", None),
        ({"url": "ftp://example.com/x", "events": ["order.created"]}, "url", None),
        ({"url": "https://example.com/x", "events": ["order.shipped"]}, "events", "UNKNOWN_EVENT"),
        ({"url": "https://example.com/x", "events": []}, "events", "REQUIRED"),
        ({"url": "https://example.com/x", "events": ["*"], "secret": "short"}, "secret", None),
        ({"url": "http://169.254.169.254/latest", "events": ["*"]}, "url", "BLOCKED_DESTINATION"),
        (
            {"url": "https://example.com/x", "events": ["*"], "max_attempts": 99},
            "max_attempts",
            "OUT_OF_RANGE",
        ),
        ({"url": "https://example.com/x", "events": ["*"], "colour": "red"}, None, None),
        ({"url": 5, "events": ["*"]}, None, None),
    ],
)
async def test_bad_input(
    api: Any, body: dict[str, Any], field: str | None, code: str | None
) -> None:
    r = await api.post("/webhooks", json=body)
    assert r.status_code in (400, 422), r.text
    err = r.json()
    assert err["success"] is False and err["code"] == "VALIDATION_ERROR"
    if field:
        assert any(d["field"] == field for d in err["details"]), err
    if code:
        assert any(d["code"] == code for d in err["details"]), err
    assert (await api.get("/webhooks")).json()["pagination"]["total"] == 0


async def test_tenants_cannot_cross(api: Any, app: Any) -> None:
    import httpx

    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key
    from tests.conftest import STRONG_PASSWORD, unique_email

    hook = (
        await api.post("/webhooks", json={"url": "https://example.com/a", "events": ["*"]})
    ).json()["data"]
    _, other = await accounts.signup("Other Gems", "Olga", unique_email("o"), STRONG_PASSWORD)
    key = await create_key(other.id, "k", list(PERMISSIONS))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://t/api/v1",
        headers={"Authorization": f"Bearer {key.secret}"},
    ) as b:
        for method, path in [
            ("GET", f"/webhooks/{hook['id']}"),
            ("PATCH", f"/webhooks/{hook['id']}"),
            ("DELETE", f"/webhooks/{hook['id']}"),
            ("POST", f"/webhooks/{hook['id']}/rotate-secret"),
            ("GET", f"/webhooks/{hook['id']}/deliveries"),
            ("POST", f"/webhooks/{hook['id']}/disable"),
        ]:
            r = await b.request(method, path, json={} if method in ("PATCH",) else None)
            assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", (method, path, r.text)
        assert (await b.get("/webhooks")).json()["data"] == []
    assert (await api.get(f"/webhooks/{hook['id']}")).json()["data"]["enabled"] is True


async def test_read_only_key_cannot_manage(api: Any, app: Any) -> None:
    import httpx

    from jewelia.platform.apikeys.service import create_key

    key = await create_key(api.tenant.id, "ro", ["read", "write"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://t/api/v1",
        headers={"Authorization": f"Bearer {key.secret}"},
    ) as c:
        r = await c.post("/webhooks", json={"url": "https://example.com/a", "events": ["*"]})
        assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"
        assert (await c.get("/webhooks")).status_code == 200


async def test_delivery_refuses_metadata_address_at_send_time(api: Any, worker: Any) -> None:
    """An address that passed creation but points at cloud metadata when sent is refused then
    (the guard resolves and checks at every request), not retried, and recorded."""
    from jewelia.core.db import execute, tenant_scope

    hook = (
        await api.post("/webhooks", json={"url": "https://example.com/x", "events": ["*"]})
    ).json()["data"]
    async with tenant_scope(api.tenant.ref):
        await execute(
            "UPDATE webhook_endpoint SET url = 'http://169.254.169.254/latest/meta-data'"
            " WHERE id = $1",
            __import__("uuid").UUID(hook["id"]),
        )
    await _customer(api)

    async def failed() -> Any:
        rows = (await api.get(f"/webhooks/{hook['id']}/deliveries")).json()["data"]
        return rows if rows and rows[0]["status"] == "failed" else None

    rows = await _wait(failed)
    assert rows[0]["attempt_count"] == 1 and "not allowed" in rows[0]["last_error"]
    detail = (await api.get(f"/webhooks/deliveries/{rows[0]['id']}")).json()["data"]
    assert detail["attempts"][0]["status_code"] is None


@pytest.mark.parametrize(
    ("method", "suffix", "body", "field"),
    [
        ("PATCH", "", {"events": ["order.shipped"]}, "events"),
        ("PATCH", "", {"url": "gopher://x"}, "url"),
        ("PATCH", "", {"secret": "a-new-secret-that-is-long"}, "secret"),
        ("PATCH", "", {"retry_base_seconds": -1}, "retry_base_seconds"),
        ("POST", "/rotate-secret", {"secret": "short"}, "secret"),
        ("POST", "/recover", {"since": "yesterday"}, None),
        ("POST", "/recover", {}, None),
    ],
)
async def test_bad_input_on_changes(
    api: Any, method: str, suffix: str, body: dict[str, Any], field: str | None
) -> None:
    hook = (
        await api.post("/webhooks", json={"url": "https://example.com/x", "events": ["*"]})
    ).json()["data"]
    r = await api.request(method, f"/webhooks/{hook['id']}{suffix}", json=body)
    assert r.status_code in (400, 422), r.text
    assert r.json()["code"] == "VALIDATION_ERROR"
    if field:
        assert any(d["field"] == field for d in r.json()["details"]), r.json()
    after = (await api.get(f"/webhooks/{hook['id']}")).json()["data"]
    assert after["url"] == "https://example.com/x" and after["events"] == ["*"]


async def test_five_days_of_failures_disable_the_endpoint(api: Any, worker: Any) -> None:
    from jewelia.core.db import execute, tenant_scope
    from jewelia.platform.mail.service import recent_emails

    with Receiver() as receiver:
        hook = (
            await api.post(
                "/webhooks",
                json={"url": receiver.url("/status/500"), "events": ["*"], "max_attempts": 1},
            )
        ).json()["data"]
        async with tenant_scope(api.tenant.ref):  # it has been failing for six days
            await execute(
                "UPDATE webhook_endpoint SET failing_since = now() - interval '6 days'"
                " WHERE id = $1",
                __import__("uuid").UUID(hook["id"]),
            )
        await _customer(api)

        async def disabled() -> Any:
            data = (await api.get(f"/webhooks/{hook['id']}")).json()["data"]
            return data if not data["enabled"] else None

        data = await _wait(disabled)
        assert data["disabled_reason"] == "Every delivery failed for 5 days"
        mails = await recent_emails(to=api.user.email)
        assert any(
            "disabled" in m.subject and receiver.url("/status/500") in m.body_text for m in mails
        )
