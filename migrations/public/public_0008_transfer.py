"""Public schema: when a tenant's import/export jobs or files next need a look, and import size limits per plan."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0008_transfer"
VERSION = "1.38.0"
DESCRIPTION = "transfer wake-up markers, import byte limits per plan"

SQL = """
CREATE TABLE public.transfer_due (
    tenant_id uuid PRIMARY KEY REFERENCES public.tenant (id) ON DELETE CASCADE,
    due_at timestamptz NOT NULL
);
CREATE INDEX transfer_due_at_idx ON public.transfer_due (due_at);
UPDATE public.plan SET features = features || '{"import_bytes": 5242880}' WHERE name = 'free';
UPDATE public.plan SET features = features || '{"import_bytes": 52428800}'
    WHERE name = 'professional';
UPDATE public.plan SET features = features || '{"import_bytes": 209715200}'
    WHERE name = 'enterprise';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
