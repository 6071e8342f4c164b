"""Alert actors: evaluate every alert rule (sent each minute) and the weekly usage report."""

from __future__ import annotations

import dramatiq

from jewelia.workers.actors import _ensure_db


@dramatiq.actor(queue_name="default", max_retries=0, time_limit=120_000)
async def evaluate_alerts() -> None:
    """Evaluate every enabled alert rule now (a missed minute is caught by the next one)."""
    from jewelia.platform.analytics import alerts

    await _ensure_db()
    await alerts.evaluate()


@dramatiq.actor(queue_name="default", max_retries=3, time_limit=600_000)
async def send_weekly_reports() -> None:
    """On Mondays, email last week's usage report to the members who opted in (once each)."""
    from jewelia.platform.analytics import reports

    await _ensure_db()
    await reports.send_due()
