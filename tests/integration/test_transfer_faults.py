"""Fault test: the worker is killed with SIGKILL in the middle of an import, then a new one
starts. The sweeper re-sends the job once its lease runs out, the import resumes after the last
committed batch, and it ends with the right counts and no duplicate customers.

Like the webhook fault test, it runs against a database and Redis namespace of its own, so the
suite's shared worker cannot finish the job for the one that is killed.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from pathlib import Path
from typing import Any

import asyncpg

from tests.isolated import Isolated, kill, stop, wait_until

ROWS = 6_000

SETUP = textwrap.dedent(
    """
    import asyncio, json, sys
    from jewelia.core.db import start_db
    from jewelia.core.settings import get_settings
    from jewelia.tenants.audit.service import Actor
    from jewelia.platform.tenancy.registry import get_tenant_by_slug
    from jewelia.tenants.transfer import service
    from jewelia.tenants.transfer.formats import files

    async def main() -> None:
        await start_db(get_settings().database_url)
        tenant = await get_tenant_by_slug(sys.argv[1])
        rows = int(sys.argv[2])
        # 100 rows are bad; one customer exists already (updated, not duplicated).
        lines = ["name,email,phone"]
        for n in range(rows):
            email = f"c{n}@example.com" if n % 60 else f"bad-{n}"
            lines.append(f"Customer {n},{email},+1555{n:07d}")
        data = ("\\n".join(lines) + "\\n").encode()

        async def save(target, limit):
            return files.save_bytes(data, target, 1 << 30)

        from jewelia.tenants.crm.customers import service as customers
        await customers.create_customer(tenant.ref, Actor.system("test"), {"full_name": "Old", "email": "c1@example.com"})
        started = await service.start_import(
            tenant, Actor.system("test"), data_type="customers", fmt="csv", save=save
        )
        print(json.dumps({"job": str(started["jobId"]), "schema": tenant.schema_name}))

    asyncio.run(main())
    """
)


def _job(url: str, schema: str, job_id: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        conn = await asyncpg.connect(url)
        try:
            row = await conn.fetchrow(
                f'SELECT status, processed_rows, counts, attempts FROM "{schema}".transfer_job'
                " WHERE id = $1::uuid",
                job_id,
            )
            return dict(row)
        finally:
            await conn.close()

    return asyncio.run(read())


def test_sigkill_mid_import_resumes_without_duplicates(db: None, tmp_path: Path) -> None:
    site = Isolated(
        "jewelia_transfer_fault",
        8,
        {
            "JEWELIA_DATA_DIR": str(tmp_path / "data"),
            "JEWELIA_TRANSFER_LEASE_SECONDS": "2",
            "JEWELIA_TRANSFER_SWEEP_SECONDS": "0.5",
        },
    )
    fault_url = site.database_url
    tenant = site.create_tenant("Fault Imports", "fi@example.com", plan="enterprise")
    made = site.python("-c", SETUP, tenant["slug"], str(ROWS))
    started = json.loads(made.strip().splitlines()[-1])
    job_id, schema = started["job"], started["schema"]
    log = tmp_path / "worker.log"

    first = site.start_worker(log, threads=2)
    try:
        wait_until(lambda: _job(fault_url, schema, job_id)["processed_rows"] >= 1000, 90, "batches")
    finally:
        kill(first)
    at_kill = _job(fault_url, schema, job_id)
    assert at_kill["status"] == "processing" and at_kill["processed_rows"] < ROWS, at_kill

    second = site.start_worker(log, threads=2)
    try:
        wait_until(
            lambda: _job(fault_url, schema, job_id)["status"] != "processing", 120, "the end"
        )
    finally:
        stop(second)
    job = _job(fault_url, schema, job_id)
    counts = json.loads(job["counts"])
    bad = len(range(0, ROWS, 60))
    assert job["status"] == "completed", (job, log.read_text()[-3000:])
    assert job["attempts"] == 2 and job["processed_rows"] == ROWS
    assert counts == {
        "created": ROWS - bad - 1,
        "updated": 1,
        "unchanged": 0,
        "skipped": 0,
        "errors": bad,
    }

    async def check() -> None:
        conn = await asyncpg.connect(fault_url)
        try:
            n, distinct = await conn.fetchrow(
                f'SELECT count(*), count(DISTINCT lower(email)) FROM "{schema}".customer'
            )
            errors = await conn.fetchval(f'SELECT count(*) FROM "{schema}".transfer_row_error')
            events = await conn.fetchval(
                f"SELECT count(*) FROM \"{schema}\".event_outbox WHERE event_type = 'customer.created'"
            )
        finally:
            await conn.close()
        assert n == distinct == ROWS - bad  # the new ones plus "Old" (now Customer 1)
        assert errors == bad
        assert events == ROWS - bad  # one per customer: no batch was written twice

    asyncio.run(check())
    print(f"killed at {at_kill['processed_rows']} of {ROWS} rows")
