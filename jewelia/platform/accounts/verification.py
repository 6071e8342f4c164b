"""Proving an email address: single-use links sent through the mail outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import NotFound
from jewelia.core.security import new_token, sha256_hex
from jewelia.core.settings import get_settings
from jewelia.platform.accounts.revocation import revoke_all
from jewelia.platform.mail.service import queue_email

VERIFY_TTL = timedelta(days=3)
INVALID_LINK = "This confirmation link is invalid, used or expired"


async def queue_verification(user_id: uuid.UUID, email: str, full_name: str) -> None:
    """Mail a fresh confirmation link (older open links stop working), in one transaction."""
    token = new_token()
    async with DB.transaction():
        await execute(
            "UPDATE public.email_verification SET revoked_at = now() WHERE user_id = $1"
            " AND used_at IS NULL AND revoked_at IS NULL",
            user_id,
        )
        await execute(
            "INSERT INTO public.email_verification (id, user_id, email, token_hash, expires_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            uuid.uuid4(),
            user_id,
            email,
            sha256_hex(token),
            datetime.now(UTC) + VERIFY_TTL,
        )
        link = f"{get_settings().base_url}/verify/{token}"
        await queue_email(
            email,
            "Confirm your email address for Jewelia",
            f"Hello {full_name},\n\nPlease confirm that this address is yours by opening this"
            f" link within 3 days:\n\n{link}\n\nUntil you do, your account cannot join other"
            " businesses.\n\nIf you did not create a Jewelia account, someone else used your"
            " address: do not open the link. To take the account over, choose a new password"
            f" at {get_settings().base_url}/password/forgot\n",
        )


async def check_token(token: str) -> None:
    """Raise NotFound when a confirmation link cannot be used."""
    await _open_link(token)


async def _open_link(token: str) -> dict[str, object]:
    rows = await fetch(
        "SELECT v.id, v.user_id FROM public.email_verification v"
        " JOIN public.app_user u ON u.id = v.user_id WHERE v.token_hash = $1"
        " AND v.used_at IS NULL AND v.revoked_at IS NULL AND v.expires_at > now()"
        " AND lower(v.email) = lower(u.email)",
        sha256_hex(token or ""),
    )
    if not rows:
        raise NotFound(INVALID_LINK)
    return rows[0]


async def consume(token: str) -> uuid.UUID:
    """Spend a confirmation link: the address is proven and every session ends; the user id."""
    link = await _open_link(token)
    async with DB.transaction():
        used = await fetch(
            "UPDATE public.email_verification SET used_at = now() WHERE id = $1"
            " AND used_at IS NULL AND revoked_at IS NULL RETURNING user_id",
            link["id"],
        )
        if not used:
            raise NotFound(INVALID_LINK)
        user_id: uuid.UUID = used[0]["user_id"]
        await mark_proven(user_id)
    return user_id


async def mark_proven(user_id: uuid.UUID) -> int:
    """The user showed they read mail at their address (a link or a completed password reset):
    record it, close the other open links and end every session and token; the new epoch."""
    await execute(
        "UPDATE public.app_user SET email_verified_at = coalesce(email_verified_at, now())"
        " WHERE id = $1",
        user_id,
    )
    await execute(
        "UPDATE public.email_verification SET revoked_at = now() WHERE user_id = $1"
        " AND used_at IS NULL AND revoked_at IS NULL",
        user_id,
    )
    return await revoke_all(user_id)
