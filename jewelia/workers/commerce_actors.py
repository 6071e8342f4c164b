"""Commerce actors: monthly payout close and runs, per-org payouts, daily reconciliation.

Rows are the truth and messages wake-ups: the scheduler sends the "is it due?" actors every
minute, and a close that finds its period's run unfinished re-sends its pending payouts.
"""

from __future__ import annotations

import datetime as dt
import uuid

import dramatiq

from jewelia.workers.actors import _ensure_db


@dramatiq.actor(queue_name="payouts", max_retries=3, time_limit=600_000)
async def close_due_payout_period() -> None:
    """Close the previous month if it is not closed yet, or resume its run."""
    from jewelia.platform.commerce import payouts

    await _ensure_db()
    await payouts.close_due()


@dramatiq.actor(
    queue_name="payouts", max_retries=8, min_backoff=1_000, max_backoff=300_000, time_limit=120_000
)
async def pay_payout(period: str, org_id: str) -> None:
    """Pay one org's payout of the period (idempotent)."""
    from jewelia.platform.commerce import payouts

    await _ensure_db()
    await payouts.pay_one(period, uuid.UUID(org_id))


@dramatiq.actor(queue_name="payouts", max_retries=3, time_limit=600_000)
async def reconcile_due() -> None:
    """Reconcile yesterday's Stripe balance transactions if not done yet."""
    from jewelia.platform.commerce import reconcile

    await _ensure_db()
    await reconcile.run_due(dt.datetime.now(dt.UTC).date())


@dramatiq.actor(queue_name="default", max_retries=3, time_limit=600_000)
async def bill_due_usage() -> None:
    """Charge each install's usage of the months gone by, once (sent every minute)."""
    from jewelia.platform.commerce import usage

    await _ensure_db()
    await usage.bill_due()


@dramatiq.actor(queue_name="payouts", max_retries=3, time_limit=600_000)
async def settle_due_charges() -> None:
    """Move charges past their holding period to available (hourly, so a close has little left)."""
    from jewelia.platform.commerce import ledger

    await _ensure_db()
    await ledger.settle_due()
