"""Benchmark: one pass of alert evaluation (`alerts.evaluate(now)`) over every business's rules.

    .venv/bin/python bench/alerts_evaluate.py                  # ~2-3 minutes
    .venv/bin/python bench/alerts_evaluate.py --businesses 50 --busy-requests 100000

Target (issue 16: a rule fires within two minutes): the scheduler sends `evaluate_alerts` every
minute, so one pass over every rule must end well inside that minute: under 30 s here.

Set-up (not timed): a temp installation; --businesses businesses (real tenant schemas), each
with three rules (error rate > 5 % over 5 min, p95 > 800 ms over 60 min, hourly limit share
> 80 %) and --requests requests in the last hour, written to public.request_log with one INSERT
… SELECT generate_series per business; one busy business also has --busy-requests requests
over 24 hours and a fourth rule, p95 over 1,440 minutes (the widest window). Timed: a pass where
nothing fires (the steady state), a pass where every error-rate rule fires (each incident
opened, an email per owner, an in-app notification and an alert.triggered event, each in its
rule's transaction), and a pass with every incident open inside its cooldown.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Check, installation, log, open_database, report

TARGET_S = 30.0
SEED_SQL = """
INSERT INTO public.request_log (at, tenant_id, request_id, source, credential_type, method,
    route, path, status, duration_ms)
SELECT $1::timestamptz - make_interval(secs => n * $3::float8), $2, 'req_' || n, 'server',
       'api_key', 'GET', '/api/v1/customers', '/api/v1/customers',
       CASE WHEN n % $5::int = 0 THEN 500 ELSE 200 END, 5 + (n % 97)
FROM generate_series(1, $4::int) AS n
"""


async def _pass(now: datetime) -> tuple[float, dict[str, int]]:
    from jewelia.platform.analytics import alerts

    started = time.perf_counter()
    counts = await alerts.evaluate(now)
    return time.perf_counter() - started, counts


async def measure(args: argparse.Namespace) -> int:
    from jewelia.core.db import execute
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.analytics import alerts

    await open_database()
    now = datetime.now(UTC).replace(microsecond=0)
    for d in (-1, 0, 1):
        await execute(
            "SELECT public.request_log_partition($1::date)", (now + timedelta(days=d)).date()
        )
    started = time.perf_counter()
    tenants = []
    for i in range(args.businesses):
        _, tenant = await accounts.signup(
            f"Bench Gems {i}", "Bo Bench", f"bench-{i}@example.com", "Correct-Horse-Battery-9"
        )
        tenants.append(tenant)
        rules = (
            {"name": "Errors", "metric": "error_rate", "threshold": 5, "window_minutes": 5},
            {"name": "Slow", "metric": "p95_latency", "threshold": 800, "window_minutes": 60},
            {"name": "Limit", "metric": "hourly_limit_share", "threshold": 80, "window_minutes": 5},
        )
        for values in rules:
            await alerts.create_rule(tenant.ref, {**values, "cooldown_minutes": 60})
        # 1 % of requests fail: below every threshold.
        await execute(SEED_SQL, now, tenant.id, 3600 / args.requests, args.requests, 100)
    busy = tenants[0]
    await alerts.create_rule(
        busy.ref,
        {"name": "Slow day", "metric": "p95_latency", "threshold": 800, "window_minutes": 1440},
    )
    await execute(SEED_SQL, now, busy.id, 86400 / args.busy_requests, args.busy_requests, 100)
    await execute("ANALYZE public.request_log")
    rules_total = args.businesses * 3 + 1
    rows = args.businesses * args.requests + args.busy_requests
    log(
        f"{args.businesses} businesses, {rules_total} rules, {rows:,} rows in {time.perf_counter() - started:.0f} s"
    )

    await _pass(now)  # warm-up (plans cached, statements prepared)
    quiet, counts = await _pass(now + timedelta(seconds=1))
    assert counts["triggered"] == 0, counts
    # Every business's last minute fails: its error-rate rule fires.
    failing = now + timedelta(minutes=1)
    for tenant in tenants:
        fails = 2000 if tenant is busy else 50  # the busy one logs ~1,700 requests in 5 minutes
        await execute(SEED_SQL, failing, tenant.id, 60 / fails, fails, 1)
    firing, counts = await _pass(failing + timedelta(seconds=1))
    assert counts["triggered"] == args.businesses, counts
    held, counts = await _pass(failing + timedelta(seconds=30))
    assert counts["triggered"] == counts["renotified"] == 0, counts

    per_rule = quiet / rules_total * 1000
    return report(
        f"Alert evaluation: {rules_total} rules of {args.businesses} businesses, {rows:,} logged requests",
        [
            Check("pass, nothing fires", quiet, "s", TARGET_S, f"{per_rule:.1f} ms per rule"),
            Check(
                "pass, every error-rate rule fires and notifies",
                firing,
                "s",
                TARGET_S,
                f"{args.businesses} incidents opened with email, in-app and webhook event",
            ),
            Check("pass, incidents open within their cooldown", held, "s", TARGET_S),
        ],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--businesses", type=int, default=200)
    parser.add_argument("--requests", type=int, default=600, help="per business, last hour")
    parser.add_argument("--busy-requests", type=int, default=500_000, help="over 24 hours")
    args = parser.parse_args()
    with installation():
        return asyncio.run(measure(args))


if __name__ == "__main__":
    sys.exit(main())
