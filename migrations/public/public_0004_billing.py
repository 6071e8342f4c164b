"""Public schema: subscription state on tenants, Stripe events stored once, invoices."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0004_billing"
VERSION = "1.38.0"
DESCRIPTION = "subscriptions, stripe events, invoices"

SQL = """
ALTER TABLE public.tenant
    ADD COLUMN stripe_customer_id varchar(64) UNIQUE,
    ADD COLUMN stripe_subscription_id varchar(64),
    ADD COLUMN subscription_status varchar(30),
    ADD COLUMN current_period_end timestamptz,
    ADD COLUMN cancel_at_period_end boolean NOT NULL DEFAULT false,
    ADD COLUMN payment_grace_until timestamptz;

CREATE TABLE public.stripe_event (
    id varchar(255) PRIMARY KEY,
    type varchar(100) NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    status varchar(20) NOT NULL DEFAULT 'received',
    detail text
);

CREATE TABLE public.invoice (
    id varchar(64) PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    amount_cents integer NOT NULL,
    currency char(3) NOT NULL,
    status varchar(20) NOT NULL,
    period_start timestamptz,
    period_end timestamptz,
    hosted_url text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_tenant_idx ON public.invoice (tenant_id, created_at DESC);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
