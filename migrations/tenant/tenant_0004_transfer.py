"""Tenant schema: import and export jobs, their per-row errors, and order references."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0004_transfer"
VERSION = "1.38.0"
DESCRIPTION = "import/export jobs, row errors, imported order references"

SQL = """
CREATE TABLE transfer_job (
    id uuid PRIMARY KEY,
    kind varchar(10) NOT NULL CHECK (kind IN ('import', 'export')),
    data_type varchar(20) NOT NULL,
    format varchar(10) NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'queued',
    options jsonb NOT NULL DEFAULT '{}',
    mapping jsonb,
    filters jsonb,
    fields jsonb,
    file_name text,
    file_size bigint,
    source_job_id uuid,
    encoding varchar(20),
    delimiter varchar(2),
    total_rows integer,
    processed_rows integer NOT NULL DEFAULT 0,
    counts jsonb NOT NULL DEFAULT '{}',
    message text NOT NULL DEFAULT '',
    result_file text,
    result_size bigint,
    error_file text,
    actor_type varchar(20) NOT NULL,
    actor_id uuid,
    actor_label varchar(254) NOT NULL DEFAULT '',
    attempts integer NOT NULL DEFAULT 0,
    lease_token uuid,
    leased_until timestamptz,
    enqueued_at timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    files_expire_at timestamptz,
    files_removed_at timestamptz
);
CREATE INDEX transfer_job_created_idx ON transfer_job (created_at DESC, id DESC);
CREATE INDEX transfer_job_open_idx ON transfer_job (status) WHERE status IN ('queued', 'processing');
CREATE INDEX transfer_job_files_idx ON transfer_job (files_expire_at) WHERE files_removed_at IS NULL;
CREATE TABLE transfer_row_error (
    job_id uuid NOT NULL REFERENCES transfer_job (id) ON DELETE CASCADE,
    row_number integer NOT NULL,
    errors jsonb NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (job_id, row_number)
);
CREATE TABLE transfer_order_ref (
    reference varchar(100) PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES sales_order (id) ON DELETE CASCADE
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
