"""Tenant schema: webhook endpoints, deliveries and their attempts, incoming webhook events."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0003_webhooks"
VERSION = "1.38.0"
DESCRIPTION = "webhook endpoints, deliveries, attempts, incoming events"

SQL = """
CREATE TABLE webhook_endpoint (
    id uuid PRIMARY KEY,
    url text NOT NULL,
    description text NOT NULL DEFAULT '',
    events text[] NOT NULL,
    secret_encrypted text NOT NULL,
    previous_secret_encrypted text,
    previous_secret_expires_at timestamptz,
    enabled boolean NOT NULL DEFAULT true,
    disabled_reason text,
    max_attempts integer NOT NULL DEFAULT 8,
    retry_base_seconds double precision NOT NULL DEFAULT 5,
    failing_since timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoint_created_idx ON webhook_endpoint (created_at DESC, id DESC);

CREATE TABLE webhook_delivery (
    id uuid PRIMARY KEY,
    endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    event_id uuid NOT NULL,
    event_type varchar(60) NOT NULL,
    payload jsonb NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'pending',
    attempt_count integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    leased_until timestamptz,
    last_status_code integer,
    last_error text,
    last_duration_ms double precision,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at)
    WHERE status IN ('pending', 'retrying');
CREATE INDEX webhook_delivery_endpoint_idx ON webhook_delivery (endpoint_id, created_at DESC);

CREATE TABLE webhook_attempt (
    id bigserial PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempt_number integer NOT NULL,
    request_headers jsonb NOT NULL,
    request_body text NOT NULL,
    status_code integer,
    response_headers jsonb,
    response_body text,
    duration_ms double precision,
    error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, attempt_number);

CREATE TABLE inbound_source (
    id uuid PRIMARY KEY,
    name varchar(120) NOT NULL,
    secret_encrypted text NOT NULL,
    previous_secret_encrypted text,
    previous_secret_expires_at timestamptz,
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_source_created_idx ON inbound_source (created_at DESC, id DESC);

CREATE TABLE inbound_event (
    id uuid PRIMARY KEY,
    source_id uuid NOT NULL REFERENCES inbound_source (id) ON DELETE CASCADE,
    external_id varchar(255) NOT NULL,
    body_sha256 char(64) NOT NULL,
    event_type varchar(100) NOT NULL,
    payload jsonb NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'received',
    attempts integer NOT NULL DEFAULT 0,
    result jsonb,
    error text,
    received_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    UNIQUE (source_id, external_id),
    UNIQUE (source_id, body_sha256)
);
CREATE INDEX inbound_event_source_idx ON inbound_event (source_id, received_at DESC, id DESC);
CREATE INDEX inbound_event_pending_idx ON inbound_event (received_at) WHERE status = 'received';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
