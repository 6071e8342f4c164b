"""Developers > Usage over HTTP: the period's chart data (as JSON in the page) equals the rows
logged, top routes, requests per key with its name and limit, the plan's limit against the
busiest hour, table fallbacks, and another business's rows left out."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import DB
from jewelia.platform.analytics import rollups
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from tests.integration.test_pages import signup
from tests.integration.test_request_explorer import _tenant_of, log_row

PAGE = "/developers/usage"


async def roll_up_hours(*ats: datetime) -> None:
    """Roll up the hours (and days) of rows logged in the past, as the scheduler would have:
    hours before the watermark are read from the rollups (other tests move it)."""
    async with DB.transaction():
        for at in ats:
            await rollups.roll_hour(at)
            await rollups.roll_day(at)


DATA = re.compile(r'<script type="application/json" id="usage-data">(.*?)</script>', re.S)


def _chart(text: str) -> dict[str, Any]:
    found = DATA.search(text)
    assert found, "no chart data in the page"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


async def test_usage_page(client: Any, db: None) -> None:
    email = await signup(client, business="Usage Gems")
    tenant = await _tenant_of(email)
    key = await create_key(tenant, "Shop sync", list(PERMISSIONS))
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    two_ago = hour - timedelta(hours=2)
    for n in range(7):
        await log_row(
            tenant,
            two_ago + timedelta(minutes=n),
            credential_id=key.key.id,
            credential_label=key.key.prefix,
            duration_ms=10.0 + n,
        )
    for n in range(3):
        await log_row(
            tenant,
            two_ago + timedelta(minutes=10 + n),
            credential_id=key.key.id,
            credential_label=key.key.prefix,
            method="POST",
            route="/api/v1/orders",
            path="/api/v1/orders",
            status=500 if n else 422,
        )
    await log_row(tenant, hour - timedelta(days=3))  # outside 24 hours, inside 7 days
    await log_row(uuid.uuid4(), two_ago)  # another business
    await roll_up_hours(two_ago, hour - timedelta(days=3))

    r = await client.get(PAGE, params={"period": "24h"})
    assert r.status_code == 200, r.text
    chart = _chart(r.text)
    assert chart["group"] == "hour" and len(chart["ts"]) == 24
    assert chart["ts"][-1] == int(hour.timestamp())  # the current hour last
    at = chart["ts"].index(int(two_ago.timestamp()))
    assert (chart["successful"][at], chart["failed"][at]) == (7, 3)
    assert sum(chart["successful"]) == 7 and sum(chart["failed"]) == 3
    assert chart["errorRate"][at] == 30.0
    assert chart["errorRate"][at - 1] is None  # no requests: a gap, not 0 %
    assert 'id="stat-total">10<' in r.text and 'id="stat-failed">3<' in r.text
    for canvas in ("chart-requests", "chart-errors", "chart-latency"):
        assert f'id="{canvas}"' in r.text and f'id="{canvas}-table"' in r.text
    assert "/static/vendor/uplot/uPlot.iife.min.js" in r.text and "/static/analytics.js" in r.text
    assert "<script>" not in r.text  # CSP: no inline scripts
    routes = r.text.split('id="top-routes"', 1)[1].split("</section>", 1)[0]
    assert routes.index("/customers") < routes.index("/orders")  # 7 requests before 3
    per_key = r.text.split('id="per-key"', 1)[1].split("</section>", 1)[0]
    assert "Shop sync" in per_key and key.key.prefix in per_key and "1,000" in per_key
    limit = r.text.split('id="busiest-hour"', 1)[1].split("</dd>", 1)[0]
    assert "10 of 1,000" in limit
    week = _chart((await client.get(PAGE, params={"period": "7d"})).text)
    assert week["group"] == "day" and len(week["ts"]) == 7
    assert sum(week["successful"]) + sum(week["failed"]) == 11
    year = _chart((await client.get(PAGE, params={"period": "13m"})).text)
    assert year["group"] == "week" and len(year["ts"]) >= 56
    assert (await client.get(PAGE, params={"period": "bogus"})).status_code == 200  # 7 days


async def test_an_empty_business(client: Any, db: None) -> None:
    await signup(client, business="Quiet Gems")
    r = await client.get(PAGE)
    assert r.status_code == 200
    assert _chart(r.text)["successful"] == [0] * 7
    assert "No requests in the last 7 days." in r.text
