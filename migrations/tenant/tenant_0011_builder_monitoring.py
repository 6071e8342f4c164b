"""Tenant schema: builder flow monitoring (failure streaks, alerts, auto-pause)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0011_builder_monitoring"
VERSION = "1.38.0"
DESCRIPTION = "builder flows: failure streak, alert and pause thresholds, paused reason"

# jewelia.tenants.builder.monitoring keeps the streak when a run finishes: `alerted` says the
# current streak's email has been queued (one per streak); the thresholds are per flow.
# flow_run_stats_idx serves the per-flow stats (runs by status and duration over a window).
SQL = """
ALTER TABLE flow
    ADD COLUMN failure_streak integer NOT NULL DEFAULT 0,
    ADD COLUMN streak_alerted boolean NOT NULL DEFAULT false,
    ADD COLUMN alert_after_failures integer NOT NULL DEFAULT 3
        CHECK (alert_after_failures BETWEEN 1 AND 1000),
    ADD COLUMN pause_after_failures integer NOT NULL DEFAULT 10
        CHECK (pause_after_failures BETWEEN 1 AND 1000),
    ADD COLUMN paused_reason text,
    ADD COLUMN paused_at timestamptz;
CREATE INDEX flow_run_stats_idx ON flow_run (flow_id, created_at)
    INCLUDE (status, started_at, finished_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
