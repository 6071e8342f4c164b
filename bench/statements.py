"""Benchmark: 10,000 developer statements for one period over ~1,000,000 ledger postings.

    .venv/bin/python bench/statements.py                    # ~5 minutes on 2 busy cores
    .venv/bin/python bench/statements.py --orgs 1000        # a quick run

Builds a throw-away installation (see _common.py) and seeds the ledger the way the database
admits it (journals and their postings in one transaction, every journal summing to zero, the
append-only and zero-sum triggers on): per developer org, 30 app charges over three months
(cash, platform share for the 10 % of orgs past the policy line, developer earning/share/fee
lines), one refund, one settlement of everything paid before the period and one payout in the
period: about 102 postings an org, so 10,000 orgs make ~1,020,000 postings.
Seeding uses COPY in batches of orgs, so the triggers run for every row as they do in
production; it is not timed.

Timed, in process on a warm pool (no HTTP):
(a) `statements.all_statements(period)`: every org's statement with its lines (figures in
    one grouped query, lines from one cursor ordered by org): the target applies, < 10 min;
(b) the same without lines (the figures alone);
(c) `statements.statement(org, period)` one org at a time (figures + lines per org), for a
    sample of orgs, extrapolated to all of them;
(d) a CSV per statement for the sample (`csv_chunks`) and a PDF per statement
    (`statement_pdf.render`) for a smaller sample, both extrapolated;
(e) `statements.check(period)`: every statement against the ledger.
The sum of all closings is compared with the ledger's developer balances at the period's end.
Exits 1 if a target is missed or the sums differ.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

PERIOD = "2026-10"
TARGET_S = 600.0
CHARGES = 30
BATCH = 250  # orgs a transaction


async def _accounts(conn: Any, org_ids: list[uuid.UUID]) -> dict[tuple[str, Any], int]:
    """Account ids for the platform and the batch's orgs (created when missing)."""
    await conn.execute(
        "INSERT INTO public.ledger_account (kind, org_id, currency)"
        " SELECT k, NULL, 'USD' FROM unnest($1::text[]) k ON CONFLICT DO NOTHING",
        ["platform_cash", "platform_revenue", "processing_fees", "refunds"],
    )
    await conn.execute(
        "INSERT INTO public.ledger_account (kind, org_id, currency)"
        " SELECT k, o, 'USD' FROM unnest($1::uuid[]) o,"
        " unnest(ARRAY['developer_pending', 'developer_available']) k ON CONFLICT DO NOTHING",
        org_ids,
    )
    rows = await conn.fetch(
        "SELECT id, kind, org_id FROM public.ledger_account WHERE currency = 'USD'"
        " AND (org_id IS NULL OR org_id = ANY($1::uuid[]))",
        org_ids,
    )
    return {(r["kind"], r["org_id"]): r["id"] for r in rows}


def _batch_rows(
    org_ids: list[uuid.UUID], acc: dict[tuple[str, Any], int], rng: random.Random
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Journals and postings for a batch of orgs, each journal summing to zero."""
    start = datetime(2026, 8, 1, tzinfo=UTC)
    period_start = datetime(2026, 10, 1, tzinfo=UTC)
    journals: list[tuple[Any, ...]] = []
    postings: list[tuple[Any, ...]] = []
    cash, revenue = acc[("platform_cash", None)], acc[("platform_revenue", None)]

    def journal(
        kind: str, key: str, org: uuid.UUID, listing: Any, amount: int, at: datetime
    ) -> uuid.UUID:
        jid = uuid.uuid4()
        journals.append((jid, kind, key, "bench", "bench", key, org, listing, "USD", amount, at))
        return jid

    def post(jid: uuid.UUID, account: int, org: Any, listing: Any, line: str, amount: int) -> None:
        postings.append((jid, account, org, listing, line, amount, "USD"))

    for org in org_ids:
        pending, available = acc[("developer_pending", org)], acc[("developer_available", org)]
        listings = [uuid.uuid4() for _ in range(3)]
        big = rng.random() < 0.1  # past the policy's USD 1 M line: 15 % share
        settled = 0
        for k in range(CHARGES):
            at = start + timedelta(days=k * 3 + rng.random() * 2, seconds=rng.randrange(86400))
            gross = rng.randrange(500, 50_000)
            fee = gross * 29 // 1000 + 30
            share = gross * 15 // 100 if big else 0
            listing = listings[k % 3]
            jid = journal("charge", f"bench:charge:{org}:{k}", org, listing, gross, at)
            post(jid, cash, None, listing, "cash", gross - fee)
            if share:
                post(jid, revenue, None, listing, "platform_share", -share)
                post(jid, pending, org, listing, "platform_share", share)
            post(jid, pending, org, listing, "earning", -gross)
            post(jid, pending, org, listing, "fee", fee)
            if at < period_start - timedelta(days=7):
                settled += gross - share - fee
        # a refund of part of the first charge, in the period
        refund = rng.randrange(100, 400)
        jid = journal(
            "refund",
            f"bench:refund:{org}",
            org,
            listings[0],
            refund,
            period_start + timedelta(days=3),
        )
        post(jid, pending, org, listings[0], "refund", refund)
        post(jid, cash, None, listings[0], "refund", -refund)
        # settle what was paid before the period, then pay it out in the period
        jid = journal(
            "settle", f"bench:settle:{org}", org, None, settled, period_start - timedelta(days=1)
        )
        post(jid, pending, org, None, "settle", settled)
        post(jid, available, org, None, "settle", -settled)
        jid = journal(
            "payout", f"bench:payout:{org}", org, None, settled, period_start + timedelta(days=2)
        )
        post(jid, available, org, None, "payout", settled)
        post(jid, cash, None, None, "payout", -settled)
    return journals, postings


async def seed(orgs: int) -> tuple[list[uuid.UUID], int]:
    """Seed the ledger; the org ids and the number of postings written."""
    from jewelia.core.db import DB

    assert DB.pool is not None
    rng = random.Random(15)
    all_orgs = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(orgs)]
    total = 0
    async with DB.pool.acquire() as conn:
        for i in range(0, orgs, BATCH):
            batch = all_orgs[i : i + BATCH]
            async with conn.transaction():
                acc = await _accounts(conn, batch)
                journals, postings = _batch_rows(batch, acc, rng)
                await conn.copy_records_to_table(
                    "ledger_journal",
                    schema_name="public",
                    records=journals,
                    columns=[
                        "id",
                        "kind",
                        "key",
                        "memo",
                        "source_type",
                        "source_id",
                        "org_id",
                        "listing_id",
                        "currency",
                        "amount",
                        "occurred_at",
                    ],
                )
                await conn.copy_records_to_table(
                    "ledger_posting",
                    schema_name="public",
                    records=postings,
                    columns=[
                        "journal_id",
                        "account_id",
                        "org_id",
                        "listing_id",
                        "line_type",
                        "amount",
                        "currency",
                    ],
                )
            total += len(postings)
            if (i // BATCH) % 8 == 0:
                common.log(f"seeded {i + len(batch):,} orgs, {total:,} postings")
        await conn.execute(
            "ANALYZE public.ledger_posting, public.ledger_journal, public.ledger_account"
        )
    return all_orgs, total


async def measure(orgs: int, sample: int, pdf_sample: int) -> dict[str, Any]:
    from jewelia.platform.commerce import statement_pdf, statements

    await common.open_database()
    t0 = time.perf_counter()
    org_ids, postings = await seed(orgs)
    seeded = time.perf_counter() - t0
    common.log(f"seeded {postings:,} postings in {seeded:.0f} s; timing")
    r: dict[str, Any] = {"postings": postings, "seeded": seeded}

    t0 = time.perf_counter()
    count = lines = 0
    closings = 0
    async for st in statements.all_statements(PERIOD):
        count += 1
        lines += len(st.lines)
        closings += st.closing
        assert st.closing == st.closing_pending + st.closing_available
    r["all"] = time.perf_counter() - t0
    r["count"], r["lines"], r["closings"] = count, lines, closings
    common.log(f"(a) {count:,} statements, {lines:,} lines in {r['all']:.1f} s")

    t0 = time.perf_counter()
    lean = [s.closing async for s in statements.all_statements(PERIOD, with_lines=False)]
    r["figures"] = time.perf_counter() - t0
    r["lean_sum"] = sum(lean)

    picked = random.Random(1).sample(org_ids, min(sample, len(org_ids)))
    t0 = time.perf_counter()
    sample_statements = [await statements.statement(o, PERIOD) for o in picked]
    r["per_org"] = (time.perf_counter() - t0) / len(picked)

    t0 = time.perf_counter()
    size = 0
    for st in sample_statements:
        async for chunk in statements.csv_chunks(st):
            size += len(chunk)
    r["csv"] = (time.perf_counter() - t0) / len(picked)
    r["csv_bytes"] = size / len(picked)

    t0 = time.perf_counter()
    pdf_bytes = 0
    for st in sample_statements[:pdf_sample]:
        pdf_bytes += len(statement_pdf.render(st, "Bench Studio"))
    r["pdf"] = (time.perf_counter() - t0) / min(pdf_sample, len(sample_statements))
    r["pdf_bytes"] = pdf_bytes / min(pdf_sample, len(sample_statements))

    t0 = time.perf_counter()
    r["problems"] = await statements.check(PERIOD)
    r["check"] = time.perf_counter() - t0
    r["owed"] = await statements.ledger_owed(PERIOD)
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=500, help="orgs timed one at a time")
    parser.add_argument("--pdf-sample", type=int, default=100)
    args = parser.parse_args()
    with common.installation():
        r = asyncio.run(measure(args.orgs, args.sample, args.pdf_sample))
    n = r["count"]
    agree = r["closings"] == r["owed"] == r["lean_sum"] and not r["problems"]
    detail = f"{n:,} statements, {r['lines']:,} lines, {r['postings']:,} postings"
    checks = [
        common.Check("(a) all statements with lines", r["all"], "s", TARGET_S, detail),
        common.Check("(b) figures only, one query", r["figures"], "s", None, f"{n:,} orgs"),
        common.Check(
            "(c) one org at a time (extrapolated)",
            r["per_org"] * n,
            "s",
            TARGET_S,
            f"{r['per_org'] * 1000:.2f} ms an org",
        ),
        common.Check(
            "(d) CSV each (extrapolated)",
            r["csv"] * n,
            "s",
            None,
            f"{r['csv'] * 1000:.2f} ms, {r['csv_bytes'] / 1024:.1f} KiB a statement",
        ),
        common.Check(
            "(d) PDF each (extrapolated)",
            r["pdf"] * n,
            "s",
            None,
            f"{r['pdf'] * 1000:.1f} ms, {r['pdf_bytes'] / 1024:.1f} KiB a statement",
        ),
        common.Check("(e) check(): statements vs ledger", r["check"], "s", None, ""),
        common.Check(
            "sum of closings vs ledger (0 = equal)",
            0.0 if agree else 1.0,
            "",
            1.0,
            f"{r['closings']:,} vs {r['owed']:,} minor units; problems {len(r['problems'])}",
        ),
        common.Check("set-up: seed", r["seeded"], "s", None, ""),
    ]
    return common.report("Developer statements", checks)


if __name__ == "__main__":
    raise SystemExit(main())
