"""A business's data exported to files before it is deleted (`jewelia tenants delete`)."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

from jewelia.platform.tenancy.registry import TenantInfo
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.transfer import runner, service
from jewelia.tenants.transfer.formats import files

TYPES = ("customers", "inventory", "orders")
WAIT_SECONDS = 600


async def export_everything(tenant: TenantInfo, target: Path) -> list[Path]:
    """Export customers, inventory and orders as JSON (with metadata) into `target`.

    Each export is an ordinary job, run here rather than waiting for a worker (a worker that
    claims it first simply finishes it; we wait for the result either way).
    """
    await asyncio.to_thread(target.mkdir, parents=True, exist_ok=True)
    written = []
    for data_type in TYPES:
        started = await service.start_export(
            tenant,
            Actor.system("tenants delete"),
            data_type=data_type,
            fmt="json",
            include_metadata=True,
        )
        job_id = started["jobId"]
        await runner.run_job(tenant.id, job_id)
        deadline = time.monotonic() + WAIT_SECONDS
        job = await service.get_job(tenant.ref, job_id)
        while job["status"] in ("queued", "processing") and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            job = await service.get_job(tenant.ref, job_id)
        if job["status"] != "completed":
            raise RuntimeError(f"export of {data_type} ended {job['status']}: not deleting")
        path = target / f"{data_type}.json"
        await asyncio.to_thread(
            shutil.copyfile, files.job_dir(tenant.id, job_id) / "result.json", path
        )
        written.append(path)
    return written
