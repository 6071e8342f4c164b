"""Builder triggers: webhook (a per-flow URL and secret; verified, stored once per webhook-id,
202), schedule (cron + time zone; fired once per fire time even by two schedulers; missed fires
collapse), database_change (CRM events from the outbox start matching flows, once per event,
through the real worker's dispatcher). Switching a flow off, deleting it or publishing a version
without the trigger stops it; nothing crosses from one business to another."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.tenants.builder.triggers import database_change, schedule
from jewelia.tenants.webhooks import signing
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_api_security import client_for

BASE = "/integrations/builder"
NOOP = [{"id": "noop", "type": "transform", "config": {"output": "trigger"}}]


def flow_body(triggers: list[dict[str, Any]], active: bool = True) -> dict[str, Any]:
    return {
        "name": f"Trigger {uuid.uuid4().hex[:6]}",
        "configuration": {"triggers": triggers, "actions": NOOP},
        "isActive": active,
    }


async def make_flow(api: Any, triggers: list[dict[str, Any]]) -> dict[str, Any]:
    made = await api.post(BASE, json=flow_body(triggers))
    assert made.status_code == 201, made.text
    return dict(made.json()["data"])


def signed(secret: str, body: bytes, msg_id: str | None = None, at: int | None = None) -> Any:
    stamp = int(time.time()) if at is None else at
    return signing.signed_headers([secret], msg_id or f"msg_{uuid.uuid4().hex}", stamp, body)


async def deliver(app: Any, url: str, body: bytes, headers: dict[str, str]) -> Any:
    async with client_for(app, None) as c:
        return await c.post(
            urlparse(url).path.removeprefix("/api/v1"), content=body, headers=headers
        )


async def other_business(app: Any) -> Any:
    _, tenant = await accounts.signup(
        f"Bee Gems {uuid.uuid4().hex[:6]}", "Bo", unique_email("bee"), STRONG_PASSWORD
    )
    key = await create_key(tenant.id, "all", list(PERMISSIONS))
    c = client_for(app, key.secret)
    c.tenant = tenant  # type: ignore[attr-defined]
    return c


async def runs_of(api: Any, flow_id: str) -> list[dict[str, Any]]:
    got = await api.get(f"{BASE}/runs", params={"flow_id": flow_id, "limit": 100})
    assert got.status_code == 200, got.text
    return list(got.json()["data"])


# --- webhook ---------------------------------------------------------------------------------


async def test_webhook_url_secret_verification_and_dedupe(api: Any, app: Any) -> None:
    flow = await make_flow(api, [{"type": "webhook", "config": {}}])
    minted = flow["webhook"]
    assert minted["secret"].startswith("whsec_") and minted["url"] == flow["webhookUrl"]
    assert "/api/v1/integrations/builder/hooks/" in minted["url"]
    shown = (await api.get(f"{BASE}/{flow['id']}")).json()["data"]
    assert shown["webhookUrl"] == minted["url"] and "webhook" not in shown
    assert minted["secret"] not in json.dumps(shown)
    assert (
        shown["webhookSecretPreview"].startswith("whsec_") and "…" in shown["webhookSecretPreview"]
    )
    async with tenant_scope(api.tenant.ref):
        stored = await fetch(
            "SELECT secret_encrypted FROM flow_webhook WHERE flow_id = $1", uuid.UUID(flow["id"])
        )
    assert minted["secret"] not in stored[0]["secret_encrypted"]

    body = json.dumps({"order": {"id": 7, "total": 12.5}}).encode()
    headers = signed(minted["secret"], body, "msg_one")
    first = await deliver(app, minted["url"], body, headers)
    assert first.status_code == 202, first.text
    got = first.json()["data"]
    assert got["flow_id"] == flow["id"] and got["version"] == 1 and got["duplicate"] is False
    run = (await api.get(f"{BASE}/runs/{got['run_id']}")).json()["data"]
    assert run["trigger_type"] == "webhook" and run["trigger_payload"] == {
        "order": {"id": 7, "total": 12.5}
    }

    again = await deliver(app, minted["url"], body, signed(minted["secret"], body, "msg_one"))
    assert again.status_code == 200 and again.json()["data"]["run_id"] == got["run_id"]
    assert again.json()["data"]["duplicate"] is True
    # two copies at once of one delivery still make one run
    copies = await asyncio.gather(
        *(
            deliver(app, minted["url"], body, signed(minted["secret"], body, "msg_two"))
            for _ in range(3)
        )
    )
    assert sorted(c.status_code for c in copies) == [200, 200, 202]
    assert len({c.json()["data"]["run_id"] for c in copies}) == 1
    assert len(await runs_of(api, flow["id"])) == 2

    forged = await deliver(app, minted["url"], body, signed("whsec_" + "A" * 32, body))
    assert forged.status_code == 401 and forged.json()["code"] == "AUTHENTICATION_ERROR"
    assert forged.json()["success"] is False
    stale = await deliver(
        app, minted["url"], body, signed(minted["secret"], body, at=int(time.time()) - 3600)
    )
    assert stale.status_code == 401
    tampered = await deliver(app, minted["url"], body + b" ", headers | {"webhook-id": "msg_x"})
    assert tampered.status_code == 401
    unsigned = await deliver(app, minted["url"], body, {"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    unknown = await deliver(app, minted["url"][:-4] + "zzzz", body, signed(minted["secret"], body))
    assert unknown.status_code == 404 and unknown.json()["code"] == "NOT_FOUND"
    malformed = await deliver(app, minted["url"], b"{nope", signed(minted["secret"], b"{nope"))
    assert malformed.status_code == 400
    assert len(await runs_of(api, flow["id"])) == 2


async def test_webhook_body_up_to_10_mb(api: Any, app: Any) -> None:
    flow = await make_flow(api, [{"type": "webhook", "config": {}}])
    secret = flow["webhook"]["secret"]
    big = json.dumps({"blob": "x" * (3 << 20)}).encode()  # over the app's 1 MB default
    ok = await deliver(app, flow["webhookUrl"], big, signed(secret, big))
    assert ok.status_code == 202, ok.text[:300]
    huge = json.dumps({"blob": "x" * (11 << 20)}).encode()
    refused = await deliver(app, flow["webhookUrl"], huge, signed(secret, huge))
    assert refused.status_code == 413
    nul = json.dumps({"text": "a\x00b"}).encode()  # valid JSON that PostgreSQL cannot store
    stored = await deliver(app, flow["webhookUrl"], nul, signed(secret, nul))
    assert stored.status_code == 422 and stored.json()["code"] == "VALIDATION_ERROR"
    assert len(await runs_of(api, flow["id"])) == 1


async def test_webhook_rotate_switch_off_republish_delete(api: Any, app: Any) -> None:
    flow = await make_flow(api, [{"type": "webhook", "config": {}}])
    url, old = flow["webhookUrl"], flow["webhook"]["secret"]
    body = b'{"n": 1}'

    rotated = await api.post(f"{BASE}/{flow['id']}/webhook/rotate")
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()["data"]
    assert new["url"] == url and new["secret"].startswith("whsec_") and new["secret"] != old
    assert (await deliver(app, url, body, signed(old, body))).status_code == 401
    assert (await deliver(app, url, body, signed(new["secret"], body))).status_code == 202

    off = await api.put(BASE, json={"id": flow["id"], "isActive": False})
    assert off.status_code == 200
    held = signed(new["secret"], body, "msg_while_off")
    inactive = await deliver(app, url, body, held)
    assert inactive.status_code == 409 and inactive.json()["code"] == "CONFLICT"
    assert (await api.put(BASE, json={"id": flow["id"], "isActive": True})).status_code == 200
    # the refusal left no receipt behind: the sender's retry of that delivery starts a run
    retried = await deliver(app, url, body, held)
    assert retried.status_code == 202 and retried.json()["data"]["duplicate"] is False

    # a version without the webhook trigger: no URL shown, deliveries refused
    await api.put(
        BASE,
        json={
            "id": flow["id"],
            "configuration": {"triggers": [{"type": "api_call", "config": {}}]},
        },
    )
    published = await api.post(f"{BASE}/{flow['id']}/publish")
    assert published.status_code == 201 and "webhook" not in published.json()["data"]
    assert (await api.get(f"{BASE}/{flow['id']}")).json()["data"]["webhookUrl"] is None
    assert (await deliver(app, url, body, signed(new["secret"], body))).status_code == 409
    assert (await api.post(f"{BASE}/{flow['id']}/webhook/rotate")).status_code == 409
    # the trigger back: the same URL and secret (nothing minted, so nothing shown)
    await api.put(
        BASE,
        json={"id": flow["id"], "configuration": {"triggers": [{"type": "webhook", "config": {}}]}},
    )
    again = await api.post(f"{BASE}/{flow['id']}/publish")
    assert again.status_code == 201 and "webhook" not in again.json()["data"]
    assert (await api.get(f"{BASE}/{flow['id']}")).json()["data"]["webhookUrl"] == url
    assert (await deliver(app, url, body, signed(new["secret"], body))).status_code == 202

    assert (await api.delete(f"{BASE}/{flow['id']}")).status_code == 200
    assert (await deliver(app, url, body, signed(new["secret"], body))).status_code == 404
    assert (
        await fetch("SELECT 1 FROM public.builder_hook WHERE flow_id = $1", uuid.UUID(flow["id"]))
        == []
    )


async def test_webhook_publish_mints_once_and_another_business_cannot_use_it(
    api: Any, app: Any
) -> None:
    made = await api.post(BASE, json=flow_body([{"type": "webhook", "config": {}}], active=False))
    flow = made.json()["data"]
    assert flow["webhookUrl"] is None and "webhook" not in flow
    published = await api.post(f"{BASE}/{flow['id']}/publish")
    minted = published.json()["data"]["webhook"]
    assert minted["secret"].startswith("whsec_")
    body = b'{"a": 1}'
    assert (
        await deliver(app, minted["url"], body, signed(minted["secret"], body))
    ).status_code == 409
    assert (await api.put(BASE, json={"id": flow["id"], "isActive": True})).status_code == 200

    async with await other_business(app) as bee:
        theirs = await make_flow(bee, [{"type": "webhook", "config": {}}])
        # B's secret on A's URL, A's secret on B's URL: refused; B cannot rotate A's hook
        assert (
            await deliver(app, minted["url"], body, signed(theirs["webhook"]["secret"], body))
        ).status_code == 401
        assert (
            await deliver(app, theirs["webhookUrl"], body, signed(minted["secret"], body))
        ).status_code == 401
        assert (await bee.post(f"{BASE}/{flow['id']}/webhook/rotate")).status_code == 404
        assert (
            await deliver(app, minted["url"], body, signed(minted["secret"], body))
        ).status_code == 202
        assert await runs_of(bee, theirs["id"]) == []
    assert len(await runs_of(api, flow["id"])) == 1


# --- schedule --------------------------------------------------------------------------------


async def _schedules(flow_id: str) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT trigger_index, cron, timezone, next_fire_at FROM public.builder_schedule"
        " WHERE flow_id = $1 ORDER BY trigger_index",
        uuid.UUID(flow_id),
    )


async def test_schedule_fires_once_and_follows_the_flow(api: Any, app: Any) -> None:
    trigger = {"type": "schedule", "config": {"cron": "*/5 * * * *", "timezone": "Asia/Kolkata"}}
    flow = await make_flow(api, [trigger])
    rows = await _schedules(flow["id"])
    assert len(rows) == 1 and rows[0]["timezone"] == "Asia/Kolkata"
    now = datetime.now(UTC)
    assert now < rows[0]["next_fire_at"] <= now + timedelta(minutes=5, seconds=1)

    # down for three hours: 36 missed fire times collapse into one run, fired once by two
    # schedulers at the same moment
    await execute(
        "UPDATE public.builder_schedule SET next_fire_at = now() - interval '3 hours'"
        " WHERE flow_id = $1",
        uuid.UUID(flow["id"]),
    )
    await asyncio.gather(schedule.fire_due(), schedule.fire_due())
    await schedule.fire_due()
    runs = await runs_of(api, flow["id"])
    assert len(runs) == 1 and runs[0]["trigger_type"] == "schedule"
    run = (await api.get(f"{BASE}/runs/{runs[0]['id']}")).json()["data"]
    payload = run["trigger_payload"]
    assert payload["timezone"] == "Asia/Kolkata"
    scheduled = datetime.fromisoformat(payload["scheduledAt"].replace("Z", "+00:00"))
    fired = datetime.fromisoformat(payload["firedAt"].replace("Z", "+00:00"))
    assert scheduled.minute % 5 == 0 and timedelta(0) <= fired - scheduled < timedelta(minutes=5)
    assert (await _schedules(flow["id"]))[0]["next_fire_at"] > datetime.now(UTC)

    assert (await api.put(BASE, json={"id": flow["id"], "isActive": False})).status_code == 200
    assert await _schedules(flow["id"]) == []
    assert (await api.put(BASE, json={"id": flow["id"], "isActive": True})).status_code == 200
    assert len(await _schedules(flow["id"])) == 1
    await api.put(
        BASE,
        json={
            "id": flow["id"],
            "configuration": {"triggers": [{"type": "api_call", "config": {}}]},
        },
    )
    assert (await api.post(f"{BASE}/{flow['id']}/publish")).status_code == 201
    assert await _schedules(flow["id"]) == []
    await api.put(BASE, json={"id": flow["id"], "configuration": {"triggers": [trigger]}})
    assert (await api.post(f"{BASE}/{flow['id']}/publish")).status_code == 201
    assert len(await _schedules(flow["id"])) == 1
    assert (await api.delete(f"{BASE}/{flow['id']}")).status_code == 200
    assert await _schedules(flow["id"]) == []


async def test_a_schedule_switched_off_behind_its_back_is_not_fired(api: Any) -> None:
    flow = await make_flow(api, [{"type": "schedule", "config": {"cron": "@hourly"}}])
    async with tenant_scope(api.tenant.ref):  # e.g. paused by the monitor, without a sync
        await execute("UPDATE flow SET is_active = false WHERE id = $1", uuid.UUID(flow["id"]))
    await execute(
        "UPDATE public.builder_schedule SET next_fire_at = now() - interval '1 minute'"
        " WHERE flow_id = $1",
        uuid.UUID(flow["id"]),
    )
    await schedule.fire_due()
    assert await runs_of(api, flow["id"]) == []
    assert (await _schedules(flow["id"]))[0]["next_fire_at"] > datetime.now(UTC)


# --- database change -------------------------------------------------------------------------


async def wait_runs(
    api: Any, flow_id: str, count: int, seconds: float = 30
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    while True:
        found = await runs_of(api, flow_id)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


async def test_database_changes_start_matching_flows(api: Any, app: Any, worker: Any) -> None:
    trigger = {
        "type": "database_change",
        "config": {"table": "customers", "operation": "insert,update"},
    }
    flow = await make_flow(api, [trigger])
    inventory = await make_flow(
        api,
        [
            {
                "type": "database_change",
                "config": {"resource": "inventory", "operations": ["delete"]},
            }
        ],
    )
    async with await other_business(app) as bee:
        theirs = await make_flow(bee, [trigger])
        email = unique_email("dbc")
        made = await api.post("/customers", json={"full_name": "Ada Trigger", "email": email})
        assert made.status_code == 201, made.text
        customer = made.json()["data"]
        created = await wait_runs(api, flow["id"], 1)
        assert len(created) == 1 and created[0]["trigger_type"] == "database_change"
        run = (await api.get(f"{BASE}/runs/{created[0]['id']}")).json()["data"]
        payload = run["trigger_payload"]
        assert payload["event"] == "customer.created" and payload["resource"] == "customers"
        assert payload["operation"] == "insert" and payload["data"]["email"] == email
        assert payload["data"]["id"] == customer["id"] and payload["eventId"]

        patched = await api.put(f"/customers/{customer['id']}", json={"full_name": "Ada Changed"})
        assert patched.status_code == 200, patched.text
        both = await wait_runs(api, flow["id"], 2)
        assert len(both) == 2
        update = (await api.get(f"{BASE}/runs/{both[0]['id']}")).json()["data"]["trigger_payload"]
        assert update["operation"] == "update" and update["changed"] == ["full_name"]
        assert update["data"]["full_name"] == "Ada Changed"
        assert update["previous"] == {"full_name": "Ada Trigger"}
        assert "previous" not in payload

        # a delete is not among the operations; B's events never reach A's flow, nor A's B's
        assert (await api.delete(f"/customers/{customer['id']}")).status_code in (200, 204)
        made_b = await bee.post("/customers", json={"full_name": "Bo", "email": unique_email("b")})
        assert made_b.status_code == 201
        assert len(await wait_runs(bee, theirs["id"], 1)) == 1
        await asyncio.sleep(1.5)
        assert len(await runs_of(api, flow["id"])) == 2
        assert len(await runs_of(bee, theirs["id"])) == 1
        assert await runs_of(api, inventory["id"]) == []

        # switched off: no more runs
        assert (await api.put(BASE, json={"id": flow["id"], "isActive": False})).status_code == 200
        await api.post("/customers", json={"full_name": "Off", "email": unique_email("off")})
        await asyncio.sleep(1.5)
        assert len(await runs_of(api, flow["id"])) == 2


async def test_one_run_per_event(api: Any) -> None:
    flow = await make_flow(api, [{"type": "database_change", "config": {"resource": "orders"}}])
    event = {
        "id": uuid.uuid4(),
        "event_type": "order.created",
        "payload": json.dumps({"id": "e", "event": "order.created", "data": {"order_id": "o1"}}),
    }
    for _ in range(2):
        async with tenant_scope(api.tenant.ref):
            await database_change.consume(api.tenant.ref, [event, event])
    runs = await runs_of(api, flow["id"])
    assert len(runs) == 1 and runs[0]["trigger_type"] == "database_change"
    assert database_change.classify("order.status_changed") is None
    assert database_change.classify("inventory.deleted") == ("inventory", "delete")


async def test_a_flow_is_not_triggered_by_its_own_change(api: Any, worker: Any) -> None:
    save = {
        "id": "save",
        "type": "database",
        "config": {
            "resource": "customers",
            "operation": "update",
            "match": {"id": "trigger.data.id"},
            "data": {"full_name": "'Seen by the flow'"},
        },
    }
    made = await api.post(
        BASE,
        json={
            "name": "Loop guard",
            "configuration": {
                "triggers": [
                    {
                        "type": "database_change",
                        "config": {"resource": "customers", "operations": ["update"]},
                    }
                ],
                "actions": [save],
            },
            "isActive": True,
        },
    )
    assert made.status_code == 201, made.text
    flow_id = made.json()["data"]["id"]
    customer = (
        await api.post("/customers", json={"full_name": "Loop", "email": unique_email("loop")})
    ).json()["data"]
    assert (
        await api.put(f"/customers/{customer['id']}", json={"full_name": "Loop 2"})
    ).status_code == 200
    first = await wait_runs(api, flow_id, 1)
    deadline = time.monotonic() + 30
    while (await api.get(f"{BASE}/runs/{first[0]['id']}")).json()["data"]["status"] != "succeeded":
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    got = (await api.get(f"/customers/{customer['id']}")).json()["data"]
    assert got["full_name"] == "Seen by the flow"
    await asyncio.sleep(2)
    assert len(await runs_of(api, flow_id)) == 1


async def test_the_scheduler_beat_fires_through_the_worker(api: Any, worker: Any) -> None:
    import jewelia.workers.broker  # noqa: F401 - the jobs port's broker, as in the scheduler
    from jewelia.core import jobs

    flow = await make_flow(api, [{"type": "schedule", "config": {"cron": "0 9 * * 1"}}])
    await execute(
        "UPDATE public.builder_schedule SET next_fire_at = now() - interval '1 second'"
        " WHERE flow_id = $1",
        uuid.UUID(flow["id"]),
    )
    jobs.enqueue("fire_builder_schedules", queue_name="default")
    fired = await wait_runs(api, flow["id"], 1)
    assert len(fired) == 1 and fired[0]["trigger_type"] == "schedule"
    assert (await _schedules(flow["id"]))[0]["next_fire_at"] > datetime.now(UTC)


async def test_forgeries_are_throttled_per_address_not_the_sender(api: Any, app: Any) -> None:
    flow = await make_flow(api, [{"type": "webhook", "config": {}}])
    body = b'{"x": 1}'
    forged = signed("whsec_" + "B" * 32, body)
    codes = [(await deliver(app, flow["webhookUrl"], body, forged)).status_code for _ in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    real = await deliver(app, flow["webhookUrl"], body, signed(flow["webhook"]["secret"], body))
    assert real.status_code == 202


async def test_a_webhook_over_the_run_limit_is_refused_and_told_in_the_app(
    api: Any, app: Any
) -> None:
    """Over the month's runs the sender gets 403 PLAN_LIMIT_EXCEEDED, the same delivery is
    accepted once runs are available again (nothing half-written), and the business is told."""
    from tests.integration.test_builder_monitoring import set_runs_used

    flow = await make_flow(api, [{"type": "webhook", "config": {}}])
    await set_runs_used(api.tenant.id, 1000)
    body = b'{"lead": 1}'
    headers = signed(flow["webhook"]["secret"], body, "msg_over")
    refused = await deliver(app, flow["webhookUrl"], body, headers)
    assert refused.status_code == 403 and refused.json()["code"] == "PLAN_LIMIT_EXCEEDED"
    notes = (await api.get("/notifications")).json()["data"]
    assert [n["title"] for n in notes if n["title"].startswith(flow["name"])] == [
        f"{flow['name']} did not run: this month's flow runs are used up"
    ]
    await set_runs_used(api.tenant.id, 0)
    again = await deliver(app, flow["webhookUrl"], body, headers)
    assert again.status_code == 202 and again.json()["data"]["duplicate"] is False
