"""Public schema: the double-entry ledger (accounts, journals, postings) and the versioned
revenue-share policy, with the invariants the database itself enforces."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0018_ledger"
VERSION = "1.38.0"
DESCRIPTION = "ledger: accounts, journals, postings (append-only, zero-sum); revenue-share policy"

DEVELOPER_LINE_TYPES = (
    "earning",
    "platform_share",
    "fee",
    "settle",
    "refund",
    "dispute",
    "dispute_won",
    "payout",
    "payout_reversal",
)

# Amounts are bigint minor units, +debit -credit. Developer accounts are liabilities (credit
# balances): what a developer is owed is minus the sum of its postings.
# What the database enforces (jewelia/platform/commerce/ledger.py relies on it, check() audits it):
# - journals, postings, accounts and policy versions are append-only: UPDATE, DELETE and TRUNCATE
#   raise (a mistake is corrected by a reversing journal);
# - a posting is admitted only in the transaction that created its journal (the journal's
#   created_at is forced to now(), the transaction's start, and must match), in the journal's
#   currency, with its account's org; its currency is its account's (composite foreign key);
#   so a journal is one currency, and "sums to zero" is per currency;
# - at commit (a deferred constraint trigger on the journal) every journal has at least two
#   postings and sums to zero.
SQL = f"""
CREATE FUNCTION public.ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on public.% is refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'post a reversing journal instead of changing or removing rows';
END $$;

CREATE TABLE public.revenue_share_policy (
    version integer PRIMARY KEY CHECK (version > 0),
    tiers jsonb NOT NULL
        CHECK (jsonb_typeof(tiers) = 'array' AND jsonb_array_length(tiers) > 0),
    effective_from timestamptz NOT NULL,
    note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.revenue_share_policy (version, tiers, effective_from, note) VALUES (
    1,
    '[{{"up_to": 100000000, "bps": 0}}, {{"up_to": null, "bps": 1500}}]',
    '2020-01-01T00:00:00Z',
    '0 % on a developer''s first USD 1,000,000 of lifetime gross app revenue, then 15 %'
);

CREATE TABLE public.ledger_account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('platform_cash', 'platform_revenue', 'processing_fees',
        'refunds', 'developer_pending', 'developer_available')),
    org_id uuid,
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{{3}}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_account_org_iff_developer
        CHECK ((kind IN ('developer_pending', 'developer_available')) = (org_id IS NOT NULL)),
    CONSTRAINT ledger_account_one UNIQUE NULLS NOT DISTINCT (kind, org_id, currency),
    CONSTRAINT ledger_account_id_currency UNIQUE (id, currency)
);
CREATE INDEX ledger_account_org_idx ON public.ledger_account (org_id) WHERE org_id IS NOT NULL;

CREATE TABLE public.ledger_journal (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{{1,40}}$'),
    key text NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 200),
    memo text NOT NULL DEFAULT '',
    source_type text,
    source_id text,
    policy_version integer REFERENCES public.revenue_share_policy (version),
    org_id uuid,
    listing_id uuid,
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{{3}}$'),
    -- the event's gross (charge, refund, dispute, won dispute, payout, reversal); NULL for settle
    amount bigint CHECK (amount >= 0),
    -- refunds, disputes, won disputes and settles point at their charge
    parent_id uuid REFERENCES public.ledger_journal (id),
    -- a won dispute points at its dispute
    related_id uuid REFERENCES public.ledger_journal (id),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_journal_parent_idx ON public.ledger_journal (parent_id, kind)
    WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_journal_one_won_idx ON public.ledger_journal (related_id)
    WHERE kind = 'dispute_won';
CREATE UNIQUE INDEX ledger_journal_one_settle_idx ON public.ledger_journal (parent_id)
    WHERE kind = 'settle';
CREATE INDEX ledger_journal_org_kind_idx ON public.ledger_journal (org_id, kind, currency)
    INCLUDE (amount) WHERE org_id IS NOT NULL;
CREATE INDEX ledger_journal_charge_due_idx ON public.ledger_journal (occurred_at)
    WHERE kind = 'charge';
CREATE INDEX ledger_journal_source_idx ON public.ledger_journal (source_type, source_id)
    WHERE source_id IS NOT NULL;
CREATE INDEX ledger_journal_occurred_idx ON public.ledger_journal (occurred_at);

CREATE TABLE public.ledger_posting (
    id bigserial PRIMARY KEY,
    journal_id uuid NOT NULL REFERENCES public.ledger_journal (id),
    account_id bigint NOT NULL,
    org_id uuid,
    listing_id uuid,
    line_type text NOT NULL CHECK (line_type ~ '^[a-z_]{{1,40}}$'),
    amount bigint NOT NULL,
    currency char(3) NOT NULL,
    policy_version integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_posting_account_currency FOREIGN KEY (account_id, currency)
        REFERENCES public.ledger_account (id, currency),
    CONSTRAINT ledger_posting_developer_line
        CHECK (org_id IS NULL OR line_type IN {DEVELOPER_LINE_TYPES!r})
);
CREATE INDEX ledger_posting_account_idx ON public.ledger_posting (account_id) INCLUDE (amount);
-- INCLUDE (amount): check() sums every journal from this index alone (index-only scan)
CREATE INDEX ledger_posting_journal_idx ON public.ledger_posting (journal_id) INCLUDE (amount);
CREATE INDEX ledger_posting_org_created_idx ON public.ledger_posting (org_id, created_at)
    WHERE org_id IS NOT NULL;

CREATE FUNCTION public.ledger_journal_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_journal_stamp BEFORE INSERT ON public.ledger_journal
    FOR EACH ROW EXECUTE FUNCTION public.ledger_journal_stamp();

CREATE FUNCTION public.ledger_posting_admit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    journal record;
    account record;
BEGIN
    SELECT created_at, currency INTO journal FROM public.ledger_journal WHERE id = NEW.journal_id;
    IF NOT FOUND OR journal.created_at <> now() THEN
        RAISE EXCEPTION 'ledger journal % is closed: postings are added only with their journal',
            NEW.journal_id USING HINT = 'post a new journal';
    END IF;
    IF journal.currency <> NEW.currency THEN
        RAISE EXCEPTION 'ledger journal % is in %: a posting in % is refused',
            NEW.journal_id, journal.currency, NEW.currency;
    END IF;
    SELECT org_id INTO account FROM public.ledger_account WHERE id = NEW.account_id;
    IF account.org_id IS DISTINCT FROM NEW.org_id THEN
        RAISE EXCEPTION 'ledger posting of journal %: its org is not its account''s org',
            NEW.journal_id;
    END IF;
    NEW.created_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_posting_admit BEFORE INSERT ON public.ledger_posting
    FOR EACH ROW EXECUTE FUNCTION public.ledger_posting_admit();

-- At commit, once per journal: its postings were all admitted in this transaction.
CREATE FUNCTION public.ledger_check_journal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    total numeric;
BEGIN
    SELECT count(*), coalesce(sum(amount), 0) INTO n, total
        FROM public.ledger_posting WHERE journal_id = NEW.id;
    IF n < 2 THEN
        RAISE EXCEPTION 'ledger journal % has % posting(s): a journal needs at least two',
            NEW.id, n;
    END IF;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger journal % does not sum to zero: % % (minor units) left over',
            NEW.id, total, NEW.currency;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_journal_balanced AFTER INSERT ON public.ledger_journal
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.ledger_check_journal();

CREATE TRIGGER revenue_share_policy_append_only BEFORE UPDATE OR DELETE
    ON public.revenue_share_policy FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER revenue_share_policy_no_truncate BEFORE TRUNCATE
    ON public.revenue_share_policy FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_account_append_only BEFORE UPDATE OR DELETE
    ON public.ledger_account FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_account_no_truncate BEFORE TRUNCATE
    ON public.ledger_account FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_journal_append_only BEFORE UPDATE OR DELETE
    ON public.ledger_journal FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_journal_no_truncate BEFORE TRUNCATE
    ON public.ledger_journal FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE
    ON public.ledger_posting FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_posting_no_truncate BEFORE TRUNCATE
    ON public.ledger_posting FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
