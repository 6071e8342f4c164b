"""The database_change trigger: CRM inserts, updates and deletes, read from the tenant's outbox.

The webhook dispatcher (woken by the outbox's NOTIFY at commit) hands each batch of committed
events to `consume` inside its own transaction, before it marks them dispatched: every active
flow whose published version watches the event's resource and operation gets one run per event
(a receipt keyed by the event id), so nothing polls the CRM tables and no event is lost or
counted twice. The runs are sent after that transaction commits (`send`).

Each event is matched with the audit entry written in the same transaction (same timestamp,
action and record id). It gives `previous`: the changed fields' old values for an update, the
whole record for a delete. And it names who made the change: a change a flow's own run made
does not trigger that same flow again (it would loop forever).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from jewelia.core.db import TenantRef, execute, fetch
from jewelia.core.errors import AppError
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.builder.triggers.fire import start_once, tell_refused

log = logging.getLogger("jewelia.builder")
RESOURCES = {"customer": "customers", "inventory": "inventory", "order": "orders"}
OPERATIONS = {"created": "insert", "updated": "update", "deleted": "delete"}


def classify(event_type: str) -> tuple[str, str] | None:
    """(resource, operation) of a CRM row event (`customer.updated`), else None."""
    entity, _, action = event_type.partition(".")
    if entity in RESOURCES and action in OPERATIONS:
        return RESOURCES[entity], OPERATIONS[action]
    return None


def _watchers(flows: list[dict[str, Any]], resource: str, operation: str) -> list[uuid.UUID]:
    found = []
    for flow in flows:
        for trigger in json.loads(flow["triggers"]) or []:
            config = trigger.get("config") or {}
            if (
                trigger.get("type") == "database_change"
                and config.get("resource") == resource
                and operation in (config.get("operations") or [])
            ):
                found.append(flow["id"])
                break
    return found


def run_payload(
    event: dict[str, Any], resource: str, operation: str, previous: Any = None
) -> dict[str, Any]:
    """What the run sees as `trigger`: {event, resource, operation, data, changed?, previous?,
    eventId, timestamp}; `data` is the record as the event carries it."""
    body = json.loads(event["payload"]) if isinstance(event["payload"], str) else event["payload"]
    data = dict(body.get("data") or {})
    payload: dict[str, Any] = {
        "event": event["event_type"],
        "resource": resource,
        "operation": operation,
        "data": data,
        "eventId": str(event["id"]),
        "timestamp": body.get("timestamp"),
    }
    if "changed" in data:
        payload["changed"] = data.pop("changed")
    if previous is not None and operation != "insert":
        payload["previous"] = previous
    return payload


async def consume(tenant: TenantRef, events: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Inside the dispatcher's tenant transaction: start the runs these events trigger; their
    ids (send them after commit). A flow that cannot run now is skipped and logged."""
    kinds = [(e, classify(e["event_type"])) for e in events]
    if not any(kind for _, kind in kinds):
        return []
    flows = await fetch(
        "SELECT f.id, (v.definition -> 'triggers')::text AS triggers FROM flow f"
        " JOIN flow_version v ON v.flow_id = f.id AND v.number = f.published_version"
        " WHERE f.is_active AND f.deleted_at IS NULL"
        " AND v.definition -> 'triggers' @> '[{\"type\": \"database_change\"}]'::jsonb"
    )
    if not flows:
        return []
    audit = await _audit([e["id"] for e, kind in kinds if kind])
    started: list[uuid.UUID] = []
    for event, kind in kinds:
        if kind is None:
            continue
        for flow_id in _watchers(flows, *kind):
            made_by, previous = audit.get(event["id"], (None, None))
            if made_by == flow_id:  # the flow's own change
                continue
            await execute("SAVEPOINT builder_db_change")
            try:
                got = await start_once(
                    tenant,
                    flow_id,
                    "database_change",
                    f"event:{event['id']}",
                    run_payload(event, *kind, previous),
                )
            except Exception as exc:  # one flow's failure must not hold up the outbox
                await execute("ROLLBACK TO SAVEPOINT builder_db_change")
                if isinstance(exc, AppError):
                    log.warning("event %s did not start flow %s: %s", event["id"], flow_id, exc)
                    await tell_refused(flow_id, exc)
                else:
                    log.exception("event %s did not start flow %s", event["id"], flow_id)
                continue
            await execute("RELEASE SAVEPOINT builder_db_change")
            if got.run_id is not None and not got.duplicate:
                started.append(got.run_id)
    return started


async def _audit(event_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[uuid.UUID | None, Any]]:
    """For each event, the flow that made its change (None for anyone else) and the audit
    entry's `before`."""
    rows = await fetch(
        "SELECT e.id, a.actor_type, a.actor_id, a.before::text AS before FROM event_outbox e"
        " JOIN audit_log a ON a.created_at = e.created_at AND a.action = e.event_type"
        " AND a.entity_id = e.payload -> 'data' ->> 'id' WHERE e.id = ANY($1::uuid[])",
        event_ids,
    )
    return {
        r["id"]: (
            r["actor_id"] if r["actor_type"] == "flow" else None,
            json.loads(r["before"]) if r["before"] else None,
        )
        for r in rows
    }


async def send(tenant_id: uuid.UUID, run_ids: list[uuid.UUID]) -> None:
    """After the dispatcher's commit: enqueue the runs `consume` started."""
    for run_id in run_ids:
        await runs.send(tenant_id, run_id)
