"""Tenant schema: a stored Idempotency-Key answer belongs to the credential that made it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0005_idempotency_credential"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys are unique per credential (API key or user), not per tenant"

# Rows stored before this have no credential: they match nobody and expire within a day.
SQL = """
ALTER TABLE idempotency_key ADD COLUMN credential varchar(100) NOT NULL DEFAULT '';
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey;
ALTER TABLE idempotency_key ADD PRIMARY KEY (credential, key);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
