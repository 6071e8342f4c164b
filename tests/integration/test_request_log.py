"""The API request log: a row per request of an authenticated business, written by COPY from
the in-process buffer, for every credential kind and none for unauthenticated calls (issue 16)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx

from jewelia.core.db import execute, fetch
from jewelia.platform.accounts import service as accounts
from jewelia.platform.analytics import requestlog, retention
from jewelia.platform.apikeys.service import create_key
from jewelia.platform.apikeys.tokens import issue_access
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_marketplace_oauth import bearer, seed_listing, tenant_of, tokens_for
from tests.integration.test_pages import signup


async def logged(request_id: str) -> list[dict[str, Any]]:
    await requestlog.flush_now()
    return await fetch(
        "SELECT * FROM public.request_log WHERE request_id = $1 ORDER BY at", request_id
    )


async def test_api_key_requests_are_logged_with_route_sizes_and_error_code(api: Any) -> None:
    r = await api.get("/customers?limit=5", headers={"User-Agent": "ua-test/1.0"})
    assert r.status_code == 200
    [row] = await logged(r.headers["x-request-id"])
    assert row["tenant_id"] == api.tenant.id
    assert row["source"] == "server" and row["credential_type"] == "api_key"
    assert row["credential_label"] and api.key.startswith(row["credential_label"])
    assert row["credential_id"] is not None
    assert (row["method"], row["route"], row["path"]) == (
        "GET",
        "/api/v1/customers",
        "/api/v1/customers",
    )
    assert row["status"] == 200 and row["duration_ms"] > 0
    assert row["response_size"] == len(r.content)
    assert row["user_agent"] == "ua-test/1.0"
    assert str(row["ip_address"]) == "127.0.0.1"
    assert row["error_code"] is None and row["user_id"] is None

    missing = await api.get(f"/customers/{uuid.uuid4()}")
    assert missing.status_code == 404
    [row] = await logged(missing.headers["x-request-id"])
    assert row["route"] == "/api/v1/customers/{customer_id}"
    assert row["error_code"] == "NOT_FOUND"

    body = {"full_name": "Ada Lovelace", "email": unique_email("ada")}
    created = await api.post("/customers", json=body)
    assert created.status_code == 201, created.text
    [row] = await logged(created.headers["x-request-id"])
    assert row["method"] == "POST" and row["request_size"] == int(
        created.request.headers["content-length"]
    )


async def test_unauthenticated_requests_are_not_logged(app: Any) -> None:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="http://t.local/api/v1") as c:
        for headers in ({}, bearer("jw_live_not_a_real_key_000000000000"), bearer("junk")):
            r = await c.get("/customers", headers=headers)
            assert r.status_code == 401
            assert await logged(r.headers["x-request-id"]) == []


async def test_refused_requests_of_a_business_are_logged(api: Any) -> None:
    reader = await create_key(api.tenant.id, "reader", ["read"])
    r = await api.post(
        "/customers",
        json={"full_name": "No Write"},
        headers=bearer(reader.secret),
    )
    assert r.status_code == 403
    [row] = await logged(r.headers["x-request-id"])
    assert row["status"] == 403 and row["error_code"] == "AUTHORIZATION_ERROR"
    assert row["credential_label"] != "" and reader.secret.startswith(row["credential_label"])


async def test_jwt_and_app_token_requests_are_logged(client: Any, app: Any) -> None:
    user, tenant = await accounts.signup("Jwt Gems", "Jo Jwt", unique_email("jwt"), STRONG_PASSWORD)
    token = issue_access(user.id, tenant.id, "owner", user.session_epoch)
    r = await client.get("/api/v1/customers", headers=bearer(token))
    assert r.status_code == 200, r.text
    [row] = await logged(r.headers["x-request-id"])
    assert row["credential_type"] == "user" and row["credential_id"] == user.id
    assert row["credential_label"] == user.email and row["tenant_id"] == tenant.id

    listing = await seed_listing(["customers:read"])
    email = await signup(client, business=f"App Gems {uuid.uuid4().hex[:4]}")
    business = await tenant_of(email)
    access = (await tokens_for(client, listing))["access_token"]
    client.cookies.clear()
    r = await client.get("/api/v1/customers", headers=bearer(access))
    assert r.status_code == 200, r.text
    [row] = await logged(r.headers["x-request-id"])
    assert row["credential_type"] == "app" and row["credential_id"] == listing["id"]
    assert row["tenant_id"] == business["id"] and row["credential_label"] == listing["name"]


async def test_a_failed_write_drops_the_batch_and_counts_it(api: Any) -> None:
    writer = requestlog.RequestLogWriter()
    dropped = requestlog.DROPPED._value.get()
    good = await api.get("/customers")
    [row] = [r for r in requestlog.WRITER.buffer if r[2] == good.headers["x-request-id"]]
    auth = SimpleNamespace(actor=row[1].actor, tenant=SimpleNamespace(id="not-a-uuid"))
    writer.buffer += [row, (row[0], auth, *row[2:])]  # the batch fails at COPY
    assert await writer.flush() == 0
    assert writer.dropped == 2 and requestlog.DROPPED._value.get() == dropped + 2
    assert writer.buffer == []
    assert await logged(good.headers["x-request-id"]) != []  # the process's own writer is fine


async def test_retention_drops_old_partitions_and_rollups_and_makes_tomorrow(db: None) -> None:
    today = datetime.now(UTC).date()
    old, kept = today - timedelta(days=31), today - timedelta(days=29)
    for day in (old, kept):
        await fetch("SELECT public.request_log_partition($1)", day)
    tenant = uuid.uuid4()
    for days in (400, 300):
        await execute(
            "INSERT INTO public.request_rollup_total (grain, bucket, tenant_id, source, requests,"
            " errors, duration_sum, sketch_keys, sketch_counts)"
            " VALUES ('day', $1, $2, 'server', 1, 0, 1.0, '{1}', '{1}')",
            datetime.now(UTC) - timedelta(days=days),
            tenant,
        )
    done = await retention.apply_retention()
    assert f"request_log_{old:%Y%m%d}" in done["dropped"]
    days = await retention.partitions()
    assert old not in days and kept in days
    assert {today, today + timedelta(days=1), today + timedelta(days=2)} <= set(days)
    left = await fetch(
        "SELECT bucket FROM public.request_rollup_total WHERE tenant_id = $1", tenant
    )
    assert len(left) == 1 and left[0]["bucket"] > datetime.now(UTC) - timedelta(days=301)


async def test_rows_left_in_the_buffer_are_written_at_shutdown(api: Any, app: Any) -> None:
    """The app's lifespan stops the writer and writes what is buffered (no flush_now)."""
    assert requestlog.request_log_lifespan in app._lifespan_managers
    r = await api.get("/customers")
    rid = r.headers["x-request-id"]
    async with requestlog.request_log_lifespan(app):
        pass  # the server stops
    assert requestlog.WRITER._task is None and requestlog.WRITER.buffer == []
    rows = await fetch("SELECT status FROM public.request_log WHERE request_id = $1", rid)
    assert [row["status"] for row in rows] == [200]


async def test_the_worker_applies_retention(db: None, worker: object) -> None:
    """The daily actor, run by a real worker, drops an old partition."""
    import asyncio
    import time

    from jewelia.workers.analytics_actors import request_log_retention

    old = datetime.now(UTC).date() - timedelta(days=45)
    await fetch("SELECT public.request_log_partition($1)", old)
    assert old in await retention.partitions()
    request_log_retention.send()
    deadline = time.monotonic() + 90  # the session worker may still be starting
    gone = False
    while time.monotonic() < deadline and not gone:
        await asyncio.sleep(0.5)
        gone = old not in await retention.partitions()
    assert gone
