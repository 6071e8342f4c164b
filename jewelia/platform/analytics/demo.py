"""Demo analytics for `jewelia dev`: 30 days of logged API requests for the demo business, their
rollups, two alert rules and an open incident, so the Logs, Usage and Alerts pages have
something to show on the first start.

The requests are made up (a weekday rhythm, a realistic mix of routes, credentials, statuses
and latencies) and a burst of 5xx answers in the last ten minutes opens the error-rate alert.
Seeded once: a business that already has logged requests gets nothing more.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import DB, TenantRef, execute, fetch
from jewelia.platform.analytics import alerts, rollups

DAYS = 30
ROUTES = [
    ("GET", "/api/v1/customers", "/api/v1/customers", 40),
    ("GET", "/api/v1/customers/{customer_id}", "/api/v1/customers/", 18),
    ("POST", "/api/v1/customers", "/api/v1/customers", 6),
    ("GET", "/api/v1/inventory", "/api/v1/inventory", 14),
    ("PUT", "/api/v1/inventory/{item_id}", "/api/v1/inventory/", 4),
    ("GET", "/api/v1/orders", "/api/v1/orders", 12),
    ("POST", "/api/v1/orders", "/api/v1/orders", 5),
    ("GET", "/api/v1/webhooks", "/api/v1/webhooks", 1),
]
AGENTS = ["jewelia-python/1.0 httpx/0.28", "jewelia-ts/1.0 node/22", "curl/8.5.0"]

# One row per request: the route by weight, a status (mostly 2xx, some 4xx, rare 5xx), a
# latency with a long tail, the path with an id where the route has one.
SEED_SQL = """
WITH routes AS (
    SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::int[])
        AS r(method, route, path, weight)
), picks AS (
    SELECT method, route, path,
           sum(weight) OVER (ORDER BY route, method) - weight AS lo,
           sum(weight) OVER (ORDER BY route, method) AS hi,
           sum(weight) OVER () AS total
    FROM routes
), hours AS (
    SELECT h, (40 + 60 * (extract(isodow FROM h) < 6)::int
               * greatest(0, sin(pi() * (extract(hour FROM h) - 6) / 14)))::int AS n
    FROM generate_series(date_trunc('hour', $2::timestamptz) - make_interval(days => $7),
                         date_trunc('hour', $2::timestamptz) - interval '1 hour',
                         interval '1 hour') AS h
), requests AS (
    SELECT h + random() * interval '1 hour' AS at, random() AS pick, random() AS s,
           random() AS who
    FROM hours, generate_series(1, n)
)
INSERT INTO public.request_log (at, tenant_id, request_id, source, credential_type,
    credential_id, credential_label, method, route, path, status, duration_ms, request_size,
    response_size, user_agent, ip_address, error_code)
SELECT q.at, $1, md5(random()::text), 'server',
       CASE WHEN q.who < 0.8 THEN 'api_key' ELSE 'user' END,
       CASE WHEN q.who < 0.8 THEN $8::uuid ELSE $10::uuid END,
       CASE WHEN q.who < 0.8 THEN $9 ELSE $11 END,
       p.method, p.route,
       p.path || CASE WHEN p.route LIKE '%}' THEN gen_random_uuid()::text ELSE '' END,
       CASE WHEN q.s < 0.004 THEN 500 WHEN q.s < 0.02 THEN 404 WHEN q.s < 0.035 THEN 422
            WHEN q.s < 0.04 THEN 429 WHEN p.method = 'POST' THEN 201 ELSE 200 END,
       round((8 + 25 * -ln(1 - random() * 0.999))::numeric, 2),
       CASE WHEN p.method IN ('POST', 'PUT') THEN 300 + (random() * 900)::int ELSE 0 END,
       800 + (random() * 12000)::int,
       ($12::text[])[1 + (random() * 2)::int],
       ('203.0.113.' || (10 + (q.who * 20)::int))::inet,
       CASE WHEN q.s < 0.004 THEN 'INTERNAL_ERROR' WHEN q.s < 0.02 THEN 'NOT_FOUND'
            WHEN q.s < 0.035 THEN 'VALIDATION_ERROR' WHEN q.s < 0.04 THEN 'RATE_LIMIT_EXCEEDED'
       END
FROM requests q
JOIN picks p ON q.pick * p.total >= p.lo AND q.pick * p.total < p.hi
"""

# The last ten minutes: steady traffic with one request in four failing (an upstream outage).
BURST_SQL = """
INSERT INTO public.request_log (at, tenant_id, request_id, source, credential_type,
    credential_id, credential_label, method, route, path, status, duration_ms, user_agent,
    ip_address, error_code)
SELECT $2::timestamptz - (i * interval '3 seconds'), $1, md5(random()::text), 'server',
       'api_key', $3, $4, 'POST', '/api/v1/orders', '/api/v1/orders',
       CASE WHEN i % 4 = 0 THEN 503 ELSE 201 END, 40 + random() * 900,
       'jewelia-python/1.0 httpx/0.28', '203.0.113.12'::inet,
       CASE WHEN i % 4 = 0 THEN 'SERVICE_UNAVAILABLE' END
FROM generate_series(1, 200) AS i
"""

RULES: list[dict[str, Any]] = [
    {
        "name": "Errors above 5 % for 15 minutes",
        "metric": "error_rate",
        "threshold": 5,
        "window_minutes": 15,
        "cooldown_minutes": 60,
        "channels": ["email", "in_app"],
    },
    {
        "name": "Slow API: p95 above 1 s over an hour",
        "metric": "p95_latency",
        "threshold": 1000,
        "window_minutes": 60,
        "cooldown_minutes": 120,
        "channels": ["in_app"],
    },
]


async def seed_analytics(
    tenant: TenantRef,
    key_id: uuid.UUID,
    key_prefix: str,
    user_id: uuid.UUID,
    user_email: str,
    now: datetime | None = None,
) -> int:
    """Logged requests, rollups, alert rules and an incident for the demo business (once);
    the number of requests logged (0 when it already had some)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    found = await fetch("SELECT 1 FROM public.request_log WHERE tenant_id = $1 LIMIT 1", tenant.id)
    if found:
        return 0
    day = now.date()
    for back in range(DAYS + 1):
        await execute("SELECT public.request_log_partition($1)", day - timedelta(days=back))
    await execute(
        SEED_SQL,
        tenant.id,
        now,
        [r[0] for r in ROUTES],
        [r[1] for r in ROUTES],
        [r[2] for r in ROUTES],
        [r[3] for r in ROUTES],
        DAYS,
        key_id,
        key_prefix,
        user_id,
        user_email,
        AGENTS,
    )
    await execute(BURST_SQL, tenant.id, now, key_id, key_prefix)
    hour = rollups.hour_floor(now) - timedelta(days=DAYS)
    async with DB.transaction():
        while hour <= rollups.hour_floor(now):
            await rollups.roll_hour(hour, now)
            if hour.hour == 23:
                await rollups.roll_day(rollups.day_floor(hour))
            hour += timedelta(hours=1)
    await rollups.roll_up(now)  # the watermark, when this is the first roll-up
    existing = {r["name"] for r in await alerts.list_rules(tenant)}
    for rule in RULES:
        if rule["name"] not in existing:
            await alerts.create_rule(tenant, rule)
    await alerts.evaluate(now)
    rows = await fetch(
        "SELECT count(*) AS n FROM public.request_log WHERE tenant_id = $1", tenant.id
    )
    return int(rows[0]["n"])
