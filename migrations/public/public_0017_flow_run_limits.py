"""Public schema: plan limits for builder runs per month, and the monthly run counter."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0017_flow_run_limits"
VERSION = "1.38.0"
DESCRIPTION = "plan limits: builder runs per month; flow_run_usage counter"

# jewelia.platform.billing.limits.take_flow_run counts a run when it is created, with one
# conditional upsert on (tenant, month): atomic under concurrency, no COUNT(*) of flow_run.
# Months are calendar months in UTC.
SQL = """
UPDATE public.plan SET features = features || '{"flow_runs_per_month": 1000}'
    WHERE name = 'free';
UPDATE public.plan SET features = features || '{"flow_runs_per_month": 50000}'
    WHERE name = 'professional';
UPDATE public.plan SET features = features || '{"flow_runs_per_month": 1000000}'
    WHERE name = 'enterprise';
CREATE TABLE public.flow_run_usage (
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    month date NOT NULL,
    runs integer NOT NULL DEFAULT 0 CHECK (runs >= 0),
    PRIMARY KEY (tenant_id, month)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
