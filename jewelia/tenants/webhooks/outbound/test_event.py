"""A test event for one endpoint: a `webhook.test` delivery made directly (no outbox event, no
other endpoint receives it), sent by the worker like any delivery, attempts and all."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import Conflict
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.outbound.service import (
    DELIVERY_COLUMNS,
    AppOwner,
    delivery_public,
    mark_due,
    own_endpoint,
)

TEST_EVENT = "webhook.test"
MESSAGE = "Test webhook from Jewelia"
assert TEST_EVENT in catalog.CATALOG


def payload_for(endpoint_id: uuid.UUID, event_id: uuid.UUID) -> dict[str, Any]:
    """The body a receiver gets: the usual `{"event", "data", "timestamp", "id"}`."""
    return {
        "event": TEST_EVENT,
        "data": {"message": MESSAGE, "endpoint_id": str(endpoint_id)},
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "id": str(event_id),
    }


async def send_test_event(
    tenant: TenantRef, actor: Actor, endpoint_id: uuid.UUID, owner: AppOwner | None = None
) -> dict[str, Any]:
    """Queue a `webhook.test` delivery to this endpoint now; the delivery (pending)."""
    event_id = uuid.uuid4()
    async with tenant_scope(tenant):
        endpoint = await own_endpoint(endpoint_id, "SHARE", owner)  # another owner's: 404
        if not endpoint["enabled"]:
            raise Conflict("The endpoint is disabled: enable it to send a test event")
        rows = await fetch(
            "INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, payload,"
            " status, next_attempt_at, leased_until)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, 'pending', now(), NULL)"
            f" RETURNING {DELIVERY_COLUMNS}",
            uuid.uuid4(),
            endpoint_id,
            event_id,
            TEST_EVENT,
            json.dumps(payload_for(endpoint_id, event_id)),
        )
        delivery = delivery_public(rows[0])
        await record(
            actor,
            "webhook.test_sent",
            "webhook_endpoint",
            endpoint_id,
            None,
            {"delivery_id": str(delivery["id"])},
        )
        await mark_due(tenant.id)  # NOTIFY at commit: the sweeper leases and sends it
    return delivery
