"""Staff views of payout runs and reconciliation exceptions."""

from __future__ import annotations

import uuid
from typing import Any

from jewelia.core.db import execute, fetch
from jewelia.core.errors import NotFound
from jewelia.core.validation import Checker
from jewelia.platform.commerce import payouts


async def runs(limit: int = 24) -> list[dict[str, Any]]:
    """Payout runs, newest first, with counts and totals per status."""
    rows = await fetch(
        "SELECT r.id, r.period, r.status, r.started_at, r.finished_at, p.settled"
        " FROM public.payout_run r JOIN public.payout_period p ON p.period = r.period"
        " ORDER BY r.period DESC LIMIT $1",
        limit,
    )
    return await payouts.summaries(rows)


async def failed_payouts(limit: int = 100) -> list[dict[str, Any]]:
    """Payouts Stripe refused (their balances roll over) and pending ones that keep failing
    (retried with their key until they go through)."""
    return await fetch(
        "SELECT p.period, p.status, p.amount_minor, p.currency, p.last_error, p.attempts,"
        " o.name, o.slug FROM public.payout p JOIN public.developer_org o ON o.id = p.org_id"
        " WHERE p.status = 'failed' OR (p.status = 'pending' AND p.attempts >= 3)"
        " ORDER BY p.period DESC, o.name LIMIT $1",
        limit,
    )


async def recent_days(limit: int = 14) -> list[dict[str, Any]]:
    """The latest reconciled days."""
    return await fetch("SELECT * FROM public.reconcile_day ORDER BY day DESC LIMIT $1", limit)


async def open_exceptions() -> list[dict[str, Any]]:
    """Reconciliation exceptions not resolved yet, oldest day first."""
    return await fetch(
        "SELECT * FROM public.reconcile_exception WHERE status = 'open'"
        " ORDER BY day, kind, source_id LIMIT 500"
    )


async def resolve_exception(exception_id: uuid.UUID, user_id: uuid.UUID, note: str) -> None:
    """Mark one open exception resolved with a note (field error without one)."""
    check = Checker()
    note = check.text("note", note, "Note", 1000)
    check.raise_if_any()
    status = await execute(
        "UPDATE public.reconcile_exception SET status = 'resolved', resolved_by = $2,"
        " resolved_at = now(), note = $3 WHERE id = $1 AND status = 'open'",
        exception_id,
        user_id,
        note,
    )
    if not status.endswith(" 1"):
        raise NotFound("No open exception with this id")
