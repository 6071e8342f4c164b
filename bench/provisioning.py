"""Benchmark: sign-up to a ready tenant schema, with and without the spare-schema pool.

    .venv/bin/python bench/provisioning.py              # ~1 minute
    .venv/bin/python bench/provisioning.py --samples 20

On a throw-away installation (temp folder, embedded PostgreSQL), times in-process, with a
warm connection pool, after a few untimed warm-up rounds:

  (a) `provision_tenant(name, use_pool=True)` in its own transaction (claim a spare schema,
      insert the tenant row, commit). The pool is refilled before each sample, untimed.
  (b) `provision_tenant(name, use_pool=False)`: the schema is built from the template DDL
      in the same transaction.
  (c) the whole `accounts.signup(...)` service call with the pool, which hashes the password
      with argon2 (~150 ms of CPU, by design) before its transaction. The hash is timed
      inside the same call, so the figure is given both with and without it.

Targets: p50 < 50 ms for (a) and for (c) without hashing; p50 < 400 ms for (b).
Prints p50/p95/max and a results table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

WARMUP = 3
POOL_SIZE = 3
POOL_TARGET_MS = 50.0
NO_POOL_TARGET_MS = 400.0
PASSWORD = "Bench-Sparkle-Gems-2026!"  # a throw-away installation


async def spare_names() -> set[str]:
    """The schemas waiting in the spare pool right now."""
    from jewelia.core.db import fetch

    return {r["schema_name"] for r in await fetch("SELECT schema_name FROM public.spare_schema")}


async def table_count(schema: str) -> int:
    """How many tables a schema holds."""
    from jewelia.core.db import fetch

    rows = await fetch(
        "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1 AND c.relkind = 'r'",
        schema,
    )
    return int(rows[0]["n"])


async def provision_once(name: str, use_pool: bool) -> tuple[float, Any]:
    """Provision one tenant in its own transaction; return (seconds, tenant)."""
    from jewelia.core.db import DB
    from jewelia.platform.tenancy.registry import provision_tenant

    start = time.perf_counter()
    async with DB.transaction():
        tenant = await provision_tenant(name, use_pool=use_pool)
    return time.perf_counter() - start, tenant


async def bench_pool(samples: int) -> list[float]:
    """(a) Claim-and-insert times, each from a pool refilled beforehand (untimed)."""
    from jewelia.platform.tenancy.registry import replenish_spare_pool

    times = []
    for i in range(WARMUP + samples):
        await replenish_spare_pool(POOL_SIZE)
        spares = await spare_names()
        took, tenant = await provision_once(f"Pool Bench {i}", use_pool=True)
        assert tenant.schema_name in spares, "tenant schema did not come from the pool"
        if i >= WARMUP:
            times.append(took)
    return times


async def bench_no_pool(samples: int) -> list[float]:
    """(b) Times to build a schema from the template DDL and register the tenant."""
    from jewelia.platform.tenancy.registry import TEMPLATE_SCHEMA

    expected = await table_count(TEMPLATE_SCHEMA)
    times = []
    for i in range(WARMUP + samples):
        spares = await spare_names()
        took, tenant = await provision_once(f"Fresh Bench {i}", use_pool=False)
        assert tenant.schema_name not in spares, "use_pool=False took a spare schema"
        assert await table_count(tenant.schema_name) == expected, "schema is incomplete"
        if i >= WARMUP:
            times.append(took)
    return times


def timing_wrapper(
    fn: Callable[[str], Awaitable[str]], into: list[float]
) -> Callable[[str], Awaitable[str]]:
    """Wrap the async password hasher so each call's duration is appended to `into`."""

    async def timed(password: str) -> str:
        start = time.perf_counter()
        try:
            return await fn(password)
        finally:
            into.append(time.perf_counter() - start)

    return timed


async def signup_once(i: int, hashes: list[float]) -> tuple[float, float]:
    """One pooled sign-up; return (total seconds, seconds spent hashing the password)."""
    from jewelia.platform.accounts import service
    from jewelia.platform.tenancy.registry import replenish_spare_pool

    await replenish_spare_pool(POOL_SIZE)
    spares = await spare_names()
    start = time.perf_counter()
    _, tenant = await service.signup(
        f"Signup Bench {i}", f"Owner {i}", f"owner{i}@bench.example", PASSWORD
    )
    total = time.perf_counter() - start
    assert tenant.schema_name in spares, "signup did not use the spare pool"
    return total, hashes[-1]


async def bench_signup(samples: int) -> tuple[list[float], list[float]]:
    """(c) Whole signup() times and, from the same calls, the argon2 hashing times."""
    from jewelia.platform.accounts import service

    original = service.hash_password_async
    hashes: list[float] = []
    service.hash_password_async = timing_wrapper(original, hashes)  # type: ignore[assignment]
    totals, hashing = [], []
    try:
        for i in range(WARMUP + samples):
            total, hashed = await signup_once(i, hashes)
            if i >= WARMUP:
                totals.append(total)
                hashing.append(hashed)
    finally:
        service.hash_password_async = original  # type: ignore[assignment]
    return totals, hashing


async def measure(samples: int) -> dict[str, list[float]]:
    """Run the three measurements on a migrated installation."""
    from jewelia.core.db import stop_db

    await common.open_database()
    try:
        common.log(f"(a) provision with the spare pool, {samples} samples")
        pool = await bench_pool(samples)
        common.log(f"(b) provision without the pool, {samples} samples")
        no_pool = await bench_no_pool(samples)
        common.log(f"(c) accounts.signup with the pool, {samples} samples")
        totals, hashing = await bench_signup(samples)
    finally:
        await stop_db()
    return {
        "(a) provision_tenant, spare pool": pool,
        "(b) provision_tenant, no pool (template DDL)": no_pool,
        "(c) signup() incl. argon2 hash": totals,
        "(c) signup() excl. argon2 hash": [t - h for t, h in zip(totals, hashing, strict=True)],
        "    argon2 hash alone (same calls)": hashing,
    }


def latency_table(results: dict[str, list[float]]) -> str:
    """p50/p95/max in ms for each measurement."""
    rows = []
    for name, samples in results.items():
        s = common.summary_ms(samples)
        rows.append([name, str(len(samples)), *(f"{s[k]:.1f}" for k in ("p50", "p95", "max"))])
    return common.table(rows, ["measurement", "n", "p50 ms", "p95 ms", "max ms"])


def checks(results: dict[str, list[float]]) -> list[common.Check]:
    """The targets from the issue, against the measured p50s."""
    targets = {
        "(a) provision_tenant, spare pool": POOL_TARGET_MS,
        "(b) provision_tenant, no pool (template DDL)": NO_POOL_TARGET_MS,
        "(c) signup() excl. argon2 hash": POOL_TARGET_MS,
        "(c) signup() incl. argon2 hash": None,
    }
    out = []
    for name, target in targets.items():
        s = common.summary_ms(results[name])
        detail = f"p95 {s['p95']:.1f} ms, max {s['max']:.1f} ms"
        out.append(common.Check(f"{name}, p50", s["p50"], "ms", target, detail))
    return out


def main() -> int:
    """Parse arguments, run the benchmark, print the results, return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50, help="timed samples per case")
    args = parser.parse_args()
    with common.installation():
        results = asyncio.run(measure(args.samples))
    print(f"\nLatency ({WARMUP} untimed warm-up rounds each, pool refilled to {POOL_SIZE}):\n")
    print(latency_table(results))
    return common.report("Tenant provisioning", checks(results))


if __name__ == "__main__":
    sys.exit(main())
