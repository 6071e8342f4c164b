"""Tenant schema: builder flow secrets (encrypted values a flow's templates reference)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0012_flow_secrets"
VERSION = "1.38.0"
DESCRIPTION = "builder flows: per-flow secrets, encrypted at rest"

# Values are Fernet tokens (jewelia.core.security.encrypt_secret), never plain text; they live
# outside the versioned definition so no version, export or run row carries them.
SQL = """
CREATE TABLE flow_secret (
    id uuid PRIMARY KEY,
    flow_id uuid NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    name varchar(64) NOT NULL CHECK (name ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    value_encrypted text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (flow_id, name)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
