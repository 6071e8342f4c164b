"""Public schema: per-key controls (an hourly limit, an IP allow-list) and per-business CORS
origins; key grants are dropped from caches when either control changes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0013_key_controls"
VERSION = "1.38.0"
DESCRIPTION = "api_key.hourly_limit and allowed_ips; tenant.cors_origins"

# The tenant trigger (public_0006) fires on every tenant update, cors_origins included; the
# api_key trigger names its columns, so it is re-made with the two new ones.
SQL = """
ALTER TABLE public.api_key ADD COLUMN hourly_limit integer CHECK (hourly_limit >= 1);
ALTER TABLE public.api_key ADD COLUMN allowed_ips cidr[] NOT NULL DEFAULT '{}';
ALTER TABLE public.tenant ADD COLUMN cors_origins text[] NOT NULL DEFAULT '{}';
CREATE INDEX tenant_cors_origins_idx ON public.tenant USING gin (cors_origins);

DROP TRIGGER api_key_grant_change ON public.api_key;
CREATE TRIGGER api_key_grant_change
    AFTER UPDATE OF revoked_at, expires_at, permissions, tenant_id, key_hash, hourly_limit,
        allowed_ips OR DELETE
    ON public.api_key FOR EACH STATEMENT EXECUTE FUNCTION public.notify_grant_change();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
