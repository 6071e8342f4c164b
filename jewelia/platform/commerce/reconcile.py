"""Daily reconciliation: Stripe balance transactions against ledger journals."""

from __future__ import annotations

import datetime as dt
from typing import Any


async def run(day: dt.date) -> dict[str, Any]:
    """Match the day's balance transactions to journals; store exceptions (idempotent per day)."""
    raise NotImplementedError


async def run_due(today: dt.date) -> dict[str, Any] | None:
    """Reconcile yesterday when no reconciliation of it exists yet."""
    raise NotImplementedError
