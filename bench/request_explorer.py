"""Benchmark: the request explorer (Developers > Logs) over 30 days of raw request log rows.

    .venv/bin/python bench/request_explorer.py                  # ~2-4 minutes
    .venv/bin/python bench/request_explorer.py --requests 500000 --samples 30

No target in the issue; this shows the explorer's queries stay index-bound as the log grows.
Set-up (timed, no target): a temp installation, one business with --requests raw rows spread
over the last 30 days and --others businesses with --other-requests each (INSERT … SELECT from
generate_series into the day partitions: 5 routes, 2 keys, 2xx 95 % / 4xx 4 % / 5xx 1 %), then
ANALYZE. Timed, in-process (`explorer.*` on the real pool, no HTTP): the newest page of the
last 24 hours; a page from a cursor at a random point of the 30 days; a rare filter (5xx, 1 %
of rows) over 7 days; a request id lookup over all 30 partitions; and one CSV export of the
100,000-row cap, timed, then again under tracemalloc for the peak Python memory it allocated.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import installation, load_average, log, machine, open_database, percentile

DAYS = 30
SEED_SQL = """
INSERT INTO public.request_log (at, tenant_id, request_id, credential_type, credential_id,
    credential_label, method, route, path, status, duration_ms, response_size, user_agent)
SELECT $1::timestamptz - make_interval(secs => n * $3::float8),
       $2::uuid, md5($2::uuid::text || n::text), 'api_key',
       CASE WHEN n % 3 = 0 THEN $4::uuid ELSE $5::uuid END,
       CASE WHEN n % 3 = 0 THEN 'jw_live_aaaa' ELSE 'jw_live_bbbb' END,
       (ARRAY['GET', 'GET', 'POST', 'GET', 'PATCH'])[n % 5 + 1],
       (ARRAY['/api/v1/customers', '/api/v1/customers/{customer_id}', '/api/v1/orders',
              '/api/v1/inventory', '/api/v1/orders/{order_id}'])[n % 5 + 1],
       '/api/v1/customers', CASE WHEN n % 100 = 7 THEN 500 WHEN n % 25 = 3 THEN 404 ELSE 200 END,
       5 + (n % 97), 300 + n % 4000, 'bench'
FROM generate_series(1, $6::int) AS n
"""


def _ms(samples: list[float]) -> str:
    return f"{percentile(samples, 0.5) * 1000:.2f} / {percentile(samples, 0.95) * 1000:.2f}"


async def _timed(samples: list[float], call: object) -> object:
    start = time.perf_counter()
    result = await call  # type: ignore[misc]
    samples.append(time.perf_counter() - start)
    return result


async def measure(args: argparse.Namespace) -> int:
    from jewelia.core.db import execute, fetch
    from jewelia.platform.analytics import explorer
    from jewelia.platform.analytics.explorer import Filters

    await open_database()
    now = datetime.now(UTC)
    for d in range(-1, DAYS + 2):
        await execute(
            "SELECT public.request_log_partition($1::date)", (now - timedelta(days=d)).date()
        )
    tenant = uuid.uuid4()
    started = time.perf_counter()
    span = DAYS * 86400 / args.requests
    await execute(SEED_SQL, now, tenant, span, uuid.uuid4(), uuid.uuid4(), args.requests)
    for _ in range(args.others):
        other_span = DAYS * 86400 / args.other_requests
        await execute(
            SEED_SQL, now, uuid.uuid4(), other_span, uuid.uuid4(), uuid.uuid4(), args.other_requests
        )
    await execute("ANALYZE public.request_log")
    total = args.requests + args.others * args.other_requests
    log(f"seeded {total:,} rows in {time.perf_counter() - started:.1f} s")

    day = Filters(since=now - timedelta(days=1))
    month = Filters(since=now - timedelta(days=DAYS))
    rare = Filters(since=now - timedelta(days=7), status="5xx")
    points = await fetch(
        "SELECT at, request_id FROM public.request_log WHERE tenant_id = $1"
        " ORDER BY random() LIMIT $2",
        tenant,
        args.samples,
    )
    cursors = [explorer.encode_cursor(p) for p in points]
    ids = [p["request_id"] for p in points]
    for _ in range(3):  # warm-up
        await explorer.search(tenant, day)
        await explorer.search(tenant, month, cursor=cursors[0])
    first: list[float] = []
    deep: list[float] = []
    rare_s: list[float] = []
    lookup: list[float] = []
    random.shuffle(cursors)
    for n in range(args.samples):
        rows, _ = await _timed(first, explorer.search(tenant, day))  # type: ignore[misc]
        assert len(rows) == 50
        await _timed(deep, explorer.search(tenant, month, cursor=cursors[n]))
        await _timed(rare_s, explorer.search(tenant, rare))
        found = await _timed(lookup, explorer.detail(tenant, ids[n]))
        assert len(found) == 1  # type: ignore[arg-type]

    started = time.perf_counter()
    size = chunks = 0
    async for chunk in explorer.export_csv(tenant, month):
        size += len(chunk)
        chunks += 1
    export_s = time.perf_counter() - started
    tracemalloc.start()  # a second run for memory: tracing slows it several times over
    async for _chunk in explorer.export_csv(tenant, month):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"\nMeasured {time.strftime('%Y-%m-%d')} on {machine()}, load average {load_average()}")
    print(f"{total:,} rows over {DAYS} days; the business has {args.requests:,}.\n")
    print("| measure | p50 / p95 | target | result |")
    print("|---|---|---|---|")
    print(f"| newest 50 of the last 24 h | {_ms(first)} ms | none | — |")
    print(f"| 50 after a random cursor in 30 days | {_ms(deep)} ms | none | — |")
    print(f"| status=5xx (1 % of rows) over 7 days, first 50 | {_ms(rare_s)} ms | none | — |")
    print(f"| request id lookup over 30 partitions | {_ms(lookup)} ms | none | — |")
    print(
        f"| CSV export, 100,000-row cap | {export_s:.2f} s, {size / 1e6:.1f} MB in {chunks}"
        f" chunks ({100_000 / export_s:,.0f} rows/s), peak Python allocation"
        f" {peak / 1e6:.1f} MB | bounded memory | — |"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=3_000_000)
    parser.add_argument("--others", type=int, default=3)
    parser.add_argument("--other-requests", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    with installation():
        return asyncio.run(measure(args))


if __name__ == "__main__":
    sys.exit(main())
