"""Public schema: billing plans (tiers) with their request limits and features."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0003_plans"
VERSION = "1.38.0"
DESCRIPTION = "billing plans"

SQL = """
CREATE TABLE public.plan (
    name varchar(20) PRIMARY KEY,
    display_name varchar(60) NOT NULL,
    monthly_price_cents integer NOT NULL CHECK (monthly_price_cents >= 0),
    requests_per_hour integer NOT NULL CHECK (requests_per_hour > 0),
    seats integer NOT NULL CHECK (seats > 0),
    features jsonb NOT NULL DEFAULT '{}',
    sort_order integer NOT NULL DEFAULT 0
);
INSERT INTO public.plan (name, display_name, monthly_price_cents, requests_per_hour, seats,
                         features, sort_order) VALUES
    ('free', 'Free', 0, 1000, 2,
     '{"webhook_endpoints": 2, "import_rows": 1000, "integrations": 1}', 1),
    ('professional', 'Professional', 4900, 10000, 10,
     '{"webhook_endpoints": 20, "import_rows": 100000, "integrations": 20}', 2),
    ('enterprise', 'Enterprise', 29900, 100000, 100,
     '{"webhook_endpoints": 200, "import_rows": 1000000, "integrations": 200}', 3);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
