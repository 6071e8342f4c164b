"""Monitoring of builder flows: failure streaks, alert emails and auto-pause, per-flow stats.

When a run reaches its final status (executor.close, inside the transaction that records it),
`run_finished` keeps the flow's streak of consecutive failed runs: a success resets it; the
`alertAfterFailures`-th failure in a row queues one email to the business's owners and admins
(once per streak); the `pauseAfterFailures`-th switches the flow off with the reason and time
shown in the flow's JSON (`pausedReason`, `pausedAt`) and emails them that it was paused.
Switching the flow on again clears the pause and the streak (service.update_flow). Cancelled
runs neither break nor extend a streak. Everything is written in the run's own transaction, so
a crash never alerts twice or misses the count.

`flow_stats` computes a flow's numbers over a window from flow_run in SQL.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.settings import get_settings
from jewelia.platform.mail.service import queue_email
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.builder.triggers.sync import sync_flow

DEFAULT_ALERT_AFTER = 3
DEFAULT_PAUSE_AFTER = 10
THRESHOLD_MAX = 1000
REASON_MAX = 1000
RUN_STATES = ("queued", "running", "succeeded", "failed", "cancelled")
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


def _last_error(path: str | None, error: str | None) -> str:
    """`at step s2: <message>` (the run's error without its own `Step s2 failed:` prefix)."""
    message = (error or "failed").strip()
    if path:
        prefix = f"Step {path} failed: "
        if message.startswith(prefix):
            message = message[len(prefix) :]
        return f"at step {path}: {message}"
    return f": {message}"


async def _managers(tenant_id: uuid.UUID) -> list[str]:
    rows = await fetch(
        "SELECT DISTINCT u.email FROM public.membership m JOIN public.app_user u"
        " ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.role IN ('owner', 'admin')"
        " ORDER BY u.email",
        tenant_id,
    )
    return [str(r["email"]) for r in rows]


async def _email_managers(tenant_id: uuid.UUID, subject: str, body: str) -> int:
    """Queue one email to each owner and admin (in the caller's transaction); how many."""
    names = await fetch("SELECT name FROM public.tenant WHERE id = $1", tenant_id)
    business = str(names[0]["name"]) if names else "your business"
    addresses = await _managers(tenant_id)
    for address in addresses:
        await queue_email(address, subject, body.replace("{business}", business))
    return len(addresses)


async def run_finished(
    tenant: TenantRef,
    flow_id: uuid.UUID,
    status: str,
    error: str | None = None,
    path: str | None = None,
) -> None:
    """Inside the transaction that records a run's final status: update the flow's failure
    streak, alert its owners and admins, pause it (see the module's docstring)."""
    if status == "succeeded":
        # no write (and no row lock) on the common path: only a streak in progress is reset
        await execute(
            "UPDATE flow SET failure_streak = 0, streak_alerted = false"
            " WHERE id = $1 AND (failure_streak <> 0 OR streak_alerted)",
            flow_id,
        )
        return
    if status != "failed":
        return
    rows = await fetch(
        "UPDATE flow SET failure_streak = failure_streak + 1 WHERE id = $1"
        " RETURNING name, is_active, deleted_at, failure_streak, streak_alerted,"
        " alert_after_failures, pause_after_failures",
        flow_id,
    )
    if not rows or rows[0]["deleted_at"] is not None:
        return
    flow = rows[0]
    streak = int(flow["failure_streak"])
    where = _last_error(path, error)
    link = f"{get_settings().base_url}/integrations/builder/{flow_id}"
    if streak >= flow["alert_after_failures"] and not flow["streak_alerted"]:
        await execute("UPDATE flow SET streak_alerted = true WHERE id = $1", flow_id)
        await _email_managers(
            tenant.id,
            f"Flow “{flow['name']}” failed {streak} times in a row",
            f"The integration builder flow “{flow['name']}” of {{business}} has failed"
            f" {streak} runs in a row.\n\nLast error {where}\n\nSee its runs: {link}\n\n"
            f"It is switched off automatically after {flow['pause_after_failures']}"
            " consecutive failures. You get this email once per streak of failures.",
        )
    if streak >= flow["pause_after_failures"] and flow["is_active"]:
        reason = f"Paused after {streak} consecutive failed runs; last error {where}"
        reason = reason[:REASON_MAX]
        await execute(
            "UPDATE flow SET is_active = false, paused_reason = $2, paused_at = now(),"
            " updated_at = now() WHERE id = $1",
            flow_id,
            reason,
        )
        await sync_flow(flow_id)  # its webhook URL and schedules stop too
        await record(
            Actor.system("Flow monitoring"),
            "flow.paused",
            "flow",
            flow_id,
            {"isActive": True},
            {"isActive": False, "pausedReason": reason},
        )
        await _email_managers(
            tenant.id,
            f"Flow “{flow['name']}” was switched off",
            f"The integration builder flow “{flow['name']}” of {{business}} was switched off."
            f"\n\n{reason}\n\nFix the flow, then switch it on again: {link}",
        )


def check_thresholds(values: dict[str, Any], check_errors: list[FieldError]) -> None:
    """Validate `alertAfterFailures` / `pauseAfterFailures` sent in a flow's body (1-1000)."""
    for name in ("alertAfterFailures", "pauseAfterFailures"):
        if name not in values or values[name] is None:
            continue
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int):
            check_errors.append(FieldError(name, f"{name} must be a whole number", "INVALID"))
        elif not 1 <= value <= THRESHOLD_MAX:
            check_errors.append(
                FieldError(name, f"{name} must be between 1 and {THRESHOLD_MAX}", "OUT_OF_RANGE")
            )


# --- stats ----------------------------------------------------------------------------------


def _ms(value: Any) -> int | None:
    return None if value is None else round(float(value))


async def flow_stats(tenant: TenantRef, flow_id: uuid.UUID, window: str = "24h") -> dict[str, Any]:
    """A flow's runs over the last `window` (24h, 7d or 30d): counts by status, success rate
    (succeeded / finished), p50 and p95 duration of finished runs, the last run, the last
    failure (its step path and message), and runs per hour (24h) or per day (7d, 30d)."""
    if window not in WINDOWS:
        raise ValidationFailed(
            [FieldError("window", f"window must be one of: {', '.join(WINDOWS)}", "INVALID_CHOICE")]
        )
    span = WINDOWS[window]
    bucket = "hour" if window == "24h" else "day"
    async with tenant_scope(tenant):
        flows = await fetch(
            "SELECT id, failure_streak, alert_after_failures, pause_after_failures, is_active,"
            " paused_reason, paused_at FROM flow WHERE id = $1 AND deleted_at IS NULL",
            flow_id,
        )
        if not flows:
            raise NotFound("Flow not found")
        totals = await fetch(
            "SELECT now() - $2::interval AS since, now() AS until, count(*) AS total,"
            " count(*) FILTER (WHERE status = 'queued') AS queued,"
            " count(*) FILTER (WHERE status = 'running') AS running,"
            " count(*) FILTER (WHERE status = 'succeeded') AS succeeded,"
            " count(*) FILTER (WHERE status = 'failed') AS failed,"
            " count(*) FILTER (WHERE status = 'cancelled') AS cancelled,"
            " percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY"
            "  extract(epoch FROM finished_at - started_at) * 1000)"
            "  FILTER (WHERE status IN ('succeeded', 'failed') AND started_at IS NOT NULL"
            "  AND finished_at IS NOT NULL) AS pct"
            " FROM flow_run WHERE flow_id = $1 AND created_at >= now() - $2::interval",
            flow_id,
            span,
        )
        timeline = await fetch(
            "SELECT b.start, count(r.id) AS total,"
            " count(r.id) FILTER (WHERE r.status = 'succeeded') AS succeeded,"
            " count(r.id) FILTER (WHERE r.status = 'failed') AS failed"
            " FROM generate_series(date_trunc($3, now() - $2::interval, 'UTC'),"
            "  date_trunc($3, now(), 'UTC'), ('1 ' || $3)::interval) AS b(start)"
            " LEFT JOIN flow_run r ON r.flow_id = $1 AND r.created_at >= now() - $2::interval"
            "  AND r.created_at >= b.start AND r.created_at < b.start + ('1 ' || $3)::interval"
            " GROUP BY b.start ORDER BY b.start",
            flow_id,
            span,
            bucket,
        )
        last = await fetch(
            "SELECT id, status, version, trigger_type, created_at, finished_at FROM flow_run"
            " WHERE flow_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
            flow_id,
        )
        failure = await fetch(
            "SELECT id, version, failed_step_id, error, error_type, created_at, finished_at"
            " FROM flow_run WHERE flow_id = $1 AND status = 'failed'"
            " ORDER BY created_at DESC, id DESC LIMIT 1",
            flow_id,
        )
    t, flow = totals[0], flows[0]
    finished = int(t["succeeded"]) + int(t["failed"])
    pct = t["pct"] or [None, None]
    return {
        "flow_id": flow_id,
        "window": window,
        "from": t["since"],
        "to": t["until"],
        "runs": {k: int(t[k]) for k in ("total", *RUN_STATES)},
        "success_rate": round(int(t["succeeded"]) / finished, 4) if finished else None,
        "duration_ms": {"p50": _ms(pct[0]), "p95": _ms(pct[1])},
        "last_run": (
            {
                "run_id": last[0]["id"],
                "status": last[0]["status"],
                "version": last[0]["version"],
                "trigger_type": last[0]["trigger_type"],
                "created_at": last[0]["created_at"],
                "finished_at": last[0]["finished_at"],
            }
            if last
            else None
        ),
        "last_failure": (
            {
                "run_id": failure[0]["id"],
                "version": failure[0]["version"],
                "step_path": failure[0]["failed_step_id"],
                "error": failure[0]["error"],
                "error_type": failure[0]["error_type"],
                "created_at": failure[0]["created_at"],
                "finished_at": failure[0]["finished_at"],
            }
            if failure
            else None
        ),
        "failure_streak": flow["failure_streak"],
        "alertAfterFailures": flow["alert_after_failures"],
        "pauseAfterFailures": flow["pause_after_failures"],
        "pausedReason": flow["paused_reason"],
        "pausedAt": flow["paused_at"],
        "bucket": bucket,
        "timeline": [
            {
                "start": b["start"],
                "total": int(b["total"]),
                "succeeded": int(b["succeeded"]),
                "failed": int(b["failed"]),
            }
            for b in timeline
        ],
    }


async def usage(tenant: TenantRef) -> dict[str, int]:
    """What the business uses of its builder limits: live flows (runs are counted by
    billing.limits when they start)."""
    async with tenant_scope(tenant):
        rows = await fetch("SELECT count(*) AS n FROM flow WHERE deleted_at IS NULL")
    return {"flows": int(rows[0]["n"])}
