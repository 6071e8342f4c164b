"""Webhook delivery in the worker: the actor that sends deliveries, and the dispatcher that
runs beside the actors in every worker process (on the AsyncIO middleware's event loop).

The dispatcher LISTENs for committed events (NOTIFY from the outbox signal trigger), turns
them into deliveries and enqueues them; once a second it also sweeps for deliveries that are
due with no live lease. While transactions that write events commit faster than
BUSY_SIGNALS_PER_SECOND it polls every POLL_SECONDS instead and says so in the database
(`dispatch.keep_polling`), so that writers skip the NOTIFY, whose lock at commit would make them
commit one at a time. Several worker processes may run it at once: rows are claimed with
SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

import asyncpg
import dramatiq

from jewelia.workers.actors import _ensure_db
from jewelia.workers.broker import broker
from jewelia.workers.loop_task import loop_task

log = logging.getLogger("jewelia.webhooks")
SWEEP_SECONDS = 1.0
POLL_SECONDS = 0.02
BUSY_SIGNALS_PER_SECOND = 100.0
PROMISE_SECONDS = 2.0


@dramatiq.actor(queue_name="webhooks", max_retries=0, time_limit=120_000)
async def deliver_webhooks(tenant_id: str, delivery_ids: list[str]) -> None:
    """Attempt these deliveries; failures are scheduled again by the service, not by Dramatiq."""
    from jewelia.tenants.webhooks.outbound import delivery

    await _ensure_db()
    retries = await delivery.deliver(uuid.UUID(tenant_id), [uuid.UUID(i) for i in delivery_ids])
    if retries:
        await asyncio.to_thread(send_jobs, retries)


def send_jobs(jobs: list[Any]) -> None:
    """Enqueue delivery jobs (blocking Redis calls: run off the event loop)."""
    for job in jobs:
        deliver_webhooks.send_with_options(
            args=(str(job.tenant_id), [str(i) for i in job.delivery_ids]),
            delay=job.delay_ms or None,
        )


async def run_dispatcher(stop: asyncio.Event) -> None:
    """Dispatch committed events and sweep due deliveries until `stop` is set."""
    from jewelia.core.settings import get_settings
    from jewelia.tenants.webhooks.outbound import dispatch

    await _ensure_db()
    wake = asyncio.Event()
    connection: Any = None
    last_sweep = last_pass = 0.0
    promised: float | None = None  # polling promised until then (monotonic clock)
    while not stop.is_set():
        try:
            if connection is None or connection.is_closed():
                connection = await asyncpg.connect(get_settings().database_url)
                await connection.add_listener("jewelia_outbox", lambda *_: wake.set())
                wake.set()  # catch up on anything committed while not listening
            timeout = SWEEP_SECONDS
            if promised is not None:  # one last look once the promise has run out
                timeout = POLL_SECONDS if time.monotonic() < promised else 0.0
                promised = None if timeout == 0.0 else promised
            try:
                await asyncio.wait_for(wake.wait(), timeout=timeout)
            except TimeoutError:
                pass
            wake.clear()
            jobs, signals = await dispatch.dispatch_signalled()
            now = time.monotonic()
            busy = signals >= BUSY_SIGNALS_PER_SECOND * max(now - last_pass, POLL_SECONDS)
            last_pass = now
            if busy and (promised is None or promised - now < PROMISE_SECONDS / 2):
                promised = now + await dispatch.keep_polling(PROMISE_SECONDS)
            if jobs or time.monotonic() - last_sweep >= SWEEP_SECONDS:
                last_sweep = time.monotonic()
                jobs += await dispatch.sweep_due()
            if jobs:
                await asyncio.to_thread(send_jobs, jobs)
                wake.set()  # there may be more
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("webhook dispatcher error; retrying in 1 s")
            if connection is not None and not connection.is_closed():
                await connection.close()
            connection = None
            await asyncio.sleep(1)
    if connection is not None and not connection.is_closed():
        await connection.close()


broker.add_middleware(loop_task("webhook dispatcher", run_dispatcher))
