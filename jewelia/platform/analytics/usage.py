"""The api-usage query: requests, failures and latency of one business over a period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import fetch

GROUPS = ("hour", "day", "week")
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
API_PREFIX = "/api/v1"


def _filters(
    tenant_id: uuid.UUID,
    start: datetime,
    end: datetime,
    api_key: uuid.UUID | None,
    route: str | None,
    status_class: str | None,
    source: str,
) -> tuple[str, list[Any]]:
    """The WHERE clause over request_log for the caller's business and filters."""
    args: list[Any] = [tenant_id, start, end, source]
    where = ["tenant_id = $1", "at >= $2", "at < $3", "source = $4"]
    if api_key is not None:
        args.append(api_key)
        where.append(f"credential_id = ${len(args)}")
    if route:
        args.append(full_route(route))
        where.append(f"route = ${len(args)}")
    if status_class:
        args.append(int(status_class[0]))
        where.append(f"status / 100 = ${len(args)}")
    return " AND ".join(where), args


def full_route(route: str) -> str:
    """A route as stored (with the /api/v1 prefix), given with or without it."""
    return (
        route if route.startswith(API_PREFIX) or not route.startswith("/") else API_PREFIX + route
    )


def endpoint_name(route: str) -> str:
    """A stored route as the contract shows it: `/customers`, without the /api/v1 prefix."""
    return route[len(API_PREFIX) :] if route.startswith(API_PREFIX + "/") else route


def bucket_label(at: datetime, group_by: str) -> str:
    """The timeline's `date` of a bucket: a day or week start as YYYY-MM-DD, an hour in ISO."""
    if group_by == "hour":
        return at.astimezone(UTC).strftime("%Y-%m-%dT%H:00:00Z")
    return at.astimezone(UTC).strftime("%Y-%m-%d")


def bucket_start(at: datetime, group_by: str) -> datetime:
    """The start (UTC) of the bucket holding `at`; weeks start on Monday."""
    at = at.astimezone(UTC)
    if group_by == "hour":
        return at.replace(minute=0, second=0, microsecond=0)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday()) if group_by == "week" else day


def buckets(start: datetime, end: datetime, group_by: str) -> list[datetime]:
    """Every bucket start from the one holding `start` up to `end` (exclusive)."""
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
    out, at = [], bucket_start(start, group_by)
    while at < end:
        out.append(at)
        at += step[group_by]
    return out


def _ms(value: float | None) -> float:
    return round(float(value or 0.0), 2)


async def api_usage(
    tenant_id: uuid.UUID,
    start: datetime,
    end: datetime,
    group_by: str = "day",
    api_key: uuid.UUID | None = None,
    route: str | None = None,
    status_class: str | None = None,
    source: str = "server",
) -> dict[str, Any]:
    """{summary, timeline, endpoints, apiKeys} of the business's requests in [start, end)."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {GROUPS}")
    if status_class is not None and status_class not in STATUS_CLASSES:
        raise ValueError(f"status_class must be one of {STATUS_CLASSES}")
    where, args = _filters(tenant_id, start, end, api_key, route, status_class, source)
    counts = (
        "count(*) AS requests, count(*) FILTER (WHERE status < 400) AS successful,"
        " count(*) FILTER (WHERE status >= 400) AS failed, avg(duration_ms) AS avg_ms"
    )
    p95 = "percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95_ms"
    summary = (await fetch(f"SELECT {counts}, {p95} FROM public.request_log WHERE {where}", *args))[
        0
    ]
    trunc = f"date_trunc(${len(args) + 1}, at AT TIME ZONE 'UTC')"
    timeline = await fetch(
        f"SELECT {trunc} AS bucket, {counts}, {p95} FROM public.request_log WHERE {where}"
        " GROUP BY 1",
        *args,
        group_by,
    )
    endpoints = await fetch(
        f"SELECT method, route, {counts} FROM public.request_log WHERE {where}"
        " GROUP BY method, route ORDER BY requests DESC, route, method",
        *args,
    )
    keys = await fetch(
        "SELECT credential_type, credential_id, credential_label,"
        f" {counts} FROM public.request_log WHERE {where}"
        " GROUP BY credential_type, credential_id, credential_label"
        " ORDER BY requests DESC, credential_label",
        *args,
    )
    by_bucket = {r["bucket"].replace(tzinfo=UTC): r for r in timeline}
    return shape(
        {
            "requests": summary["requests"],
            "successful": summary["successful"],
            "failed": summary["failed"],
            "avg_ms": summary["avg_ms"],
            "p95_ms": summary["p95_ms"],
        },
        [(b, by_bucket.get(b)) for b in buckets(start, end, group_by)],
        endpoints,
        keys,
        group_by,
    )


def shape(
    summary: dict[str, Any],
    timeline: list[tuple[datetime, dict[str, Any] | None]],
    endpoints: list[dict[str, Any]],
    keys: list[dict[str, Any]],
    group_by: str,
) -> dict[str, Any]:
    """The contract's answer from aggregated rows (requests, successful, failed, avg_ms, p95_ms)."""
    return {
        "summary": {
            "totalRequests": summary["requests"],
            "successfulRequests": summary["successful"],
            "failedRequests": summary["failed"],
            "averageResponseTime": _ms(summary["avg_ms"]),
            "p95ResponseTime": _ms(summary["p95_ms"]),
        },
        "timeline": [
            {
                "date": bucket_label(at, group_by),
                "requests": row["requests"] if row else 0,
                "successful": row["successful"] if row else 0,
                "failed": row["failed"] if row else 0,
                "avgResponseTime": _ms(row["avg_ms"] if row else 0),
                "p95ResponseTime": _ms(row["p95_ms"] if row else 0),
            }
            for at, row in timeline
        ],
        "endpoints": [
            {
                "endpoint": endpoint_name(r["route"]),
                "method": r["method"],
                "requests": r["requests"],
                "successful": r["successful"],
                "failed": r["failed"],
                "avgResponseTime": _ms(r["avg_ms"]),
            }
            for r in endpoints
        ],
        "apiKeys": [
            {
                "apiKey": r["credential_label"],
                "id": str(r["credential_id"]) if r["credential_id"] else None,
                "type": r["credential_type"],
                "requests": r["requests"],
                "successful": r["successful"],
                "failed": r["failed"],
            }
            for r in keys
        ],
    }
