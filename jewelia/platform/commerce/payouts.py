"""Monthly payouts: close a period, snapshot available balances, pay each org once."""

from __future__ import annotations

import uuid
from typing import Any

MINIMUM_MINOR = 2500  # USD 25: smaller balances roll over


async def close_period(period: str) -> dict[str, Any]:
    """Settle what is due, snapshot balances into payout rows and start the run (idempotent)."""
    raise NotImplementedError


async def run(period: str) -> int:
    """Enqueue pay_one for every pending payout of the period; returns how many."""
    raise NotImplementedError


async def pay_one(period: str, org_id: uuid.UUID) -> str:
    """Transfer one org's payout (key payout:<period>:<org>) and post its journal once."""
    raise NotImplementedError


async def close_due(now: Any = None) -> dict[str, Any] | None:
    """Close the previous month when it is not closed yet; None when nothing was due."""
    raise NotImplementedError
