"""Public schema: usage reports of usage-based apps and their monthly totals under the cap."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0020_app_usage"
VERSION = "1.38.0"
DESCRIPTION = "app_usage (reports, one per install and idempotency key) and app_usage_period"

# Money in integer minor units + currency (commerce rule). The database is the truth for
# idempotency: one row per (install, key), however many identical reports race. The period row
# is the cap's counter: a conditional UPDATE under its row lock refuses a report that would
# cross the cap, so concurrent reports never add up past it.
SQL = """
CREATE TABLE public.app_usage_period (
    install_id uuid NOT NULL REFERENCES public.app_install (id) ON DELETE CASCADE,
    period char(7) NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    listing_id uuid NOT NULL REFERENCES public.listing (id),
    charge_id uuid NOT NULL REFERENCES public.app_charge (id),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_minor bigint NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    cap_minor bigint NOT NULL CHECK (cap_minor > 0),
    reports integer NOT NULL DEFAULT 0,
    warned_80_at timestamptz NULL,
    warned_100_at timestamptz NULL,
    bill_status text NOT NULL DEFAULT 'open'
        CHECK (bill_status IN ('open', 'charged', 'paid', 'failed', 'nothing')),
    payment_intent text NULL UNIQUE,
    bill_detail text NULL,
    billed_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (install_id, period),
    CHECK (total_minor <= cap_minor)
);
CREATE INDEX app_usage_period_due_idx ON public.app_usage_period (period)
    WHERE bill_status = 'open';
CREATE INDEX app_usage_period_tenant_idx ON public.app_usage_period (tenant_id, period);

CREATE TABLE public.app_usage (
    id uuid PRIMARY KEY,
    install_id uuid NOT NULL REFERENCES public.app_install (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    listing_id uuid NOT NULL REFERENCES public.listing (id),
    charge_id uuid NOT NULL REFERENCES public.app_charge (id),
    period char(7) NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    request_hash varchar(64) NOT NULL,
    quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    unit_minor bigint NOT NULL CHECK (unit_minor >= 0),
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    description varchar(200) NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (install_id, idempotency_key),
    FOREIGN KEY (install_id, period) REFERENCES public.app_usage_period (install_id, period)
        ON UPDATE CASCADE
);
CREATE INDEX app_usage_period_idx ON public.app_usage (install_id, period, created_at DESC);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
