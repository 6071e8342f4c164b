"""Platform staff: the role (`jewelia staff grant EMAIL`), the review queue (oldest first) and
the staff decisions: approve, approve as verified, reject with reasons, suspend, reinstate."""

from __future__ import annotations

import uuid
from typing import Any

from jewelia.core.db import execute, fetch
from jewelia.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from jewelia.platform.marketplace import listings

MAX_REASONS = 10


async def is_staff(user_id: uuid.UUID) -> bool:
    """Whether the user holds the platform staff role."""
    rows = await fetch("SELECT is_staff FROM public.app_user WHERE id = $1", user_id)
    return bool(rows and rows[0]["is_staff"])


async def require_staff(user: Any) -> None:
    """PermissionDenied (403) unless the user (a UserInfo or an id) is staff."""
    user_id = getattr(user, "id", user)
    if not await is_staff(user_id):
        raise PermissionDenied("This page is for Jewelia staff")


async def set_staff(email: str, on: bool) -> bool:
    """Grant or revoke the staff role by email; False when no account uses the email."""
    done = await execute(
        "UPDATE public.app_user SET is_staff = $2 WHERE lower(email) = lower($1)", email, on
    )
    return not done.endswith(" 0")


async def review_queue() -> list[dict[str, Any]]:
    """Submitted listings, oldest submission first, with their organization and last checks."""
    return await fetch(
        "SELECT l.*, o.name AS org_name, o.slug AS org_slug,"
        " (SELECT c.results FROM public.listing_check c WHERE c.listing_id = l.id"
        "  ORDER BY c.ran_at DESC LIMIT 1) AS check_results"
        " FROM public.listing l JOIN public.developer_org o ON o.id = l.org_id"
        " WHERE l.status = 'submitted' ORDER BY l.submitted_at, l.id"
    )


async def queue_position(listing_id: uuid.UUID) -> int | None:
    """1 for the oldest submission in the queue; None when the listing is not in it."""
    rows = await fetch(
        "SELECT (SELECT count(*) FROM public.listing o WHERE o.status = 'submitted'"
        " AND (o.submitted_at, o.id) <= (l.submitted_at, l.id)) AS position"
        " FROM public.listing l WHERE l.id = $1 AND l.status = 'submitted'",
        listing_id,
    )
    return int(rows[0]["position"]) if rows else None


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _reasons(reasons: Any, required: bool) -> list[str]:
    if isinstance(reasons, str):
        reasons = reasons.splitlines()
    items = [str(r).strip() for r in (reasons or []) if str(r).strip()]
    problems = []
    if required and not items:
        problems.append(FieldError("reasons", "Give at least one reason", "REQUIRED"))
    if len(items) > MAX_REASONS:
        problems.append(FieldError("reasons", f"At most {MAX_REASONS} reasons", "TOO_MANY"))
    if any(len(r) > 500 for r in items):
        problems.append(FieldError("reasons", "Each reason is at most 500 characters", "TOO_LONG"))
    if problems:
        raise ValidationFailed(problems)
    return items


async def _staff_listing(staff_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    await require_staff(staff_id)
    listing = await listings.get_listing(listing_id)
    if listing is None:
        raise NotFound("Listing not found")
    return listing


async def approve(
    staff_id: uuid.UUID, listing_id: uuid.UUID, verified: bool = False
) -> dict[str, Any]:
    """submitted → approved (optionally with the verified badge)."""
    await _staff_listing(staff_id, listing_id)
    return await listings.transition(listing_id, "approved", staff_id, verified=verified)


async def reject(staff_id: uuid.UUID, listing_id: uuid.UUID, reasons: Any) -> dict[str, Any]:
    """submitted → rejected, with the reasons the developer reads."""
    items = _reasons(reasons, required=True)
    await _staff_listing(staff_id, listing_id)
    return await listings.transition(listing_id, "rejected", staff_id, items)


async def suspend(staff_id: uuid.UUID, listing_id: uuid.UUID, reasons: Any) -> dict[str, Any]:
    """Any status → suspended (not browsable, not installable), with reasons."""
    items = _reasons(reasons, required=True)
    await _staff_listing(staff_id, listing_id)
    return await listings.transition(listing_id, "suspended", staff_id, items)


REINSTATED = "The suspension was lifted by Jewelia staff"


async def status_before_suspension(listing_id: uuid.UUID) -> str:
    """The status the listing had when it was last suspended (its listing_event history);
    published when the history does not say."""
    rows = await fetch(
        "SELECT from_status FROM public.listing_event WHERE listing_id = $1"
        " AND to_status = 'suspended' ORDER BY at DESC, id DESC LIMIT 1",
        listing_id,
    )
    before = rows[0]["from_status"] if rows else None
    return before if before in listings.STATUSES and before != "suspended" else "published"


async def reinstate(staff_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """suspended → the status it had before the suspension (published when unknown)."""
    await _staff_listing(staff_id, listing_id)
    before = await status_before_suspension(listing_id)
    return await listings.transition(listing_id, before, staff_id, [REINSTATED], reinstate=True)


async def suspended_listings(limit: int = 200) -> list[dict[str, Any]]:
    """Suspended listings, most recently changed first (to reinstate one)."""
    return await fetch(
        "SELECT l.*, o.name AS org_name FROM public.listing l"
        " JOIN public.developer_org o ON o.id = l.org_id"
        " WHERE l.status = 'suspended' ORDER BY l.updated_at DESC, l.id LIMIT $1",
        limit,
    )


async def live_listings(limit: int = 200) -> list[dict[str, Any]]:
    """Published, paused and unlisted listings, newest published first (to suspend one)."""
    return await fetch(
        "SELECT l.*, o.name AS org_name FROM public.listing l"
        " JOIN public.developer_org o ON o.id = l.org_id"
        " WHERE l.status IN ('published', 'paused', 'unlisted', 'approved')"
        " ORDER BY l.published_at DESC NULLS LAST, l.id LIMIT $1",
        limit,
    )
