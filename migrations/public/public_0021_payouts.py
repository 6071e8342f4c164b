"""Public schema: developer payout settings (Connect account, tax profile), monthly payout
periods, runs and payouts, and the daily reconciliation of Stripe against the ledger."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0021_payouts"
VERSION = "1.38.0"
DESCRIPTION = "payouts: connect_account, tax_profile, payout_period/run/payout, reconciliation"

# A payout row is the truth of a run: its key payout:<period>:<org> is UNIQUE here, is the
# Stripe transfer's idempotency key and the payout journal's key, so a run that crashes anywhere
# re-runs without paying twice. Amounts are integer minor units.
SQL = """
CREATE TABLE public.connect_account (
    org_id uuid PRIMARY KEY REFERENCES public.developer_org (id) ON DELETE CASCADE,
    stripe_account_id text NOT NULL UNIQUE,
    payouts_enabled boolean NOT NULL DEFAULT false,
    details_submitted boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.tax_profile (
    org_id uuid PRIMARY KEY REFERENCES public.developer_org (id) ON DELETE CASCADE,
    form text NOT NULL CHECK (form IN ('w9', 'w8ben')),
    legal_name text NOT NULL,
    tin_type text NOT NULL CHECK (tin_type IN ('ssn', 'ein', 'foreign')),
    tin_encrypted text NOT NULL,
    tin_last4 text NOT NULL,
    country char(2) NOT NULL,
    submitted_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.payout_period (
    period text PRIMARY KEY CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    closed_at timestamptz NOT NULL DEFAULT now(),
    settled integer NOT NULL DEFAULT 0
);
CREATE TABLE public.payout_run (
    id uuid PRIMARY KEY,
    period text NOT NULL UNIQUE REFERENCES public.payout_period (period),
    status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE TABLE public.payout (
    id uuid PRIMARY KEY,
    key text NOT NULL UNIQUE,
    run_id uuid NOT NULL REFERENCES public.payout_run (id),
    period text NOT NULL REFERENCES public.payout_period (period),
    org_id uuid NOT NULL REFERENCES public.developer_org (id),
    amount_minor bigint NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    status text NOT NULL CHECK (status IN
        ('pending', 'paid', 'failed', 'skipped_minimum', 'blocked')),
    reason text NOT NULL DEFAULT '',
    stripe_account_id text,
    transfer_id text UNIQUE,
    reversed_minor bigint NOT NULL DEFAULT 0,
    attempts integer NOT NULL DEFAULT 0,
    enqueued_at timestamptz,
    -- set once, before the first transfer attempt: the amount every retry sends
    fixed_at timestamptz,
    last_error text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    paid_at timestamptz,
    UNIQUE (period, org_id)
);
CREATE INDEX payout_org_idx ON public.payout (org_id, period DESC);
CREATE INDEX payout_pending_idx ON public.payout (period) WHERE status = 'pending';
CREATE TABLE public.reconcile_day (
    day date PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    transactions integer NOT NULL DEFAULT 0,
    matched integer NOT NULL DEFAULT 0,
    exceptions integer NOT NULL DEFAULT 0
);
CREATE TABLE public.reconcile_exception (
    id uuid PRIMARY KEY,
    day date NOT NULL REFERENCES public.reconcile_day (day),
    kind text NOT NULL CHECK (kind IN ('missing_journal', 'missing_stripe', 'amount_differs')),
    source_id text NOT NULL,
    balance_transaction_id text,
    stripe_amount bigint,
    ledger_amount bigint,
    currency char(3) NOT NULL,
    detail text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolved_by uuid REFERENCES public.app_user (id) ON DELETE SET NULL,
    resolved_at timestamptz,
    note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (day, kind, source_id)
);
CREATE INDEX reconcile_exception_open_idx ON public.reconcile_exception (created_at)
    WHERE status = 'open';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
