"""Fault test: a worker is killed with SIGKILL while 1,000 events are being delivered, then a
new one starts. Every event must arrive at least once; repeats carry the same webhook-id.

It runs against a database and Redis namespace of its own, so the suite's shared worker
cannot quietly deliver the events for the one that is killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg

from tests.conftest import ROOT
from tests.webhook_receiver import Receiver

EVENTS = 1_000

SETUP = textwrap.dedent(
    """
    import asyncio, json, sys
    from jewelia.platform.db import start_db, tenant_scope
    from jewelia.platform.settings import get_settings
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.registry import get_tenant_by_slug
    from jewelia.tenants.webhooks import service
    from jewelia.tenants.webhooks.outbox import emit

    async def main() -> None:
        await start_db(get_settings().database_url)
        tenant = (await get_tenant_by_slug(sys.argv[1])).ref
        endpoint, _ = await service.create_endpoint(
            tenant, Actor("system", None, "test"), {"url": sys.argv[2], "events": ["*"]}
        )
        async with tenant_scope(tenant):  # one transaction, like a bulk import
            for n in range(int(sys.argv[3])):
                await emit("customer.created", {"id": str(n), "full_name": f"Customer {n}"})
        print(json.dumps({"schema": tenant.schema_name}))

    asyncio.run(main())
    """
)


def _env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JEWELIA_WEBHOOK_LEASE_SECONDS": "3",
    }


def _jewelia(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "jewelia.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "jewelia.cli", "worker", "--processes", "1", "--threads", "4"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches every process
        )


def _wait(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_mid_delivery_loses_nothing(db: None, tmp_path: Path) -> None:
    base = os.environ["DATABASE_URL"]
    fault_url = base.replace("/jewelia_test", "/jewelia_fault", 1)

    async def recreate() -> None:
        conn = await asyncpg.connect(base)
        await conn.execute("DROP DATABASE IF EXISTS jewelia_fault WITH (FORCE)")
        await conn.execute("CREATE DATABASE jewelia_fault")
        await conn.close()

    asyncio.run(recreate())
    redis_url = os.environ["REDIS_URL"]
    redis_url += ("&" if "?" in redis_url else "?") + "db=7"
    env = _env(fault_url, redis_url)
    _jewelia(env, "migrate")
    tenant = json.loads(
        _jewelia(
            env,
            "tenants",
            "create",
            "--name",
            "Fault Gems",
            "--email",
            "fault@example.com",
            "--password",
            "Correct-Horse-Battery-9",
            "--json",
        )
    )
    log = tmp_path / "worker.log"
    with Receiver() as receiver:
        made = subprocess.run(
            [sys.executable, "-c", SETUP, tenant["slug"], receiver.url("/hook"), str(EVENTS)],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
        )
        schema = json.loads(made.stdout.strip().splitlines()[-1])["schema"]

        def ids() -> Counter[str]:
            return Counter(r.headers["webhook-id"] for r in list(receiver.received))

        first = _start_worker(env, log)
        try:
            _wait(lambda: len(ids()) >= 150, 90, "deliveries to start")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            killed_at = len(ids())
            assert killed_at < EVENTS, "everything arrived before the kill; nothing was tested"
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
        second = _start_worker(env, log)
        try:
            _wait(lambda: len(ids()) >= EVENTS, 120, f"all {EVENTS} events")
        finally:
            second.send_signal(signal.SIGTERM)  # the main process stops its workers gracefully
            try:
                second.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(second.pid, signal.SIGKILL)
                raise

        seen = ids()
        assert len(seen) == EVENTS
        by_id: dict[str, set[bytes]] = {}
        for r in receiver.received:
            by_id.setdefault(r.headers["webhook-id"], set()).add(r.body)
        assert all(len(bodies) == 1 for bodies in by_id.values())  # a repeat is the same event
        events = {json.loads(next(iter(b)))["data"]["id"] for b in by_id.values()}
        assert events == {str(n) for n in range(EVENTS)}

    async def statuses() -> dict[str, int]:
        conn = await asyncpg.connect(fault_url)
        try:
            rows = await conn.fetch(
                f'SELECT status, count(*) AS n FROM "{schema}".webhook_delivery GROUP BY status'
            )
            return {r["status"]: r["n"] for r in rows}
        finally:
            await conn.close()

    assert asyncio.run(statuses()) == {"succeeded": EVENTS}
    print(f"killed after {killed_at} of {EVENTS}; repeats: {sum(seen.values()) - EVENTS}")
