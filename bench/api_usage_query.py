"""Benchmark: GET /api/v1/analytics/api-usage by day over 30 days of 10 million logged requests.

    .venv/bin/python bench/api_usage_query.py                 # ~2-3 minutes
    .venv/bin/python bench/api_usage_query.py --requests 1000000 --samples 50

Target (issue 16): p95 under 50 ms for one business's 30 days by day, 10 million requests.

Set-up (timed, no target): a temp installation; one business with --requests requests over the
30 days the API shows by default (from midnight UTC 29 days ago to now) and --others businesses
with --other-requests each, written as hour rollup rows by a generator through COPY (a
realistic mix: 24 method+route pairs with their own latency profiles, Zipf-like popularity,
4 API keys + a user + an app, 2xx 95 % / 4xx 4 % / 5xx 1 %, a day/night cycle; each row's
DDSketch built from up to 48 sampled durations, scaled to its count). Totals and day rows are
then made by the rollup module's own SQL (the merge of sketches); the current hour is written
as raw rows and rolled by `roll_hour` up to a minute ago, the worst the every-minute scheduler
leaves (the last minute is read raw). Then the API is called in-process (the real app, an API
key of the business, httpx over ASGI): warm-up, then --samples timed calls; with --explain the
two statements' plans go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import installation, load_average, log, machine, open_database, percentile

TARGET_MS = 50.0
ROUTES = [
    ("GET", "/api/v1/customers", 18.0),
    ("GET", "/api/v1/customers/{customer_id}", 9.0),
    ("POST", "/api/v1/customers", 35.0),
    ("PATCH", "/api/v1/customers/{customer_id}", 30.0),
    ("GET", "/api/v1/inventory", 22.0),
    ("GET", "/api/v1/inventory/{item_id}", 8.0),
    ("POST", "/api/v1/inventory", 40.0),
    ("PUT", "/api/v1/inventory/{item_id}", 38.0),
    ("GET", "/api/v1/orders", 25.0),
    ("GET", "/api/v1/orders/{order_id}", 11.0),
    ("POST", "/api/v1/orders", 60.0),
    ("PATCH", "/api/v1/orders/{order_id}", 45.0),
    ("GET", "/api/v1/webhooks", 7.0),
    ("POST", "/api/v1/webhooks", 30.0),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries", 15.0),
    ("POST", "/api/v1/import-export", 120.0),
    ("GET", "/api/v1/import-export/{job_id}", 6.0),
    ("GET", "/api/v1/api-keys", 5.0),
    ("GET", "/api/v1/notifications", 6.0),
    ("GET", "/api/v1/integrations/builder", 12.0),
    ("POST", "/api/v1/integrations/builder/{flow_id}/run", 80.0),
    ("GET", "/api/v1/analytics/api-usage", 20.0),
    ("DELETE", "/api/v1/customers/{customer_id}", 20.0),
    ("DELETE", "/api/v1/inventory/{item_id}", 20.0),
]
CLASSES = [(2, 0.95), (4, 0.04), (5, 0.01)]
SKETCH_SAMPLES = 48


def _credentials(n_keys: int) -> list[tuple[str, uuid.UUID, str, float]]:
    creds = [
        ("api_key", uuid.uuid4(), f"jw_live_{i:06d}", w)
        for i, w in zip(range(n_keys), (0.45, 0.25, 0.12, 0.08), strict=False)
    ]
    creds.append(("user", uuid.uuid4(), "owner@example.com", 0.06))
    creds.append(("app", uuid.uuid4(), "Ring Sizer Pro", 0.04))
    return creds


class Durations:
    """Pools of sketch keys per route (lognormal around the route's typical latency)."""

    def __init__(self, rnd: random.Random) -> None:
        from jewelia.platform.analytics.rollups import key_of

        self.rnd = rnd
        self.pools = {
            route: [key_of(rnd.lognormvariate(math.log(typical), 0.6)) for _ in range(4096)]
            for _, route, typical in ROUTES
        }

    def sketch(self, route: str, n: int) -> tuple[list[int], list[int], float]:
        """Bins for n requests: a sampled shape scaled to n; and the duration sum."""
        from jewelia.platform.analytics.rollups import MAPPING

        pool = self.pools[route]
        k = min(n, SKETCH_SAMPLES)
        start = self.rnd.randrange(0, len(pool) - k)
        shape = Counter(pool[start : start + k])
        keys = sorted(shape)
        counts = [shape[key] * n // k for key in keys]
        counts[-1] += n - sum(counts)
        for i in range(len(counts) - 1, 0, -1):  # the remainder may leave a bin at 0
            if counts[i] <= 0:
                counts[i - 1] += counts[i] - 1
                counts[i] = 1
        total = sum(c * MAPPING.value(key) for key, c in zip(keys, counts, strict=True))
        return keys, counts, total


def hour_rows(
    rnd: random.Random,
    durations: Durations,
    tenant_id: uuid.UUID,
    hours: list[datetime],
    requests: int,
    routes: list[tuple[str, str, float]],
    creds: list[tuple[str, uuid.UUID, str, float]],
) -> Any:
    """Hour rollup rows of one business: a day/night cycle, Zipf-like route popularity."""
    route_w = [1 / (i + 1) ** 0.9 for i in range(len(routes))]
    route_total = sum(route_w)
    cycle = [1 + 0.6 * math.sin((h.hour - 9) / 24 * 2 * math.pi) for h in hours]
    cycle_total = sum(cycle)
    for hour, c in zip(hours, cycle, strict=True):
        in_hour = requests * c / cycle_total
        for (method, route, _), rw in zip(routes, route_w, strict=True):
            for kind, cred_id, label, cw in creds:
                for status_class, sw in CLASSES:
                    expected = in_hour * rw / route_total * cw * sw
                    n = int(expected) + (1 if rnd.random() < expected % 1 else 0)
                    if n == 0:
                        continue
                    keys, counts, total = durations.sketch(route, n)
                    yield (
                        "hour",
                        hour,
                        tenant_id,
                        "server",
                        kind,
                        cred_id,
                        label,
                        method,
                        route,
                        status_class,
                        n,
                        n if status_class >= 4 else 0,
                        total,
                        keys,
                        counts,
                    )


async def seed(args: argparse.Namespace) -> dict[str, Any]:
    """The business, its neighbours, their rollups, raw rows for the current hour."""
    from jewelia.core.db import DB, execute, fetch
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.analytics import rollups
    from jewelia.platform.analytics.requestlog import COLUMNS
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key

    rnd = random.Random(16)
    durations = Durations(rnd)
    _, tenant = await accounts.signup(
        "Usage Bench Jewelers", "Bea Bench", "bench-usage@example.com", "Correct-Horse-Battery-9"
    )
    key = await create_key(tenant.id, "bench key", list(PERMISSIONS))
    now = datetime.now(UTC)
    # the period GET api-usage shows by default: 30 days, today's included, from midnight UTC
    first = rollups.day_floor(now) - timedelta(days=29)
    current = rollups.hour_floor(now)
    hours = [first + timedelta(hours=i) for i in range(int((current - first) / timedelta(hours=1)))]
    full_hours = hours
    columns = (
        "grain",
        "bucket",
        "tenant_id",
        "source",
        "credential_type",
        "credential_id",
        "credential_label",
        "method",
        "route",
        "status_class",
        "requests",
        "errors",
        "duration_sum",
        "sketch_keys",
        "sketch_counts",
    )
    per_hour = args.requests / len(hours)
    my_creds = _credentials(4)
    in_current = int(per_hour * (now - current).total_seconds() / 3600)
    businesses = [(tenant.id, args.requests - in_current, ROUTES, my_creds)]
    for _ in range(args.others):
        businesses.append((uuid.uuid4(), args.other_requests, ROUTES[::6], _credentials(1)))
    total_rows = 0
    written = 0
    mine = 0
    assert DB.pool is not None
    for tenant_id, requests, routes, creds in businesses:
        batch: list[tuple[Any, ...]] = []
        for row in hour_rows(rnd, durations, tenant_id, full_hours, requests, routes, creds):
            batch.append(row)
            if len(batch) >= 20_000:
                total_rows += await _copy(batch, columns)
                written += sum(r[10] for r in batch)
                batch = []
        total_rows += await _copy(batch, columns)
        written += sum(r[10] for r in batch)
        mine = mine or written
        log(f"business {tenant_id}: {total_rows:,} hour rows so far, {written:,} requests")

    # raw rows for the partial hours: the first (cut by startDate) and the current one
    raw = []
    for hour, span in ((current, (now - current).total_seconds()),):
        for _ in range(in_current):
            method, route, typical = rnd.choice(ROUTES)
            kind, cred_id, label, _ = rnd.choices(my_creds, [c[3] for c in my_creds])[0]
            status = rnd.choices([200, 404, 500], [0.95, 0.04, 0.01])[0]
            values = {
                "at": hour + timedelta(seconds=rnd.uniform(0, span)),
                "tenant_id": tenant.id,
                "request_id": uuid.uuid4().hex,
                "source": "server",
                "credential_type": kind,
                "credential_id": cred_id,
                "credential_label": label,
                "method": method,
                "route": route,
                "path": route,
                "status": status,
                "duration_ms": rnd.lognormvariate(math.log(typical), 0.6),
                "request_size": 0,
                "response_size": 900,
                "user_agent": "bench",
                "ip_address": None,
                "error_code": None,
                "user_id": None,
            }
            raw.append(tuple(values[c] for c in COLUMNS))
    await fetch("SELECT public.request_log_partition($1)", current.date())
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_log", schema_name="public", columns=COLUMNS, records=raw
        )
    mine += len(raw)
    log(f"{len(raw):,} raw rows for the current hour; merging totals and days (SQL)")
    started = time.perf_counter()
    # as the scheduler leaves it at worst: the current hour rolled up to a minute ago
    cut = now - timedelta(minutes=1)
    async with DB.transaction():
        await rollups.roll_hour(current, cut)
        for hour in full_hours:
            await rollups.roll_totals("hour", hour)
        for day in sorted({rollups.day_floor(h) for h in [*hours, current]}):
            await rollups.roll_day(day)
        await execute(
            "INSERT INTO public.request_rollup_watermark (name, rolled_until, partial_until)"
            " VALUES ('hour', $1, $2) ON CONFLICT (name) DO UPDATE SET"
            " rolled_until = excluded.rolled_until, partial_until = excluded.partial_until",
            current,
            cut,
        )
    await execute("VACUUM ANALYZE public.request_rollup")
    await execute("VACUUM ANALYZE public.request_rollup_total")
    log(f"totals and days merged in {time.perf_counter() - started:.1f}s")
    rows = await fetch(
        "SELECT count(*) AS n FROM public.request_rollup WHERE tenant_id = $1 AND grain = 'hour'",
        tenant.id,
    )
    return {
        "tenant": tenant,
        "key": key.secret,
        "key_id": my_creds[0][1],
        "requests": mine,
        "hour_rows": total_rows,
        "my_hour_rows": rows[0]["n"],
    }


async def _copy(batch: list[tuple[Any, ...]], columns: tuple[str, ...]) -> int:
    from jewelia.core.db import DB

    if not batch:
        return 0
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_rollup", schema_name="public", columns=columns, records=batch
        )
    return len(batch)


async def measure(args: argparse.Namespace) -> int:
    import httpx

    from jewelia.app import create_app
    from jewelia.platform.analytics import rollups
    from jewelia.platform.analytics.usage import api_usage

    await open_database()
    started = time.perf_counter()
    seeded = await seed(args)
    log(
        f"seeded in {time.perf_counter() - started:.0f}s: {seeded['requests']:,} requests of the"
        " business, {seeded['hour_rows']:,} hour rows in all ({seeded['my_hour_rows']:,} its own)"
    )
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {seeded['key']}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench.local/api/v1", headers=headers
    ) as client:
        url = "/analytics/api-usage?groupBy=day"
        r = await client.get(url)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        total = data["summary"]["totalRequests"]
        log(
            f"answer: {total:,} requests, {len(data['timeline'])} days,"
            f" {len(data['endpoints'])} endpoints, {len(data['apiKeys'])} credentials,"
            f" p95 {data['summary']['p95ResponseTime']} ms"
        )
        for _ in range(5):
            await client.get(url)
        samples = []
        for _ in range(args.samples):
            t = time.perf_counter()
            r = await client.get(url)
            samples.append(time.perf_counter() - t)
            assert r.status_code == 200
        filtered, by_key = [], []
        for _ in range(max(10, args.samples // 5)):
            t = time.perf_counter()
            r = await client.get(url + "&status=5xx&route=/orders")
            filtered.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
            t = time.perf_counter()
            r = await client.get(url + f"&apiKey={seeded['key_id']}")
            by_key.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
    direct = []
    now = datetime.now(UTC)
    for _ in range(max(10, args.samples // 5)):
        t = time.perf_counter()
        await api_usage(seeded["tenant"].id, rollups.day_floor(now) - timedelta(days=29), now)
        direct.append(time.perf_counter() - t)

    if args.explain:
        await _explain(seeded["tenant"].id)
    p95 = percentile(samples, 0.95) * 1000
    passed = p95 < TARGET_MS and total >= seeded["requests"] * 0.99
    print(f"api-usage benchmark — {machine()}, load average {load_average()}")
    print("| measure | value | target | result |\n|---|---|---|---|")
    print(f"| requests in the 30 days (answer's totalRequests) | {total:,} | 10,000,000 | — |")
    print(
        f"| GET api-usage by day, 30 days: p50 / p95 / max ({args.samples} calls)"
        f" | {percentile(samples, 0.5) * 1000:.1f} / **{p95:.1f}** /"
        f" {max(samples) * 1000:.1f} ms | p95 < {TARGET_MS:.0f} ms"
        f" | **{'pass' if passed else 'MISS'}** |"
    )
    print(
        f"| the same with status=5xx&route=/orders: p50 / p95 | {percentile(filtered, 0.5) * 1000:.1f}"
        f" / {percentile(filtered, 0.95) * 1000:.1f} ms | none | — |"
    )
    print(
        f"| the same with apiKey (the busiest key, 45 % of requests): p50 / p95"
        f" | {percentile(by_key, 0.5) * 1000:.1f} / {percentile(by_key, 0.95) * 1000:.1f} ms"
        " | none | — |"
    )
    print(
        f"| `api_usage()` alone (no HTTP): p50 / p95 | {percentile(direct, 0.5) * 1000:.1f} /"
        f" {percentile(direct, 0.95) * 1000:.1f} ms | none | — |"
    )
    print(
        f"| rollup rows: all businesses' hour rows / the business's | {seeded['hour_rows']:,}"
        f" / {seeded['my_hour_rows']:,} | none | — |"
    )
    return 0 if passed else 1


async def _explain(tenant_id: uuid.UUID) -> None:
    """EXPLAIN ANALYZE of the two statements api_usage runs (to stderr)."""
    from jewelia.core.db import fetch
    from jewelia.platform.analytics import rollups, usage

    now = datetime.now(UTC)
    start = rollups.day_floor(now) - timedelta(days=29)
    segments = usage.plan(start, now, "day", *await rollups.coverage())
    log(f"segments: {segments}")
    filters = ("server", None, None, None)
    for name, (sql, *params) in (
        ("breakdown", usage._breakdown_sql(segments, tenant_id, filters, True)),
        ("timeline", usage._timeline_sql(segments, tenant_id, filters, "day", True)),
    ):
        rows = await fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)
        log(name + ":\n" + "\n".join(r["QUERY PLAN"] for r in rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000_000)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--other-requests", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--explain", action="store_true", help="query plans to stderr")
    args = parser.parse_args()
    with installation():
        return asyncio.run(measure(args))


if __name__ == "__main__":
    sys.exit(main())
