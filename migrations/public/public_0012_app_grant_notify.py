"""Public schema: announce app token, install and listing status changes so servers drop
cached app-token grants (the same channel as API key grants, see public_0006)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0012_app_grant_notify"
VERSION = "1.38.0"
DESCRIPTION = "NOTIFY jewelia_grants on oauth_token, app_install and listing status changes"

SQL = """
CREATE TRIGGER oauth_token_grant_change
    AFTER UPDATE OF revoked_at, expires_at, scopes OR DELETE
    ON public.oauth_token FOR EACH STATEMENT EXECUTE FUNCTION public.notify_grant_change();

CREATE TRIGGER app_install_grant_change
    AFTER UPDATE OF uninstalled_at, cleanup_until, scopes OR DELETE
    ON public.app_install FOR EACH STATEMENT EXECUTE FUNCTION public.notify_grant_change();

CREATE TRIGGER listing_grant_change
    AFTER UPDATE OF status OR DELETE
    ON public.listing FOR EACH STATEMENT EXECUTE FUNCTION public.notify_grant_change();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
