"""Start a run at most once per delivery key (a webhook-id, an outbox event id, a fire time).

The receipt row and the run are written in one statement (`runs.START_SQL` in the caller's
transaction, `runs.START_ONE_SQL` on its own); a concurrent copy of the same key waits on the
receipt's primary key and then finds the first copy's run. Inside a transaction the caller
sends the run's message after its commit (`runs.send`): `start_flow_run` called inside a
transaction sends none, as a message sent from inside could reach a worker before the run is
visible.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jewelia.core.db import TenantRef, fetch
from jewelia.core.errors import AppError
from jewelia.platform.billing.limits import PLAN_LIMIT_EXCEEDED, UPGRADE_URL
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.notifications import service as notifications

KEY_MAX = 400


@dataclass(frozen=True)
class Started:
    """A run started for a key, or the run an earlier copy of the key started."""

    run_id: uuid.UUID | None
    flow_id: uuid.UUID
    version: int | None
    duplicate: bool


async def start_once(
    tenant: TenantRef, flow_id: uuid.UUID, trigger_type: str, key: str, payload: Any
) -> Started:
    """Start a run of the flow for `key` unless one was already started for it. Outside a
    transaction the run's message is sent; inside one, the caller sends it after its commit."""
    started = await runs.start_flow_run(tenant, flow_id, trigger_type, payload, key=key[:KEY_MAX])
    return Started(started["run_id"], flow_id, started["version"], started["duplicate"])


async def tell_refused(flow_id: uuid.UUID, exc: AppError) -> None:
    """In the tenant's transaction: when the plan's monthly run limit kept a trigger from
    starting a run, tell the business in the app (once a month per flow), as no one else sees
    it."""
    if exc.code != PLAN_LIMIT_EXCEEDED:
        return
    flows = await fetch("SELECT name FROM flow WHERE id = $1", flow_id)
    name = flows[0]["name"] if flows else "A flow"
    await notifications.add(
        f"{name} did not run: this month's flow runs are used up",
        f"{exc.message} Its triggers start runs again next month or after an upgrade.",
        link=UPGRADE_URL,
        source_type="flow",
        source_id=flow_id,
        idempotency_key=f"flow-run-limit:{flow_id}:{datetime.now(UTC):%Y-%m}",
    )
