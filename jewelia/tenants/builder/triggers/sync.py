"""Keep a flow's triggers in line with the flow: called inside the tenant scope of every
publish, switch on or off, and delete (builder.service)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from jewelia.core.db import current_tenant, fetch
from jewelia.tenants.builder.triggers import schedule, webhook


async def sync_flow(flow_id: uuid.UUID) -> dict[str, str] | None:
    """Mint, switch or drop the flow's webhook URL and its schedule fire times; the new
    webhook {url, secret} when one was minted now (shown once)."""
    tenant = current_tenant.get()
    if tenant is None:
        raise RuntimeError("sync_flow runs inside the flow's tenant scope")
    rows = await fetch(
        "SELECT f.is_active, f.deleted_at IS NOT NULL AS deleted,"
        " (v.definition -> 'triggers')::text AS triggers FROM flow f"
        " LEFT JOIN flow_version v ON v.flow_id = f.id AND v.number = f.published_version"
        " WHERE f.id = $1",
        flow_id,
    )
    if not rows:
        return None
    row = rows[0]
    triggers: list[dict[str, Any]] = json.loads(row["triggers"]) if row["triggers"] else []
    has_webhook = any(t.get("type") == "webhook" for t in triggers)
    minted = await webhook.sync(tenant.id, flow_id, has_webhook, row["deleted"])
    running = row["is_active"] and not row["deleted"]
    await schedule.sync(tenant.id, flow_id, triggers if running else [])
    return minted
