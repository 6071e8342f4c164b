"""The api-usage query over rollups and raw rows, and GET/POST /api/v1/analytics/api-usage
(issue 16): rollup figures equal a direct count over the raw rows, percentiles within 2 %."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from jewelia.core.db import DB, execute, fetch
from jewelia.platform.analytics import requestlog, rollups
from jewelia.platform.analytics.requestlog import COLUMNS
from jewelia.platform.analytics.usage import api_usage
from jewelia.platform.apikeys.service import create_key
from jewelia.platform.apikeys.tokens import issue_access
from tests.integration.test_marketplace_oauth import seed_listing, tenant_of, tokens_for
from tests.integration.test_pages import signup

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
ROUTES = ("/api/v1/customers", "/api/v1/customers/{customer_id}", "/api/v1/orders")


def row(tenant_id: uuid.UUID, at: datetime, **given: Any) -> tuple[Any, ...]:
    """A raw request_log row (the `at` is the scenario's clock)."""
    values = {
        "at": at,
        "tenant_id": tenant_id,
        "request_id": uuid.uuid4().hex,
        "source": "server",
        "credential_type": "api_key",
        "credential_id": None,
        "credential_label": "",
        "method": "GET",
        "route": "/api/v1/customers",
        "path": "/api/v1/customers",
        "status": 200,
        "duration_ms": 10.0,
        "request_size": 0,
        "response_size": 100,
        "user_agent": "test",
        "ip_address": None,
        "error_code": None,
        "user_id": None,
        **given,
    }
    return tuple(values[c] for c in COLUMNS)


async def insert_rows(rows: list[tuple[Any, ...]]) -> None:
    """Write raw rows and roll up every hour they touch, as the scheduler would have."""
    hours = {rollups.hour_floor(r[0]) for r in rows}
    for day in {h.date() for h in hours}:
        await fetch("SELECT public.request_log_partition($1)", day)
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_log", schema_name="public", columns=COLUMNS, records=rows
        )
    async with DB.transaction():
        for hour in sorted(hours):
            await rollups.roll_hour(hour)
        for day in sorted({rollups.day_floor(h) for h in hours}):
            await rollups.roll_day(day)


async def set_watermark(at: datetime | None) -> None:
    await execute("DELETE FROM public.request_rollup_watermark")
    if at is not None:
        await execute(
            "INSERT INTO public.request_rollup_watermark (name, rolled_until) VALUES ('hour', $1)",
            at,
        )


@pytest.fixture
async def rolled_until_now(db: None) -> Any:
    """The watermark past every scenario hour (all rolled), so queries read the rollups."""
    await set_watermark(rollups.hour_floor(datetime.now(UTC)))
    yield
    await set_watermark(rollups.hour_floor(datetime.now(UTC)))


async def test_api_usage_counts_a_business_own_rows(rolled_until_now: None) -> None:
    mine, other, key = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [
        row(
            mine,
            T0 + timedelta(minutes=i),
            status=500 if i % 4 == 0 else 200,
            duration_ms=float(i + 1),
            credential_id=key,
            credential_label="jw_live_ab",
        )
        for i in range(20)
    ] + [row(mine, T0 + timedelta(days=1, hours=3), route="/api/v1/orders", status=404)]
    await insert_rows(rows)
    await insert_rows([row(other, r[0]) for r in rows[:5]])
    data = await api_usage(mine, T0 - timedelta(hours=10), T0 + timedelta(days=2))
    assert data["summary"]["totalRequests"] == 21
    assert data["summary"]["failedRequests"] == 6
    assert data["summary"]["successfulRequests"] == 15
    assert [t["requests"] for t in data["timeline"]] == [20, 1, 0]
    assert data["timeline"][0]["date"] == "2026-03-02"
    assert data["endpoints"][0]["endpoint"] == "/customers"
    assert data["apiKeys"][0]["apiKey"] == "jw_live_ab" and data["apiKeys"][0]["requests"] == 20
    by_key = await api_usage(mine, T0, T0 + timedelta(days=2), "hour", api_key=key)
    assert by_key["summary"]["totalRequests"] == 20
    assert len(by_key["timeline"]) == 48 and by_key["timeline"][0]["date"] == "2026-03-02T10:00:00Z"
    errors = await api_usage(mine, T0, T0 + timedelta(days=2), "week", status_class="5xx")
    assert errors["summary"]["totalRequests"] == 5
    assert len(errors["timeline"]) == 1 and errors["timeline"][0]["date"] == "2026-03-02"


async def exact(
    tenant_id: uuid.UUID, start: datetime, end: datetime, group_by: str, where: str = "true"
) -> dict[str, Any]:
    """The same figures straight from the raw rows (counts, averages, percentile_disc)."""
    base = (
        "FROM public.request_log WHERE tenant_id = $1 AND at >= $2 AND at < $3"
        f" AND source = 'server' AND {where}"
    )
    figures = (
        "count(*) AS requests, count(*) FILTER (WHERE status >= 400) AS failed,"
        " avg(duration_ms::float8) AS avg_ms,"
        " percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,"
        " percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,"
        " percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99"
    )
    args = (tenant_id, start, end)
    return {
        "summary": (await fetch(f"SELECT {figures} {base}", *args))[0],
        "timeline": {
            r["b"].replace(tzinfo=UTC): r
            for r in await fetch(
                f"SELECT date_trunc('{group_by}', at AT TIME ZONE 'UTC') AS b, {figures} {base}"
                " GROUP BY 1",
                *args,
            )
        },
        "endpoints": {
            (r["method"], r["route"]): r
            for r in await fetch(f"SELECT method, route, {figures} {base} GROUP BY 1, 2", *args)
        },
        "keys": {
            r["credential_label"]: r
            for r in await fetch(f"SELECT credential_label, {figures} {base} GROUP BY 1", *args)
        },
    }


def close(got: float, want: float) -> bool:
    return abs(got - want) <= 0.02 * want + 0.01


async def test_rollups_equal_a_direct_count_over_raw_rows(rolled_until_now: None) -> None:
    tenant, neighbour = uuid.uuid4(), uuid.uuid4()
    keys = [(uuid.uuid4(), f"jw_live_k{i}") for i in range(3)]
    rnd = random.Random(16)
    rows = []
    for i in range(6000):
        key_id, label = rnd.choice(keys)
        rows.append(
            row(
                rnd.choice((tenant, tenant, tenant, neighbour)),
                T0 + timedelta(seconds=rnd.randrange(0, 3 * 86400)),
                credential_id=key_id,
                credential_label=label,
                method=rnd.choice(("GET", "GET", "POST")),
                route=rnd.choice(ROUTES),
                status=rnd.choice((200, 200, 200, 201, 404, 429, 500)),
                duration_ms=round(rnd.lognormvariate(3.0, 1.0), 3),
            )
        )
    await insert_rows(rows)
    cases = [
        (T0, T0 + timedelta(days=3), "day", {}, "true"),
        (T0 + timedelta(minutes=17), T0 + timedelta(days=2, hours=5), "day", {}, "true"),
        (T0, T0 + timedelta(days=3), "hour", {}, "true"),
        (T0 - timedelta(days=2), T0 + timedelta(days=6), "week", {}, "true"),
        (
            T0,
            T0 + timedelta(days=3),
            "day",
            {"api_key": keys[0][0]},
            f"credential_id = '{keys[0][0]}'",
        ),
        (T0, T0 + timedelta(days=3), "day", {"status_class": "4xx"}, "status / 100 = 4"),
        (T0, T0 + timedelta(days=3), "hour", {"route": "/orders"}, "route = '/api/v1/orders'"),
    ]
    for start, end, group_by, filters, where in cases:
        got = await api_usage(tenant, start, end, group_by, **filters)
        want = await exact(tenant, start, end, group_by, where)
        case = (start, end, group_by, filters)
        s, w = got["summary"], want["summary"]
        assert s["totalRequests"] == w["requests"] > 0, case
        assert s["failedRequests"] == w["failed"], case
        assert close(s["averageResponseTime"], w["avg_ms"]), case
        assert close(s["p95ResponseTime"], w["p95"]), (case, s, w)
        assert close(s["p50ResponseTime"], w["p50"]), (case, s, w)
        assert close(s["p99ResponseTime"], w["p99"]), (case, s, w)
        assert sum(t["requests"] for t in got["timeline"]) == w["requests"]
        for t in got["timeline"]:
            at = datetime.fromisoformat(t["date"].replace("Z", "+00:00"))
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            expected = want["timeline"].get(at)
            if expected is None:
                assert t["requests"] == 0, (case, t)
                continue
            assert (t["requests"], t["failed"]) == (expected["requests"], expected["failed"]), case
            assert close(t["p95ResponseTime"], expected["p95"]), (case, t, expected)
        assert {
            (e["method"], "/api/v1" + e["endpoint"]): (e["requests"], e["failed"])
            for e in got["endpoints"]
        } == {k: (v["requests"], v["failed"]) for k, v in want["endpoints"].items()}, case
        assert {k["apiKey"]: (k["requests"], k["failed"]) for k in got["apiKeys"]} == {
            k: (v["requests"], v["failed"]) for k, v in want["keys"].items()
        }, case


async def test_the_current_hour_is_read_from_raw_rows(rolled_until_now: None) -> None:
    tenant = uuid.uuid4()
    now = datetime.now(UTC)
    await insert_rows(
        [row(tenant, now - timedelta(hours=2)), row(tenant, now - timedelta(hours=1))]
    )
    # a row written after the last rollup: counted at once
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_log", schema_name="public", columns=COLUMNS, records=[row(tenant, now)]
        )
    await set_watermark(rollups.hour_floor(now))
    data = await api_usage(tenant, now - timedelta(days=1), now + timedelta(minutes=1), "hour")
    assert data["summary"]["totalRequests"] == 3
    assert [t["requests"] for t in data["timeline"]][-3:] == [1, 1, 1]


async def test_the_current_hour_is_rolled_up_to_seconds_ago_and_read_raw_after(
    rolled_until_now: None,
) -> None:
    tenant = uuid.uuid4()
    now = T0 + timedelta(days=12, minutes=30)  # the clock of the rollup run
    await set_watermark(rollups.hour_floor(now) - timedelta(hours=1))
    await insert_rows(
        [row(tenant, now - timedelta(minutes=70)), row(tenant, now - timedelta(minutes=20))]
    )
    done = await rollups.roll_up(now)
    assert done["partial_until"] == now - rollups.LATE
    assert await rollups.coverage() == (rollups.hour_floor(now), now - rollups.LATE)
    partial = await fetch(
        "SELECT requests FROM public.request_rollup WHERE tenant_id = $1 AND grain = 'hour'"
        " AND bucket = $2",
        tenant,
        rollups.hour_floor(now),
    )
    assert [r["requests"] for r in partial] == [1]
    # written after the run, seconds before its clock: read from the raw rows
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_log",
            schema_name="public",
            columns=COLUMNS,
            records=[row(tenant, now - timedelta(seconds=2), status=500)],
        )
    for group_by in ("hour", "day"):
        data = await api_usage(
            tenant, now - timedelta(days=2), now + timedelta(minutes=1), group_by
        )
        assert data["summary"]["totalRequests"] == 3, group_by
        assert data["summary"]["failedRequests"] == 1, group_by
    hours = await api_usage(tenant, now - timedelta(hours=2), now + timedelta(minutes=1), "hour")
    assert [t["requests"] for t in hours["timeline"]][-2:] == [1, 2]


async def test_rolling_up_again_gives_the_same_rows(rolled_until_now: None) -> None:
    tenant = uuid.uuid4()
    await insert_rows(
        [row(tenant, T0 + timedelta(days=9, minutes=i), duration_ms=i + 0.5) for i in range(90)]
    )
    query = (
        "SELECT grain, bucket, route, status_class, requests, errors, duration_sum, sketch_keys,"
        " sketch_counts FROM public.request_rollup WHERE tenant_id = $1 ORDER BY 1, 2, 3, 4"
    )
    before = await fetch(query, tenant)
    assert [r["requests"] for r in before] == [90, 60, 30]  # the day, then its two hours
    async with DB.transaction():
        for hour in (T0 + timedelta(days=9), T0 + timedelta(days=9, hours=1)):
            await rollups.roll_hour(hour)
        await rollups.roll_day(T0 + timedelta(days=9))
    assert await fetch(query, tenant) == before
    totals = await fetch(
        "SELECT grain, dim, sum(requests) AS n FROM public.request_rollup_total"
        " WHERE tenant_id = $1 GROUP BY grain, dim ORDER BY grain, dim",
        tenant,
    )
    assert [(t["grain"], t["dim"], t["n"]) for t in totals] == [
        (grain, dim, 90) for grain in ("day", "hour") for dim in ("", "credential", "route")
    ]


async def test_roll_up_moves_the_watermark_past_closed_hours(db: None) -> None:
    now = datetime.now(UTC).replace(minute=30)
    await set_watermark(rollups.hour_floor(now) - timedelta(hours=3))
    done = await rollups.roll_up(now)
    assert done["hours"] == 4  # three behind and the current one
    assert await rollups.watermark() == rollups.hour_floor(now)
    early = now.replace(minute=0, second=30)
    await set_watermark(rollups.hour_floor(early) - timedelta(hours=1))
    await rollups.roll_up(early)  # the previous hour closed 30 s ago: not final yet
    assert await rollups.watermark() == rollups.hour_floor(early) - timedelta(hours=1)


def api_client(app: Any, secret: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50003))
    return httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {secret}"},
    )


async def test_get_answers_the_contract_shape_for_every_credential_kind(
    api: Any, client: Any, app: Any
) -> None:
    """Requests by key, JWT and app token of one business appear in its usage, and another
    business's key sees none of them."""
    user = api.user
    jwt = issue_access(user.id, api.tenant.id, "owner", user.session_epoch)
    listing = await seed_listing(["customers:read"])
    email = await signup(client, business=f"Usage Gems {uuid.uuid4().hex[:4]}")
    app_business = await tenant_of(email)
    app_token = (await tokens_for(client, listing))["access_token"]
    client.cookies.clear()

    assert (await api.get("/customers")).status_code == 200
    assert (await api.get(f"/customers/{uuid.uuid4()}")).status_code == 404
    r = await client.get("/api/v1/customers", headers={"Authorization": f"Bearer {jwt}"})
    assert r.status_code == 200
    r = await client.get("/api/v1/customers", headers={"Authorization": f"Bearer {app_token}"})
    assert r.status_code == 200
    await requestlog.flush_now()
    # the period ends here, so the usage reads that follow (logged too) leave it unchanged
    until = {"endDate": datetime.now(UTC).isoformat()}

    r = await api.get("/analytics/api-usage", params={"groupBy": "day", **until})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == {"summary", "timeline", "endpoints", "apiKeys"}
    assert set(data["summary"]) >= {
        "totalRequests",
        "successfulRequests",
        "failedRequests",
        "averageResponseTime",
    }
    point = data["timeline"][-1]
    assert set(point) >= {"date", "requests", "successful", "failed", "avgResponseTime"}
    assert len(point["date"]) == 10 and len(data["timeline"]) in (30, 31)
    assert data["summary"]["totalRequests"] == 3 and data["summary"]["failedRequests"] == 1
    kinds = {k["type"]: k for k in data["apiKeys"]}
    assert set(kinds) == {"api_key", "user"}
    assert api.key.startswith(kinds["api_key"]["apiKey"]) and kinds["api_key"]["requests"] == 2
    assert kinds["user"]["apiKey"] == user.email
    endpoint = data["endpoints"][0]
    assert set(endpoint) >= {"endpoint", "requests", "successful", "failed", "avgResponseTime"}
    assert {e["endpoint"] for e in data["endpoints"]} == {"/customers", "/customers/{customer_id}"}

    # the owner's JWT reads the same figures; an app token may not read analytics
    r = await client.get(
        "/api/v1/analytics/api-usage", params=until, headers={"Authorization": f"Bearer {jwt}"}
    )
    assert r.status_code == 200
    assert r.json()["data"] == data
    r = await client.get(
        "/api/v1/analytics/api-usage", headers={"Authorization": f"Bearer {app_token}"}
    )
    assert r.status_code == 403, r.text
    await requestlog.flush_now()
    until_now = {"endDate": datetime.now(UTC).isoformat()}

    # the app's business sees the app's request, and nothing of the first business
    key = await create_key(app_business["id"], "usage", ["read"])
    async with api_client(app, key.secret) as other:
        r = await other.get("/analytics/api-usage", params=until_now)
    assert r.status_code == 200, r.text
    other_data = r.json()["data"]
    assert other_data["summary"]["totalRequests"] == 2  # the app's GET and its refused read
    [only] = other_data["apiKeys"]
    assert only["type"] == "app" and only["apiKey"] == listing["name"]

    # filters: by key (id or prefix), route, status class
    prefix = kinds["api_key"]["apiKey"]
    for value in (prefix, kinds["api_key"]["id"], api.key):
        r = await api.get("/analytics/api-usage", params={"apiKey": value, **until})
        assert r.json()["data"]["summary"]["totalRequests"] == 2, value
    r = await api.get(
        "/analytics/api-usage",
        params={
            "status": "4xx",
            "groupBy": "hour",
            "startDate": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
            **until,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["summary"]["totalRequests"] == 1
    assert len(r.json()["data"]["timeline"]) in (24, 25)
    r = await api.get("/analytics/api-usage", params={"route": "/customers/{customer_id}", **until})
    assert r.json()["data"]["summary"]["totalRequests"] == 1


async def test_get_refuses_bad_parameters_with_field_details(api: Any) -> None:
    cases = [
        ({"groupBy": "month"}, "groupBy"),
        ({"status": "6xx"}, "status"),
        ({"source": "browser"}, "source"),
        ({"startDate": "yesterday"}, "startDate"),
        ({"startDate": "2026-03-02T00:00:00Z", "endDate": "2026-03-01T00:00:00Z"}, "endDate"),
        ({"startDate": "2024-01-01T00:00:00Z", "endDate": "2026-01-01T00:00:00Z"}, "startDate"),
        (
            {
                "groupBy": "hour",
                "startDate": "2026-01-01T00:00:00Z",
                "endDate": "2026-03-01T00:00:00Z",
            },
            "groupBy",
        ),
        ({"apiKey": "jw_live_nothere"}, "apiKey"),
    ]
    for params, field in cases:
        r = await api.get("/analytics/api-usage", params=params)
        assert r.status_code in (400, 422), (params, r.text)
        body = r.json()
        assert body["code"] == "VALIDATION_ERROR", body
        assert field in {d["field"] for d in body["details"]}, (params, body)


async def test_post_logs_a_client_line_kept_apart_from_server_figures(api: Any, app: Any) -> None:
    line = {
        "endpoint": "/customers?page=2",
        "method": "get",
        "apiKey": api.key,
        "userId": "user-uuid",
        "statusCode": 200,
        "responseTime": 150,
        "requestSize": 1024,
        "responseSize": 2048,
        "userAgent": "Jewelia-API-Client/1.0",
        "ipAddress": "192.168.1.1",
    }
    r = await api.post("/analytics/api-usage", json=line)
    assert r.status_code == 201, r.text
    logged = r.json()["data"]
    assert logged["source"] == "client" and logged["endpoint"] == "/customers"
    assert logged["method"] == "GET" and logged["apiKey"] == api.key[:14]
    assert logged["ipAddress"] == "192.168.1.1" and logged["userId"] == "user-uuid"
    [row] = await fetch(
        "SELECT * FROM public.request_log WHERE request_id = $1", logged["requestId"]
    )
    assert row["tenant_id"] == api.tenant.id and row["source"] == "client"
    assert row["credential_type"] == "client" and row["credential_id"] is not None
    assert row["credential_label"] == api.key[:14]  # never the secret
    assert str(row["ip_address"]) == "192.168.1.1" and row["duration_ms"] == 150

    r = await api.get("/analytics/api-usage", params={"source": "client"})
    client_data = r.json()["data"]
    assert client_data["summary"]["totalRequests"] == 1
    assert client_data["endpoints"][0]["endpoint"] == "/customers"
    assert client_data["summary"]["averageResponseTime"] == 150
    await requestlog.flush_now()
    r = await api.get("/analytics/api-usage")
    server = r.json()["data"]
    assert {e["endpoint"] for e in server["endpoints"]} == {"/analytics/api-usage"}


async def test_post_refuses_bad_lines_with_field_details(api: Any, app: Any) -> None:
    good = {"endpoint": "/customers", "method": "GET", "statusCode": 200, "responseTime": 12.5}
    cases = [
        ({**good, "statusCode": 99}, "statusCode"),
        ({**good, "responseTime": -1}, "responseTime"),
        ({**good, "method": "FETCH"}, "method"),
        ({**good, "endpoint": "customers"}, "endpoint"),
        ({**good, "ipAddress": "999.1.1.1"}, "ipAddress"),
        ({**good, "requestSize": -5}, "requestSize"),
        ({**good, "userAgent": "x" * 501}, "userAgent"),
        ({k: v for k, v in good.items() if k != "statusCode"}, "statusCode"),
        ({**good, "statusCode": True}, "statusCode"),
        ({**good, "extra": 1}, "extra"),
    ]
    for body, field in cases:
        r = await api.post("/analytics/api-usage", json=body)
        assert r.status_code in (400, 422), (body, r.text)
        answer = r.json()
        assert answer["code"] == "VALIDATION_ERROR", answer
        assert field in {d["field"] for d in answer["details"]}, (body, answer)
    reader = await create_key(api.tenant.id, "reader", ["read"])
    async with api_client(app, reader.secret) as c:
        assert (await c.get("/analytics/api-usage")).status_code == 200
        r = await c.post("/analytics/api-usage", json=good)
        assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"


async def test_the_worker_rolls_up_the_current_hour(db: None, worker: object) -> None:
    """The scheduler's actor, run by a real worker, rolls new raw rows up and moves the
    watermark (the current hour up to seconds ago)."""
    import asyncio
    import time

    from jewelia.workers.analytics_actors import roll_up_requests

    tenant = uuid.uuid4()
    at = datetime.now(UTC) - timedelta(seconds=30)
    await fetch("SELECT public.request_log_partition($1)", at.date())
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_log", schema_name="public", columns=COLUMNS, records=[row(tenant, at)]
        )
    await set_watermark(rollups.hour_floor(at) - timedelta(hours=2))
    roll_up_requests.send()
    deadline = time.monotonic() + 90  # the session worker may still be starting
    rolled: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not rolled:
        await asyncio.sleep(0.5)
        rolled = await fetch(
            "SELECT requests FROM public.request_rollup_total WHERE tenant_id = $1"
            " AND grain = 'hour' AND dim = ''",
            tenant,
        )
    assert [r["requests"] for r in rolled] == [1]
    mark, partial = await rollups.coverage()
    assert mark is not None and mark >= rollups.hour_floor(at) - timedelta(hours=1)
    assert partial is not None and partial > at
    data = await api_usage(tenant, at - timedelta(hours=1), datetime.now(UTC), "hour")
    assert data["summary"]["totalRequests"] == 1


async def test_a_day_is_merged_once_its_last_hours_are_rolled(rolled_until_now: None) -> None:
    tenant = uuid.uuid4()
    midnight = datetime(2026, 4, 8, tzinfo=UTC)
    late, early = midnight - timedelta(minutes=30), midnight + timedelta(minutes=10)
    assert DB.pool is not None
    for day in (late.date(), early.date()):
        await fetch("SELECT public.request_log_partition($1)", day)
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_log",
            schema_name="public",
            columns=COLUMNS,
            records=[row(tenant, late), row(tenant, early)],
        )
    await set_watermark(midnight - timedelta(hours=2))
    await rollups.roll_up(midnight + timedelta(minutes=30))
    days = await fetch(
        "SELECT bucket, requests FROM public.request_rollup_total WHERE tenant_id = $1"
        " AND grain = 'day' AND dim = ''",
        tenant,
    )
    assert [(d["bucket"], d["requests"]) for d in days] == [(midnight - timedelta(days=1), 1)]
    data = await api_usage(tenant, midnight - timedelta(days=2), midnight + timedelta(hours=1))
    assert [t["requests"] for t in data["timeline"]] == [0, 1, 1]
