"""Dramatiq actors. Each re-loads what it needs by id and calls a service."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import dramatiq

from jewelia.workers.broker import broker  # noqa: F401 - registers the broker first

log = logging.getLogger("jewelia.worker")
_db_ready = asyncio.Lock()


async def _ensure_db() -> None:
    from jewelia.core.db import DB, start_db
    from jewelia.core.settings import get_settings

    async with _db_ready:
        if DB.pool is None:
            await start_db(get_settings().database_url, min_size=1, max_size=5)


@dramatiq.actor(queue_name="default", max_retries=5)
async def deliver_emails() -> None:
    """Send (or capture) pending outbox emails."""
    from jewelia.platform.mail.service import deliver_pending

    await _ensure_db()
    await deliver_pending()


@dramatiq.actor(queue_name="default", max_retries=3)
async def replenish_spare_pool() -> None:
    """Keep the pool of ready tenant schemas full."""
    from jewelia.core.settings import get_settings
    from jewelia.platform.tenancy.registry import replenish_spare_pool as replenish

    await _ensure_db()
    made = await replenish(get_settings().spare_pool_size)
    if made:
        log.info("spare schemas created", extra={"fields": {"count": made}})


@dramatiq.actor(queue_name="default", max_retries=3)
async def enforce_payment_grace() -> None:
    """Move businesses whose failed-payment grace period ran out back to Free."""
    from jewelia.platform.billing.service import enforce_grace_periods

    await _ensure_db()
    await enforce_grace_periods()


@dramatiq.actor(
    queue_name="default", max_retries=8, min_backoff=5_000, max_backoff=3_600_000, time_limit=60_000
)
async def send_app_event(
    listing_id: str, tenant_id: str, event: str, event_id: str, timestamp: str, data: Any
) -> None:
    """POST one marketplace app event (app.installed, app.uninstalled, tenant.redact) to the
    app; the service raises on failure and Dramatiq retries with back-off (same webhook-id)."""
    from jewelia.platform.marketplace import installs

    await _ensure_db()
    await installs.deliver_app_event(
        uuid.UUID(listing_id), uuid.UUID(tenant_id), event, event_id, timestamp, data
    )


@dramatiq.actor(queue_name="default", max_retries=3)
async def send_due_redacts() -> None:
    """Send tenant.redact for every app uninstall whose 48 hours are up."""
    from jewelia.platform.marketplace import installs

    await _ensure_db()
    await installs.send_due_redacts()
