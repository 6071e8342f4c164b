"""Benchmark: GET /api/v1/customers?limit=20 across 50 tenants, against a bare reference.

    .venv/bin/python bench/api_list.py                 # workers 1 and 2, ~5 minutes
    .venv/bin/python bench/api_list.py --workers 1 --rounds 2

Builds a temp installation (50 tenants x 10,000 customers, one admin API key each). For each
worker count it starts the real server (`jewelia serve`) and bench/reference_app.py (same SQL,
no auth, no middleware) side by side, and measures both with wrk at 64 connections in
alternating rounds (API, reference, reference, API, …) so that a change in the machine's
load hits both alike. Requests rotate over the 50 tenants: the API by Authorization header,
the reference by X-Tenant-Schema. Each is also run at one connection (unloaded latency, no
target). Then the API is held at 1,000 connections. Targets (per worker count):

  * API throughput >= 60% of the reference's, at 64 connections
  * API p99 < 50 ms at 64 connections: 64 clients each pausing a random time (exponential,
    mean --think-ms, 100 ms) between requests. At saturation (no pause, the throughput
    rounds) latency is set by queueing, 64 / throughput by Little's law, for the API and the
    bare reference alike; that p99 is printed too, with no target (see bench/README.md).
  * zero errors (socket errors, timeouts, non-2xx) with 1,000 connections for ~10 s

Prints a table and exits 1 if a target is missed (2 if the benchmark could not run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_common as common

RATIO_TARGET = 0.60
P99_TARGET_MS = 50.0


def check_api(srv: common.Server, fx: common.Fixture) -> None:
    """Every key answers 200 with its own tenant's customers."""
    for tenant in fx.tenants:
        status, body = common.get_json(
            srv.url + common.LIST_PATH, {"Authorization": f"Bearer {tenant.api_key}"}
        )
        if status != 200 or body["pagination"]["total"] != tenant.customers:
            raise RuntimeError(f"API check failed for {tenant.slug}: {status} {body}")
        if len(body["data"]) != 20:
            raise RuntimeError(f"API returned {len(body['data'])} rows, not 20")


def check_reference(srv: common.Server, fx: common.Fixture) -> None:
    for tenant in fx.tenants:
        status, body = common.get_json(
            srv.url + "/customers", {"X-Tenant-Schema": tenant.schema_name}
        )
        if status != 200 or body["pagination"]["total"] != tenant.customers:
            raise RuntimeError(f"reference check failed for {tenant.slug}: {status} {body}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="REST API list benchmark")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts (default 1,2)")
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--customers", type=int, default=10_000, help="per tenant")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    parser.add_argument("--seconds", type=int, default=5, help="one round")
    parser.add_argument("--warmup", type=int, default=3, help="seconds, per server")
    parser.add_argument(
        "--light-connections", type=int, default=1, help="unloaded latency run (no target)"
    )
    parser.add_argument(
        "--think-ms",
        type=int,
        default=100,
        help="pause per client between requests for the p99 run (0: closed loop only)",
    )
    parser.add_argument("--hold-connections", type=int, default=1000)
    parser.add_argument("--hold-seconds", type=int, default=10)
    parser.add_argument("--hold-timeout", type=int, default=30, help="wrk timeout, 1000-conn run")
    parser.add_argument(
        "--quiet-wait", type=int, default=300, help="max s in all to wait for other load to end"
    )
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--raw", action="store_true", help="print wrk's own reports too")
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]

    if not common.wrk_available():
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    nofile = common.raise_nofile_limit()
    common.set_quiet_budget(args.quiet_wait)
    if nofile < args.hold_connections * 2 + 256:
        print(f"open-files limit {nofile} is too low for {args.hold_connections}", file=sys.stderr)
        return 2

    results: list[dict[str, Any]] = []
    checks: list[tuple[str, bool, str]] = []
    rows: list[common.WrkResult] = []
    started = time.perf_counter()
    code = common.code_version()
    with common.fixture(args.tenants, args.customers) as fx:
        api_script = common.lua_script(
            fx.data_dir / "api_list.lua",
            [(common.LIST_PATH, "Authorization", f"Bearer {t.api_key}") for t in fx.tenants],
        )
        think_script = common.lua_script(
            fx.data_dir / "api_list_think.lua",
            [(common.LIST_PATH, "Authorization", f"Bearer {t.api_key}") for t in fx.tenants],
            think_ms=args.think_ms,
        )
        ref_script = common.lua_script(
            fx.data_dir / "reference_list.lua",
            [("/customers", "X-Tenant-Schema", t.schema_name) for t in fx.tenants],
        )
        for w in workers:
            api_port, ref_port = common.free_port(), common.free_port()
            common.log(f"workers={w}: jewelia serve on :{api_port}, reference on :{ref_port}")
            api_cmd = common.api_command(api_port, w)
            ref_cmd = common.reference_command(ref_port, w)
            with (
                common.server(fx, f"api-w{w}", api_cmd, api_port) as api_srv,
                common.server(fx, f"ref-w{w}", ref_cmd, ref_port) as ref_srv,
            ):
                check_api(api_srv, fx)
                check_reference(ref_srv, fx)
                targets = {
                    "api": (api_srv, api_script),
                    "ref": (ref_srv, ref_script),
                }
                for srv, script in targets.values():
                    common.run_wrk("warm-up", srv.url, script, args.connections, args.warmup)
                rounds: dict[str, list[common.WrkResult]] = {"api": [], "ref": []}
                for n in range(args.rounds):
                    for name in ("api", "ref") if n % 2 == 0 else ("ref", "api"):
                        srv, script = targets[name]
                        common.wait_for_quiet()
                        result = common.run_wrk(
                            name, srv.url, script, args.connections, args.seconds, server=srv
                        )
                        rounds[name].append(result)
                        common.log(
                            f"round {n + 1} {name}: {result.rps:,.0f} req/s,"
                            f" p99 {result.p99_ms} ms, steal {result.cpu['steal']:.1f}s"
                        )
                api = common.combine(f"API w={w}", rounds["api"])
                ref = common.combine(f"reference w={w}", rounds["ref"])
                light = []
                for name, label in (("api", "API"), ("ref", "reference")):
                    srv, script = targets[name]
                    common.wait_for_quiet()
                    light.append(
                        common.run_wrk(
                            f"{label} w={w}",
                            srv.url,
                            script,
                            args.light_connections,
                            args.seconds,
                            threads=1,
                            server=srv,
                        )
                    )
                common.wait_for_quiet()
                paced = common.run_wrk(
                    f"API w={w} ~{args.think_ms}ms pause",
                    api_srv.url,
                    think_script,
                    args.connections,
                    max(args.seconds, 10),
                    server=api_srv,
                )
                light.append(paced)
                common.wait_for_quiet()
                hold = common.run_wrk(
                    f"API w={w} hold",
                    api_srv.url,
                    api_script,
                    args.hold_connections,
                    args.hold_seconds,
                    timeout_s=args.hold_timeout,
                    server=api_srv,
                )
                common.log(f"hold: {hold.total_errors} errors ({common.error_detail(hold)})")
            rows += [api, ref, *light, hold]
            ratio = api.rps / ref.rps if ref.rps else 0.0
            round_ratios = [
                a.rps / r.rps for a, r in zip(rounds["api"], rounds["ref"], strict=True) if r.rps
            ]
            checks += [
                (
                    f"workers={w}: API throughput >= {RATIO_TARGET:.0%} of reference",
                    ratio >= RATIO_TARGET,
                    f"{ratio:.0%} ({api.rps:,.0f} vs {ref.rps:,.0f} req/s; rounds"
                    f" {', '.join(f'{x:.0%}' for x in round_ratios)})",
                ),
                (
                    f"workers={w}: API p99 < {P99_TARGET_MS:.0f} ms at {args.connections} conns,"
                    f" {args.think_ms} ms pause",
                    paced.p99_ms < P99_TARGET_MS and paced.total_errors == 0,
                    f"p99 {paced.p99_ms:.1f} ms, p50 {paced.p50_ms:.1f} ms at"
                    f" {paced.rps:,.0f} req/s; saturated (no pause): API p99 {api.p99_ms:.1f} ms,"
                    f" reference p99 {ref.p99_ms:.1f} ms (no target)",
                ),
                (
                    f"workers={w}: zero errors at {args.hold_connections} conns",
                    hold.total_errors == 0,
                    f"{hold.total_errors} errors ({common.error_detail(hold)});"
                    f" {hold.requests:,} requests, p50 {hold.p50_ms:.0f} ms, p99"
                    f" {hold.p99_ms:.0f} ms, {hold.over_2s:,} took > 2 s",
                ),
            ]
            results.append(
                {"workers": w, "api": api.as_dict(), "reference": ref.as_dict()}
                | {"hold": hold.as_dict(), "ratio": round(ratio, 3)}
                | {"light": [r.as_dict() for r in light]}
                | {"api_rounds": [r.as_dict() for r in rounds["api"]]}
                | {"reference_rounds": [r.as_dict() for r in rounds["ref"]]}
            )
        seed_seconds = fx.seed_seconds

    print()
    print(
        f"REST API list benchmark: {common.machine()}; {args.tenants} tenants x"
        f" {args.customers:,} customers; GET {common.LIST_PATH}; wrk -t2 -c{args.connections},"
        f" {args.rounds} alternating rounds of {args.seconds}s per server"
    )
    print(
        f"(p50/p90/p99: median of the rounds; hold: {args.hold_connections} connections for"
        f" {args.hold_seconds}s with wrk --timeout {args.hold_timeout}s, other runs 2s;"
        " errs: connect + read + write + timeout + non-2xx;\n app/pg/redis cpu: CPU ms per"
        " request spent by the server's processes / PostgreSQL / Redis; other, steal: cores busy"
        " with processes not ours / taken by the hypervisor)"
    )
    print(f"Code: {code}; plan {common.PLAN}")
    print(common.table(rows))
    print()
    for name, passed, detail in checks:
        print(f"[{'PASS' if passed else 'FAIL'}] {name}: {detail}")
    print(f"(seeding {seed_seconds:.0f}s, total {time.perf_counter() - started:.0f}s)")
    if args.raw:
        for r in rows:
            print(f"\n--- wrk: {r.label}\n{r.raw}")
    common.write_json(args.json, {"runs": results, "checks": checks})
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
