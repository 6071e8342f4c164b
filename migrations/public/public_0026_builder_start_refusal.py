"""Public schema: a function that ends a builder run's start statement with a refusal."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0026_builder_start_refusal"
VERSION = "1.38.0"
DESCRIPTION = "builder_start_refused(reason): raises SQLSTATE JWB01 so a start statement rolls back"

# A trigger's run is started by one statement outside any transaction (runs.START_ONE_SQL), so
# the monthly run counter's row is locked only while that statement commits. When the run is
# refused (flow not runnable, the plan's runs used) the statement must leave nothing behind:
# it calls this function, whose error rolls the whole statement back.
SQL = """
CREATE FUNCTION public.builder_start_refused(reason text) RETURNS integer
LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'JWB01', MESSAGE = reason;
END
$fn$;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
