"""Public schema: settlement markers, so `ledger.settle_due` posts one settle journal per call
and currency (two postings per developer org) instead of one journal per charge."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0022_ledger_settle"
VERSION = "1.38.0"
DESCRIPTION = "ledger: ledger_settlement (a charge settled once, by which journal, how much)"

# A charge is settled once: the PRIMARY KEY on charge_id (a second caller's insert waits for
# the first's row, then skips it). amount: the pending moved to available for that charge;
# the settle journal's postings are these amounts summed per developer org. Append-only like
# the ledger. journal_id has no foreign key: its check per row cost a fifth of a bulk
# settlement, and only settle_due writes it, in the statement that makes that journal.
# Settle journals made before this migration (one per charge, parent_id = the charge) get
# their marker here.
SQL = """
CREATE TABLE public.ledger_settlement (
    charge_id uuid PRIMARY KEY REFERENCES public.ledger_journal (id),
    journal_id uuid NOT NULL,
    amount bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_settlement_journal_idx ON public.ledger_settlement (journal_id);

INSERT INTO public.ledger_settlement (charge_id, journal_id, amount, created_at)
SELECT j.parent_id, j.id, coalesce((SELECT sum(p.amount) FROM public.ledger_posting p
    JOIN public.ledger_account a ON a.id = p.account_id AND a.kind = 'developer_pending'
    WHERE p.journal_id = j.id), 0), j.created_at
FROM public.ledger_journal j WHERE j.kind = 'settle' AND j.parent_id IS NOT NULL;

CREATE TRIGGER ledger_settlement_append_only BEFORE UPDATE OR DELETE
    ON public.ledger_settlement FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_settlement_no_truncate BEFORE TRUNCATE
    ON public.ledger_settlement FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
