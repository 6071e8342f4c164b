"""Benchmark: customer search through the REST API on a tenant with 100,000 customers.

    .venv/bin/python bench/api_search.py               # ~3 minutes
    .venv/bin/python bench/api_search.py --seconds 5 --customers 20000

Builds a temp installation with one tenant of 100,000 realistic customers and an admin API
key, starts `jewelia serve`, and for each search term (a first name, a surname prefix, two
email fragments, a company word) measures GET /api/v1/customers?limit=20&search=<term> with
wrk: one connection (the latency a person typing into the search box sees; this is where the
target applies) and 8 connections (for context). Then runs the exact SQL the service issued
for each term (captured with an asyncpg query logger) under EXPLAIN (ANALYZE, BUFFERS) to
show the time spent inside PostgreSQL.

Target: p50 < 20 ms for every term at one connection. Exits 1 if missed, 2 if it cannot run.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_common as common

P50_TARGET_MS = 20.0
# A first name, a surname prefix, two email fragments (the start of an address, which is
# rare, and a mail domain, which is common: the count is the costly part there) and a word
# of a company name.
TERMS = [
    ("first name", "olivia"),
    ("surname prefix", "mart"),
    ("email start", "olivia.sm"),
    ("email domain", "icloud"),
    ("company word", "atelier"),
]


def search_path(term: str) -> str:
    return "/api/v1/customers?" + urllib.parse.urlencode({"limit": 20, "search": term})


async def explain(fx: common.Fixture, terms: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """EXPLAIN ANALYZE the statements list_customers runs for each term, in the tenant's scope."""
    from jewelia.core.api import parse_page
    from jewelia.core.db import DB, TenantRef, fetch, start_db, stop_db, tenant_scope
    from jewelia.core.settings import get_settings
    from jewelia.tenants.crm.customers import service

    tenant = fx.search_tenant
    assert tenant is not None
    ref = TenantRef(id=tenant.id, schema_name=tenant.schema_name)
    out: list[dict[str, Any]] = []
    await start_db(get_settings().database_url, min_size=1, max_size=2)
    try:
        for kind, term in terms:
            async with tenant_scope(ref):
                txn = DB.current_transaction.get()
                assert txn is not None
                captured: list[Any] = []
                txn.connection.add_query_logger(captured.append)
                try:
                    await service.list_customers(ref, parse_page(None, 20, None), search=term)
                    await asyncio.sleep(0)  # loggers are called soon, not at once
                finally:
                    txn.connection.remove_query_logger(captured.append)
                for record in captured:
                    if " customer " not in record.query:
                        continue
                    # The server reuses prepared statements, so after five runs PostgreSQL
                    # may switch to a generic plan that cannot see the term: show both.
                    for mode in ("force_custom_plan", "force_generic_plan"):
                        await fetch("SELECT set_config('plan_cache_mode', $1, true)", mode)
                        plan = await fetch(
                            "EXPLAIN (ANALYZE, BUFFERS) " + record.query, *record.args
                        )
                        text = "\n".join(row["QUERY PLAN"] for row in plan)
                        out.append(
                            {
                                "kind": kind,
                                "term": term,
                                "sql": record.query,
                                "args": [str(a) for a in record.args],
                                "statement": "count" if "count(*)" in record.query else "page",
                                "plan_mode": mode.split("_")[1],
                                "planning_ms": _ms(r"Planning Time: ([\d.]+) ms", text),
                                "execution_ms": _ms(r"Execution Time: ([\d.]+) ms", text),
                                "plan": text,
                            }
                        )
    finally:
        await stop_db()
    return out


def _ms(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    return float(match.group(1)) if match else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="REST API search benchmark")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10, help="each measured run")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", default="1,8", help="first one is the target's")
    parser.add_argument(
        "--quiet-wait", type=int, default=300, help="max s in all to wait for other load to end"
    )
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--raw", action="store_true", help="print wrk's reports and all plans")
    args = parser.parse_args(argv)
    conns = [int(c) for c in args.connections.split(",") if c.strip()]

    if not common.wrk_available():
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    common.raise_nofile_limit()
    common.set_quiet_budget(args.quiet_wait)
    rows: list[common.WrkResult] = []
    matches: dict[str, int] = {}
    checks: list[tuple[str, bool, str]] = []
    started = time.perf_counter()
    code = common.code_version()
    with common.fixture(0, 0, search_rows=args.customers) as fx:
        tenant = fx.search_tenant
        assert tenant is not None
        auth = f"Bearer {tenant.api_key}"
        port = common.free_port()
        command = common.api_command(port, args.workers)
        with common.server(fx, f"api-w{args.workers}", command, port) as srv:
            for kind, term in TERMS:
                status, body = common.get_json(srv.url + search_path(term), {"Authorization": auth})
                if status != 200 or not body["data"]:
                    raise RuntimeError(f"search {term!r} failed or found nothing: {status}")
                matches[term] = body["pagination"]["total"]
                script = common.lua_script(
                    fx.data_dir / f"search_{term}.lua", [(search_path(term), "Authorization", auth)]
                )
                common.run_wrk("warm-up", srv.url, script, conns[0], args.warmup, threads=1)
                for c in conns:
                    common.wait_for_quiet()
                    result = common.run_wrk(
                        f"{kind} '{term}'", srv.url, script, c, args.seconds, server=srv
                    )
                    rows.append(result)
                    common.log(f"{term!r} c={c}: p50 {result.p50_ms} ms, {result.rps:,.0f} req/s")
                    if c == conns[0]:
                        checks.append(
                            (
                                f"search {kind} {term!r}: p50 < {P50_TARGET_MS:.0f} ms"
                                f" at {c} connection(s)",
                                result.p50_ms < P50_TARGET_MS and result.total_errors == 0,
                                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms,"
                                f" {matches[term]:,} matches, {result.total_errors} errors",
                            )
                        )
        plans = asyncio.run(explain(fx, TERMS))
        seed_seconds = fx.seed_seconds

    print()
    print(
        f"REST API search benchmark: {common.machine()}; 1 tenant x {args.customers:,}"
        f" customers; GET /api/v1/customers?limit=20&search=<term>; jewelia serve"
        f" --workers {args.workers}; {args.seconds}s runs; wrk"
    )
    print(
        f"Code: {code}; plan {common.PLAN}. app/pg/redis cpu: CPU ms per request;"
        " other, steal: cores busy with processes not ours / taken by the hypervisor"
    )
    print(common.table(rows, "search"))
    print()
    print("Inside PostgreSQL: EXPLAIN ANALYZE of the service's own statements (warm cache), ms")
    print(
        f"{'term':<28} {'matches':>8} {'page':>7} {'count':>7} {'planning':>8}"
        f" {'page, generic plan':>19} {'count, generic':>15}"
    )

    def pick(term: str, statement: str, mode: str) -> dict[str, Any]:
        return next(
            p
            for p in plans
            if p["term"] == term and p["statement"] == statement and p["plan_mode"] == mode
        )

    for kind, term in TERMS:
        page, count = pick(term, "page", "custom"), pick(term, "count", "custom")
        g_page, g_count = pick(term, "page", "generic"), pick(term, "count", "generic")
        print(
            f"{kind + ' ' + repr(term):<28} {matches[term]:>8,} {page['execution_ms']:>7.2f}"
            f" {count['execution_ms']:>7.2f} {page['planning_ms'] + count['planning_ms']:>8.2f}"
            f" {g_page['execution_ms']:>19.2f} {g_count['execution_ms']:>15.2f}"
        )
    custom = [p for p in plans if p["plan_mode"] == "custom"]
    slowest = max(custom, key=lambda p: p["execution_ms"])
    shown = plans if args.raw else [p for p in custom if p["term"] == slowest["term"]]
    for p in shown:
        print(
            f"\n-- {p['statement']} query for {p['term']!r} ({p['plan_mode']} plan):"
            f" {p['sql']}  args {p['args']}"
        )
        print(p["plan"])
    print()
    for name, passed, detail in checks:
        print(f"[{'PASS' if passed else 'FAIL'}] {name}: {detail}")
    print(f"(seeding {seed_seconds:.0f}s, total {time.perf_counter() - started:.0f}s)")
    if args.raw:
        for r in rows:
            print(f"\n--- wrk: {r.label} c={r.connections}\n{r.raw}")
    common.write_json(
        args.json,
        {
            "runs": [r.as_dict() for r in rows],
            "matches": matches,
            "plans": plans,
            "checks": checks,
        },
    )
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
