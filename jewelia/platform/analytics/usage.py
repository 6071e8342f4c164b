"""The api-usage query: requests, failures and latency of one business over a period."""

from __future__ import annotations

import asyncio
import ipaddress
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import ValidationFailed
from jewelia.core.validation import Checker
from jewelia.platform.analytics import rollups
from jewelia.platform.apikeys.service import KEY_PREFIX

GROUPS = ("hour", "day", "week")
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
API_PREFIX = "/api/v1"


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


def _ceil(at: datetime, step: timedelta, floor: Any) -> datetime:
    low = floor(at)
    return low if low == at else low + step


def plan(
    start: datetime,
    end: datetime,
    group_by: str,
    mark: datetime | None,
    partial: datetime | None = None,
) -> list[tuple[str, datetime, datetime]]:
    """Where each part of [start, end) is read: 'day' or 'hour' rollup rows (day rows for whole
    days unless grouping by hour), 'raw' rows for the rest: what the last rollup run had not
    seen yet (after `partial`, or after `mark` when there is no partial hour) and any part of
    an hour at the edges. A segment (kind, lo, hi) reads rows whose bucket or time is in it."""
    hour = timedelta(hours=1)
    h0 = _ceil(start, hour, rollups.hour_floor)
    covered = partial if partial is not None and mark is not None and partial > mark else mark
    if covered is None or min(end, covered) <= h0:
        return [("raw", start, end)]
    if end >= covered and covered != rollups.hour_floor(covered):
        # the current hour's row covers [its hour, covered): read it, and raw rows after
        e, raw_from = rollups.hour_floor(covered) + hour, covered
        last_day = rollups.day_floor(rollups.hour_floor(covered))
    else:
        e = raw_from = rollups.hour_floor(min(end, covered))
        last_day = rollups.day_floor(e)
    segments = [("raw", start, h0)]
    d0 = _ceil(h0, timedelta(days=1), rollups.day_floor)
    if group_by == "hour" or d0 >= last_day:
        segments.append(("hour", h0, e))
    else:
        segments += [("hour", h0, d0), ("day", d0, last_day), ("hour", last_day, e)]
    segments.append(("raw", raw_from, end))
    return [(kind, lo, hi) for kind, lo, hi in segments if lo < hi]


class _Sql:
    """Bound parameters for one statement."""

    def __init__(self) -> None:
        self.args: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"


def _where(
    sql: _Sql,
    kind: str,
    tenant_id: uuid.UUID,
    lo: datetime,
    hi: datetime,
    filters: tuple[Any, ...],
    totals: str | None = None,
) -> str:
    """The WHERE clause of one segment (the caller's business, its period and filters); with
    `totals`, of request_rollup_total rows (the condition on their dim)."""
    source, api_key, route, status_class = filters
    at = "at" if kind == "raw" else "bucket"
    where = [f"tenant_id = {sql(tenant_id)}", f"{at} >= {sql(lo)}", f"{at} < {sql(hi)}"]
    where.append(f"source = {sql(source)}")
    if kind != "raw":
        where.append(f"grain = {sql(kind)}")
    if totals:  # its rows carry the credential and route of their dim, never a status
        where.append(totals)
        status_class = None
    if api_key is not None:
        where.append(f"credential_id = {sql(api_key)}")
    if route:
        where.append(f"route = {sql(full_route(route))}")
    if status_class:
        column = "status / 100" if kind == "raw" else "status_class"
        where.append(f"{column} = {sql(int(status_class[0]))}")
    return " AND ".join(where)


_CREDENTIAL = "credential_type, credential_id, credential_label"


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
    """{summary, timeline, endpoints, apiKeys} of the business's requests in [start, end):
    rolled hours from the rollups, the rest (the current hour) from the raw log."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {GROUPS}")
    if status_class is not None and status_class not in STATUS_CLASSES:
        raise ValueError(f"status_class must be one of {STATUS_CLASSES}")
    segments = plan(start, end, group_by, *await rollups.coverage())
    if not segments:
        return _answer([], [], [], group_by)
    filters = (source, api_key, route, status_class)
    unfiltered = api_key is None and not route and not status_class

    breakdown, timeline = await asyncio.gather(
        fetch(*_breakdown_sql(segments, tenant_id, filters, unfiltered)),
        fetch(*_timeline_sql(segments, tenant_id, filters, group_by, unfiltered)),
    )
    return _answer(breakdown, timeline, buckets(start, end, group_by), group_by)


def _breakdown_sql(
    segments: list[tuple[str, datetime, datetime]],
    tenant_id: uuid.UUID,
    filters: tuple[Any, ...],
    unfiltered: bool,
) -> list[Any]:
    """By endpoint (dim 'route') and by credential over the whole period: counts and duration
    sums; without filters from the totals rows (a few dozen a bucket)."""
    sql = _Sql()
    credential = f"'' AS method, '' AS route, {_CREDENTIAL}"
    by_route = "method, route, '' AS credential_type, NULL::uuid AS credential_id, ''"
    raw_figures = "1 AS requests, (status >= 400)::int AS failed, duration_ms::float8 AS d"
    parts = []
    for kind, lo, hi in segments:
        if kind == "raw":
            where = _where(sql, kind, tenant_id, lo, hi, filters)
            parts.append(
                f"SELECT 'route' AS dim, {by_route}, {raw_figures}"
                f" FROM public.request_log WHERE {where}"
                f" UNION ALL SELECT 'credential', {credential}, {raw_figures}"
                f" FROM public.request_log WHERE {where}"
            )
        elif unfiltered:
            where = _where(sql, kind, tenant_id, lo, hi, filters, totals="dim <> ''")
            parts.append(
                f"SELECT dim, method, route, {_CREDENTIAL}, requests, errors, duration_sum"
                f" FROM public.request_rollup_total WHERE {where}"
            )
        else:
            where = _where(sql, kind, tenant_id, lo, hi, filters)
            for dim, columns in (("route", by_route), ("credential", credential)):
                parts.append(
                    f"SELECT '{dim}', {columns}, requests, errors, duration_sum"
                    f" FROM public.request_rollup WHERE {where}"
                )
    return [
        f"SELECT dim, method, route, {_CREDENTIAL}, sum(requests)::bigint AS requests,"
        " sum(failed)::bigint AS failed, sum(d) AS duration_sum"
        f" FROM ({' UNION ALL '.join(parts)})"
        f" AS s(dim, method, route, {_CREDENTIAL}, requests, failed, d)"
        f" GROUP BY dim, method, route, {_CREDENTIAL}",
        *sql.args,
    ]


def _timeline_sql(
    segments: list[tuple[str, datetime, datetime]],
    tenant_id: uuid.UUID,
    filters: tuple[Any, ...],
    group_by: str,
    unfiltered: bool,
) -> list[Any]:
    """Per bucket: counts, duration sum and the merged sketch (keys, counts), one row per
    bucket and segment; from the totals when no filter or only a key or a route is given."""
    _source, api_key, route, status_class = filters
    by_totals = None
    if unfiltered:
        by_totals = "dim = ''"
    elif not status_class and (api_key is None) != (not route):
        by_totals = "dim = 'credential'" if api_key is not None else "dim = 'route'"
    sql = _Sql()
    trunc = f"date_trunc({sql(group_by)}, {{}} AT TIME ZONE 'UTC')"
    figures = "sum(r)::bigint AS requests, sum(f)::bigint AS failed, sum(d) AS duration_sum"
    arrays = "array_agg(k) AS ks, array_agg(n) AS ns"
    parts = []
    for kind, lo, hi in segments:
        totals = by_totals if kind != "raw" else None
        where = _where(sql, kind, tenant_id, lo, hi, filters, totals=totals)
        if kind == "raw":
            parts.append(
                f"SELECT b, {figures}, {arrays} FROM"
                f" (SELECT {trunc.format('at')} AS b, {rollups.KEY_SQL} AS k, count(*) AS n,"
                " count(*) AS r, count(*) FILTER (WHERE status >= 400) AS f,"
                " sum(duration_ms::float8) AS d"
                f" FROM public.request_log WHERE {where} GROUP BY 1, 2) bins GROUP BY b"
            )
        elif by_totals:
            parts.append(
                f"SELECT {trunc.format('bucket')} AS b, requests, errors AS failed,"
                " duration_sum, sketch_keys::int[] AS ks, sketch_counts AS ns"
                f" FROM public.request_rollup_total WHERE {where}"
            )
        else:  # merged in SQL: the figures ride on each row's first bin
            parts.append(
                f"SELECT b, {figures}, {arrays} FROM"
                " (SELECT src.b, u.k, sum(u.n)::bigint AS n, sum(src.requests) FILTER (WHERE u.i = 1) AS r,"
                " sum(src.errors) FILTER (WHERE u.i = 1) AS f,"
                " sum(src.duration_sum) FILTER (WHERE u.i = 1) AS d"
                f" FROM (SELECT {trunc.format('bucket')} AS b, requests, errors, duration_sum,"
                " sketch_keys, sketch_counts"
                f" FROM public.request_rollup WHERE {where}) src,"
                " unnest(src.sketch_keys, src.sketch_counts) WITH ORDINALITY AS u(k, n, i)"
                " GROUP BY 1, 2) bins GROUP BY b"
            )
    return [" UNION ALL ".join(parts), *sql.args]


def _figures(r: dict[str, Any] | None, bins: dict[int, int] | None = None) -> dict[str, Any]:
    requests = int(r["requests"]) if r else 0
    failed = int(r["failed"]) if r else 0
    return {
        "requests": requests,
        "successful": requests - failed,
        "failed": failed,
        "avg_ms": (r["duration_sum"] / requests) if r and requests else 0.0,
        "p95_ms": rollups.quantile(bins, 0.95) if bins else 0.0,
        "p50_ms": rollups.quantile(bins, 0.50) if bins else 0.0,
        "p99_ms": rollups.quantile(bins, 0.99) if bins else 0.0,
    }


def _answer(
    breakdown: list[dict[str, Any]],
    timeline_rows: list[dict[str, Any]],
    starts: list[datetime],
    group_by: str,
) -> dict[str, Any]:
    endpoints = sorted(
        (
            _figures(r) | {"method": r["method"], "route": r["route"]}
            for r in breakdown
            if r["dim"] == "route"
        ),
        key=lambda e: (-e["requests"], e["route"], e["method"]),
    )
    keys = sorted(
        (
            _figures(r)
            | {k: r[k] for k in ("credential_type", "credential_id", "credential_label")}
            for r in breakdown
            if r["dim"] == "credential"
        ),
        key=lambda k: (-k["requests"], k["credential_label"]),
    )
    timeline: dict[datetime, dict[str, Any]] = {}
    sketches: dict[datetime, dict[int, int]] = {}
    total = {"requests": 0, "failed": 0, "duration_sum": 0.0}
    everything: dict[int, int] = {}
    for r in timeline_rows:
        at = r["b"].replace(tzinfo=UTC)
        into = timeline.setdefault(at, {"requests": 0, "failed": 0, "duration_sum": 0.0})
        for k in total:
            into[k] += r[k] or 0
            total[k] += r[k] or 0
        rollups.merge(sketches.setdefault(at, {}), r["ks"], r["ns"])
        rollups.merge(everything, r["ks"], r["ns"])
    return shape(
        _figures(total, everything),
        [(at, _figures(timeline.get(at), sketches.get(at))) for at in starts],
        endpoints,
        keys,
        group_by,
    )


def shape(
    summary: dict[str, Any],
    timeline: list[tuple[datetime, dict[str, Any]]],
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
            "p50ResponseTime": _ms(summary["p50_ms"]),
            "p99ResponseTime": _ms(summary["p99_ms"]),
        },
        "timeline": [
            {
                "date": bucket_label(at, group_by),
                "requests": row["requests"],
                "successful": row["successful"],
                "failed": row["failed"],
                "avgResponseTime": _ms(row["avg_ms"]),
                "p95ResponseTime": _ms(row["p95_ms"]),
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


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
MAX_MS = 3_600_000.0
MAX_SIZE = 2**31 - 1


async def key_id_for(tenant_id: uuid.UUID, value: str) -> uuid.UUID | None:
    """The business's API key named by an id or a prefix (a full key is cut to its prefix)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    prefix = value[: len(KEY_PREFIX) + 6] if value.startswith(KEY_PREFIX) else value
    rows = await fetch(
        "SELECT id FROM public.api_key WHERE tenant_id = $1 AND prefix = $2 LIMIT 1",
        tenant_id,
        prefix,
    )
    return rows[0]["id"] if rows else None


def _optional_text(check: Checker, field: str, value: str | None, max_len: int) -> str | None:
    if value is None:
        return None
    if len(value) > max_len:
        check.add(field, f"{field} must be at most {max_len} characters", "TOO_LONG")
    elif any(ord(ch) < 32 for ch in value):
        check.add(field, f"{field} contains control characters", "INVALID")
    return value


def _size(check: Checker, field: str, value: int | None) -> int:
    if value is not None and not 0 <= value <= MAX_SIZE:
        check.add(field, f"{field} must be between 0 and {MAX_SIZE}", "OUT_OF_RANGE")
    return value or 0


async def log_client_request(tenant_id: uuid.UUID, entry: dict[str, Any]) -> dict[str, Any]:
    """Store one request a client measured itself (source 'client'); field errors first."""
    check = Checker()
    endpoint = (entry.get("endpoint") or "").strip()
    if not endpoint.startswith("/") or len(endpoint) > 2000:
        check.add("endpoint", "endpoint must be a path starting with / (2,000 characters at most)")
    elif any(ord(ch) < 32 for ch in endpoint):
        check.add("endpoint", "endpoint contains control characters")
    path = endpoint.split("?", 1)[0]  # the query string is never stored
    method = (entry.get("method") or "").strip().upper()
    if method not in METHODS:
        check.add("method", f"method must be one of {', '.join(METHODS)}", "INVALID_CHOICE")
    status = entry.get("statusCode")
    if not isinstance(status, int) or not 100 <= status <= 599:
        check.add("statusCode", "statusCode must be an HTTP status, 100-599", "OUT_OF_RANGE")
    duration = entry.get("responseTime")
    if not isinstance(duration, int | float) or not 0 <= duration <= MAX_MS:
        check.add("responseTime", f"responseTime must be 0-{MAX_MS:.0f} ms", "OUT_OF_RANGE")
    request_size = _size(check, "requestSize", entry.get("requestSize"))
    response_size = _size(check, "responseSize", entry.get("responseSize"))
    api_key = _optional_text(check, "apiKey", entry.get("apiKey"), 200)
    user_id = _optional_text(check, "userId", entry.get("userId"), 200)
    agent = _optional_text(check, "userAgent", entry.get("userAgent"), 500) or ""
    address = entry.get("ipAddress")
    if address is not None:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            check.add("ipAddress", "ipAddress must be an IPv4 or IPv6 address", "INVALID")
    if check.errors:
        raise ValidationFailed(check.errors)
    ms = float(duration) if isinstance(duration, int | float) else 0.0
    key_id, label = None, ""
    if api_key:
        key_id = await key_id_for(tenant_id, api_key)
        # never keep a secret: a full key is stored as its prefix
        label = api_key[: len(KEY_PREFIX) + 6] if api_key.startswith(KEY_PREFIX) else api_key
    at = datetime.now(UTC)
    request_id = uuid.uuid4().hex
    async with DB.transaction():
        await fetch("SELECT public.request_log_partition($1)", at.date())
        await execute(
            "INSERT INTO public.request_log (at, tenant_id, request_id, source, credential_type,"
            " credential_id, credential_label, method, route, path, status, duration_ms,"
            " request_size, response_size, user_agent, ip_address, user_id)"
            " VALUES ($1, $2, $3, 'client', 'client', $4, $5, $6, $7, $7, $8, $9, $10, $11, $12,"
            " $13::inet, $14)",
            at,
            tenant_id,
            request_id,
            key_id,
            label,
            method,
            path,
            status,
            ms,
            request_size,
            response_size,
            agent,
            address,
            user_id,
        )
    return {
        "requestId": request_id,
        "source": "client",
        "loggedAt": at.isoformat().replace("+00:00", "Z"),
        "endpoint": path,
        "method": method,
        "apiKey": label or None,
        "userId": user_id,
        "statusCode": status,
        "responseTime": ms,
        "requestSize": request_size,
        "responseSize": response_size,
        "userAgent": agent,
        "ipAddress": address,
    }
