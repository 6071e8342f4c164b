"""Benchmark: the database phase of a monthly payout run, 10,000 developers over ~1,000,000
ledger postings.

    .venv/bin/python bench/payout_run.py                 # a few minutes, most of it seeding
    .venv/bin/python bench/payout_run.py --orgs 1000     # a quick run

Builds a throw-away installation (see _common.py) and seeds the ledger through the database's
own rules (journals with their postings, every journal summing to zero at commit, the
append-only triggers on), generated in SQL a batch of orgs at a time: per developer org 22 app
charges over the last month (cash, the developer's earning and Stripe's fee: 3 postings), 20
of them already settled to available (2 postings each) and 2 due for settlement: 106 postings
an org, ~1,060,000 for 10,000 orgs. 95 % of the orgs have an enabled Connect account and a tax
profile (the others are blocked), and ~3 % of balances fall under the USD 25 minimum. Not timed.

Timed, in process on a warm pool, committed (the deferred zero-sum checks of the settle
journals run at the commit and are counted): `payouts._snapshot(period, now)` in one
transaction, the database phase of closing a period as `payouts.close_period` runs it:
`ledger.settle_due` (due charges to available, one journal each), `ledger.available_balances`
(one query) and the payout rows (pending / skipped_minimum / blocked, one INSERT … SELECT from
the snapshot) plus the blocked orgs' emails.
(a) worst case: every charge due since the last close is settled by the close (2 an org);
(b) as deployed: the scheduler's hourly settle keeps up, so a close settles what became due
    within the hour (1 charge for every 30 orgs here), then snapshots every balance;
(c) for context, the snapshot and rows alone (another period, rolled back), and
    `available_balances` alone.
Checked: one payout row per org with a balance, the totals equal to the balances, the settled
counts. Target: < 2 s. Exits 1 if a target is missed or a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

PERIOD = "2026-11"
TARGET_S = 2.0
BATCH = 500  # orgs a transaction while seeding


class Rollback(Exception):
    """Raised to undo a timed run."""


SEED_BATCH = """
WITH c AS (
    SELECT o AS org_id, n, gen_random_uuid() AS id,
        1000 + abs(hashtext(o::text || ':' || n)) % 60000 AS gross,
        $2::timestamptz - make_interval(days => n + 7) AS at
    FROM unnest($1::uuid[]) o, generate_series(1, 22) n
), j AS (
    INSERT INTO public.ledger_journal (id, kind, key, memo, source_type, source_id,
        policy_version, org_id, currency, amount, occurred_at)
    SELECT id, 'charge', 'bench:' || org_id || ':' || n, 'bench charge', 'stripe_charge',
        'ch_' || replace(id::text, '-', ''), 1, org_id, 'USD', gross, at FROM c
    RETURNING id
), fees AS (
    SELECT c.*, (c.gross * 29 / 1000 + 30) AS fee FROM c
)
INSERT INTO public.ledger_posting (journal_id, account_id, org_id, line_type, amount, currency,
    policy_version)
SELECT f.id, CASE WHEN l.kind = 'platform_cash' THEN $3 ELSE p.id END,
    CASE WHEN l.kind = 'platform_cash' THEN NULL ELSE f.org_id END,
    l.line_type,
    CASE WHEN l.kind = 'platform_cash' THEN f.gross - f.fee
        WHEN l.line_type = 'earning' THEN -f.gross ELSE f.fee END,
    'USD', 1
FROM fees f
JOIN j ON j.id = f.id
JOIN public.ledger_account p ON p.org_id = f.org_id AND p.kind = 'developer_pending'
    AND p.currency = 'USD'
CROSS JOIN (VALUES ('platform_cash', 'earning'), ('developer_pending', 'earning'),
    ('developer_pending', 'fee')) AS l(kind, line_type)
"""

SETTLE_BATCH = """
WITH due AS (
    SELECT j.id, j.key, j.org_id, j.occurred_at,
        -(SELECT sum(p.amount) FROM public.ledger_posting p WHERE p.journal_id = j.id
          AND p.org_id IS NOT NULL) AS owed
    FROM public.ledger_journal j
    WHERE j.kind = 'charge' AND j.org_id = ANY($1::uuid[])
      AND split_part(j.key, ':', 3)::int > 2
), made AS (
    INSERT INTO public.ledger_journal (kind, key, memo, source_type, source_id, policy_version,
        org_id, currency, parent_id, occurred_at)
    SELECT 'settle', 'settle:' || key, 'bench settle', 'ledger_journal', id::text, 1, org_id,
        'USD', id, occurred_at + interval '7 days' FROM due
    RETURNING id, parent_id
), marked AS (
    INSERT INTO public.ledger_settlement (charge_id, journal_id, amount)
    SELECT made.parent_id, made.id, due.owed FROM made JOIN due ON due.id = made.parent_id
)
INSERT INTO public.ledger_posting (journal_id, account_id, org_id, line_type, amount, currency,
    policy_version)
SELECT made.id, a.id, due.org_id, 'settle',
    CASE WHEN a.kind = 'developer_pending' THEN due.owed ELSE -due.owed END, 'USD', 1
FROM made JOIN due ON due.id = made.parent_id
JOIN public.ledger_account a ON a.org_id = due.org_id AND a.currency = 'USD'
    AND a.kind IN ('developer_pending', 'developer_available')
"""


async def seed(orgs: int, now: datetime) -> dict[str, Any]:
    """Developer orgs, their payout settings and ledger; returns the expected figures."""
    from jewelia.core.db import DB, execute, fetch

    start = time.perf_counter()
    user = uuid.uuid4()
    await execute(
        "INSERT INTO public.app_user (id, email, full_name, password_hash)"
        " VALUES ($1, 'bench-dev@example.com', 'Bench', 'x')",
        user,
    )
    await execute(
        "INSERT INTO public.ledger_account (kind, org_id, currency) SELECT k, NULL, 'USD'"
        " FROM unnest(ARRAY['platform_cash', 'platform_revenue', 'processing_fees',"
        " 'refunds']) k ON CONFLICT DO NOTHING"
    )
    cash = (await fetch("SELECT id FROM public.ledger_account WHERE kind = 'platform_cash'"))[0][
        "id"
    ]
    ids = [uuid.uuid4() for _ in range(orgs)]
    for n in range(0, orgs, BATCH):
        batch = ids[n : n + BATCH]
        async with DB.transaction():
            await execute(
                "INSERT INTO public.developer_org (id, name, slug, created_by)"
                " SELECT o, 'Bench ' || o, 'bench-' || o, $2 FROM unnest($1::uuid[]) o",
                batch,
                user,
            )
            await execute(
                "INSERT INTO public.developer_member (org_id, user_id, role)"
                " SELECT o, $2, 'owner' FROM unnest($1::uuid[]) o",
                batch,
                user,
            )
            await execute(
                "INSERT INTO public.ledger_account (kind, org_id, currency)"
                " SELECT k, o, 'USD' FROM unnest($1::uuid[]) o,"
                " unnest(ARRAY['developer_pending', 'developer_available']) k",
                batch,
            )
            await execute(SEED_BATCH, batch, now, cash)
            await execute(SETTLE_BATCH, batch)
            # Payout settings: every 20th org has none (blocked)
            ready = [o for i, o in enumerate(batch) if (n + i) % 20 != 0]
            await execute(
                "INSERT INTO public.connect_account (org_id, stripe_account_id, payouts_enabled,"
                " details_submitted) SELECT o, 'acct_' || replace(o::text, '-', ''), true, true"
                " FROM unnest($1::uuid[]) o",
                ready,
            )
            await execute(
                "INSERT INTO public.tax_profile (org_id, form, legal_name, tin_type,"
                " tin_encrypted, tin_last4, country) SELECT o, 'w9', 'Bench LLC', 'ein', 'x',"
                " '6789', 'US' FROM unnest($1::uuid[]) o",
                ready,
            )
        common.log(f"seeded {min(n + BATCH, orgs):,} / {orgs:,} orgs")
    postings = (await fetch("SELECT count(*) AS n FROM public.ledger_posting"))[0]["n"]
    return {"seconds": time.perf_counter() - start, "postings": int(postings), "ids": ids}


LATE_DUE = """
WITH c AS (
    SELECT o AS org_id, gen_random_uuid() AS id,
        1000 + abs(hashtext(o::text || ':late')) % 60000 AS gross,
        $2::timestamptz - interval '7 days 30 minutes' AS at
    FROM unnest($1::uuid[]) o
), j AS (
    INSERT INTO public.ledger_journal (id, kind, key, memo, source_type, source_id,
        policy_version, org_id, currency, amount, occurred_at)
    SELECT id, 'charge', 'bench-late:' || org_id, 'bench charge', 'stripe_charge',
        'ch_' || replace(id::text, '-', ''), 1, org_id, 'USD', gross, at FROM c
    RETURNING id
), fees AS (
    SELECT c.*, (c.gross * 29 / 1000 + 30) AS fee FROM c
)
INSERT INTO public.ledger_posting (journal_id, account_id, org_id, line_type, amount, currency,
    policy_version)
SELECT f.id, CASE WHEN l.kind = 'platform_cash' THEN $3 ELSE p.id END,
    CASE WHEN l.kind = 'platform_cash' THEN NULL ELSE f.org_id END, l.line_type,
    CASE WHEN l.kind = 'platform_cash' THEN f.gross - f.fee
        WHEN l.line_type = 'earning' THEN -f.gross ELSE f.fee END, 'USD', 1
FROM fees f JOIN j ON j.id = f.id
JOIN public.ledger_account p ON p.org_id = f.org_id AND p.kind = 'developer_pending'
CROSS JOIN (VALUES ('platform_cash', 'earning'), ('developer_pending', 'earning'),
    ('developer_pending', 'fee')) AS l(kind, line_type)
"""


async def measure(orgs: int, runs: int) -> dict[str, Any]:
    from jewelia.core.db import DB, execute, fetch
    from jewelia.platform.commerce import ledger, payouts

    await common.open_database()
    now = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
    seeded = await seed(orgs, now)
    common.log(f"{seeded['postings']:,} postings in {seeded['seconds']:.0f} s; ANALYZE")
    await execute("ANALYZE")

    async def close(period: str) -> float:
        """One committed close of `period`: lock, settle, snapshot, rows, commit."""
        start = time.perf_counter()
        async with DB.transaction():
            await execute("SELECT pg_advisory_xact_lock(hashtext('payout_close'))")
            await payouts._snapshot(period, now)
        return time.perf_counter() - start

    # (a) Worst case: nothing was settled since the charges became due (2 charges an org).
    worst = await close(PERIOD)
    expected = await ledger.available_balances("USD")
    rows = await fetch(
        "SELECT status, count(*) AS n, sum(amount_minor) AS total FROM public.payout"
        " WHERE period = $1 GROUP BY status",
        PERIOD,
    )
    by_status = {r["status"]: (int(r["n"]), int(r["total"])) for r in rows}
    ok = sum(n for n, _ in by_status.values()) == len([v for v in expected.values() if v])
    ok = ok and sum(t for _, t in by_status.values()) == sum(expected.values())
    settled = await fetch("SELECT settled FROM public.payout_period WHERE period = $1", PERIOD)
    ok = ok and settled[0]["settled"] == 2 * orgs
    # (b) As deployed: the hourly settle actor keeps up, so a close settles only what became
    # due since the last hour (one charge for every 30 orgs here).
    late = seeded["ids"][::30]
    cash = (await fetch("SELECT id FROM public.ledger_account WHERE kind = 'platform_cash'"))[0]
    async with DB.transaction():
        await execute(LATE_DUE, late, now, cash["id"])
    await execute("ANALYZE")
    hourly = await close("2026-10")
    rows_b = await fetch("SELECT count(*) AS n FROM public.payout WHERE period = '2026-10'")
    settled_b = await fetch("SELECT settled FROM public.payout_period WHERE period = '2026-10'")
    ok = ok and settled_b[0]["settled"] == len(late) and rows_b[0]["n"] == len(expected)

    async def timed(step: Any) -> float:
        start = time.perf_counter()
        try:
            async with DB.transaction():
                await step()
                elapsed = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
        return elapsed

    async def snapshot_again() -> None:  # a period closed again from scratch, rolled back
        await execute("SELECT pg_advisory_xact_lock(hashtext('payout_close'))")
        await payouts._snapshot("2026-09", now)

    async def balances() -> None:
        await ledger.available_balances("USD")

    again = [await timed(snapshot_again) for _ in range(runs)]
    balance_s = [await timed(balances) for _ in range(runs)]
    problems = await ledger.check()
    return {
        "worst": worst,
        "hourly": hourly,
        "late": len(late),
        "again": again,
        "balances": balance_s,
        "postings": seeded["postings"],
        "seeded": seeded["seconds"],
        "by_status": by_status,
        "ok": ok and not problems,
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with common.installation():
        r = asyncio.run(measure(args.orgs, args.runs))
    counts = ", ".join(f"{s} {n:,}" for s, (n, _) in sorted(r["by_status"].items()))
    size = f"{args.orgs:,} orgs, {r['postings']:,} postings"
    checks = [
        common.Check(
            "(a) close, all due settled at the close",
            r["worst"],
            "s",
            TARGET_S,
            f"{size}; {2 * args.orgs:,} charges settled; {counts}",
        ),
        common.Check(
            "(b) close with hourly settlement",
            r["hourly"],
            "s",
            TARGET_S,
            f"{r['late']:,} charges settled",
        ),
        common.Check(
            "(c) snapshot + rows only (median, rolled back)",
            statistics.median(r["again"]),
            "s",
            None,
            "runs " + ", ".join(f"{s:.2f}" for s in r["again"]),
        ),
        common.Check(
            "available_balances alone (median)", statistics.median(r["balances"]), "s", None, ""
        ),
        common.Check("set-up: seed", r["seeded"], "s", None, ""),
    ]
    code = common.report("Payout run, database phase", checks)
    if not r["ok"]:
        print(f"CHECK FAILED: payout rows do not match the balances; {r['problems']}")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
