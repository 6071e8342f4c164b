"""Public schema: which tenants have webhook work due, and where incoming webhooks go."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0005_webhooks"
VERSION = "1.38.0"
DESCRIPTION = "webhook wake-up markers, incoming webhook routing"

SQL = """
CREATE TABLE public.outbox_signal (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.webhook_due (
    tenant_id uuid PRIMARY KEY REFERENCES public.tenant (id) ON DELETE CASCADE,
    due_at timestamptz NOT NULL
);
CREATE INDEX webhook_due_at_idx ON public.webhook_due (due_at);

CREATE TABLE public.inbound_route (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE
);
CREATE INDEX inbound_route_tenant_idx ON public.inbound_route (tenant_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
