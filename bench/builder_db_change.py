"""Benchmark: database-change trigger latency, event committed -> run started.

    .venv/bin/python bench/builder_db_change.py                  # 1,000 events at 50/s
    .venv/bin/python bench/builder_db_change.py --events 2000 --rate 100

A throw-away installation (embedded PostgreSQL and Redis, all migrations), one business with
one active flow whose trigger is `database_change` on customers (insert) and whose one step is
a transform. The real worker runs as an operator runs it (`jewelia worker --processes 1
--threads 4`): its webhook dispatcher LISTENs for the outbox's NOTIFY, hands the committed
events to the builder (triggers.database_change.consume) and the builder_run actor starts the
runs. This process creates customers through the CRM service (one transaction each, the
event written to the outbox in it) at a steady rate and notes the moment each commit returned.
Latency is the run's started_at (the database clock, same machine) minus that moment; also
reported: the run row's created_at (the dispatcher's transaction) minus it. Target: p95 of
event committed -> run started < 500 ms; every event starts exactly one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

P95_TARGET_MS = 500.0


async def prepare() -> dict[str, Any]:
    """The business and its active database_change flow."""
    from jewelia.core.db import stop_db
    from jewelia.platform.accounts.service import signup
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    await common.open_database()
    try:
        _, tenant = await signup(
            "Change Bench Jewelers",
            "Cy Bench",
            "owner@changebench.example",
            "Sparkle-Gems-2026!",
            "enterprise",
            verified=True,
        )
        made = await flows.create_flow(
            tenant.ref,
            Actor.system("bench"),
            {
                "name": "On new customer",
                "description": "",
                "configuration": {
                    "triggers": [
                        {
                            "type": "database_change",
                            "config": {"resource": "customers", "operations": ["insert"]},
                        }
                    ],
                    "actions": [
                        {"id": "shape", "type": "transform", "config": {"output": "trigger.data"}}
                    ],
                },
                "isActive": True,
            },
        )
    finally:
        await stop_db()
    return {"tenant": tenant.ref, "flow_id": made["id"]}


async def load(seed: dict[str, Any], events: int, rate: float) -> dict[str, float]:
    """Create `events` customers at `rate` per second; each customer id -> commit time."""
    from jewelia.core.db import start_db, stop_db
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.crm.customers.service import create_customer

    await start_db(os.environ["DATABASE_URL"])
    committed: dict[str, float] = {}
    actor = Actor.system("bench")
    try:
        began = time.monotonic()
        for n in range(events):
            await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
            made = await create_customer(
                seed["tenant"],
                actor,
                {"full_name": f"Bench {n}", "email": f"c{n}-{uuid.uuid4().hex[:6]}@cb.example"},
            )
            committed[str(made["id"])] = time.time()
    finally:
        await stop_db()
    return committed


async def outcomes(seed: dict[str, Any], count: int, wait: float) -> list[dict[str, Any]]:
    """Wait up to `wait` s for `count` runs to have started; every run of the flow."""
    from jewelia.core.db import fetch, start_db, stop_db, tenant_scope

    await start_db(os.environ["DATABASE_URL"])
    try:
        deadline = time.monotonic() + wait
        while True:
            async with tenant_scope(seed["tenant"]):
                rows = await fetch(
                    "SELECT trigger_payload -> 'data' ->> 'id' AS customer,"
                    " extract(epoch FROM created_at) AS created,"
                    " extract(epoch FROM started_at) AS started FROM flow_run WHERE flow_id = $1",
                    seed["flow_id"],
                )
            if sum(r["started"] is not None for r in rows) >= count or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.5)
    finally:
        await stop_db()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="database-change trigger latency")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="customers created per second")
    args = parser.parse_args(argv)

    with common.installation() as data_dir:
        common.log("seeding: business, active database_change flow")
        seed = asyncio.run(prepare())
        worker = subprocess.Popen(
            [common.JEWELIA_BIN, "worker", "--processes", "1", "--threads", "4"],
            cwd=common.ROOT,
            stdout=(data_dir / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            time.sleep(5)  # the worker imports, connects and starts LISTENing
            asyncio.run(load(seed, 20, args.rate))  # warm-up, not counted
            common.log(f"load: {args.events} customers at {args.rate:.0f}/s")
            committed = asyncio.run(load(seed, args.events, args.rate))
            rows = asyncio.run(outcomes(seed, args.events + 20, 60))
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    runs: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        runs.setdefault(r["customer"], []).append(r)
    started, created, missing, doubled = [], [], 0, 0
    for customer, at in committed.items():
        found = runs.get(customer, [])
        doubled += len(found) > 1
        if not found or found[0]["started"] is None:
            missing += 1
            continue
        started.append(float(found[0]["started"]) - at)
        created.append(float(found[0]["created"]) - at)
    if not started:
        print("no run started")
        return 1
    pct = common.percentile
    checks = [
        common.Check(
            "event committed -> run started, p95",
            pct(started, 0.95) * 1000,
            "ms",
            P95_TARGET_MS,
            f"p50 {pct(started, 0.5) * 1000:.1f}, p99 {pct(started, 0.99) * 1000:.1f},"
            f" max {max(started) * 1000:.1f} ms; n={len(started)}",
        ),
        common.Check(
            "event committed -> run created, p95",
            pct(created, 0.95) * 1000,
            "ms",
            None,
            f"p50 {pct(created, 0.5) * 1000:.1f}, p99 {pct(created, 0.99) * 1000:.1f} ms",
        ),
        common.Check("events without a started run", missing, "", 1),
        common.Check("events with more than one run", doubled, "", 1),
    ]
    return common.report(
        f"database_change trigger, {args.events} events at {args.rate:.0f}/s", checks
    )


if __name__ == "__main__":
    raise SystemExit(main())
