"""Analytics actors: the request rollups every minute, retention and partitions daily."""

from __future__ import annotations

import dramatiq

from jewelia.workers.actors import _ensure_db


@dramatiq.actor(queue_name="default", max_retries=3, time_limit=300_000)
async def roll_up_requests() -> None:
    """Roll up the request log's current and previous hour (and any hours missed)."""
    from jewelia.platform.analytics import rollups

    await _ensure_db()
    await rollups.roll_up()


@dramatiq.actor(queue_name="default", max_retries=3, time_limit=600_000)
async def request_log_retention() -> None:
    """Drop old raw partitions and rollups; make the coming days' partitions."""
    from jewelia.platform.analytics import retention

    await _ensure_db()
    await retention.apply_retention()
