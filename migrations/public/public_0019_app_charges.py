"""Public schema: app charges (what a business agreed to pay for an app) and their payments."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0019_app_charges"
VERSION = "1.38.0"
DESCRIPTION = (
    "app_charge (one-time, subscription, usage) and app_charge_payment (invoices, refunds)"
)

# Money in integer minor units + currency (commerce rule). One open charge per business and
# app (pending .. past_due): a second install attempt reuses it instead of charging twice.
# return_to keeps the consent URL the install continues at once the charge is paid.
SQL = """
CREATE TABLE public.app_charge (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    listing_id uuid NOT NULL REFERENCES public.listing (id),
    install_id uuid NULL REFERENCES public.app_install (id),
    kind text NOT NULL CHECK (kind IN ('one_time', 'subscription', 'usage')),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'active',
        'trialing', 'past_due', 'cancelled', 'refunded', 'failed')),
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    interval text NULL CHECK (interval IN ('month', 'year')),
    trial_days integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 365),
    trial_ends_at timestamptz NULL,
    cap_minor bigint NULL CHECK (cap_minor > 0),
    created_by uuid NULL REFERENCES public.app_user (id) ON DELETE SET NULL,
    accepted_by uuid NULL REFERENCES public.app_user (id) ON DELETE SET NULL,
    accepted_at timestamptz NULL,
    return_to text NULL,
    stripe_customer text NULL,
    stripe_checkout_id text NULL UNIQUE,
    stripe_subscription_id text NULL UNIQUE,
    stripe_payment_intent text NULL UNIQUE,
    current_period_end timestamptz NULL,
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    cancelled_at timestamptz NULL,
    refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    refunded_at timestamptz NULL,
    paid_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'subscription' OR interval IS NOT NULL),
    CHECK (kind <> 'usage' OR cap_minor IS NOT NULL)
);
CREATE INDEX app_charge_tenant_idx ON public.app_charge (tenant_id, created_at DESC);
CREATE INDEX app_charge_listing_idx ON public.app_charge (listing_id);
CREATE UNIQUE INDEX app_charge_open_idx ON public.app_charge (tenant_id, listing_id)
    WHERE status IN ('pending', 'confirmed', 'active', 'trialing', 'past_due');

CREATE TABLE public.app_charge_payment (
    id text PRIMARY KEY,
    charge_id uuid NOT NULL REFERENCES public.app_charge (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('payment', 'invoice', 'refund', 'dispute')),
    status text NOT NULL,
    amount_minor bigint NOT NULL,
    currency char(3) NOT NULL,
    payment_intent text NULL,
    ledger_key text NULL,
    period_start timestamptz NULL,
    period_end timestamptz NULL,
    hosted_url text NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_charge_payment_charge_idx ON public.app_charge_payment (charge_id, created_at);
CREATE INDEX app_charge_payment_tenant_idx ON public.app_charge_payment (tenant_id, created_at DESC);
CREATE INDEX app_charge_payment_pi_idx ON public.app_charge_payment (payment_intent);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
