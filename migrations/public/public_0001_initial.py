"""Public schema: tenant registry, spare schemas, accounts, API keys, email outbox."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0001_initial"
VERSION = "1.38.0"
DESCRIPTION = "tenant registry, accounts, api keys, email outbox"

SQL = """
CREATE TABLE public.tenant (
    id uuid PRIMARY KEY,
    slug varchar(63) NOT NULL UNIQUE,
    name varchar(120) NOT NULL,
    schema_name varchar(63) NOT NULL UNIQUE,
    plan varchar(20) NOT NULL DEFAULT 'free',
    status varchar(20) NOT NULL DEFAULT 'active',
    schema_version integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    suspended_at timestamptz,
    deleted_at timestamptz
);
CREATE INDEX tenant_schema_version_idx ON public.tenant (schema_version);

CREATE TABLE public.spare_schema (
    schema_name varchar(63) PRIMARY KEY,
    schema_version integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.app_user (
    id uuid PRIMARY KEY,
    email varchar(254) NOT NULL,
    full_name varchar(120) NOT NULL,
    password_hash text NOT NULL,
    totp_secret text,
    totp_enabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
CREATE UNIQUE INDEX app_user_email_key ON public.app_user (lower(email));

CREATE TABLE public.membership (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    role varchar(20) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, tenant_id)
);
CREATE INDEX membership_tenant_idx ON public.membership (tenant_id);

CREATE TABLE public.invite (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    email varchar(254) NOT NULL,
    role varchar(20) NOT NULL,
    token_hash varchar(64) NOT NULL UNIQUE,
    invited_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX invite_tenant_idx ON public.invite (tenant_id);

CREATE TABLE public.password_reset (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    token_hash varchar(64) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE public.recovery_code (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    code_hash varchar(64) NOT NULL,
    used_at timestamptz
);
CREATE INDEX recovery_code_user_idx ON public.recovery_code (user_id);

CREATE TABLE public.email_outbox (
    id uuid PRIMARY KEY,
    to_address varchar(254) NOT NULL,
    subject varchar(200) NOT NULL,
    body_text text NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX email_outbox_pending_idx ON public.email_outbox (created_at)
    WHERE status = 'pending';

CREATE TABLE public.api_key (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    prefix varchar(16) NOT NULL,
    key_hash varchar(64) NOT NULL UNIQUE,
    permissions jsonb NOT NULL DEFAULT '[]',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_key_tenant_idx ON public.api_key (tenant_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
