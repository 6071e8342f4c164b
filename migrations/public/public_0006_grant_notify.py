"""Public schema: announce API key and tenant changes so servers drop cached grants."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0006_grant_notify"
VERSION = "1.38.0"
DESCRIPTION = "NOTIFY jewelia_grants on api_key and tenant changes"

SQL = """
CREATE FUNCTION public.notify_grant_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('jewelia_grants', TG_TABLE_NAME);
    RETURN NULL;
END
$fn$;

CREATE TRIGGER api_key_grant_change
    AFTER UPDATE OF revoked_at, expires_at, permissions, tenant_id, key_hash OR DELETE
    ON public.api_key FOR EACH STATEMENT EXECUTE FUNCTION public.notify_grant_change();

CREATE TRIGGER tenant_grant_change
    AFTER UPDATE OR DELETE ON public.tenant
    FOR EACH STATEMENT EXECUTE FUNCTION public.notify_grant_change();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
