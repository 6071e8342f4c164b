"""The schedule trigger: cron with an IANA time zone, fired by the scheduler.

`public.builder_schedule` holds the next fire time of each schedule trigger of each active
flow (kept by `sync`, called when a flow is published, switched on or off, or deleted), so the
scheduler reads only the due rows and never looks into a tenant without work. Each due row is
fired in its own transaction with the row locked (FOR UPDATE SKIP LOCKED) and a receipt keyed
by the fire time, so two schedulers never fire one time twice. After downtime the missed fire
times collapse into one run (`scheduledAt` is the latest of them); the next fire time is the
first one after now.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter

from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import AppError
from jewelia.platform.tenancy.registry import live_tenant
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.builder.triggers.fire import start_once, tell_refused

log = logging.getLogger("jewelia.builder")
BATCH = 200


def next_fire(cron: str, timezone: str, after: datetime) -> datetime:
    """The first fire time strictly after `after` (UTC)."""
    local = after.astimezone(ZoneInfo(timezone))
    nxt: datetime = croniter(cron, local).get_next(datetime)
    return nxt.astimezone(UTC)


def latest_fire(cron: str, timezone: str, due: datetime, now: datetime) -> datetime:
    """The latest fire time at or before `now`, and not before `due` (the missed ones collapse)."""
    local = (now + timedelta(seconds=1)).astimezone(ZoneInfo(timezone))
    prev: datetime = croniter(cron, local).get_prev(datetime)
    return max(due, prev.astimezone(UTC))


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def sync(tenant_id: uuid.UUID, flow_id: uuid.UUID, triggers: list[dict[str, Any]]) -> None:
    """Inside the flow's tenant scope: one fire-time row per schedule trigger in `triggers`
    (the active published version's; empty when the flow is off or deleted). A trigger whose
    cron and time zone are unchanged keeps its next fire time."""
    now = datetime.now(UTC)
    keep: list[int] = []
    for index, trigger in enumerate(triggers):
        if trigger.get("type") != "schedule":
            continue
        config = trigger.get("config") or {}
        cron, zone = str(config["cron"]), str(config.get("timezone") or "UTC")
        keep.append(index)
        await execute(
            "INSERT INTO public.builder_schedule (tenant_id, flow_id, trigger_index, cron,"
            " timezone, next_fire_at) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (tenant_id, flow_id, trigger_index) DO UPDATE SET cron = EXCLUDED.cron,"
            " timezone = EXCLUDED.timezone, next_fire_at = CASE WHEN builder_schedule.cron ="
            " EXCLUDED.cron AND builder_schedule.timezone = EXCLUDED.timezone"
            " THEN builder_schedule.next_fire_at ELSE EXCLUDED.next_fire_at END",
            tenant_id,
            flow_id,
            index,
            cron,
            zone,
            next_fire(cron, zone, now),
        )
    await execute(
        "DELETE FROM public.builder_schedule WHERE tenant_id = $1 AND flow_id = $2"
        " AND NOT (trigger_index = ANY($3::int[]))",
        tenant_id,
        flow_id,
        keep,
    )


async def fire_due(limit: int = BATCH) -> int:
    """Fire every schedule that is due now (each fire time once); the number of runs started."""
    due = await fetch(
        "SELECT tenant_id, flow_id, trigger_index FROM public.builder_schedule"
        " WHERE next_fire_at <= now() ORDER BY next_fire_at LIMIT $1",
        limit,
    )
    started = 0
    for row in due:
        tenant = await live_tenant(row["tenant_id"])
        if tenant is None:
            await execute(
                "DELETE FROM public.builder_schedule WHERE tenant_id = $1", row["tenant_id"]
            )
            continue
        try:
            run_id = await _fire(tenant.ref, row["flow_id"], row["trigger_index"])
        except Exception:
            log.exception("schedule of flow %s could not fire", row["flow_id"])
            continue
        if run_id is not None:
            started += 1
            await runs.send(tenant.id, run_id)
    return started


async def _fire(tenant: TenantRef, flow_id: uuid.UUID, index: int) -> uuid.UUID | None:
    """Fire one due schedule row in one transaction; the run started, if any."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT cron, timezone, next_fire_at, now() AS now FROM public.builder_schedule"
            " WHERE tenant_id = $1 AND flow_id = $2 AND trigger_index = $3"
            " AND next_fire_at <= now() FOR UPDATE SKIP LOCKED",
            tenant.id,
            flow_id,
            index,
        )
        if not rows:  # another scheduler has it, or fired it already
            return None
        row = rows[0]
        now: datetime = row["now"]
        scheduled = latest_fire(row["cron"], row["timezone"], row["next_fire_at"], now)
        await execute(
            "UPDATE public.builder_schedule SET next_fire_at = $4"
            " WHERE tenant_id = $1 AND flow_id = $2 AND trigger_index = $3",
            tenant.id,
            flow_id,
            index,
            next_fire(row["cron"], row["timezone"], now),
        )
        payload = {
            "scheduledAt": _iso(scheduled),
            "firedAt": _iso(datetime.now(UTC)),
            "timezone": row["timezone"],
        }
        await execute("SAVEPOINT builder_schedule_fire")
        try:
            got = await start_once(
                tenant, flow_id, "schedule", f"schedule:{index}:{_iso(scheduled)}", payload
            )
        except AppError as exc:  # switched off or republished meanwhile: drop this fire time
            await execute("ROLLBACK TO SAVEPOINT builder_schedule_fire")
            log.info("schedule of flow %s not fired: %s", flow_id, exc.message)
            await tell_refused(flow_id, exc)
            return None
    return None if got.duplicate else got.run_id
