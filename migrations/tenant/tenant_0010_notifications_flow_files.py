"""Tenant schema: in-app notifications, and the builder's flow files (uploaded to a flow, or
written by a flow's file step)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0010_notifications_flow_files"
VERSION = "1.38.0"
DESCRIPTION = "in-app notifications, builder flow files"

# A notification belongs to the business (every member sees it; read state is the business's).
# idempotency_key is the flow step's key: a step re-run after a crash cannot notify twice.
# A flow file's content lives under the data folder (<data>/builder/<tenant>/<file id>); the row
# says what it is. A written file's id is derived from its step's idempotency key, so a step
# re-run after a crash rewrites the same file and its row is inserted once, with the step.
SQL = """
CREATE TABLE notification (
    id uuid PRIMARY KEY,
    title varchar(200) NOT NULL,
    body text NOT NULL DEFAULT '',
    link varchar(2000),
    source_type varchar(20) NOT NULL DEFAULT 'system',
    source_id uuid,
    idempotency_key varchar(450) UNIQUE,
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_created_idx ON notification (created_at DESC, id DESC);
CREATE INDEX notification_unread_idx ON notification (created_at) WHERE read_at IS NULL;

CREATE TABLE flow_file (
    id uuid PRIMARY KEY,
    flow_id uuid NOT NULL,
    kind varchar(10) NOT NULL CHECK (kind IN ('upload', 'output')),
    name varchar(255) NOT NULL,
    format varchar(10) NOT NULL CHECK (format IN ('csv', 'json', 'xlsx')),
    size bigint NOT NULL,
    rows integer,
    run_id uuid,
    step_path varchar(400),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz
);
CREATE INDEX flow_file_flow_idx ON flow_file (flow_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX flow_file_upload_name_idx ON flow_file (flow_id, lower(name))
    WHERE kind = 'upload';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
