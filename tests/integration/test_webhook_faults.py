"""Fault test: a worker is killed with SIGKILL while 1,000 events are being delivered, then a
new one starts. Every event must arrive at least once; repeats carry the same webhook-id.

It runs against a database and Redis namespace of its own, so the suite's shared worker
cannot quietly deliver the events for the one that is killed.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections import Counter
from pathlib import Path

import asyncpg

from tests.isolated import Isolated, kill, stop, wait_until
from tests.webhook_receiver import Receiver

EVENTS = 1_000

SETUP = textwrap.dedent(
    """
    import asyncio, json, sys
    from jewelia.core.db import start_db, tenant_scope
    from jewelia.core.settings import get_settings
    from jewelia.tenants.audit.service import Actor
    from jewelia.platform.tenancy.registry import get_tenant_by_slug
    from jewelia.tenants.webhooks.outbound import service
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


def test_sigkill_mid_delivery_loses_nothing(db: None, tmp_path: Path) -> None:
    site = Isolated("jewelia_fault", 7, {"JEWELIA_WEBHOOK_LEASE_SECONDS": "3"})
    fault_url = site.database_url
    tenant = site.create_tenant("Fault Gems", "fault@example.com")
    log = tmp_path / "worker.log"
    with Receiver() as receiver:
        made = site.python("-c", SETUP, tenant["slug"], receiver.url("/hook"), str(EVENTS))
        schema = json.loads(made.strip().splitlines()[-1])["schema"]

        def ids() -> Counter[str]:
            return Counter(r.headers["webhook-id"] for r in list(receiver.received))

        first = site.start_worker(log)
        try:
            wait_until(lambda: len(ids()) >= 150, 90, "deliveries to start")
        finally:
            kill(first)
        killed_at = len(ids())
        assert killed_at < EVENTS, "everything arrived before the kill; nothing was tested"
        second = site.start_worker(log)
        try:
            wait_until(lambda: len(ids()) >= EVENTS, 120, f"all {EVENTS} events")
        finally:
            stop(second)

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
