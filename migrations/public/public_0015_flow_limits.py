"""Public schema: plan limits for the integration builder's flows."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0015_flow_limits"
VERSION = "1.38.0"
DESCRIPTION = "plan limits: builder flows"

# jewelia.platform.billing.limits enforces `features.flows` (deleted flows do not count).
SQL = """
UPDATE public.plan SET features = features || '{"flows": 3}' WHERE name = 'free';
UPDATE public.plan SET features = features || '{"flows": 50}' WHERE name = 'professional';
UPDATE public.plan SET features = features || '{"flows": 1000}' WHERE name = 'enterprise';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
