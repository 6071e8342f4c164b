"""Benchmark: the ledger's invariant check and the payout run's balance query over 1,000,000
postings of 10,000 developers.

    .venv/bin/python bench/ledger_check.py                  # ~2-4 minutes, most of it seeding
    .venv/bin/python bench/ledger_check.py --orgs 1000      # a quick run (100,000 postings)

Builds a throw-away installation (see _common.py) and seeds the ledger with COPY, a batch of
orgs a transaction, the database's rules on (append-only and stamp triggers, the deferred
zero-sum check of every journal at commit): per developer org 12 app charges as
`ledger.post_charge` writes them (7 postings: cash, Stripe's fee and its recovery, the
platform's share, the developer's earning, share and fee), 6 of them settled (2 postings) and
one partial refund (4 postings): 100 postings an org, 19 journals. Then ANALYZE. Not timed.

Timed, in process on a warm pool, best and median of 5 runs each:
(a) `ledger.check()`: the ledger triggers enabled, every journal sums to zero with >= 2
    postings (one pass over the journal_id INCLUDE amount index), no journal without postings,
    every posting's org and currency its account's. Target < 1 s.
(b) `ledger.available_balances("USD")`: every org's available balance in one query (the
    payout run's snapshot; bench/payout_run.py times the whole database phase, < 2 s).
(c) for context: `ledger.balances(org)` for 200 orgs (p50), `ledger.settle_due` of 10,000
    due charges (one per org, in one call, committed).
Checked: check() finds nothing; available balances equal the seeded figures.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

TARGET_CHECK_S = 1.0
TARGET_BALANCES_S = 2.0
BATCH = 250  # orgs a transaction while seeding
CHARGES, SETTLED = 12, 6
START = datetime(2026, 6, 1, tzinfo=UTC)
JOURNAL_COLUMNS = [
    "id",
    "kind",
    "key",
    "memo",
    "org_id",
    "listing_id",
    "currency",
    "amount",
    "parent_id",
    "policy_version",
    "occurred_at",
]
POSTING_COLUMNS = [
    "journal_id",
    "account_id",
    "org_id",
    "listing_id",
    "line_type",
    "amount",
    "currency",
    "policy_version",
]


async def _accounts(conn: Any, orgs: list[uuid.UUID]) -> dict[tuple[str, Any], int]:
    await conn.execute(
        "INSERT INTO public.ledger_account (kind, org_id, currency)"
        " SELECT k, NULL, 'USD' FROM unnest($1::text[]) k ON CONFLICT DO NOTHING",
        ["platform_cash", "platform_revenue", "processing_fees", "refunds"],
    )
    await conn.execute(
        "INSERT INTO public.ledger_account (kind, org_id, currency)"
        " SELECT k, o, 'USD' FROM unnest($1::uuid[]) o,"
        " unnest(ARRAY['developer_pending', 'developer_available']) k ON CONFLICT DO NOTHING",
        orgs,
    )
    rows = await conn.fetch(
        "SELECT id, kind, org_id FROM public.ledger_account WHERE currency = 'USD'"
        " AND (org_id IS NULL OR org_id = ANY($1::uuid[]))",
        orgs,
    )
    return {(r["kind"], r["org_id"]): r["id"] for r in rows}


def _rows(
    orgs: list[uuid.UUID], acc: dict[tuple[str, Any], int], rng: random.Random
) -> tuple[list[Any], list[Any], dict[uuid.UUID, int], list[Any]]:
    """Journals, postings, each org's expected available balance and the settled charges'
    markers, journals at zero."""
    journals: list[tuple[Any, ...]] = []
    settlements: list[tuple[Any, ...]] = []
    postings: list[tuple[Any, ...]] = []
    available: dict[uuid.UUID, int] = {}
    cash, revenue = acc[("platform_cash", None)], acc[("platform_revenue", None)]
    fees, refunds = acc[("processing_fees", None)], acc[("refunds", None)]

    def journal(
        kind: str, key: str, org: Any, listing: Any, amount: Any, parent: Any, at: Any
    ) -> Any:
        jid = uuid.uuid4()
        journals.append((jid, kind, key, "bench", org, listing, "USD", amount, parent, 1, at))
        return jid

    def post(jid: Any, account: int, org: Any, listing: Any, line: str, amount: int) -> None:
        postings.append((jid, account, org, listing, line, amount, "USD", 1))

    for org in orgs:
        pending, avail = acc[("developer_pending", org)], acc[("developer_available", org)]
        big = rng.random() < 0.1  # past the policy's USD 1 M line: 15 %
        available[org] = 0
        for n in range(CHARGES):
            listing = uuid.uuid4()
            at = START + timedelta(days=n * 5, seconds=rng.randrange(86_400))
            gross = rng.randrange(500, 50_000)
            fee = gross * 29 // 1000 + 30
            share = gross * 15 // 100 if big else 0
            key = f"bench:charge:{org}:{n}"
            jid = journal("charge", key, org, listing, gross, None, at)
            post(jid, cash, None, listing, "charge", gross - fee)
            post(jid, fees, None, listing, "stripe_fee", fee)
            post(jid, fees, None, listing, "fee_recovered", -fee)
            post(jid, revenue, None, listing, "platform_share", -share)
            post(jid, pending, org, listing, "earning", -gross)
            post(jid, pending, org, listing, "platform_share", share)
            post(jid, pending, org, listing, "fee", fee)
            net = gross - share - fee
            if n == 0:  # a tenth of the first charge refunded before it settled
                r = gross // 10
                to_dev, to_rev = (
                    (2 * net * r + gross) // (2 * gross),
                    (2 * share * r + gross) // (2 * gross),
                )
                rid = journal("refund", f"{key}:refund", org, listing, r, jid, at)
                post(rid, cash, None, listing, "refund", -r)
                post(rid, pending, org, listing, "refund", to_dev)
                post(rid, revenue, None, listing, "refund", to_rev)
                post(rid, refunds, None, None, "refund", r - to_dev - to_rev)
                net -= to_dev
            if n < SETTLED:
                sid = journal("settle", f"settle:{key}", org, listing, None, jid, at)
                post(sid, pending, org, listing, "settle", net)
                post(sid, avail, org, listing, "settle", -net)
                settlements.append((jid, sid, net))
                available[org] += net
    return journals, postings, available, settlements


async def seed(orgs: int) -> tuple[list[uuid.UUID], int, dict[uuid.UUID, int]]:
    """Seed the ledger; the org ids, the number of postings and the expected balances."""
    from jewelia.core.db import DB

    assert DB.pool is not None
    rng = random.Random(15)
    all_orgs = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(orgs)]
    total, expected = 0, {}
    async with DB.pool.acquire() as conn:
        for i in range(0, orgs, BATCH):
            batch = all_orgs[i : i + BATCH]
            async with conn.transaction():
                acc = await _accounts(conn, batch)
                journals, postings, available, settlements = _rows(batch, acc, rng)
                await conn.copy_records_to_table(
                    "ledger_journal",
                    schema_name="public",
                    records=journals,
                    columns=JOURNAL_COLUMNS,
                )
                await conn.copy_records_to_table(
                    "ledger_posting",
                    schema_name="public",
                    records=postings,
                    columns=POSTING_COLUMNS,
                )
                await conn.copy_records_to_table(  # each settled charge's marker
                    "ledger_settlement",
                    schema_name="public",
                    records=settlements,
                    columns=("charge_id", "journal_id", "amount"),
                )
            total += len(postings)
            expected.update(available)
            if (i // BATCH) % 8 == 0:
                common.log(f"seeded {i + len(batch):,} orgs, {total:,} postings")
        await conn.execute("VACUUM ANALYZE public.ledger_posting")
        await conn.execute("ANALYZE public.ledger_journal, public.ledger_account")
    return all_orgs, total, expected


async def timed(runs: int, call: Any) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = await call()
        samples.append(time.perf_counter() - t0)
    return samples, result


async def measure(orgs: int, runs: int) -> dict[str, Any]:
    from jewelia.core.db import DB
    from jewelia.platform.commerce import ledger

    await common.open_database()
    t0 = time.perf_counter()
    org_ids, postings, expected = await seed(orgs)
    r: dict[str, Any] = {"postings": postings, "seeded": time.perf_counter() - t0}
    common.log(f"seeded {postings:,} postings in {r['seeded']:.0f} s; timing")
    r["check"], problems = await timed(runs, ledger.check)
    r["problems"] = problems
    r["available"], balances = await timed(runs, ledger.available_balances)
    r["balances_ok"] = balances == expected
    sample = org_ids[:: max(1, len(org_ids) // 200)]
    one = []
    for org in sample:
        t1 = time.perf_counter()
        await ledger.balances(org)
        one.append(time.perf_counter() - t1)
    r["one"] = one
    # Context: settle the 7th charge of every org (paid on day 30, due on day 37).
    now = START + timedelta(days=SETTLED * 5 + 8)
    t1 = time.perf_counter()
    async with DB.transaction():
        r["settled"] = await ledger.settle_due(now)
    r["settle"] = time.perf_counter() - t1
    r["problems_after"] = await ledger.check()
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with common.installation():
        r = asyncio.run(measure(args.orgs, args.runs))
    n = f"{r['postings']:,} postings, {args.orgs:,} orgs"
    checks = [
        common.Check(
            "(a) ledger.check()",
            min(r["check"]),
            "s",
            TARGET_CHECK_S,
            f"median {statistics.median(r['check']):.3f} s; {n}",
        ),
        common.Check(
            "(b) ledger.available_balances()",
            min(r["available"]),
            "s",
            TARGET_BALANCES_S,
            f"median {statistics.median(r['available']):.3f} s",
        ),
        common.Check(
            "(c) ledger.balances(org), p50",
            statistics.median(r["one"]) * 1000,
            "ms",
            None,
            f"{len(r['one'])} orgs",
        ),
        common.Check(
            "(c) ledger.settle_due, one call",
            r["settle"],
            "s",
            None,
            f"{r['settled']:,} charges settled, committed",
        ),
        common.Check("seeding (COPY, triggers on)", r["seeded"], "s", None, n),
    ]
    code = common.report("Ledger invariant check and balances", checks)
    failures = []
    if r["problems"] or r["problems_after"]:
        failures.append(f"check() found problems: {(r['problems'] + r['problems_after'])[:5]}")
    if not r["balances_ok"]:
        failures.append("available_balances() differs from the seeded balances")
    if r["settled"] != args.orgs:
        failures.append(f"settle_due settled {r['settled']}, expected {args.orgs}")
    for failure in failures:
        print(f"CHECK FAILED: {failure}")
    return 1 if failures else code


if __name__ == "__main__":
    sys.exit(main())
