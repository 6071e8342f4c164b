"""Builder runs in the worker: the actor that advances a run, and the sweeper beside it.

The actor carries ids only; the engine re-loads the run, re-binds the tenant and claims a lease
(jewelia.tenants.builder.engine.executor). The sweeper runs on the event loop of every worker
process (a Dramatiq middleware starts it): every few seconds it re-sends runs that no live lease
holds and whose message seems lost (worker killed mid-run, Redis emptied, wake-up missing).
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

log = logging.getLogger("jewelia.builder")


def sweep_seconds() -> float:
    return float(os.environ.get("JEWELIA_BUILDER_SWEEP_SECONDS", "5"))


# A message advances its run for at most executor.SLICE_SECONDS (then re-enqueues it), plus one
# step; unexpected errors (database gone) are retried by Dramatiq, the run's lease released.
@dramatiq.actor(
    queue_name="builder", max_retries=10, min_backoff=1_000, max_backoff=60_000, time_limit=900_000
)
async def builder_run(tenant_id: str, run_id: str) -> None:
    """Advance one builder run as far as it goes now."""
    from jewelia.tenants.builder.engine.executor import advance

    await _ensure_db()
    await advance(uuid.UUID(tenant_id), uuid.UUID(run_id))


@dramatiq.actor(
    queue_name="builder", max_retries=10, min_backoff=1_000, max_backoff=60_000, time_limit=900_000
)
async def builder_runs(pairs: list[list[str]]) -> None:
    """Advance several builder runs at once (tenant id, run id pairs sent together by one
    process: each tenant's claimed in one statement); a run whose walk raised gets a message
    of its own (and its retries). A failed claim raises: the message is retried whole."""
    from jewelia.tenants.builder.engine import runs
    from jewelia.tenants.builder.engine.executor import advance_many

    await _ensure_db()
    failed = await advance_many([(uuid.UUID(t), uuid.UUID(r)) for t, r in pairs])
    for tenant_id, run_id, exc in failed:
        log.error("builder run %s failed in a batch: %r; sent again alone", run_id, exc)
        await runs.send(tenant_id, run_id, delay_ms=1_000)


@dramatiq.actor(queue_name="default", max_retries=0, time_limit=120_000)
async def fire_builder_schedules() -> None:
    """Start the runs of every builder schedule that is due (sent by the scheduler's beat)."""
    from jewelia.tenants.builder.triggers.schedule import fire_due

    await _ensure_db()
    await fire_due()


async def run_sweeper(stop: asyncio.Event) -> None:
    """Re-send runs whose message was lost until `stop` is set."""
    from jewelia.tenants.builder.engine import runs

    await _ensure_db()
    while not stop.is_set():
        try:
            for tenant_id, run_id in await runs.sweep():
                await runs.send(tenant_id, run_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("builder sweeper error")
        try:
            await asyncio.wait_for(stop.wait(), timeout=sweep_seconds())
        except TimeoutError:
            pass


broker.add_middleware(loop_task("builder sweeper", run_sweeper))
