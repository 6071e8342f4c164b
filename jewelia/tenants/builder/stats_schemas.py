"""Builder flow stats response structs (see monitoring.flow_stats)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class RunCounts(msgspec.Struct):
    """Runs created in the window, by status."""

    total: int
    queued: int
    running: int
    succeeded: int
    failed: int
    cancelled: int


class Durations(msgspec.Struct):
    """Duration (start to finish) of the window's finished runs; null without any."""

    p50: int | None
    p95: int | None


class LastRun(msgspec.Struct):
    run_id: UUID
    status: str
    version: int | None
    trigger_type: str
    created_at: datetime
    finished_at: datetime | None


class LastFailure(msgspec.Struct):
    """The newest failed run: the path of the step that failed it and the error."""

    run_id: UUID
    version: int | None
    step_path: str | None
    error: str | None
    error_type: str | None
    created_at: datetime
    finished_at: datetime | None


class Bucket(msgspec.Struct):
    """Runs created in one hour (window 24h) or one UTC day (7d, 30d) from `start`."""

    start: datetime
    total: int
    succeeded: int
    failed: int


class FlowStats(msgspec.Struct):
    """A flow's runs over the window: counts, success rate (succeeded / finished, 0-1; null
    when none finished), p50/p95 duration, the last run and failure (over all time), the
    current streak of consecutive failures with the flow's thresholds and pause, and a timeline
    for a chart."""

    flow_id: UUID
    window: str
    from_: datetime = msgspec.field(name="from")
    to: datetime
    runs: RunCounts
    success_rate: float | None
    duration_ms: Durations
    last_run: LastRun | None
    last_failure: LastFailure | None
    failure_streak: int
    alertAfterFailures: int
    pauseAfterFailures: int
    pausedReason: str | None
    pausedAt: datetime | None
    bucket: str
    timeline: list[Bucket]


class FlowStatsEnvelope(msgspec.Struct):
    success: bool
    data: FlowStats
