"""Public schema: proven email addresses, a session generation per user, single-use TOTP steps,
revocable reset links and refresh-token families."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0009_account_proofs"
VERSION = "1.38.0"
DESCRIPTION = "email verification, session epoch, totp last step, refresh token families"

# Existing accounts stay unverified: they keep their businesses and are asked to confirm their
# address the first time it matters (accepting an invite).
SQL = """
ALTER TABLE public.app_user
    ADD COLUMN email_verified_at timestamptz,
    ADD COLUMN session_epoch integer NOT NULL DEFAULT 0,
    ADD COLUMN totp_last_step bigint;

CREATE TABLE public.email_verification (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    email varchar(254) NOT NULL,
    token_hash varchar(64) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX email_verification_user_idx ON public.email_verification (user_id);

ALTER TABLE public.password_reset ADD COLUMN revoked_at timestamptz;
CREATE INDEX password_reset_user_idx ON public.password_reset (user_id);

ALTER TABLE public.refresh_token
    ADD COLUMN family_id uuid,
    ADD COLUMN session_epoch integer NOT NULL DEFAULT 0,
    ADD COLUMN revoked_at timestamptz;
UPDATE public.refresh_token SET family_id = id;
ALTER TABLE public.refresh_token ALTER COLUMN family_id SET NOT NULL;
CREATE INDEX refresh_token_family_idx ON public.refresh_token (family_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
