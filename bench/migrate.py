"""Benchmark: `jewelia migrate` over 1,000 tenants, with nothing to do and with a new column.

    .venv/bin/python bench/migrate.py                   # ~3-5 minutes, mostly set-up
    .venv/bin/python bench/migrate.py --tenants 200 --customers 0

On a throw-away installation (temp folder, embedded PostgreSQL) it creates 1,000 tenants
(`provision_tenant(use_pool=False)`, 10 per transaction; each given 200 customers so the
new index has rows to build) and a spare pool of 3 schemas, then:

  1. Nothing to do: `migrate_all()` in-process (5 runs, warm pool), and the real CLI,
     `.venv/bin/jewelia migrate`, as a subprocess (3 runs, wall clock including Python
     start-up, imports and opening the database pool).
  2. Additive migration: copies migrations/ to the temp folder, adds the next tenant
     migration (ALTER TABLE customer ADD COLUMN bench_note text; CREATE INDEX on it), points
     JEWELIA_MIGRATIONS_DIR at the copy and times one `migrate_all(concurrency=4)`. Then
     checks every tenant's schema_version, the column and index in every tenant schema and
     the template, and reads the column in a sample of tenant scopes.

Targets: nothing to do < 2 s (every run, in-process and CLI); additive migration < 60 s.
Prints a results table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

BATCH = 10
SPARES = 3
NOOP_RUNS = 5
CLI_RUNS = 3
SAMPLE = 20
NOOP_TARGET_S = 2.0
ADDITIVE_TARGET_S = 60.0

SEED_SQL = """
INSERT INTO "{schema}".customer (id, full_name, email, company, created_at)
SELECT gen_random_uuid(), 'Customer ' || g, 'customer' || g || '@example.com',
       CASE WHEN g % 3 = 0 THEN 'Company ' || (g % 50) END,
       now() - g * interval '1 hour'
FROM generate_series(1, $1::int) AS g(g)
"""

MIGRATION_TEMPLATE = '''"""Benchmark only: an additive tenant migration (a new column plus its index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "{id}"
VERSION = "1.38.0"
DESCRIPTION = "bench: customer.bench_note and its index"

SQL = """
ALTER TABLE customer ADD COLUMN bench_note text;
CREATE INDEX customer_bench_note_idx ON customer (bench_note);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
'''


# --- set-up -----------------------------------------------------------------------------


async def create_batch(start: int, count: int, customers: int) -> None:
    """Provision `count` tenants (schema from the template DDL) in one transaction."""
    from jewelia.core.db import DB, execute
    from jewelia.platform.tenancy.registry import provision_tenant

    async with DB.transaction():
        for i in range(start, start + count):
            tenant = await provision_tenant(f"Migrate Bench {i}", use_pool=False)
            if customers:
                await execute(SEED_SQL.format(schema=tenant.schema_name), customers)


async def create_tenants(total: int, customers: int) -> float:
    """Create `total` tenants in batches plus the spare pool; return the seconds it took."""
    from jewelia.platform.tenancy.registry import replenish_spare_pool

    start = time.perf_counter()
    for first in range(0, total, BATCH):
        await create_batch(first, min(BATCH, total - first), customers)
        if (first + BATCH) % 100 == 0:
            common.log(f"  {first + BATCH} tenants")
    await replenish_spare_pool(SPARES)
    return time.perf_counter() - start


# --- nothing to do ----------------------------------------------------------------------


async def noop_in_process(runs: int) -> list[float]:
    """Time migrate_all() when nothing is pending, `runs` times."""
    from jewelia.platform.tenancy.migrate import migrate_all

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = await migrate_all()
        times.append(time.perf_counter() - start)
        assert result.noop, "migrate_all() found something to do"
    return times


def noop_cli(runs: int) -> list[float]:
    """Wall-clock times of `jewelia migrate` subprocesses when nothing is pending."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [str(common.JEWELIA_BIN), "migrate"],
            env=dict(os.environ),  # this installation's database, Redis and data folder
            cwd=common.ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        assert done.returncode == 0, f"jewelia migrate failed: {done.stderr[-2000:]}"
        assert "Nothing to migrate" in done.stdout, f"unexpected output: {done.stdout}"
        common.log(f"  cli: {done.stdout.strip()}")
    return times


# --- additive migration -----------------------------------------------------------------


def add_bench_migration(data_dir: Path) -> int:
    """Copy migrations/ under data_dir, add the next tenant migration, point the app at it."""
    from jewelia.core.migrations import latest_version

    number = latest_version("tenant") + 1
    target = data_dir / "migrations"
    shutil.copytree(common.ROOT / "migrations", target, ignore=shutil.ignore_patterns("__py*"))
    migration_id = f"tenant_{number:04d}_bench"
    (target / "tenant" / f"{migration_id}.py").write_text(
        MIGRATION_TEMPLATE.format(id=migration_id)
    )
    os.environ["JEWELIA_MIGRATIONS_DIR"] = str(target)
    assert latest_version("tenant") == number, "the bench migration was not picked up"
    return number


async def additive(concurrency: int) -> tuple[float, Any]:
    """Time one migrate_all() that applies the bench migration to every tenant."""
    from jewelia.platform.tenancy.migrate import migrate_all

    stdout = sys.stdout
    start = time.perf_counter()
    result = await migrate_all(concurrency=concurrency)
    took = time.perf_counter() - start
    if sys.stdout is not stdout:
        # Per-migration redirect_stdout calls interleaved across concurrent tenants once
        # (fixed in 8032852) and left a StringIO in place, swallowing this script's output.
        sys.stdout = stdout
        common.log("APP BUG: migrate_all() left sys.stdout redirected; restored")
    return took, result


async def schemas_with(version: int) -> dict[str, int]:
    """Counts that show the migration landed: versions, columns and indexes per schema."""
    from jewelia.core.db import fetch

    rows = await fetch(
        "SELECT"
        " (SELECT count(*) FROM public.tenant WHERE schema_version = $1) AS at_version,"
        " (SELECT count(*) FROM public.tenant WHERE schema_version <> $1) AS other_version,"
        " (SELECT count(*) FROM information_schema.columns WHERE table_name = 'customer'"
        "   AND column_name = 'bench_note') AS columns,"
        " (SELECT count(*) FROM pg_indexes WHERE tablename = 'customer'"
        "   AND indexname = 'customer_bench_note_idx') AS indexes",
        version,
    )
    return {k: int(v) for k, v in rows[0].items()}


async def read_sample(size: int) -> int:
    """Read the new column inside the scope of a random sample of tenants; return how many."""
    from jewelia.core.db import fetch, tenant_scope
    from jewelia.platform.tenancy.registry import list_tenants

    tenants = random.sample(await list_tenants(), size)
    for tenant in tenants:
        async with tenant_scope(tenant.ref):
            await fetch("SELECT count(bench_note) AS n FROM customer")
    return len(tenants)


async def verify(result: Any, version: int, tenants: int) -> str:
    """Check the additive migration reached every tenant; return a one-line summary."""
    assert not result.failures, f"tenant migrations failed: {result.failures}"
    assert result.tenants_migrated == tenants, f"migrated {result.tenants_migrated}"
    assert result.tenant_version == version, f"tenant version {result.tenant_version}"
    counts = await schemas_with(version)
    assert counts["at_version"] == tenants and counts["other_version"] == 0, counts
    # Every tenant schema plus tenant_template; stale spares were dropped, not migrated.
    assert counts["columns"] == tenants + 1, counts
    assert counts["indexes"] == tenants + 1, counts
    sampled = await read_sample(min(SAMPLE, tenants))
    return (
        f"{result.tenants_migrated} tenants to v{version}, {result.spares_dropped} stale"
        f" spares dropped; column+index in {counts['columns']} schemas; {sampled} read back"
    )


# --- main -------------------------------------------------------------------------------


async def measure(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """Set up the tenants, then run both measurements."""
    from jewelia.core.db import stop_db

    await common.open_database()
    try:
        common.log(f"creating {args.tenants} tenants x {args.customers} customers")
        out: dict[str, Any] = {"setup": await create_tenants(args.tenants, args.customers)}
        common.log(f"created in {out['setup']:.1f}s; migrate with nothing to do")
        out["noop"] = await noop_in_process(NOOP_RUNS)
        out["cli"] = await asyncio.to_thread(noop_cli, CLI_RUNS)
        version = add_bench_migration(data_dir)
        common.log(f"additive migration to tenant v{version}, concurrency {args.concurrency}")
        out["additive"], result = await additive(args.concurrency)
        out["verified"] = await verify(result, version, args.tenants)
    finally:
        await stop_db()
    return out


def runs(times: list[float], unit: str = "s") -> str:
    """The individual run times (seconds, shown in `unit`), for the detail column."""
    scale = 1000 if unit == "ms" else 1
    return "runs " + ", ".join(f"{t * scale:.2f}" for t in times) + f" {unit}"


def checks(out: dict[str, Any], args: argparse.Namespace) -> list[common.Check]:
    """The targets from the issue, against what was measured."""
    n = f"{args.tenants:,} tenants"
    cli_detail = runs(out["cli"]) + " (wall clock incl. start-up)"
    setup_detail = f"{args.tenants / out['setup']:.1f} tenants/s, {BATCH} per transaction"
    return [
        common.Check(f"nothing to do, migrate_all(), {n}, max", max(out["noop"]) * 1000, "ms",
                     NOOP_TARGET_S * 1000, runs(out["noop"], "ms")),
        common.Check(f"nothing to do, `jewelia migrate` CLI, {n}, max", max(out["cli"]), "s",
                     NOOP_TARGET_S, cli_detail),
        common.Check(f"additive migration, concurrency {args.concurrency}, {n}",
                     out["additive"], "s", ADDITIVE_TARGET_S, out["verified"]),
        common.Check(f"set-up: create {n} x {args.customers} customers", out["setup"], "s",
                     None, setup_detail),
    ]  # fmt: skip


def main() -> int:
    """Parse arguments, run the benchmark, print the results, return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200, help="customers per tenant")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    saved = os.environ.pop("JEWELIA_MIGRATIONS_DIR", None)  # start from the repo's files
    try:
        with common.installation() as data_dir:
            out = asyncio.run(measure(args, data_dir))
    finally:
        os.environ.pop("JEWELIA_MIGRATIONS_DIR", None)
        if saved is not None:
            os.environ["JEWELIA_MIGRATIONS_DIR"] = saved
    return common.report("Tenant migrations", checks(out, args))


if __name__ == "__main__":
    sys.exit(main())
