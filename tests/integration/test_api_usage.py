"""The api-usage query and GET/POST /api/v1/analytics/api-usage (issue 16)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import execute, fetch
from jewelia.platform.analytics.usage import api_usage

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


async def insert_rows(tenant_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    """Write raw request_log rows as a test scenario (the `at` is the clock)."""
    for day in {r["at"].date() for r in rows}:
        await fetch("SELECT public.request_log_partition($1)", day)
    for r in rows:
        await execute(
            "INSERT INTO public.request_log (at, tenant_id, request_id, source, credential_type,"
            " credential_id, credential_label, method, route, path, status, duration_ms)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            r["at"],
            tenant_id,
            r.get("request_id", uuid.uuid4().hex),
            r.get("source", "server"),
            r.get("credential_type", "api_key"),
            r.get("credential_id"),
            r.get("credential_label", ""),
            r.get("method", "GET"),
            r.get("route", "/api/v1/customers"),
            r.get("path", "/api/v1/customers"),
            r.get("status", 200),
            r.get("duration_ms", 10.0),
        )


async def test_api_usage_counts_a_business_own_rows(db: None) -> None:
    mine, other, key = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [
        {
            "at": T0 + timedelta(minutes=i),
            "status": 500 if i % 4 == 0 else 200,
            "duration_ms": float(i + 1),
            "credential_id": key,
            "credential_label": "jw_live_ab",
        }
        for i in range(20)
    ] + [{"at": T0 + timedelta(days=1, hours=3), "route": "/api/v1/orders", "status": 404}]
    await insert_rows(mine, rows)
    await insert_rows(other, rows[:5])
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
    errors = await api_usage(mine, T0, T0 + timedelta(days=2), "week", status_class="5xx")
    assert errors["summary"]["totalRequests"] == 5
    assert len(errors["timeline"]) == 1
