"""`jewelia dev`'s demo analytics: 30 days of logged requests for the demo business, rolled up,
with alert rules and the error-rate incident open; seeded once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import fetch
from jewelia.platform.analytics import alerts
from jewelia.platform.analytics.demo import DAYS, seed_analytics
from jewelia.platform.analytics.usage import api_usage
from jewelia.platform.apikeys.service import PERMISSIONS, create_key


async def test_demo_analytics_fill_logs_usage_and_alerts(business: Any) -> None:
    user, tenant = business
    key = await create_key(tenant.id, "demo", list(PERMISSIONS))
    now = datetime.now(UTC)
    made = await seed_analytics(tenant.ref, key.key.id, key.key.prefix, user.id, user.email, now)
    assert made > DAYS * 24 * 40  # at least the night-time rhythm every hour

    start = (now - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    usage = await api_usage(tenant.id, start, now, "day")
    raw = await fetch(
        "SELECT count(*) AS n, count(*) FILTER (WHERE status >= 400) AS failed"
        " FROM public.request_log WHERE tenant_id = $1 AND at >= $2 AND at < $3",
        tenant.id,
        start,
        now,
    )
    assert usage["summary"]["totalRequests"] == raw[0]["n"]
    assert usage["summary"]["failedRequests"] == raw[0]["failed"]
    assert len(usage["timeline"]) >= DAYS
    assert {e["endpoint"] for e in usage["endpoints"]} >= {"/customers", "/orders"}
    assert any(k["apiKey"] == key.key.prefix for k in usage["apiKeys"])

    rules = await alerts.list_rules(tenant.ref)
    assert len(rules) == 2
    incidents = await fetch(
        "SELECT r.metric, i.state FROM public.alert_incident i JOIN public.alert_rule r"
        " ON r.id = i.rule_id WHERE i.tenant_id = $1",
        tenant.id,
    )
    assert [(r["metric"], r["state"]) for r in incidents] == [("error_rate", "triggered")]

    again = await seed_analytics(tenant.ref, key.key.id, key.key.prefix, user.id, user.email)
    assert again == 0
    assert len(await alerts.list_rules(tenant.ref)) == 2
