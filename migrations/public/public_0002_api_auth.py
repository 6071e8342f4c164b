"""Public schema: API key rotation, refresh tokens for JWT."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0002_api_auth"
VERSION = "1.38.0"
DESCRIPTION = "api key rotation, refresh tokens, tenant currency"

SQL = """
ALTER TABLE public.api_key ADD COLUMN rotated_from uuid;
ALTER TABLE public.tenant ADD COLUMN currency char(3) NOT NULL DEFAULT 'USD';

CREATE TABLE public.refresh_token (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    token_hash varchar(64) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX refresh_token_user_idx ON public.refresh_token (user_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
