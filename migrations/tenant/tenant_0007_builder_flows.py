"""Tenant schema: builder flows (with their drafts) and their immutable published versions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0007_builder_flows"
VERSION = "1.38.0"
DESCRIPTION = "builder flows and flow versions"

# Versions are never updated or deleted (runs refer to them by id); a deleted flow is marked
# deleted_at and keeps its versions. No trigger enforces that: tenant schemas are built from the
# template's tables, keys and indexes only, so the service is the one writer.
SQL = """
CREATE TABLE flow (
    id uuid PRIMARY KEY,
    name varchar(200) NOT NULL,
    description text NOT NULL DEFAULT '',
    template varchar(60),
    is_active boolean NOT NULL DEFAULT false,
    draft jsonb NOT NULL,
    published_version integer CHECK (published_version > 0),
    created_by_type varchar(20) NOT NULL,
    created_by_id uuid,
    created_by_label varchar(254) NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX flow_live_created_idx ON flow (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX flow_active_idx ON flow (id) WHERE is_active AND deleted_at IS NULL;
CREATE TABLE flow_version (
    id uuid PRIMARY KEY,
    flow_id uuid NOT NULL REFERENCES flow (id),
    number integer NOT NULL CHECK (number > 0),
    definition jsonb NOT NULL,
    published_by_type varchar(20) NOT NULL,
    published_by_id uuid,
    published_by_label varchar(254) NOT NULL DEFAULT '',
    published_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT flow_version_number_key UNIQUE (flow_id, number)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
