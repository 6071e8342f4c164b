"""Benchmark: the API list benchmark with the request log on vs off, side by side in one run.

    .venv/bin/python bench/request_log_http.py                 # ~3 minutes
    .venv/bin/python bench/request_log_http.py --rounds 6 --seconds 8

The installation and requests of bench/api_list.py (GET /api/v1/customers?limit=20 rotating
over the tenants' admin keys, wrk at 64 connections), against two `jewelia serve` processes
that differ only in JEWELIA_REQUEST_LOG (1 = every request logged, 0 = the middleware left
out), in alternating rounds (on, off, off, on, …) so the machine's load hits both alike.

The cost of logging per request is measured as CPU: (server + PostgreSQL + Redis CPU
milliseconds per completed request) with logging on minus off. That includes the buffered
COPY the web process makes every second and PostgreSQL's work to store the rows. Target
(issue 16): under 0.2 ms. Throughput and p99 of both are printed too. Exit 1 if missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_common as common

TARGET_MS = 0.2
GROUPS = ("app", "postgres", "redis")


def cpu_ms(result: common.WrkResult) -> float:
    """Server-side CPU milliseconds per completed request (web, PostgreSQL, Redis)."""
    return sum(result.cpu_ms_per_request(g) for g in GROUPS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--customers", type=int, default=2_000, help="per tenant")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds per server")
    parser.add_argument("--seconds", type=int, default=6, help="one round")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not common.wrk_available():
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    common.raise_nofile_limit()
    started = time.perf_counter()
    with common.fixture(args.tenants, args.customers) as fx:
        script = common.lua_script(
            fx.data_dir / "api_list.lua",
            [(common.LIST_PATH, "Authorization", f"Bearer {t.api_key}") for t in fx.tenants],
        )
        on_port, off_port = common.free_port(), common.free_port()
        fx_on = dataclasses.replace(fx, env={**fx.env, "JEWELIA_REQUEST_LOG": "1"})
        fx_off = dataclasses.replace(fx, env={**fx.env, "JEWELIA_REQUEST_LOG": "0"})
        with (
            common.server(
                fx_on, "log-on", common.api_command(on_port, args.workers), on_port
            ) as on,
            common.server(
                fx_off, "log-off", common.api_command(off_port, args.workers), off_port
            ) as off,
        ):
            servers = {"on": on, "off": off}
            for srv in servers.values():
                common.run_wrk("warm-up", srv.url, script, args.connections, 3)
            rounds: dict[str, list[common.WrkResult]] = {"on": [], "off": []}
            for n in range(args.rounds):
                for name in ("on", "off") if n % 2 == 0 else ("off", "on"):
                    common.wait_for_quiet()
                    r = common.run_wrk(
                        f"log {name}",
                        servers[name].url,
                        script,
                        args.connections,
                        args.seconds,
                        server=servers[name],
                    )
                    rounds[name].append(r)
                    common.log(
                        f"round {n + 1} log {name}: {r.rps:,.0f} req/s, p99 {r.p99_ms} ms,"
                        f" server CPU {cpu_ms(r):.3f} ms/request"
                    )
    on_cpu = [cpu_ms(r) for r in rounds["on"]]
    off_cpu = [cpu_ms(r) for r in rounds["off"]]
    diffs = [a - b for a, b in zip(on_cpu, off_cpu, strict=True)]
    cost = statistics.median(on_cpu) - statistics.median(off_cpu)
    on_all, off_all = (
        common.combine("log on", rounds["on"]),
        common.combine("log off", rounds["off"]),
    )
    print()
    print(common.table([on_all, off_all]))
    print(
        f"\nserver CPU per request: on {statistics.median(on_cpu):.3f} ms, off"
        f" {statistics.median(off_cpu):.3f} ms (medians of {args.rounds} rounds);"
        f" per-round pairs {', '.join(f'{d:+.3f}' for d in diffs)}"
    )
    print(
        f"throughput on {on_all.rps:,.0f} vs off {off_all.rps:,.0f} req/s;"
        f" p99 on {on_all.p99_ms} vs off {off_all.p99_ms} ms"
    )
    ok = cost < TARGET_MS
    verdict = "PASS" if ok else "FAIL"
    print(f"logging costs {cost:.3f} ms CPU per request (target < {TARGET_MS} ms): {verdict}")
    print(f"{common.machine()}; {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
