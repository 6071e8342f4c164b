"""In-app notifications of a business: written (by a flow's step, in its transaction), listed
newest first with the unread count, and marked read (read state belongs to the business: one
member reading a notification reads it for all)."""

from __future__ import annotations

import uuid
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import NotFound
from jewelia.tenants.crm.records import Filters, page_of

COLUMNS = "id, title, body, link, source_type, source_id, read_at, created_at"
TITLE_MAX = 200
BODY_MAX = 10_000


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A notification in the API's shape."""
    return {
        "id": row["id"],
        "title": row["title"],
        "body": row["body"],
        "link": row["link"],
        "source": {"type": row["source_type"], "id": row["source_id"]},
        "read": row["read_at"] is not None,
        "read_at": row["read_at"],
        "created_at": row["created_at"],
    }


async def add(
    title: str,
    body: str,
    *,
    link: str | None = None,
    source_type: str = "system",
    source_id: uuid.UUID | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Write a notification in the current tenant transaction; with an idempotency key, a second
    call with the same key returns the first notification instead of adding one."""
    rows = await fetch(
        "INSERT INTO notification (id, title, body, link, source_type, source_id,"
        " idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        f" ON CONFLICT (idempotency_key) DO NOTHING RETURNING {COLUMNS}",
        uuid.uuid4(),
        (title.strip() or "Notification")[:TITLE_MAX],
        body[:BODY_MAX],
        link,
        source_type[:20],
        source_id,
        idempotency_key,
    )
    if not rows:
        rows = await fetch(
            f"SELECT {COLUMNS} FROM notification WHERE idempotency_key = $1", idempotency_key
        )
    return public(rows[0])


async def create_notification(
    tenant: TenantRef, title: str, body: str, **kw: Any
) -> dict[str, Any]:
    """Write a notification for the business in its own transaction."""
    async with tenant_scope(tenant):
        return await add(title, body, **kw)


async def unread_count(tenant: TenantRef) -> int:
    """How many notifications no member has read yet."""
    async with tenant_scope(tenant):
        rows = await fetch("SELECT count(*) AS n FROM notification WHERE read_at IS NULL")
    return int(rows[0]["n"])


async def list_notifications(
    tenant: TenantRef, page: Page, unread: bool | None = None
) -> tuple[list[dict[str, Any]], int, str | None, int]:
    """One page, newest first: (rows, total, next cursor, unread count)."""
    filters = Filters()
    if unread is not None:
        filters.clauses.append("read_at IS NULL" if unread else "read_at IS NOT NULL")
    async with tenant_scope(tenant):
        rows, total, cursor = await page_of(
            "notification", COLUMNS, filters, "created_at DESC, id DESC", page, True
        )
        count = await fetch("SELECT count(*) AS n FROM notification WHERE read_at IS NULL")
    return [public(r) for r in rows], total, cursor, int(count[0]["n"])


async def mark_read(tenant: TenantRef, notification_id: uuid.UUID) -> dict[str, Any]:
    """Mark one notification read (already read: unchanged), or NotFound."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "UPDATE notification SET read_at = coalesce(read_at, now()) WHERE id = $1"
            f" RETURNING {COLUMNS}",
            notification_id,
        )
    if not rows:
        raise NotFound("Notification not found")
    return public(rows[0])


async def mark_all_read(tenant: TenantRef) -> int:
    """Mark every unread notification read; how many were."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "UPDATE notification SET read_at = now() WHERE read_at IS NULL RETURNING id"
        )
    return len(rows)
