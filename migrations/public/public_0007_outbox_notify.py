"""Public schema: wake the webhook dispatcher when an event is committed."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0007_outbox_notify"
VERSION = "1.38.0"
DESCRIPTION = "NOTIFY jewelia_outbox when outbox signals are inserted"

SQL = """
CREATE FUNCTION public.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('jewelia_outbox', '');
    RETURN NULL;
END
$fn$;

CREATE TRIGGER outbox_signal_notify
    AFTER INSERT ON public.outbox_signal
    FOR EACH STATEMENT EXECUTE FUNCTION public.notify_outbox();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
