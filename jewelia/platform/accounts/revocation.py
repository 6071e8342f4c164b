"""Ending every session and token of a user at once: a session generation per user.

Each user row carries `session_epoch`. A browser session stores the epoch it was signed in
under, and so do JWT access and refresh tokens; a session or token whose epoch is not the
user's current one is refused when it is loaded. Revoking everything is one `UPDATE` of the
user row, so it commits in the same transaction as the change that calls for it (a new
password, a proven address) and cannot be half done if Redis is down. The epoch is checked
where the user row is read anyway (every page load and JWT request already loads it), so the
check costs no extra query, and it also reaches sessions whose ids were never tracked, which a
per-user set of session ids in Redis could miss.
"""

from __future__ import annotations

import uuid

from jewelia.core.db import DB, fetch


async def revoke_all(user_id: uuid.UUID) -> int:
    """End every session and token of the user (in the caller's transaction); the new epoch."""
    assert DB.current_transaction.get() is not None, "revoke_all belongs in a transaction"
    rows = await fetch(
        "UPDATE public.app_user SET session_epoch = session_epoch + 1 WHERE id = $1"
        " RETURNING session_epoch",
        user_id,
    )
    return int(rows[0]["session_epoch"]) if rows else 0


def epoch_is_current(held: object, current: int) -> bool:
    """Whether a session or token signed in under `held` is still valid (absent means 0)."""
    return isinstance(held, int) and not isinstance(held, bool) and held == current
