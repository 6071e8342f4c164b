"""Benchmark: what the API request log costs a request (GET /api/v1/customers?limit=20).

    .venv/bin/python bench/request_log_overhead.py             # ~2 minutes
    .venv/bin/python bench/request_log_overhead.py --rounds 10 --requests 500

Target (issue 16): logging costs under 0.2 ms per request.

The API list benchmark's set-up (bench/_api_common.py: tenants of seeded customers, an admin
key each) and its request, made in ONE process against two instances of the real app built by
`create_app()`: one with the request log (JEWELIA_REQUEST_LOG=1, the default) and one without
(=0: the middleware is left out). Both share the database pool, grant cache and Redis. Rounds
alternate (on, off, off, on, …) so a change in the machine's load hits both alike; each round
makes --requests sequential ASGI calls rotating over the tenants' keys, and the "on" round ends
with `flush_now()` inside its timing, so the COPY of its rows is paid in the round. Reported:
the medians of the rounds' wall time per request (the cost is their difference), and CPU per
request of this process and of PostgreSQL (the COPY's side). No wrk: the calls are in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_common as common

TARGET_MS = 0.2


async def _receive() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


def _scope(key: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/customers",
        "raw_path": b"/api/v1/customers",
        "query_string": b"limit=20",
        "root_path": "",
        "headers": [
            (b"host", b"bench.local"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"user-agent", b"jewelia-bench/1.0"),
            (b"accept", b"application/json"),
        ],
        "client": ("127.0.0.1", 50123),
        "server": ("127.0.0.1", 80),
        "state": {},
    }


async def _round(app: Any, keys: list[str], n: int, flush: bool) -> tuple[float, float, int]:
    """n sequential requests: (wall seconds, this process's CPU seconds, non-200 answers)."""
    from jewelia.platform.analytics.requestlog import flush_now

    bad = 0

    async def send(message: Any) -> None:
        nonlocal bad
        if message["type"] == "http.response.start" and message["status"] != 200:
            bad += 1

    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        await app(_scope(keys[i % len(keys)]), _receive, send)
    if flush:
        await flush_now()
    return time.perf_counter() - wall, time.process_time() - cpu, bad


async def isolated(n: int = 20_000) -> dict[str, float]:
    """The middleware alone around an app that answers at once (an authenticated caller in
    the scope, as the guard leaves it), and the writer's COPY cost per row."""
    import uuid
    from types import SimpleNamespace

    from jewelia.platform.analytics.requestlog import WRITER, request_log_middleware
    from jewelia.platform.apikeys.guard import CALLER_SCOPE_KEY
    from jewelia.tenants.audit.service import Actor

    caller = SimpleNamespace(
        tenant=SimpleNamespace(id=uuid.uuid4()),
        actor=Actor("api_key", uuid.uuid4(), "jw_live_abcdef"),
    )

    async def app(scope: Any, receive: Any, send: Any) -> None:
        scope[CALLER_SCOPE_KEY] = caller
        scope["path_template"] = "/api/v1/customers"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}" * 400})

    async def send(message: Any) -> None:
        return None

    wrapped = request_log_middleware(app)
    bare, logged = [], []
    for _ in range(10):
        for target, out in ((app, bare), (wrapped, logged)):
            start = time.perf_counter()
            for _ in range(n // 10):
                await target(_scope("x"), _receive, send)
            out.append((time.perf_counter() - start) / (n // 10) * 1000)
            if target is wrapped:
                rows = len(WRITER.buffer)
                start = time.perf_counter()
                await WRITER.flush()
                copy_ms = (time.perf_counter() - start) / max(rows, 1) * 1000
    return {
        "middleware_ms": statistics.median(logged) - statistics.median(bare),
        "copy_ms_per_row": copy_ms,
    }


def _pg_cpu(fx: common.Fixture) -> float:
    return common._cpu_by_group(None, fx.postgres_pid, None)["postgres"]


async def measure(fx: common.Fixture, args: argparse.Namespace) -> dict[str, Any]:
    from jewelia.app import create_app
    from jewelia.core.db import fetch, start_db, stop_db
    from jewelia.core.settings import get_settings, reset_settings
    from jewelia.platform.analytics.requestlog import WRITER
    from jewelia.platform.apikeys.grant_cache import GRANTS

    apps = {}
    for mode, flag in (("on", "1"), ("off", "0")):
        os.environ["JEWELIA_REQUEST_LOG"] = flag
        reset_settings()
        apps[mode] = create_app()
    os.environ.pop("JEWELIA_REQUEST_LOG")
    reset_settings()
    await start_db(get_settings().database_url, min_size=2, max_size=8)
    await GRANTS.start(get_settings().database_url)
    keys = [t.api_key for t in fx.tenants]
    try:
        for mode in ("on", "off"):  # warm: grants cached, statements prepared, partitions made
            await _round(apps[mode], keys, 300, mode == "on")
        before = (await fetch("SELECT count(*) AS n FROM public.request_log"))[0]["n"]
        results: dict[str, dict[str, list[float]]] = {
            m: {"wall": [], "cpu": [], "pg": []} for m in apps
        }
        bad = 0
        for r in range(args.rounds):
            order = ("on", "off") if r % 2 == 0 else ("off", "on")
            for mode in order:
                pg = _pg_cpu(fx)
                wall, cpu, errors = await _round(apps[mode], keys, args.requests, mode == "on")
                bad += errors
                results[mode]["wall"].append(wall / args.requests * 1000)
                results[mode]["cpu"].append(cpu / args.requests * 1000)
                results[mode]["pg"].append((_pg_cpu(fx) - pg) / args.requests * 1000)
            common.log(
                f"round {r + 1}: on {results['on']['wall'][-1]:.3f} ms,"
                f" off {results['off']['wall'][-1]:.3f} ms per request"
            )
        after = (await fetch("SELECT count(*) AS n FROM public.request_log"))[0]["n"]
        alone = await isolated()
    finally:
        await GRANTS.stop()
        await stop_db()
    med = {m: {k: statistics.median(v) for k, v in results[m].items()} for m in results}
    pairs = [a - b for a, b in zip(results["on"]["wall"], results["off"]["wall"], strict=True)]
    return {
        "alone": alone,
        "paired": statistics.median(pairs),
        "median": med,
        "rows": after - before,
        "expected_rows": args.rounds * args.requests,
        "bad": bad,
        "dropped": WRITER.dropped,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--customers", type=int, default=2_000, help="per tenant")
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--requests", type=int, default=600, help="per round")
    args = parser.parse_args()
    with common.fixture(args.tenants, args.customers) as fx:
        out = asyncio.run(measure(fx, args))
    on, off = out["median"]["on"], out["median"]["off"]
    cost = on["wall"] - off["wall"]
    cpu_cost = (on["cpu"] + on["pg"]) - (off["cpu"] + off["pg"])
    rows_ok = out["rows"] == out["expected_rows"] and out["bad"] == 0
    passed = cost < TARGET_MS and rows_ok
    print(f"request log overhead — {common.machine()}, load average {os.getloadavg()[0]:.1f}")
    print("| measure (median of rounds, per request) | log on | log off | cost | target | result |")
    print("|---|---|---|---|---|---|")
    print(
        f"| wall time, GET /customers?limit=20 ({args.rounds} rounds x {args.requests} calls)"
        f" | {on['wall']:.3f} ms | {off['wall']:.3f} ms | **{cost:.3f} ms**"
        f" | < {TARGET_MS} ms | **{'pass' if passed else 'MISS'}** |"
    )
    print(
        f"| the same, median of the rounds' paired differences (on - off) | | |"
        f" {out['paired']:.3f} ms | none | — |"
    )
    print(
        f"| the middleware alone (ASGI call, no I/O; {20_000:,} calls each way) | | |"
        f" {out['alone']['middleware_ms'] * 1000:.1f} us | none | — |"
    )
    print(
        f"| the writer's COPY, per row (background task, off the request) | | |"
        f" {out['alone']['copy_ms_per_row'] * 1000:.1f} us | none | — |"
    )
    print(
        f"| CPU: app process + PostgreSQL | {on['cpu']:.3f} + {on['pg']:.3f} ms"
        f" | {off['cpu']:.3f} + {off['pg']:.3f} ms | {cpu_cost:.3f} ms | none | — |"
    )
    print(
        f"| rows written by the log on rounds / requests made; non-200; dropped"
        f" | {out['rows']:,} / {out['expected_rows']:,}; {out['bad']}; {out['dropped']} | | |"
        f" equal, 0, 0 | {'pass' if rows_ok else 'MISS'} |"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
