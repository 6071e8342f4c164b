"""Retention: raw request log partitions kept 30 days, rollups 13 months; tomorrow made ahead."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from jewelia.core.db import execute, fetch

RAW_DAYS = 30
ROLLUP_DAYS = 396  # 13 months
PARTITION = re.compile(r"^request_log_(\d{8})$")


async def partitions() -> dict[date, str]:
    """The request log's day partitions by day."""
    rows = await fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'public.request_log'::regclass"
    )
    out = {}
    for r in rows:
        if found := PARTITION.match(r["relname"]):
            out[datetime.strptime(found.group(1), "%Y%m%d").date()] = r["relname"]
    return out


async def apply_retention(today: date | None = None) -> dict[str, Any]:
    """Drop raw partitions older than RAW_DAYS, rollups older than ROLLUP_DAYS; make the next
    two days' partitions so the writer never waits on DDL at midnight. Not inside a transaction
    (a concurrent detach runs in its own)."""
    today = today or datetime.now(UTC).date()
    for ahead in (0, 1, 2):
        await fetch("SELECT public.request_log_partition($1)", today + timedelta(days=ahead))
    dropped = []
    for day, name in sorted((await partitions()).items()):
        if day < today - timedelta(days=RAW_DAYS):
            assert PARTITION.match(name)  # a name of ours: safe to write into the DDL
            # Detached first without blocking the writer's COPY (a plain DROP would lock the
            # parent table while it waits for any reader); a detach left pending by an
            # interrupted run is finished the same way.
            try:
                await execute(
                    f"ALTER TABLE public.request_log DETACH PARTITION public.{name} CONCURRENTLY"
                )
            except asyncpg.PostgresError as exc:
                if "pending detach" not in str(exc):
                    raise
                await execute(
                    f"ALTER TABLE public.request_log DETACH PARTITION public.{name} FINALIZE"
                )
            await execute(f"DROP TABLE IF EXISTS public.{name}")
            dropped.append(name)
    cutoff = datetime.combine(today - timedelta(days=ROLLUP_DAYS), datetime.min.time(), UTC)
    rollups = await execute("DELETE FROM public.request_rollup WHERE bucket < $1", cutoff)
    totals = await execute("DELETE FROM public.request_rollup_total WHERE bucket < $1", cutoff)
    return {
        "dropped": dropped,
        "rollups_deleted": int(rollups.split()[-1]) + int(totals.split()[-1]),
    }
