"""Public schema: builder webhook URLs (which tenant a hook belongs to) and schedule fire times."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0016_builder_triggers"
VERSION = "1.38.0"
DESCRIPTION = "builder webhook routes and schedule fire times"

# builder_hook routes a public webhook URL to its tenant without the caller's credentials.
# builder_schedule holds the next fire time of every active schedule trigger, kept by the
# flows' publish/activate/deactivate/delete, so the scheduler reads due rows only.
SQL = """
CREATE TABLE public.builder_hook (
    hook_id varchar(64) PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    flow_id uuid NOT NULL
);
CREATE TABLE public.builder_schedule (
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    flow_id uuid NOT NULL,
    trigger_index integer NOT NULL,
    cron varchar(100) NOT NULL,
    timezone varchar(64) NOT NULL,
    next_fire_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, flow_id, trigger_index)
);
CREATE INDEX builder_schedule_due_idx ON public.builder_schedule (next_fire_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
