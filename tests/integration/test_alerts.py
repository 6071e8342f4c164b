"""Alert rules (issue 16): an error-rate rule fires within two minutes of injected failures,
notifies once per cooldown (email, in-app notification, an alert.triggered webhook to a real
receiver), stays quiet once acknowledged and resolves when the condition clears; every metric;
validation; another business can neither see nor touch the incidents; the weekly report.

The clock is the `at` written into public.request_log and the `now` given to `evaluate`: a fixed
time tomorrow, so requests the tests themselves make (logged at the real time) never count."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import jsonschema_rs
import pytest

from jewelia.core.api import Page
from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.accounts import service as accounts
from jewelia.platform.analytics import alerts, reports
from jewelia.platform.apikeys.service import create_key
from jewelia.platform.billing.plans import plan_named
from jewelia.tenants.webhooks import catalog
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.webhook_receiver import Receiver

T0 = (datetime.now(UTC) + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
ROUTE = "/api/v1/customers"


async def log_requests(
    tenant_id: uuid.UUID,
    at: datetime,
    n: int,
    status: int = 200,
    duration_ms: float = 40.0,
    spread: timedelta = timedelta(seconds=30),
    route: str = ROUTE,
    key_id: uuid.UUID | None = None,
) -> None:
    """Insert n server-measured requests spread over [at, at + spread)."""
    await fetch("SELECT public.request_log_partition($1::date)", at.date())
    await fetch("SELECT public.request_log_partition($1::date)", (at + spread).date())
    ats = [at + spread * i / max(n, 1) for i in range(n)]
    await fetch(
        "INSERT INTO public.request_log (at, tenant_id, request_id, source, credential_type,"
        " credential_id, method, route, path, status, duration_ms)"
        " SELECT a, $1, 'req_' || md5(random()::text), 'server', 'api_key', $5, 'GET', $2, $2,"
        " $3, $4 FROM unnest($6::timestamptz[]) AS a",
        tenant_id,
        route,
        status,
        duration_ms,
        key_id,
        ats,
    )


async def rule(tenant: Any, **values: Any) -> dict[str, Any]:
    base = {"name": "API errors", "metric": "error_rate", "threshold": 10, "window_minutes": 5}
    return await alerts.create_rule(tenant.ref, {**base, **values})


async def incidents(tenant: Any, state: str | None = None) -> list[dict[str, Any]]:
    rows, _ = await alerts.list_incidents(tenant.ref, Page(1, 100), state)
    return rows


async def emails(to: str, like: str) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE lower(to_address) = lower($1)"
        " AND subject LIKE $2 ORDER BY created_at",
        to,
        like,
    )


async def in_app(tenant: Any) -> list[dict[str, Any]]:
    async with tenant_scope(tenant.ref):
        return await fetch(
            "SELECT title, body, link, source_type FROM notification WHERE source_type = 'alert'"
            " ORDER BY created_at"
        )


async def events(tenant: Any) -> list[dict[str, Any]]:
    async with tenant_scope(tenant.ref):
        rows = await fetch(
            "SELECT event_type, payload FROM event_outbox WHERE event_type LIKE 'alert.%'"
            " ORDER BY created_at"
        )
    return rows


async def test_error_rate_fires_notifies_per_cooldown_and_resolves(business: Any) -> None:
    user, tenant = business
    r = await rule(tenant, cooldown_minutes=10)
    await log_requests(tenant.id, T0 - timedelta(minutes=3), 40)  # healthy traffic
    assert (await alerts.evaluate(T0))["rules"] >= 1
    assert await incidents(tenant) == []

    # Failures start at T0 + 30 s; the next minute's evaluation fires (within two minutes).
    await log_requests(tenant.id, T0 + timedelta(seconds=30), 20, status=503)
    await alerts.evaluate(T0 + timedelta(seconds=90))
    [incident] = await incidents(tenant, "open")
    assert incident["state"] == "triggered" and incident["rule_id"] == r["id"]
    assert incident["value"] == pytest.approx(100 * 20 / 60, abs=0.01)
    assert incident["triggered_at"] == T0 + timedelta(seconds=90)
    [mail] = await emails(user.email, "%Alert: API errors%")
    assert (
        "Error rate (5xx) is 33.33%" in mail["body_text"]
        and "/developers/alerts" in mail["body_text"]
    )
    [note] = await in_app(tenant)
    assert note["title"] == "Alert: API errors" and note["link"] == "/developers/alerts"
    [event] = await events(tenant)
    assert event["event_type"] == "alert.triggered"

    # Still failing within the cooldown: nothing new.
    await log_requests(tenant.id, T0 + timedelta(minutes=2), 10, status=500)
    await alerts.evaluate(T0 + timedelta(minutes=3))
    assert len(await emails(user.email, "%Alert: API errors%")) == 1
    assert len(await in_app(tenant)) == 1 and len(await events(tenant)) == 1

    # Still failing after the cooldown: notified once more.
    await log_requests(tenant.id, T0 + timedelta(minutes=10), 10, status=500)
    await alerts.evaluate(T0 + timedelta(minutes=11, seconds=30))
    assert len(await emails(user.email, "%Alert: API errors%")) == 2
    assert len(await in_app(tenant)) == 2
    repeat = (await events(tenant))[-1]
    assert repeat["event_type"] == "alert.triggered" and '"repeat": true' in repeat["payload"]
    [incident] = await incidents(tenant, "open")
    assert incident["notifications"] == 2

    # Acknowledged: still open, no more notifications however long it fails.
    acked = await alerts.acknowledge(
        tenant.ref, incident["id"], user.actor, T0 + timedelta(minutes=12)
    )
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == user.id
    async with tenant_scope(tenant.ref):
        audited = await fetch(
            "SELECT action, actor_label FROM audit_log WHERE entity LIKE 'alert%'"
        )
    assert {(a["action"], a["actor_label"]) for a in audited} == {
        ("alert_rule.created", "system"),
        ("alert.acknowledged", user.email),
    }
    await log_requests(tenant.id, T0 + timedelta(minutes=25), 10, status=500)
    await alerts.evaluate(T0 + timedelta(minutes=26))
    assert len(await emails(user.email, "%Alert: API errors%")) == 2
    assert (await incidents(tenant, "open"))[0]["state"] == "acknowledged"

    # The condition clears: resolved automatically, and said so.
    await log_requests(tenant.id, T0 + timedelta(minutes=31), 50)
    await alerts.evaluate(T0 + timedelta(minutes=32))
    assert await incidents(tenant, "open") == []
    [done] = await incidents(tenant, "resolved")
    assert done["resolved_automatically"] and done["resolved_by"] is None
    assert done["resolved_at"] == T0 + timedelta(minutes=32)
    assert [e["event_type"] for e in await events(tenant)][-1] == "alert.resolved"
    [resolved_mail] = await emails(user.email, "%Resolved: API errors%")
    assert "automatically" in resolved_mail["body_text"]

    # Every event fits the catalog's schema for its type.
    for e in await events(tenant):
        schema = catalog.CATALOG[e["event_type"]].payload_schema()
        payload = json.loads(e["payload"])
        assert list(jsonschema_rs.Draft202012Validator(schema).iter_errors(payload)) == [], payload

    # Quiet afterwards: no new incident while healthy.
    await alerts.evaluate(T0 + timedelta(minutes=33))
    assert len(await incidents(tenant)) == 1


async def test_every_metric(business: Any) -> None:
    _, tenant = business
    start = T0 + timedelta(hours=2)
    await log_requests(tenant.id, start, 90, duration_ms=30.0)
    await log_requests(tenant.id, start + timedelta(seconds=30), 10, duration_ms=900.0)
    now = start + timedelta(minutes=1)
    limit = (await plan_named(tenant.plan)).requests_per_hour
    slow = await rule(tenant, name="Slow", metric="p95_latency", threshold=500)
    fast_enough = await rule(tenant, name="Very slow", metric="p95_latency", threshold=1000)
    busy = await rule(tenant, name="Busy", metric="request_volume", threshold=99)
    quiet = await rule(
        tenant, name="Quiet", metric="request_volume", threshold=5, comparison="below"
    )
    share = round(100 * 100 / limit, 4)
    used = await rule(tenant, name="Limit", metric="hourly_limit_share", threshold=share * 0.9)
    unused = await rule(tenant, name="Limit hi", metric="hourly_limit_share", threshold=share * 1.1)
    errs = await rule(tenant, name="Errors", metric="error_rate", threshold=0)
    await alerts.evaluate(now)
    fired = {i["rule_id"]: i for i in await incidents(tenant, "open")}
    assert set(fired) == {slow["id"], busy["id"], used["id"]}
    assert fired[slow["id"]]["value"] == 900.0  # p95 of 90 x 30 ms and 10 x 900 ms
    assert fired[busy["id"]]["value"] == 100
    assert fired[used["id"]]["value"] == pytest.approx(share, abs=0.001)
    assert fast_enough["id"] not in fired and quiet["id"] not in fired
    assert unused["id"] not in fired and errs["id"] not in fired  # 0 % errors is not above 0

    # Volume drops below 5 in the next window: the "below" rule fires, the others resolve.
    later = now + timedelta(minutes=10)
    await log_requests(tenant.id, later - timedelta(minutes=2), 2, status=500)
    await alerts.evaluate(later)
    fired = {i["rule_id"]: i for i in await incidents(tenant, "open")}
    assert quiet["id"] in fired and fired[quiet["id"]]["value"] == 2
    assert errs["id"] in fired and fired[errs["id"]]["value"] == 100.0
    assert slow["id"] not in fired and busy["id"] not in fired
    # hourly_limit_share counts the whole current UTC hour, not the window.
    assert used["id"] in fired


async def test_filters_by_key_and_route(business: Any) -> None:
    _, tenant = business
    key = await create_key(tenant.id, "shop", ["read"])
    other = await create_key(tenant.id, "pos", ["read"])
    start = T0 + timedelta(hours=4)
    await log_requests(tenant.id, start, 10, status=500, key_id=other.key.id)
    await log_requests(tenant.id, start, 10, key_id=key.key.id)
    await log_requests(tenant.id, start, 10, status=500, key_id=key.key.id, route="/api/v1/orders")
    mine = await rule(tenant, name="Key", api_key_id=str(key.key.id), route="/api/v1/customers")
    any_key = await rule(tenant, name="All", threshold=40)
    orders = await rule(tenant, name="Orders", route="/api/v1/orders", threshold=99)
    await alerts.evaluate(start + timedelta(minutes=1))
    fired = {i["rule_id"] for i in await incidents(tenant, "open")}
    assert fired == {any_key["id"], orders["id"]} and mine["id"] not in fired


async def test_validation(business: Any) -> None:
    _, tenant = business
    with pytest.raises(alerts.ValidationFailed) as caught:
        await alerts.create_rule(
            tenant.ref,
            {
                "name": "",
                "metric": "cpu",
                "threshold": "lots",
                "window_minutes": 2,
                "cooldown_minutes": 0,
                "channels": ["pager"],
                "comparison": "sideways",
                "api_key_id": "not-a-uuid",
                "route": "customers",
            },
        )
    codes = {e["field"]: e["code"] for e in caught.value.errors}
    assert codes == {
        "name": "REQUIRED",
        "metric": "INVALID_CHOICE",
        "threshold": "INVALID_NUMBER",
        "window_minutes": "OUT_OF_RANGE",
        "cooldown_minutes": "OUT_OF_RANGE",
        "channels": "INVALID_CHOICE",
        "comparison": "INVALID_CHOICE",
        "api_key_id": "INVALID_UUID",
        "route": "INVALID",
    }
    with pytest.raises(alerts.ValidationFailed) as caught:
        await rule(tenant, threshold=1.1e58, name="x\ud800")  # huge, a lone surrogate
    assert {e["field"] for e in caught.value.errors} == {"threshold", "name"}
    with pytest.raises(alerts.ValidationFailed) as caught:
        await rule(tenant, threshold=150, window_minutes=1441, channels=[])
    codes = {e["field"]: e["code"] for e in caught.value.errors}
    assert codes == {
        "threshold": "OUT_OF_RANGE",
        "window_minutes": "OUT_OF_RANGE",
        "channels": "REQUIRED",
    }
    # Another business's key is not a filter this business can use.
    _, other = await accounts.signup("Other Gems", "Otto", unique_email("o"), STRONG_PASSWORD)
    foreign = await create_key(other.id, "theirs", ["read"])
    with pytest.raises(alerts.ValidationFailed) as caught:
        await rule(tenant, api_key_id=foreign.key.id)
    assert caught.value.errors[0]["field"] == "api_key_id"
    made = await rule(tenant, route="/orders")
    assert made["route"] == "/api/v1/orders"  # stored as the request log names it
    with pytest.raises(alerts.ValidationFailed):
        await alerts.update_rule(tenant.ref, made["id"], {"window_minutes": 3})
    changed = await alerts.update_rule(tenant.ref, made["id"], {"threshold": 2.5, "enabled": False})
    assert changed["threshold"] == 2.5 and not changed["enabled"] and changed["window_minutes"] == 5


async def _wait(predicate: Any, seconds: float = 60.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        got = await predicate()
        if got:
            return got
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def test_the_worker_fires_within_two_minutes_and_the_webhook_arrives(
    api: Any, worker: Any
) -> None:
    """The real path: the scheduler's minute actor on a real worker, a real receiver."""
    from jewelia.workers import alert_actors

    with Receiver() as receiver:
        hook = await api.post(
            "/webhooks", json={"url": receiver.url("/hook"), "events": ["alert.*"]}
        )
        assert hook.status_code == 201, hook.text
        made = await api.post(
            "/analytics/alerts",
            json={
                "name": "Checkout failing",
                "metric": "error_rate",
                "threshold": 20,
                "window_minutes": 5,
                "cooldown_minutes": 30,
                "channels": ["webhook", "in_app", "email"],
            },
        )
        assert made.status_code == 201, made.text
        rule_id = made.json()["data"]["id"]
        now = datetime.now(UTC)
        await log_requests(api.tenant.id, now - timedelta(seconds=40), 5)
        await log_requests(api.tenant.id, now - timedelta(seconds=30), 5, status=502)
        alert_actors.evaluate_alerts.send()

        async def arrived() -> Any:
            return [x.json() for x in receiver.received if x.json()["event"] == "alert.triggered"]

        [body] = await _wait(arrived)
        # 5 of the 10 logged requests failed (the test's own API calls may be logged too).
        assert body["data"]["rule_id"] == rule_id and 20 < body["data"]["value"] <= 50.0
        assert body["data"]["repeat"] is False and body["data"]["state"] == "triggered"
        listed = (await api.get("/analytics/alerts/incidents", params={"state": "open"})).json()
        [incident] = listed["data"]
        assert incident["rule_name"] == "Checkout failing"
        # Sent again within the cooldown: no second notification.
        alert_actors.evaluate_alerts.send()
        await asyncio.sleep(3)
        assert len(await arrived()) == 1
        # A member resolves it: alert.resolved reaches the receiver, resolved_by set.
        done = await api.post(f"/analytics/alerts/incidents/{incident['id']}/resolve")
        assert done.status_code == 200 and done.json()["data"]["state"] == "resolved"

        async def resolved() -> Any:
            return [x.json() for x in receiver.received if x.json()["event"] == "alert.resolved"]

        [body] = await _wait(resolved)
        assert body["data"]["auto"] is False and body["data"]["incident_id"] == incident["id"]
        again = await api.post(f"/analytics/alerts/incidents/{incident['id']}/resolve")
        assert again.status_code == 409 and again.json()["code"] == "CONFLICT"


async def test_api_crud_permissions_and_validation(api: Any, app: Any) -> None:
    created = await api.post(
        "/analytics/alerts",
        json={"name": "Slow", "metric": "p95_latency", "threshold": 800, "window_minutes": 15},
    )
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    assert data["channels"] == ["email", "in_app", "webhook"] and data["cooldown_minutes"] == 60
    rule_id = data["id"]
    bad = await api.post(
        "/analytics/alerts",
        json={"name": "x", "metric": "uptime", "threshold": -1, "window_minutes": 1},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in bad.json()["details"]} == {"metric", "threshold", "window_minutes"}
    unknown = await api.post("/analytics/alerts", json={"name": "x", "colour": "red"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "VALIDATION_ERROR"
    # A body field named like an app-wide dependency (the channels plugin's) is the client's.
    wrong = {"name": "x", "metric": "error_rate", "threshold": 1, "window_minutes": 5}
    wrong_type = await api.post("/analytics/alerts", json={**wrong, "channels": {}})
    assert wrong_type.status_code == 400, wrong_type.text
    assert wrong_type.json()["details"][0]["field"] == "channels"
    patched = await api.patch(f"/analytics/alerts/{rule_id}", json={"threshold": 1200})
    assert patched.status_code == 200 and patched.json()["data"]["threshold"] == 1200
    assert (await api.get(f"/analytics/alerts/{rule_id}")).json()["data"]["name"] == "Slow"
    listed = (await api.get("/analytics/alerts")).json()
    assert [r["id"] for r in listed["data"]] == [rule_id] and listed["pagination"]["total"] == 1
    bad_state = await api.get("/analytics/alerts/incidents", params={"state": "sleeping"})
    assert bad_state.status_code == 422

    # A read-only key lists but cannot change rules; a write key acknowledges but cannot create.
    reader = await create_key(api.tenant.id, "reader", ["read"])
    writer = await create_key(api.tenant.id, "writer", ["read", "write"])
    async with _client(app, reader.secret) as c:
        assert (await c.get("/analytics/alerts")).status_code == 200
        denied = await c.patch(f"/analytics/alerts/{rule_id}", json={"threshold": 1})
        assert denied.status_code == 403 and denied.json()["code"] == "AUTHORIZATION_ERROR"
    async with _client(app, writer.secret) as c:
        denied = await c.post(
            "/analytics/alerts",
            json={"name": "x", "metric": "error_rate", "threshold": 1, "window_minutes": 5},
        )
        assert denied.status_code == 403
    gone = await api.delete(f"/analytics/alerts/{rule_id}")
    assert gone.status_code == 200 and gone.json()["data"]["deleted"] is True
    assert (await api.get(f"/analytics/alerts/{rule_id}")).status_code == 404


def _client(app: Any, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50002)),
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_another_business_cannot_see_or_touch_incidents(api: Any, app: Any) -> None:
    r = await rule(api.tenant, threshold=1)
    start = T0 + timedelta(hours=6)
    await log_requests(api.tenant.id, start, 10, status=500)
    await alerts.evaluate(start + timedelta(minutes=1))
    [incident] = await incidents(api.tenant, "open")

    email = unique_email("b")
    _, other = await accounts.signup("B Gems", "Bea", email, STRONG_PASSWORD)
    other_key = await create_key(other.id, "b key", ["read", "write", "delete", "admin"])
    async with _client(app, "") as anon:
        token = (
            await anon.post("/auth/token", json={"email": email, "password": STRONG_PASSWORD})
        ).json()["data"]["access_token"]
    for secret in (other_key.secret, token):
        async with _client(app, secret) as b:
            assert (await b.get("/analytics/alerts/incidents")).json()["data"] == []
            assert (await b.get("/analytics/alerts")).json()["data"] == []
            for path in (
                f"/analytics/alerts/incidents/{incident['id']}",
                f"/analytics/alerts/{r['id']}",
            ):
                assert (await b.get(path)).status_code == 404
            for action in ("acknowledge", "resolve"):
                answer = await b.post(f"/analytics/alerts/incidents/{incident['id']}/{action}")
                assert answer.status_code == 404 and answer.json()["code"] == "NOT_FOUND"
            assert (
                await b.patch(f"/analytics/alerts/{r['id']}", json={"threshold": 99})
            ).status_code == 404
            assert (await b.delete(f"/analytics/alerts/{r['id']}")).status_code == 404
    [still] = await incidents(api.tenant, "open")
    assert still["state"] == "triggered"
    assert (await alerts.get_rule(api.tenant.ref, r["id"]))["threshold"] == 1
    # The business's own key acknowledges it.
    acked = await api.post(f"/analytics/alerts/incidents/{incident['id']}/acknowledge")
    assert acked.status_code == 200 and acked.json()["data"]["state"] == "acknowledged"


async def test_weekly_report_opt_in_and_content(business: Any) -> None:
    user, tenant = business
    monday = date(2030, 6, 10)  # a Monday
    assert monday.weekday() == 0
    start = datetime(2030, 6, 3, 9, tzinfo=UTC)
    await log_requests(tenant.id, start, 30, duration_ms=20.0)
    await log_requests(tenant.id, start + timedelta(days=2), 10, status=500, route="/api/v1/orders")
    await log_requests(tenant.id, datetime(2030, 6, 10, 1, tzinfo=UTC), 5)  # this week: left out
    now = datetime(2030, 6, 10, 6, tzinfo=UTC)

    await reports.send_due(now)
    assert not await emails(user.email, "%API usage%")  # not opted in
    assert not await alerts.report_subscribed(tenant.ref, user.id)
    await alerts.set_report_subscription(tenant.ref, user.id, True)
    assert await alerts.report_subscribed(tenant.ref, user.id)
    assert await reports.send_due(now - timedelta(days=1)) == 0  # Sunday: not the day
    await reports.send_due(now)
    [mail] = await emails(user.email, "%API usage%")
    assert mail["subject"].endswith("API usage Jun 03 - Jun 09")
    body = mail["body_text"]
    assert "Requests: 40" in body and "Errors (4xx and 5xx): 10 (25.0%)" in body
    assert "GET /customers: 30 (0 errors)" in body and "GET /orders: 10 (10 errors)" in body
    assert body.index("/customers") < body.index("/orders")  # top routes by requests
    assert "2030-06-05: 10 requests, 10 errors" in body
    await reports.send_due(now + timedelta(hours=1))  # hourly sends: still once a week
    assert len(await emails(user.email, "%API usage%")) == 1
    await alerts.set_report_subscription(tenant.ref, user.id, False)
    await reports.send_due(now + timedelta(days=7))
    assert len(await emails(user.email, "%API usage%")) == 1


async def test_the_alerts_page(client: Any) -> None:
    from tests.integration.test_pages import form_post, signup

    email = await signup(client, business="Alert Gems")
    page = await client.get("/developers/alerts")
    assert page.status_code == 200 and 'href="/developers/alerts"' in page.text
    assert "No alert rules yet" in page.text and "No open incidents" in page.text

    bad = await form_post(
        client,
        "/developers/alerts",
        {"name": "Errors", "metric": "error_rate", "threshold": "500", "window_minutes": "2"},
    )
    assert bad.status_code == 422
    assert 'data-field="threshold"' in bad.text and 'data-field="window_minutes"' in bad.text
    assert 'data-field="channels"' in bad.text  # no channel ticked
    made = await form_post(
        client,
        "/developers/alerts",
        {
            "name": "Errors",
            "metric": "error_rate",
            "comparison": "above",
            "threshold": "10",
            "window_minutes": "5",
            "cooldown_minutes": "30",
            "channels": "email",
        },
    )
    assert made.status_code == 200 and "Alert rule “Errors” added" in made.text

    user = await accounts.authenticate(email, STRONG_PASSWORD, "127.0.0.1")
    [member] = await accounts.memberships(user.id)
    tenant = member.tenant
    [r] = await alerts.list_rules(tenant.ref)
    assert r["channels"] == ["email"] and r["cooldown_minutes"] == 30
    start = T0 + timedelta(hours=8)
    await log_requests(tenant.id, start, 10, status=500)
    await alerts.evaluate(start + timedelta(minutes=1))
    [incident] = await incidents(tenant, "open")
    page = await client.get("/developers/alerts")
    assert f'id="incident-{incident["id"]}"' in page.text and "Acknowledge" in page.text
    assert "100%" in page.text

    acked = await form_post(
        client,
        "/developers/alerts",
        {},
        f"/developers/alerts/incidents/{incident['id']}/acknowledge",
    )
    assert acked.status_code == 200 and "Incident acknowledged" in acked.text
    assert (await incidents(tenant, "open"))[0]["state"] == "acknowledged"
    done = await form_post(
        client, "/developers/alerts", {}, f"/developers/alerts/incidents/{incident['id']}/resolve"
    )
    assert "Incident resolved" in done.text and "Recently resolved" in done.text
    assert await incidents(tenant, "open") == []

    # Weekly report opt-in, then out.
    on = await form_post(
        client, "/developers/alerts", {"weekly_report": "on"}, "/developers/alerts/report"
    )
    assert "each Monday" in on.text and await alerts.report_subscribed(tenant.ref, user.id)
    assert 'name="weekly_report" value="on" checked' in on.text
    await form_post(client, "/developers/alerts", {}, "/developers/alerts/report")
    assert not await alerts.report_subscribed(tenant.ref, user.id)

    # Delete asks first; only the confirmed form deletes.
    asked = await form_post(
        client, "/developers/alerts", {}, f"/developers/alerts/{r['id']}/delete"
    )
    assert asked.status_code == 200 and "Yes, delete" in asked.text
    assert len(await alerts.list_rules(tenant.ref)) == 1
    gone = await form_post(
        client, "/developers/alerts", {"confirm": "yes"}, f"/developers/alerts/{r['id']}/delete"
    )
    assert "deleted" in gone.text and await alerts.list_rules(tenant.ref) == []
    # Another business's rule id: 404, nothing changes.
    assert (
        await form_post(
            client,
            "/developers/alerts",
            {"confirm": "yes"},
            f"/developers/alerts/{uuid.uuid4()}/delete",
        )
    ).status_code == 404
