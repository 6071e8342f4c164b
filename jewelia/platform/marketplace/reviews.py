"""Reviews of marketplace listings: who may write one, one per business, the developer's reply,
reports and staff moderation.

Rules:
- Eligibility comes from installs.install_history with the database's clock: the business has had the app
  installed for at least 24 hours in total (all its installs summed) and either still has it or
  uninstalled it within the last 45 days. The total is stored with the review
  (`used_for_seconds`) so the page can say "used for 3 months".
- One review per business and listing. `create` refuses a second one (409); `upsert` edits it
  (same row, updated_at moves). Every write re-checks eligibility; an edit keeps a hidden
  review hidden.
- The listing's rating, review_count and rating_counts are recomputed from the visible reviews
  in the same transaction as every change, under a FOR UPDATE lock on the listing row, so
  concurrent reviews never lose a count.
- One public reply per review from an owner/admin of the developer organization; a reply is
  final (a second one, or an edit, is refused with 409).
- Any signed-in user may report a review (reason required; one open report per user and
  review). Staff keep it (the report closes) or hide it (every open report of it closes, the
  rating is recomputed without it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jewelia.core.db import DB, TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from jewelia.platform.accounts import service as accounts
from jewelia.platform.marketplace import installs, orgs, staff
from jewelia.tenants.audit.service import Actor, record

MIN_USE_SECONDS = 24 * 3600
UNINSTALL_GRACE_DAYS = 45
MAX_BODY = 5000
MAX_REASON = 500
MAX_REPLY = 5000
REVIEWABLE = ("published", "unlisted", "paused")  # where reviews are shown and written
REPLY_ROLES = ("owner", "admin")

# Not eligible: machine-readable reasons (API details) and the words shown to people.
NOT_INSTALLED = "NOT_INSTALLED"
TOO_SOON = "TOO_SOON"
UNINSTALLED_LONG_AGO = "UNINSTALLED_LONG_AGO"


@dataclass(frozen=True)
class Eligibility:
    """Whether a business may review a listing now, and why not."""

    eligible: bool
    used_for_seconds: int
    code: str | None = None
    reason: str | None = None


class NotEligible(PermissionDenied):
    """The business may not review this app (yet, or any more)."""

    def __init__(self, eligibility: Eligibility) -> None:
        super().__init__(
            eligibility.reason or "You cannot review this app",
            [{"field": "tenant", "message": eligibility.reason, "code": eligibility.code}],
        )
        self.eligibility = eligibility


def used_for_text(seconds: int) -> str:
    """'3 months', '12 days', '2 years': how long a business has used an app."""
    days = max(0, int(seconds)) // 86400
    if days < 1:
        return "less than a day"
    if days < 30:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 365:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''}"
    years = days // 365
    return f"{years} year{'s' if years != 1 else ''}"


# --- eligibility -----------------------------------------------------------------------------


async def eligibility(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> Eligibility:
    """May this business review this listing now? The installs come from
    installs.install_history; the clock is the database's now()."""
    history = await installs.install_history(listing_id, tenant_id)
    if not history:
        return Eligibility(
            False, 0, NOT_INSTALLED, "Only businesses that have installed this app can review it"
        )
    now = (await fetch("SELECT now() AS now"))[0]["now"]
    spans = [max((r["uninstalled_at"] or now) - r["installed_at"], timedelta(0)) for r in history]
    used = int(sum(spans, timedelta(0)).total_seconds())
    if used < MIN_USE_SECONDS:
        hours = max(1, -(-(MIN_USE_SECONDS - used) // 3600))
        return Eligibility(
            False,
            used,
            TOO_SOON,
            f"You can review after 24 hours of use ({hours} hour{'s' if hours != 1 else ''} to go)",
        )
    active = any(row["uninstalled_at"] is None for row in history)
    last_uninstall = (
        max(row["uninstalled_at"] for row in history if row["uninstalled_at"])
        if not active
        else None
    )
    if last_uninstall is not None and now - last_uninstall > timedelta(days=UNINSTALL_GRACE_DAYS):
        return Eligibility(
            False,
            used,
            UNINSTALLED_LONG_AGO,
            f"Reviews close {UNINSTALL_GRACE_DAYS} days after uninstalling an app",
        )
    return Eligibility(True, used)


# --- input -----------------------------------------------------------------------------------


def _text(
    errors: list[FieldError], field: str, value: Any, label: str, max_len: int, required: bool
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(field, f"{label} must be text", "INVALID_TYPE"))
        return ""
    value = value.strip()
    if "\x00" in value:
        errors.append(FieldError(field, f"{label} must not contain NUL characters", "INVALID"))
    elif len(value) > max_len:
        errors.append(
            FieldError(field, f"{label} must be at most {max_len:,} characters", "TOO_LONG")
        )
    elif required and not value:
        errors.append(FieldError(field, f"{label} is required", "REQUIRED"))
    return value


def check_review(rating: Any, body: Any) -> tuple[int, str]:
    """A whole-number rating 1-5 and a trimmed body of at most 5,000 characters."""
    errors: list[FieldError] = []
    if isinstance(rating, bool) or not isinstance(rating, int):
        errors.append(FieldError("rating", "Rating must be a whole number from 1 to 5", "INVALID"))
    elif not 1 <= rating <= 5:
        errors.append(FieldError("rating", "Rating must be from 1 to 5", "OUT_OF_RANGE"))
    text = _text(errors, "body", body, "Review text", MAX_BODY, required=False)
    if errors:
        raise ValidationFailed(errors)
    return int(rating), text


# --- reading ---------------------------------------------------------------------------------


async def _reviewable_listing(listing_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    rows = await fetch(
        "SELECT id, org_id, slug, name, status, rating, review_count, rating_counts"
        " FROM public.listing WHERE id = $1" + (" FOR UPDATE" if lock else ""),
        listing_id,
    )
    if not rows or rows[0]["status"] not in REVIEWABLE:
        raise NotFound("Listing not found")
    return rows[0]


async def listing_by_slug(slug: str) -> dict[str, Any]:
    """A listing whose reviews can be shown (id, slug, name, rating, counts), or NotFound."""
    rows = await fetch(
        "SELECT id, org_id, slug, name, status, rating, review_count, rating_counts"
        " FROM public.listing WHERE slug = $1",
        slug[:80],
    )
    if not rows or rows[0]["status"] not in REVIEWABLE:
        raise NotFound("Listing not found")
    return rows[0]


def review_out(row: dict[str, Any]) -> dict[str, Any]:
    """The public shape of a review (the API's and the pages')."""
    reply = None
    if row.get("reply_body") is not None:
        reply = {
            "body": row["reply_body"],
            "repliedAt": row["reply_at"],
            "developer": row.get("developer_name") or "",
        }
    return {
        "id": row["id"],
        "listingId": row["listing_id"],
        "rating": row["rating"],
        "body": row["body"],
        "business": row.get("business_name") or "",
        "usedForSeconds": row["used_for_seconds"],
        "usedFor": used_for_text(row["used_for_seconds"]),
        "status": row["status"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "edited": row["updated_at"] != row["created_at"],
        "reply": reply,
    }


_COLUMNS = "SELECT r.*, t.name AS business_name, l.developer_name"
_FROM = (
    " FROM public.review r"
    " JOIN public.tenant t ON t.id = r.tenant_id JOIN public.listing l ON l.id = r.listing_id"
)
_SELECT = _COLUMNS + _FROM


async def list_reviews(
    listing_id: uuid.UUID, limit: int = 20, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Visible reviews of a listing, newest first, and how many there are."""
    listing = await _reviewable_listing(listing_id)
    rows = await fetch(
        _SELECT + " WHERE r.listing_id = $1 AND r.status = 'visible'"
        " ORDER BY r.created_at DESC, r.id DESC LIMIT $2 OFFSET $3",
        listing_id,
        limit,
        offset,
    )
    return [review_out(r) for r in rows], int(listing["review_count"])


async def get_review(review_id: uuid.UUID) -> dict[str, Any]:
    rows = await fetch(_SELECT + " WHERE r.id = $1", review_id)
    if not rows:
        raise NotFound("Review not found")
    return review_out(rows[0])


async def review_of(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any] | None:
    """This business's review of the listing (visible or hidden), if any."""
    rows = await fetch(
        _SELECT + " WHERE r.listing_id = $1 AND r.tenant_id = $2", listing_id, tenant_id
    )
    return review_out(rows[0]) if rows else None


# --- writing ---------------------------------------------------------------------------------


async def _recount(listing_id: uuid.UUID) -> None:
    """Rating, review_count and rating_counts from the visible reviews (listing row locked)."""
    await execute(
        "UPDATE public.listing l SET rating = c.avg, review_count = c.n, rating_counts = c.counts"
        " FROM (SELECT count(*)::int AS n,"
        "  coalesce(round(avg(rating)::numeric, 2), 0) AS avg,"
        "  ARRAY[count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2),"
        "   count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),"
        "   count(*) FILTER (WHERE rating = 5)]::int[] AS counts"
        "  FROM public.review WHERE listing_id = $1 AND status = 'visible') c"
        " WHERE l.id = $1",
        listing_id,
    )


async def write_review(
    listing_id: uuid.UUID,
    tenant: TenantRef,
    actor: Actor,
    rating: Any,
    body: Any,
    *,
    create_only: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Create or edit the business's review; (review, created). `create_only` refuses an edit.

    A user must be a member with write access; API keys were checked for `write` by the guard.
    """
    rating, text = check_review(rating, body)
    if actor.type == "user":
        assert actor.id is not None
        member = await accounts.membership(actor.id, tenant.id)
        if not member.can_write:
            raise PermissionDenied("Your role is read-only in this business")
    elif actor.type != "api_key":
        raise PermissionDenied("Reviews are written by a business's members or its API keys")
    author = actor.id if actor.type == "user" else None
    async with DB.transaction():
        await _reviewable_listing(listing_id, lock=True)  # serialises this listing's counts
        allowed = await eligibility(listing_id, tenant.id)
        if not allowed.eligible:
            raise NotEligible(allowed)
        existing = await fetch(
            "SELECT id, rating, body FROM public.review WHERE listing_id = $1 AND tenant_id = $2",
            listing_id,
            tenant.id,
        )
        if existing and create_only:
            raise Conflict(
                "This business has already reviewed this app; edit the review instead (PUT)",
                [{"field": "tenant", "message": "One review per business", "code": "DUPLICATE"}],
            )
        if existing:
            review_id = existing[0]["id"]
            await execute(
                "UPDATE public.review SET rating = $2, body = $3, used_for_seconds = $4,"
                " author_user_id = coalesce($5, author_user_id), updated_at = clock_timestamp()"
                " WHERE id = $1",
                review_id,
                rating,
                text,
                allowed.used_for_seconds,
                author,
            )
        else:
            review_id = uuid.uuid4()
            await execute(
                "INSERT INTO public.review (id, listing_id, tenant_id, author_user_id, rating,"
                " body, used_for_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                review_id,
                listing_id,
                tenant.id,
                author,
                rating,
                text,
                allowed.used_for_seconds,
            )
        await _recount(listing_id)
        async with tenant_scope(tenant):
            await record(
                actor,
                "review.updated" if existing else "review.created",
                "marketplace_review",
                review_id,
                {"rating": existing[0]["rating"], "body": existing[0]["body"]}
                if existing
                else None,
                {"listing_id": str(listing_id), "rating": rating, "body": text},
            )
    return await get_review(review_id), not existing


# --- developer reply -------------------------------------------------------------------------


async def reply(review_id: uuid.UUID, user_id: uuid.UUID, body: Any) -> dict[str, Any]:
    """The developer's one public reply (owner/admin of the listing's organization)."""
    errors: list[FieldError] = []
    text = _text(errors, "body", body, "Reply", MAX_REPLY, required=True)
    if errors:
        raise ValidationFailed(errors)
    rows = await fetch(
        "SELECT r.id, r.status, r.reply_body, l.org_id FROM public.review r"
        " JOIN public.listing l ON l.id = r.listing_id WHERE r.id = $1",
        review_id,
    )
    if not rows or rows[0]["status"] != "visible":
        raise NotFound("Review not found")
    if await orgs.org_role(user_id, rows[0]["org_id"]) not in REPLY_ROLES:
        raise PermissionDenied("Only the developer organization's owners and admins can reply")
    done = await fetch(
        "UPDATE public.review SET reply_body = $2, reply_at = now(), reply_by = $3"
        " WHERE id = $1 AND reply_body IS NULL RETURNING id",
        review_id,
        text,
        user_id,
    )
    if not done:
        raise Conflict(
            "This review already has a reply",
            [{"field": "body", "message": "One reply per review", "code": "DUPLICATE"}],
        )
    return await get_review(review_id)


async def reviews_for_developer(user_id: uuid.UUID, limit: int = 100) -> list[dict[str, Any]]:
    """Visible reviews of the listings of every organization the user belongs to, newest first,
    with whether the user may reply."""
    rows = await fetch(
        _COLUMNS
        + ", l.name AS listing_name, l.slug AS listing_slug, m.role AS org_role"
        + _FROM
        + " JOIN public.developer_member m ON m.org_id = l.org_id AND m.user_id = $1"
        " WHERE r.status = 'visible' ORDER BY r.created_at DESC, r.id DESC LIMIT $2",
        user_id,
        limit,
    )
    out = []
    for row in rows:
        item = review_out(row)
        item["listingName"] = row["listing_name"]
        item["listingSlug"] = row["listing_slug"]
        item["canReply"] = row["org_role"] in REPLY_ROLES and row["reply_body"] is None
        out.append(item)
    return out


# --- reports and moderation ------------------------------------------------------------------


async def report(review_id: uuid.UUID, user_id: uuid.UUID, reason: Any) -> dict[str, Any]:
    """A signed-in user reports a review to staff; one open report per user and review."""
    errors: list[FieldError] = []
    text = _text(errors, "reason", reason, "Reason", MAX_REASON, required=True)
    if errors:
        raise ValidationFailed(errors)
    async with DB.transaction():
        rows = await fetch(
            "SELECT id, status FROM public.review WHERE id = $1 FOR UPDATE", review_id
        )
        if not rows or rows[0]["status"] != "visible":
            raise NotFound("Review not found")
        open_ = await fetch(
            "SELECT 1 FROM public.review_report WHERE review_id = $1 AND reporter_user_id = $2"
            " AND resolved_at IS NULL",
            review_id,
            user_id,
        )
        if open_:
            raise Conflict(
                "You have already reported this review; staff will look at it",
                [{"field": "reason", "message": "One open report per review", "code": "DUPLICATE"}],
            )
        report_id = uuid.uuid4()
        created = await fetch(
            "INSERT INTO public.review_report (id, review_id, reporter_user_id, reason)"
            " VALUES ($1, $2, $3, $4) RETURNING id, review_id, reason, created_at",
            report_id,
            review_id,
            user_id,
            text,
        )
    row = created[0]
    return {
        "id": row["id"],
        "reviewId": row["review_id"],
        "reason": row["reason"],
        "createdAt": row["created_at"],
        "status": "open",
    }


async def open_reports(staff_user_id: uuid.UUID, limit: int = 200) -> list[dict[str, Any]]:
    """Open reports, oldest first, each with its review and listing."""
    await staff.require_staff(staff_user_id)
    rows = await fetch(
        "SELECT p.id AS report_id, p.reason, p.created_at AS reported_at, u.email AS reporter,"
        " r.*, t.name AS business_name, l.developer_name, l.name AS listing_name,"
        " l.slug AS listing_slug FROM public.review_report p"
        " JOIN public.review r ON r.id = p.review_id"
        " JOIN public.listing l ON l.id = r.listing_id JOIN public.tenant t ON t.id = r.tenant_id"
        " LEFT JOIN public.app_user u ON u.id = p.reporter_user_id"
        " WHERE p.resolved_at IS NULL ORDER BY p.created_at, p.id LIMIT $1",
        limit,
    )
    return [
        {
            "id": row["report_id"],
            "reason": row["reason"],
            "reportedAt": row["reported_at"],
            "reporter": row["reporter"] or "",
            "listingName": row["listing_name"],
            "listingSlug": row["listing_slug"],
            "review": review_out(row),
        }
        for row in rows
    ]


async def resolve_report(report_id: uuid.UUID, staff_user_id: uuid.UUID, action: str) -> str:
    """Staff keep the review (this report closes) or hide it (its open reports close and the
    listing's rating is recomputed in the same transaction). Returns the resolution."""
    await staff.require_staff(staff_user_id)
    if action not in ("keep", "hide"):
        raise ValidationFailed([FieldError("action", "Action must be keep or hide", "INVALID")])
    rows = await fetch(
        "SELECT p.review_id, p.resolved_at, r.listing_id FROM public.review_report p"
        " JOIN public.review r ON r.id = p.review_id WHERE p.id = $1",
        report_id,
    )
    if not rows:
        raise NotFound("Report not found")
    review_id, listing_id = rows[0]["review_id"], rows[0]["listing_id"]
    async with DB.transaction():
        if action == "keep":
            done = await fetch(
                "UPDATE public.review_report SET resolved_at = now(), resolved_by = $2,"
                " resolution = 'kept' WHERE id = $1 AND resolved_at IS NULL RETURNING id",
                report_id,
                staff_user_id,
            )
            if not done:
                raise Conflict("This report is already closed")
            return "kept"
        await fetch("SELECT id FROM public.listing WHERE id = $1 FOR UPDATE", listing_id)
        done = await fetch(
            "UPDATE public.review_report SET resolved_at = now(), resolved_by = $2,"
            " resolution = 'hidden' WHERE review_id = $1 AND resolved_at IS NULL RETURNING id",
            review_id,
            staff_user_id,
        )
        if not any(r["id"] == report_id for r in done):
            raise Conflict("This report is already closed")
        await execute("UPDATE public.review SET status = 'hidden' WHERE id = $1", review_id)
        await _recount(listing_id)
    return "hidden"
