"""Staff views of payout runs and reconciliation exceptions."""

from __future__ import annotations

import uuid
from typing import Any


async def runs(limit: int = 24) -> list[dict[str, Any]]:
    """Payout runs, newest first, with counts and totals per status."""
    raise NotImplementedError


async def open_exceptions() -> list[dict[str, Any]]:
    """Reconciliation exceptions not resolved yet."""
    raise NotImplementedError


async def resolve_exception(exception_id: uuid.UUID, user_id: uuid.UUID, note: str) -> None:
    """Mark one exception resolved with a note."""
    raise NotImplementedError
