"""Public schema: which tenants have builder runs to look after (the engine's sweeper)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0014_builder_due"
VERSION = "1.38.0"
DESCRIPTION = "builder run wake-up markers"

# One row per tenant with open runs: when the sweeper should next look at them (a run whose
# worker died, whose message was lost with Redis, or whose wake-up is overdue).
SQL = """
CREATE TABLE public.builder_due (
    tenant_id uuid PRIMARY KEY REFERENCES public.tenant (id) ON DELETE CASCADE,
    due_at timestamptz NOT NULL
);
CREATE INDEX builder_due_at_idx ON public.builder_due (due_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
