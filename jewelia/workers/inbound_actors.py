"""Dramatiq actors for incoming webhooks: process one stored event; re-enqueue stragglers."""

from __future__ import annotations

import logging
import uuid

import dramatiq

from jewelia.workers.actors import _ensure_db
from jewelia.workers.broker import broker  # noqa: F401 - registers the broker first

log = logging.getLogger("jewelia.worker")


@dramatiq.actor(queue_name="inbound", max_retries=4, min_backoff=1_000, max_backoff=60_000)
async def process_inbound_event(tenant_id: str, event_id: str) -> None:
    """Apply one received event (the service re-loads it and skips it if already handled)."""
    from jewelia.tenants.webhooks.inbound.service import process_event

    await _ensure_db()
    await process_event(uuid.UUID(tenant_id), uuid.UUID(event_id))


@dramatiq.actor(queue_name="inbound", max_retries=0)
async def sweep_inbound_events() -> None:
    """Re-enqueue events left waiting (queue down at receive time, worker crash)."""
    from jewelia.tenants.webhooks.inbound.service import pending_events

    await _ensure_db()
    waiting = await pending_events()
    for tenant_id, event_id in waiting:
        process_inbound_event.send(str(tenant_id), str(event_id))
    if waiting:
        log.info("inbound events re-enqueued", extra={"fields": {"count": len(waiting)}})
