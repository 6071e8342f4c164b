"""Hourly and daily rollups of the request log, with DDSketch percentile sketches.

A sketch is DataDog's DDSketch (relative accuracy 1 %, logarithmic mapping) kept as two arrays,
bin keys and counts; PostgreSQL computes the keys (the mapping's formula) and merges sketches by
adding the counts of equal keys, so rolling up never brings raw rows into Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ddsketch.mapping import LogarithmicMapping

from jewelia.core.db import DB, execute, fetch

RELATIVE_ACCURACY = 0.01
MAPPING = LogarithmicMapping(RELATIVE_ACCURACY)
# key(v) = ceil(log2(v) * MULTIPLIER), as LogarithmicMapping.key computes it (offset 0).
MULTIPLIER = float(MAPPING._multiplier)
MIN_MS = 0.001  # durations below this (0 ms) count in its bin
WATERMARK = "hour"
LOCK = 0x4A57_0016  # advisory lock: one rollup at a time
MAX_HOURS = 72  # a run catches up at most this many hours (the rest next minute)
LATE = timedelta(seconds=5)  # the current hour is rolled up to this long before now
DIMS = (
    "tenant_id, source, credential_type, credential_id, credential_label, method, route,"
    " status_class"
)
KEY_SQL = f"ceil(ln(greatest(duration_ms::float8, {MIN_MS})) / ln(2.0) * {MULTIPLIER!r})::int"


def key_of(duration_ms: float) -> int:
    """The sketch bin of a duration (the mapping's key)."""
    return int(MAPPING.key(max(duration_ms, MIN_MS)))


def quantile(bins: dict[int, int], q: float) -> float | None:
    """The q-quantile of a merged sketch, with percentile_disc's rank (first bin whose
    cumulative count reaches q * n); None for an empty sketch."""
    total = sum(bins.values())
    if total == 0:
        return None
    rank, seen = q * total, 0
    for key in sorted(bins):
        seen += bins[key]
        if seen >= rank:
            return float(MAPPING.value(key))
    return float(MAPPING.value(max(bins)))


def merge(into: dict[int, int], keys: Iterable[int], counts: Iterable[int]) -> dict[int, int]:
    """Add a sketch's bins into `into` (sketches merge by adding counts)."""
    for k, n in zip(keys, counts, strict=True):
        into[k] = into.get(k, 0) + n
    return into


def hour_floor(at: datetime) -> datetime:
    """The start of the UTC hour holding `at`."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def day_floor(at: datetime) -> datetime:
    """The start of the UTC day holding `at`."""
    return hour_floor(at).replace(hour=0)


# Raw rows of one hour → one row per dimension with its sketch (bins counted in SQL).
_HOUR_FROM_RAW = f"""
INSERT INTO public.request_rollup ({DIMS}, grain, bucket, requests, errors, duration_sum,
    sketch_keys, sketch_counts)
SELECT {DIMS}, 'hour', $1, sum(n), CASE WHEN status_class >= 4 THEN sum(n) ELSE 0 END, sum(d),
    array_agg(k ORDER BY k), array_agg(n ORDER BY k)
FROM (
    SELECT tenant_id, source, credential_type, credential_id, credential_label, method, route,
        (status / 100)::smallint AS status_class, {KEY_SQL} AS k, count(*) AS n,
        sum(duration_ms::float8) AS d
    FROM public.request_log WHERE at >= $1 AND at < $2
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
) bins
GROUP BY {DIMS}
"""


def _merge_sql(
    target: str, dims: str, source_grain: str, target_grain: str, dim: str | None = None
) -> str:
    """INSERT … SELECT merging request_rollup rows of one grain over [$1, $2) into `target`
    rows of another grain at bucket $3, per `dims`: counts added, sketches merged bin by bin
    (a totals row also gets its `dim`)."""
    dim_column = ", dim" if dim is not None else ""
    dim_value = f", '{dim}'" if dim is not None else ""
    return f"""
INSERT INTO public.{target} ({dims}{dim_column}, grain, bucket, requests, errors, duration_sum,
    sketch_keys, sketch_counts)
SELECT {dims}{dim_value}, '{target_grain}', $3, sum(r), sum(e), sum(d),
    array_agg(k ORDER BY k), array_agg(n ORDER BY k)
FROM (
    SELECT {dims}, u.k, sum(u.n) AS n, sum(requests) FILTER (WHERE u.i = 1) AS r,
        sum(errors) FILTER (WHERE u.i = 1) AS e, sum(duration_sum) FILTER (WHERE u.i = 1) AS d
    FROM public.request_rollup src,
        unnest(src.sketch_keys, src.sketch_counts) WITH ORDINALITY AS u(k, n, i)
    WHERE src.grain = '{source_grain}' AND src.bucket >= $1 AND src.bucket < $2
    GROUP BY {dims}, u.k
) bins
GROUP BY {dims}
"""


_TOTAL_DIMS = {
    "": "tenant_id, source",
    "route": "tenant_id, source, method, route",
    "credential": "tenant_id, source, credential_type, credential_id, credential_label",
}
_DAY_FROM_HOURS = _merge_sql("request_rollup", DIMS, "hour", "day")
_TOTALS = {
    grain: [
        _merge_sql("request_rollup_total", d, grain, grain, dim) for dim, d in _TOTAL_DIMS.items()
    ]
    for grain in ("hour", "day")
}


async def roll_totals(grain: str, bucket: datetime) -> None:
    """Recompute one bucket's totals (per business, route and credential) from its rows."""
    end = bucket + (timedelta(hours=1) if grain == "hour" else timedelta(days=1))
    await execute(
        "DELETE FROM public.request_rollup_total WHERE grain = $1 AND bucket = $2", grain, bucket
    )
    for statement in _TOTALS[grain]:
        await execute(statement, bucket, end, bucket)


async def roll_hour(hour: datetime, until: datetime | None = None) -> None:
    """Recompute one hour's rows (and its totals) from the raw rows, or from the part of the
    hour before `until`; idempotent."""
    hour = hour_floor(hour)
    end = min(hour + timedelta(hours=1), until or hour + timedelta(hours=1))
    await execute("DELETE FROM public.request_rollup WHERE grain = 'hour' AND bucket = $1", hour)
    await execute(_HOUR_FROM_RAW, hour, end)
    await roll_totals("hour", hour)


async def roll_day(day: datetime) -> None:
    """Recompute one day's rows from its hour rows; idempotent."""
    day = day_floor(day)
    end = day + timedelta(days=1)
    await execute("DELETE FROM public.request_rollup WHERE grain = 'day' AND bucket = $1", day)
    await execute(_DAY_FROM_HOURS, day, end, day)
    await roll_totals("day", day)


async def watermark() -> datetime | None:
    """Every hour before this one is rolled up and final (None before the first run)."""
    return (await coverage())[0]


async def coverage() -> tuple[datetime | None, datetime | None]:
    """(rolled_until, partial_until): hours before the first are final; the rows before the
    second are rolled up too (the current hour's so far), or None."""
    rows = await fetch(
        "SELECT rolled_until, partial_until FROM public.request_rollup_watermark WHERE name = $1",
        WATERMARK,
    )
    return (rows[0]["rolled_until"], rows[0]["partial_until"]) if rows else (None, None)


async def roll_up(now: datetime | None = None) -> dict[str, Any]:
    """Roll every hour from the watermark (or the previous hour) through the current one (up
    to a few seconds ago), and the days they touch; move the watermark past the hours closed
    a minute ago or more."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    current = hour_floor(now)
    # Rows reach the table ~1-2 s after their request (the writer's buffer): an hour is final
    # one minute after it ends, and the current hour is rolled up to LATE before now.
    closed = hour_floor(now - timedelta(minutes=1))
    cut = now - LATE
    async with DB.transaction():
        await execute("SELECT pg_advisory_xact_lock($1)", LOCK)
        mark = await watermark()
        if mark is None:  # the first run starts at the oldest raw row
            rows = await fetch("SELECT min(at) AS at FROM public.request_log")
            mark = hour_floor(rows[0]["at"]) if rows[0]["at"] else closed
        first = min(mark, current - timedelta(hours=1))
        last = min(current, first + timedelta(hours=MAX_HOURS - 1))
        hours = []
        at = first
        while at <= last:
            hours.append(at)
            at += timedelta(hours=1)
        for hour in hours:
            await roll_hour(hour, cut)
        # Day rows are read only for days before the current one: a day is merged from its
        # hours while its last hours are rolled (the first hour of the next day), not every
        # minute of the day.
        for day in sorted({day_floor(h) for h in hours if day_floor(h) < day_floor(current)}):
            await roll_day(day)
        new_mark = max(mark, min(closed, last + timedelta(hours=1)))
        partial = cut if last == current else None
        await execute(
            "INSERT INTO public.request_rollup_watermark (name, rolled_until, partial_until)"
            " VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET"
            " rolled_until = excluded.rolled_until, partial_until = excluded.partial_until,"
            " updated_at = now()",
            WATERMARK,
            new_mark,
            partial,
        )
    return {"hours": len(hours), "watermark": new_mark, "partial_until": partial}
