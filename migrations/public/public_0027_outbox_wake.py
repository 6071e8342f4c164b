"""Public schema: outbox signals skip their NOTIFY while a dispatcher has promised to poll."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0027_outbox_wake"
VERSION = "1.38.0"
DESCRIPTION = "outbox_dispatcher.polling_until; notify_outbox skips NOTIFY while it holds"

# A transaction that has sent NOTIFY takes one lock for the whole database at commit and holds
# it through the commit's WAL flush, so every transaction that writes an event (a customer
# created, an order updated, ...) committed one at a time: at a few hundred a second on two
# cores, that queue was the longest wait in PostgreSQL. A dispatcher that is busy already
# polls; it says until when in this row (dispatch.keep_polling), and a signal written then
# skips the NOTIFY. The half second of margin covers the writer's own commit; a transaction
# that stays open longer than that is picked up by the dispatcher's once-a-second poll.
SQL = """
CREATE TABLE public.outbox_dispatcher (
    id integer PRIMARY KEY CHECK (id = 1),
    polling_until timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO public.outbox_dispatcher (id) VALUES (1);

CREATE OR REPLACE FUNCTION public.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM public.outbox_dispatcher
        WHERE polling_until > clock_timestamp() + interval '0.5 seconds'
    ) THEN
        PERFORM pg_notify('jewelia_outbox', '');
    END IF;
    RETURN NULL;
END
$fn$;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
