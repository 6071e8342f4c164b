"""Public schema: plan limits for incoming webhook sources and Free businesses per owner."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0010_plan_limits"
VERSION = "1.38.0"
DESCRIPTION = "plan limits: inbound sources, free businesses per owner"

# Seats are the plan's `seats` column and webhook endpoints `features.webhook_endpoints`
# (public_0003); jewelia.platform.billing.limits enforces all four.
SQL = """
UPDATE public.plan SET features = features || '{"inbound_sources": 2, "businesses_per_owner": 3}'
    WHERE name = 'free';
UPDATE public.plan SET features = features || '{"inbound_sources": 20}' WHERE name = 'professional';
UPDATE public.plan SET features = features || '{"inbound_sources": 200}' WHERE name = 'enterprise';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
