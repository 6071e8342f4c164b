"""Read-only views for the live webhook dashboard: deliveries by hour and status, and
deliveries re-loaded by id when the worker announces their outcomes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.tenants.webhooks.outbound.service import DELIVERY_COLUMNS, delivery_public

HOURS = 24


async def delivery_histogram(
    tenant: TenantRef, endpoint_id: uuid.UUID, hours: int = HOURS
) -> list[dict[str, Any]]:
    """One bucket per hour, oldest first, ending with the current hour: counts by status."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=hours - 1)
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AS hour,"
            " count(*) FILTER (WHERE status = 'succeeded') AS succeeded,"
            " count(*) FILTER (WHERE status = 'failed') AS failed,"
            " count(*) FILTER (WHERE status IN ('pending', 'retrying')) AS waiting"
            " FROM webhook_delivery WHERE endpoint_id = $1 AND created_at >= $2 GROUP BY 1",
            endpoint_id,
            start,
        )
    by_hour = {r["hour"].replace(tzinfo=UTC): r for r in rows}
    out = []
    for n in range(hours):
        hour = start + timedelta(hours=n)
        r = by_hour.get(hour, {})
        counts = {k: int(r.get(k, 0)) for k in ("succeeded", "failed", "waiting")}
        out.append({"hour": hour, **counts, "total": sum(counts.values())})
    return out


async def deliveries_by_ids(
    tenant: TenantRef, ids: list[uuid.UUID], endpoint_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """The given deliveries (of one endpoint, if named) as they are now, newest first."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {DELIVERY_COLUMNS} FROM webhook_delivery WHERE id = ANY($1::uuid[])"
            " AND ($2::uuid IS NULL OR endpoint_id = $2) ORDER BY created_at DESC, id DESC",
            ids,
            endpoint_id,
        )
    return [delivery_public(r) for r in rows]
