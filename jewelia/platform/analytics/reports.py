"""The weekly usage report: an email each Monday (UTC) to the members who opted in, covering the
seven days before (requests, errors, p95, top routes, from `api_usage`)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.settings import get_settings
from jewelia.platform.analytics.usage import api_usage
from jewelia.platform.mail import service as mail

TOP_ROUTES = 5
REPORT_WEEKDAY = 0  # Monday


def week_start(now: datetime) -> date:
    """The Monday (UTC) of the week holding `now`: the report covers the 7 days before it."""
    day = now.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def render(business: str, start: date, end: date, usage: dict[str, Any]) -> tuple[str, str]:
    """The report's subject and plain-text body."""
    s = usage["summary"]
    total, failed = s["totalRequests"], s["failedRequests"]
    rate = f"{100.0 * failed / total:.1f}%" if total else "n/a"
    last = end - timedelta(days=1)
    subject = f"[Jewelia] {business}: API usage {start:%b %d} - {last:%b %d}"
    lines = [
        f"API usage of {business} from {start.isoformat()} to {last.isoformat()} (UTC).",
        "",
        f"Requests: {total:,}",
        f"Errors (4xx and 5xx): {failed:,} ({rate})",
        f"Average response time: {s['averageResponseTime']:.1f} ms",
        f"p95 response time: {s['p95ResponseTime']:.1f} ms",
        "",
        "Top routes:",
    ]
    top = usage["endpoints"][:TOP_ROUTES]
    for e in top:
        lines.append(f"  {e['method']} {e['endpoint']}: {e['requests']:,} ({e['failed']:,} errors)")
    if not top:
        lines.append("  (no requests)")
    base = get_settings().base_url
    lines += [
        "",
        "By day:",
        *(
            f"  {d['date']}: {d['requests']:,} requests, {d['failed']:,} errors"
            for d in usage["timeline"]
        ),
        "",
        f"Dashboard: {base}/developers/usage",
        f"Stop these emails: untick the weekly report on {base}/developers/alerts",
    ]
    return subject, "\n".join(lines) + "\n"


async def send_report(
    tenant: TenantRef, business: str, week: date, recipients: list[tuple[uuid.UUID, str]]
) -> int:
    """Queue one business's report for `week` to each recipient not sent it yet (the email rows
    and the `last_sent_week` marks commit together)."""
    end = datetime(week.year, week.month, week.day, tzinfo=UTC)
    start = end - timedelta(days=7)
    # Read first, outside the transaction: api_usage runs its queries concurrently on pooled
    # connections (every one filters by this business's tenant_id).
    usage = await api_usage(tenant.id, start, end, group_by="day")
    subject, body = render(business, start.date(), week, usage)
    async with tenant_scope(tenant):
        sent = 0
        for user_id, email in recipients:
            marked = await fetch(
                "UPDATE public.usage_report_subscription SET last_sent_week = $3"
                " WHERE tenant_id = $1 AND user_id = $2"
                " AND (last_sent_week IS NULL OR last_sent_week < $3) RETURNING user_id",
                tenant.id,
                user_id,
                week,
            )
            if marked:
                await mail.queue_email(email, subject, body)
                sent += 1
    return sent


async def send_due(now: datetime | None = None) -> int:
    """On Mondays (UTC), send last week's report to every opted-in member not sent it yet."""
    now = now or datetime.now(UTC)
    if now.astimezone(UTC).weekday() != REPORT_WEEKDAY:
        return 0
    week = week_start(now)
    rows = await fetch(
        "SELECT s.tenant_id, t.schema_name, t.name, s.user_id, u.email"
        " FROM public.usage_report_subscription s JOIN public.tenant t ON t.id = s.tenant_id"
        " JOIN public.app_user u ON u.id = s.user_id JOIN public.membership m"
        " ON m.tenant_id = s.tenant_id AND m.user_id = s.user_id"
        " WHERE t.status = 'active' AND (s.last_sent_week IS NULL OR s.last_sent_week < $1)"
        " ORDER BY s.tenant_id",
        week,
    )
    by_tenant: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in rows:
        by_tenant.setdefault(row["tenant_id"], []).append(row)
    sent = 0
    for tenant_id, members in by_tenant.items():
        ref = TenantRef(id=tenant_id, schema_name=members[0]["schema_name"])
        recipients = [(m["user_id"], m["email"]) for m in members]
        sent += await send_report(ref, members[0]["name"], week, recipients)
    if sent:
        mail.send_soon()
    return sent
