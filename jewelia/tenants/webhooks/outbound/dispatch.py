"""The dispatcher's half of webhook delivery: committed outbox events become delivery rows
(leased, then enqueued), and a sweeper re-queues deliveries that are due with no live lease.

The delivery rows, not the queue, are the truth: a message lost with Redis or a worker killed
mid-batch only delays a delivery until its lease runs out.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.platform.tenancy.registry import live_tenant
from jewelia.tenants.builder.triggers import database_change
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.outbound.service import mark_due
from jewelia.tenants.webhooks.stream import history as stream_history

log = logging.getLogger("jewelia.webhooks")

BATCH_SIZE = 50
OUTBOX_BATCH = 2_000


# SQL over a webhook_endpoint `e`: whether it is owned by an install of an app whose listing
# staff suspended (no delivery is made or sent for it until the listing is reinstated).
SUSPENDED_APP = (
    "EXISTS (SELECT 1 FROM public.app_install ai JOIN public.listing al ON al.id ="
    " ai.listing_id WHERE ai.id = e.app_install_id AND al.status = 'suspended')"
)


def lease_seconds() -> float:
    """How long a queued delivery belongs to its message before the sweeper takes it back."""
    return float(os.environ.get("JEWELIA_WEBHOOK_LEASE_SECONDS", "45"))


@dataclass(frozen=True)
class Job:
    """One worker message: deliveries of one tenant, sent together, perhaps after a delay."""

    tenant_id: uuid.UUID
    delivery_ids: tuple[uuid.UUID, ...]
    delay_ms: int = 0


def _jobs(tenant_id: uuid.UUID, rows: list[dict[str, Any]]) -> list[Job]:
    by_endpoint: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        by_endpoint.setdefault(r["endpoint_id"], []).append(r["id"])
    return [
        Job(tenant_id, tuple(ids[i : i + BATCH_SIZE]))
        for ids in by_endpoint.values()
        for i in range(0, len(ids), BATCH_SIZE)
    ]


async def dispatch_signalled(max_tenants: int = 200) -> tuple[list[Job], int]:
    """Turn the outbox events of every signalled tenant into deliveries: the jobs to send, and
    how many signals there were (one per committed transaction that wrote events)."""
    rows = await fetch(
        "SELECT tenant_id, max(id) AS upto, count(*) AS signals FROM public.outbox_signal"
        " GROUP BY tenant_id LIMIT $1",
        max_tenants,
    )
    jobs: list[Job] = []
    for r in rows:
        tenant = await live_tenant(r["tenant_id"])
        if tenant is None:
            await execute("DELETE FROM public.outbox_signal WHERE tenant_id = $1", r["tenant_id"])
            continue
        jobs += await dispatch_tenant(tenant.ref, r["upto"])
    return jobs, sum(int(r["signals"]) for r in rows)


async def keep_polling(seconds: float) -> float:
    """Promise that a dispatcher looks for signals at least every few milliseconds for the
    next `seconds`, so that writers skip their NOTIFY meanwhile (migration public_0027); how
    many seconds the promise in force (perhaps another dispatcher's) still runs."""
    rows = await fetch(
        "UPDATE public.outbox_dispatcher"
        " SET polling_until = greatest(polling_until, clock_timestamp() + $1::interval)"
        " WHERE id = 1 RETURNING extract(epoch FROM polling_until - clock_timestamp()) AS left",
        timedelta(seconds=seconds),
    )
    return float(rows[0]["left"]) if rows else 0.0


async def dispatch_tenant(tenant: TenantRef, upto: int) -> list[Job]:
    """One transaction: take the tenant's undispatched events, make a delivery per matching
    enabled endpoint, start the builder flows they trigger, mark the events dispatched."""
    lease = timedelta(seconds=lease_seconds())
    flow_runs: list[uuid.UUID] = []
    async with tenant_scope(tenant):
        await execute(
            "DELETE FROM public.outbox_signal WHERE tenant_id = $1 AND id <= $2", tenant.id, upto
        )
        events = await fetch(
            "SELECT id, event_type, payload::text AS payload FROM event_outbox"
            " WHERE dispatched_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED",
            OUTBOX_BATCH,
        )
        if not events:
            return []
        if len(events) == OUTBOX_BATCH:  # more left: come back for them
            await execute("INSERT INTO public.outbox_signal (tenant_id) VALUES ($1)", tenant.id)
        # An endpoint an app owns gets nothing while staff have suspended the app's listing.
        endpoints = await fetch(
            "SELECT e.id, e.events FROM webhook_endpoint e WHERE e.enabled"
            f" AND NOT ({SUSPENDED_APP})"
        )
        made = [
            (uuid.uuid4(), ep["id"], ev)
            for ev in events
            for ep in endpoints
            if catalog.matches(list(ep["events"]), ev["event_type"])
        ]
        rows: list[dict[str, Any]] = []
        if made:
            rows = await fetch(
                "INSERT INTO webhook_delivery (id, endpoint_id, event_id, event_type, payload,"
                " next_attempt_at, leased_until)"
                " SELECT u.d, u.e, u.ev, u.t, u.p::jsonb, now(), now() + $6::interval"
                " FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])"
                " AS u(d, e, ev, t, p)"
                " ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id, endpoint_id",
                [m[0] for m in made],
                [m[1] for m in made],
                [m[2]["id"] for m in made],
                [m[2]["event_type"] for m in made],
                [m[2]["payload"] for m in made],
                lease,
            )
            await mark_due(tenant.id, datetime.now(UTC) + lease)
        flow_runs = await database_change.consume(tenant, events)
        await execute(
            "UPDATE event_outbox SET dispatched_at = now() WHERE id = ANY($1::uuid[])",
            [e["id"] for e in events],
        )
    await database_change.send(tenant.id, flow_runs)
    await _publish_stream(tenant.id, events)
    return _jobs(tenant.id, rows)


async def _publish_stream(tenant_id: uuid.UUID, events: list[dict[str, Any]]) -> None:
    # After the commit: the real-time stream shows only committed events. A Redis failure
    # costs live subscribers these events (they resume with a gap), never the deliveries.
    try:
        await stream_history.publish(tenant_id, [(e["event_type"], e["payload"]) for e in events])
    except Exception:
        log.exception("real-time stream publish failed for tenant %s", tenant_id)


async def sweep_due(max_tenants: int = 200) -> list[Job]:
    """Deliveries that are due and held by no live lease (lost or killed on the way)."""
    rows = await fetch(
        "SELECT tenant_id FROM public.webhook_due WHERE due_at <= now() ORDER BY due_at LIMIT $1",
        max_tenants,
    )
    jobs: list[Job] = []
    for r in rows:
        tenant = await live_tenant(r["tenant_id"])
        if tenant is not None:
            jobs += await sweep_tenant(tenant.ref)
    return jobs


async def sweep_tenant(tenant: TenantRef) -> list[Job]:
    """Lease the tenant's due deliveries and note when to look again."""
    async with tenant_scope(tenant):
        # Lock the marker first, so a delivery scheduled meanwhile is seen or waits for us.
        await fetch("SELECT 1 FROM public.webhook_due WHERE tenant_id = $1 FOR UPDATE", tenant.id)
        due = await fetch(
            "SELECT id, endpoint_id FROM webhook_delivery WHERE status IN ('pending', 'retrying')"
            " AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until <= now())"
            " ORDER BY next_attempt_at LIMIT 1000 FOR UPDATE SKIP LOCKED"
        )
        if due:
            await execute(
                "UPDATE webhook_delivery SET leased_until = now() + $2::interval"
                " WHERE id = ANY($1::uuid[])",
                [d["id"] for d in due],
                timedelta(seconds=lease_seconds()),
            )
        nxt = await fetch(
            "SELECT min(greatest(next_attempt_at, coalesce(leased_until, next_attempt_at))) AS at"
            " FROM webhook_delivery WHERE status IN ('pending', 'retrying')"
        )
        if nxt[0]["at"] is None:
            await execute("DELETE FROM public.webhook_due WHERE tenant_id = $1", tenant.id)
        else:
            await execute(
                "UPDATE public.webhook_due SET due_at = $2 WHERE tenant_id = $1",
                tenant.id,
                nxt[0]["at"],
            )
    return _jobs(tenant.id, due)
