"""Import/export in the worker: the actor that runs a job, and the sweeper beside it.

The actor carries ids only; the runner re-loads the job, re-binds the tenant and claims a lease.
The sweeper runs on the event loop of every worker process (a Dramatiq middleware starts it, as
for webhooks): every few seconds it re-sends jobs that no live lease holds (a message lost with
Redis, a worker killed mid-job) and removes files past their retention. Several processes may
sweep at once: jobs are picked with SKIP LOCKED, and a second claim of a job is refused.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid

import dramatiq

from jewelia.workers.actors import _ensure_db
from jewelia.workers.broker import broker
from jewelia.workers.loop_task import loop_task

log = logging.getLogger("jewelia.transfer")


def sweep_seconds() -> float:
    return float(os.environ.get("JEWELIA_TRANSFER_SWEEP_SECONDS", "5"))


@dramatiq.actor(queue_name="transfer", max_retries=0, time_limit=24 * 3600 * 1000)
async def run_transfer_job(tenant_id: str, job_id: str) -> None:
    """Run (or resume) one import/export job; retries come from the sweeper, not Dramatiq."""
    from jewelia.tenants.transfer.runner import run_job

    await _ensure_db()
    await run_job(uuid.UUID(tenant_id), uuid.UUID(job_id))


async def run_sweeper(stop: asyncio.Event) -> None:
    """Re-send orphaned jobs and remove expired files until `stop` is set."""
    from jewelia.tenants.transfer.runner import sweep

    await _ensure_db()
    while not stop.is_set():
        try:
            for tenant_id, job_id in await sweep():
                await asyncio.to_thread(run_transfer_job.send, str(tenant_id), str(job_id))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("transfer sweeper error")
        try:
            await asyncio.wait_for(stop.wait(), timeout=sweep_seconds())
        except TimeoutError:
            pass


broker.add_middleware(loop_task("transfer sweeper", run_sweeper))
