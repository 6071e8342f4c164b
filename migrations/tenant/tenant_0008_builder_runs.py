"""Tenant schema: builder runs, their steps, and step outputs too large for the step row."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0008_builder_runs"
VERSION = "1.38.0"
DESCRIPTION = "builder flow runs, run steps, large step outputs"

# A run carries the definition it executes (a copy of its version's configuration), so editing
# or republishing the flow never changes a run in flight. The lease (token + expiry) says which
# worker advances the run; wake_at is when a parked run (delay, retry back-off) continues.
SQL = """
CREATE TABLE flow_run (
    id uuid PRIMARY KEY,
    flow_id uuid NOT NULL,
    flow_version_id uuid,
    version integer,
    flow_name varchar(200) NOT NULL DEFAULT '',
    definition jsonb NOT NULL,
    trigger_type varchar(20) NOT NULL,
    trigger_payload jsonb,
    status varchar(12) NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    error text,
    error_type varchar(40),
    failed_step_id varchar(400),
    timeout_seconds integer NOT NULL DEFAULT 900,
    claims integer NOT NULL DEFAULT 0,
    lease_token uuid,
    leased_until timestamptz,
    wake_at timestamptz,
    enqueued_at timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz
);
CREATE INDEX flow_run_flow_idx ON flow_run (flow_id, created_at DESC, id DESC);
CREATE INDEX flow_run_created_idx ON flow_run (created_at DESC, id DESC);
CREATE INDEX flow_run_open_idx ON flow_run (status) WHERE status IN ('queued', 'running');

CREATE TABLE flow_run_step (
    run_id uuid NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    step_path varchar(400) NOT NULL,
    step_id varchar(40) NOT NULL,
    seq integer NOT NULL,
    type varchar(20) NOT NULL,
    status varchar(10) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
    attempts integer NOT NULL DEFAULT 0,
    input jsonb,
    output jsonb,
    output_size integer,
    output_ref uuid,
    error text,
    error_type varchar(40),
    idempotency_key varchar(450) NOT NULL,
    next_attempt_at timestamptz,
    started_at timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (run_id, step_path)
);

CREATE TABLE flow_run_blob (
    id uuid PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    step_path varchar(400) NOT NULL,
    size integer NOT NULL,
    content jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flow_run_blob_run_idx ON flow_run_blob (run_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
