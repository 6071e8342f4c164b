"""Events are written to the tenant's outbox in the same transaction as the change.

A row in `public.outbox_signal` (same transaction) tells the dispatcher which tenant has
work, so it never scans every schema; its insert trigger NOTIFYs the dispatcher at commit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from jewelia.core.db import DB, current_tenant, execute

_encoder = msgspec.json.Encoder(decimal_format="number")
# Customer and inventory events also carry their id under these names (the contract's
# receiver reads `customer_id`; order events already carry `order_id`).
ID_ALIASES = {"customer": "customer_id", "inventory": "inventory_id"}


def _payload(event_type: str, data: dict[str, Any]) -> tuple[uuid.UUID, str]:
    event_id = uuid.uuid4()
    alias = ID_ALIASES.get(event_type.split(".", 1)[0])
    if alias and "id" in data and alias not in data:
        data = {**data, alias: data["id"]}
    payload = {
        "id": str(event_id),
        "event": event_type,
        "data": data,
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    return event_id, _encoder.encode(payload).decode()


def _require_scope() -> None:
    if current_tenant.get() is None or DB.current_transaction.get() is None:
        raise RuntimeError("events are emitted inside a tenant scope")


async def emit(event_type: str, data: dict[str, Any]) -> uuid.UUID:
    """Record an event (inside a tenant scope); a dispatcher delivers it after commit."""
    _require_scope()
    event_id, payload = _payload(event_type, data)
    await execute(
        "INSERT INTO event_outbox (id, event_type, payload) VALUES ($1, $2, $3::jsonb)",
        event_id,
        event_type,
        payload,
    )
    await execute("INSERT INTO public.outbox_signal (tenant_id) VALUES ($1)", current_tenant_id())
    return event_id


async def emit_many(event_type: str, items: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Record many events of one type in one statement (bulk imports), and one signal."""
    _require_scope()
    if not items:
        return []
    made = [_payload(event_type, data) for data in items]
    await execute(
        "INSERT INTO event_outbox (id, event_type, payload)"
        " SELECT i, $1, p::jsonb FROM unnest($2::uuid[], $3::text[]) AS t(i, p)",
        event_type,
        [event_id for event_id, _ in made],
        [payload for _, payload in made],
    )
    await execute("INSERT INTO public.outbox_signal (tenant_id) VALUES ($1)", current_tenant_id())
    return [event_id for event_id, _ in made]


def current_tenant_id() -> uuid.UUID:
    """The id of the tenant whose scope is open."""
    tenant = current_tenant.get()
    assert tenant is not None
    return tenant.id
