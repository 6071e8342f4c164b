"""Developers > Usage: the business's API requests over a period as charts (successful and
failed requests, error rate, p95 latency), top routes, requests per credential, and the plan's
hourly limit against the busiest hour and the current one.

Figures come from the api-usage query (`analytics.usage.api_usage`). The chart data is put in
the page as JSON (`<script type="application/json">`) and drawn by /static/analytics.js with
the vendored uPlot; every chart has a table beside it for readers without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from jewelia.platform.analytics.usage import api_usage, bucket_start
from jewelia.platform.apikeys import service as keys
from jewelia.platform.billing import ratelimit
from jewelia.platform.billing.plans import plan_named
from jewelia.web.context import page_context, render

Req = Request[Any, Any, Any]
BASE = "/developers/usage"
TOP_ROUTES = 10
BUSIEST_HOUR_DAYS = 30  # the busiest hour is looked for in the last 30 days at most


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    group_by: str
    span: timedelta


PERIODS = {
    p.key: p
    for p in (
        Period("24h", "24 hours", "hour", timedelta(hours=24)),
        Period("7d", "7 days", "day", timedelta(days=7)),
        Period("30d", "30 days", "day", timedelta(days=30)),
        Period("13m", "13 months", "week", timedelta(weeks=57)),
    )
}
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


def window(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of a period: whole buckets, the current one last."""
    step = STEPS[period.group_by]
    end = bucket_start(now, period.group_by) + step
    return bucket_start(end - period.span, period.group_by), end


def label(date: str, group_by: str) -> str:
    """A bucket's name for the tables: "Dec 03 14:00", "Dec 03", "Week of Dec 01"."""
    at = datetime.fromisoformat(date.replace("Z", "+00:00") if "T" in date else date)
    if group_by == "hour":
        return at.strftime("%b %d %H:00")
    return at.strftime("Week of %b %d, %Y" if group_by == "week" else "%a %b %d")


def chart_data(usage: dict[str, Any], group_by: str) -> dict[str, Any]:
    """The timeline as columns for uPlot: bucket starts in Unix seconds, then one list each."""
    rows = usage["timeline"]

    def stamp(label: str) -> int:
        text = label if "T" in label else label + "T00:00:00Z"
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())

    return {
        "group": group_by,
        "ts": [stamp(r["date"]) for r in rows],
        "successful": [r["successful"] for r in rows],
        "failed": [r["failed"] for r in rows],
        "errorRate": [
            round(100 * r["failed"] / r["requests"], 2) if r["requests"] else None for r in rows
        ],
        "p95": [r["p95ResponseTime"] if r["requests"] else None for r in rows],
    }


async def busiest_hour(tenant_id: Any, start: datetime, end: datetime) -> dict[str, Any] | None:
    """The hour with the most requests in [start, end) (the last 30 days at most), or None."""
    start = max(start, end - timedelta(days=BUSIEST_HOUR_DAYS))
    hours = (await api_usage(tenant_id, start, end, "hour"))["timeline"]
    top = max(hours, key=lambda h: h["requests"], default=None)
    if not top or not top["requests"]:
        return None
    return {"date": top["date"], "requests": top["requests"]}


async def _key_rows(tenant_id: Any, usage: dict[str, Any], plan_limit: int) -> list[dict[str, Any]]:
    """Requests per credential, with each API key's name and hourly limit where known."""
    by_id = {str(k.id): k for k in await keys.list_keys(tenant_id)}
    out = []
    for row in usage["apiKeys"]:
        key = by_id.get(row.get("id") or "") if row.get("type") == "api_key" else None
        out.append(
            {
                **row,
                "name": key.name if key else None,
                "limit": (key.hourly_limit or plan_limit) if key else None,
                "errorRate": 100 * row["failed"] / row["requests"] if row["requests"] else 0.0,
            }
        )
    return out


@get(BASE, name="developer_usage")
async def usage_page(request: Req, period: str = "7d") -> Template:
    ctx = await page_context(request)
    chosen = PERIODS.get(period, PERIODS["7d"])
    now = datetime.now(UTC)
    start, end = window(chosen, now)
    usage = await api_usage(ctx.tenant.id, start, end, chosen.group_by)
    for row in usage["timeline"]:
        row["label"] = label(row["date"], chosen.group_by)
        row["errorRate"] = 100 * row["failed"] / row["requests"] if row["requests"] else None
    plan = await plan_named(ctx.tenant.plan)
    this_hour, _ = await ratelimit.usage(ctx.tenant.id)
    endpoints = usage["endpoints"][:TOP_ROUTES]
    summary = usage["summary"]
    total = summary["totalRequests"]
    return render(
        "analytics/usage.html",
        ctx,
        periods=PERIODS,
        period=chosen,
        start=start,
        end=end,
        usage=usage,
        summary=summary,
        error_rate=100 * summary["failedRequests"] / total if total else 0.0,
        chart=chart_data(usage, chosen.group_by),
        routes=endpoints,
        route_peak=max((e["requests"] for e in endpoints), default=0),
        keys=await _key_rows(ctx.tenant.id, usage, plan.requests_per_hour),
        plan=plan,
        this_hour=this_hour,
        busiest=await busiest_hour(ctx.tenant.id, start, end),
        busiest_span="last 24 hours"
        if chosen.group_by == "hour"
        else f"last {min(chosen.span.days, BUSIEST_HOUR_DAYS)} days",
    )


router = Router(path="/", route_handlers=[usage_page], include_in_schema=False)
