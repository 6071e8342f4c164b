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
from concurrent.futures import Future
from typing import Any

import dramatiq
from dramatiq.asyncio import get_event_loop_thread

from jewelia.workers.actors import _ensure_db
from jewelia.workers.broker import broker

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


class TransferSweeper(dramatiq.Middleware):
    """Runs `run_sweeper` on the worker's event loop from boot to shutdown."""

    def __init__(self) -> None:
        self._future: Future[None] | None = None
        self._stop: asyncio.Event | None = None

    def after_worker_boot(self, broker: Any, worker: Any) -> None:
        thread = get_event_loop_thread()
        if thread is None:
            log.error("AsyncIO middleware missing: transfer sweeper not started")
            return

        async def start() -> None:
            self._stop = asyncio.Event()
            await run_sweeper(self._stop)

        self._future = asyncio.run_coroutine_threadsafe(start(), thread.loop)

    def before_worker_shutdown(self, broker: Any, worker: Any) -> None:
        thread = get_event_loop_thread()
        if self._stop is not None and thread is not None:
            thread.loop.call_soon_threadsafe(self._stop.set)
        if self._future is not None:
            try:
                self._future.result(timeout=5)
            except Exception:
                self._future.cancel()


broker.add_middleware(TransferSweeper())
