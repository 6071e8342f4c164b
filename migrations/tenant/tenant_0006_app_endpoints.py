"""Tenant schema: webhook endpoints an installed app owns (created on install, removed on
uninstall; signed with the app's client secret, bodies carry the tenant id)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0006_app_endpoints"
VERSION = "1.38.0"
DESCRIPTION = "webhook_endpoint.app_install_id: endpoints owned by an installed app"

# public.app_install(id), by id only: no foreign key out of a tenant schema (see ARCHITECTURE).
SQL = """
ALTER TABLE webhook_endpoint ADD COLUMN app_install_id uuid;
CREATE INDEX webhook_endpoint_app_install_idx ON webhook_endpoint (app_install_id)
    WHERE app_install_id IS NOT NULL;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
