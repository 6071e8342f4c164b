"""Daily reconciliation: Stripe balance transactions against ledger journals.

For one UTC day, every balance transaction that moves money the ledger records (charges,
refunds, transfers and their reversals, dispute adjustments) is grouped by its source id (ch_,
re_, tr_, ...) and its net amount compared with the platform_cash postings of the journals whose
source id is that id. What does not match is stored as an exception (missing_journal,
missing_stripe, amount_differs) for staff; a day is reconciled once (one transaction). Charge and
dispute journals carry Stripe's ch_/du_ ids; a charge's refunds are matched as one sum
(refunds:<ch_>) through the refund journals' parent charge journal; Stripe's dispute fee (in the
dispute adjustment's fee) is posted here, the platform bearing it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.platform.billing import stripe_gateway
from jewelia.platform.commerce import ledger

# Balance transaction types that have a journal (Stripe's payout to the platform's bank and
# its own fees are not developer money and have none).
MATCHED_TYPES = frozenset(
    {
        "charge",
        "payment",
        "refund",
        "payment_refund",
        "payment_failure_refund",
        "transfer",
        "transfer_cancel",
        "transfer_failure",
        "transfer_refund",
        "adjustment",
    }
)


REVERSAL_TYPES = frozenset({"transfer_refund", "transfer_cancel", "transfer_failure"})
REVERSALS = "transfer_reversals"


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def _list(day: dt.date) -> list[dict[str, Any]]:
    start, end = _bounds(day)
    return list(
        stripe_gateway.balance_transactions(
            created_gte=int(start.timestamp()), created_lt=int(end.timestamp())
        )
    )


async def _post_dispute_fees(transactions: list[dict[str, Any]]) -> None:
    """Stripe's fee on a dispute (in the adjustment's fee): the platform bears it, once."""
    for bt in transactions:
        fee = int(bt.get("fee") or 0)
        src = _source(bt)
        if bt.get("type") != "adjustment" or fee <= 0 or not src.startswith("du_"):
            continue
        created = bt.get("created")
        await ledger.post(
            "dispute_fee",
            f"dispute_fee:{bt.get('id') or src}",
            str(bt.get("currency") or "usd").upper(),
            [
                ledger.Line("processing_fees", fee, line_type="dispute_fee"),
                ledger.Line("platform_cash", -fee, line_type="dispute_fee"),
            ],
            memo=f"Stripe's dispute fee {fee} on {src}",
            source=("stripe_dispute", src),
            occurred_at=dt.datetime.fromtimestamp(created, dt.UTC)
            if isinstance(created, int)
            else None,
        )


REFUND_TYPES = frozenset({"refund", "payment_refund"})


def _source(bt: dict[str, Any]) -> str:
    source = bt.get("source")
    if isinstance(source, dict):
        charge = source.get("charge")
        if isinstance(charge, dict):
            charge = charge.get("id")
        if bt.get("type") in REFUND_TYPES and charge:
            # Refund journals hang off their charge's journal: a charge's refunds are matched
            # as one sum, whatever ids Stripe's events gave them.
            return f"refunds:{charge}"
        source = source.get("id")
    return str(source or bt.get("id") or "")


async def run(day: dt.date) -> dict[str, Any]:
    """Match the day's balance transactions to journals; store exceptions (idempotent per day)."""
    done = await fetch(
        "SELECT * FROM public.reconcile_day WHERE day = $1 AND finished_at IS NOT NULL", day
    )
    if done:
        return done[0]
    transactions = await asyncio.to_thread(_list, day)
    await _post_dispute_fees(transactions)
    stripe_net: dict[str, int] = defaultdict(int)
    stripe_ids: dict[str, str] = {}
    currencies: dict[str, str] = {}
    for bt in transactions:
        if bt.get("type") not in MATCHED_TYPES:
            continue
        # A reversal's source is the reversal (trr_), which the ledger does not know: the
        # day's reversals are compared as one sum with the day's payout_reversal journals.
        src = REVERSALS if bt.get("type") in REVERSAL_TYPES else _source(bt)
        stripe_net[src] += int(bt.get("net", bt.get("amount", 0)))
        stripe_ids.setdefault(src, str(bt.get("id") or ""))
        currencies[src] = str(bt.get("currency") or "usd").upper()
    start, end = _bounds(day)
    # The ledger's side: cash per source id for the day's sources, and the day's journals that
    # moved cash (to find those Stripe does not know).
    ledger_rows = await fetch(
        "WITH j AS (SELECT j.id, j.kind, j.occurred_at, CASE WHEN j.kind = 'refund'"
        "  AND c.source_id IS NOT NULL THEN 'refunds:' || c.source_id ELSE j.source_id END"
        "  AS source_id FROM public.ledger_journal j"
        "  LEFT JOIN public.ledger_journal c ON c.id = j.parent_id AND j.kind = 'refund')"
        " SELECT CASE WHEN j.kind = 'payout_reversal' THEN $4 ELSE j.source_id END AS source_id,"
        " sum(p.amount) AS cash, min(p.currency) AS currency,"
        " bool_or(j.occurred_at >= $2 AND j.occurred_at < $3) AS on_day"
        " FROM j JOIN public.ledger_posting p ON p.journal_id = j.id"
        " JOIN public.ledger_account a ON a.id = p.account_id AND a.kind = 'platform_cash'"
        " WHERE (j.kind <> 'payout_reversal' AND (j.source_id = ANY($1::text[])"
        "  OR (j.occurred_at >= $2 AND j.occurred_at < $3 AND j.source_id IS NOT NULL)))"
        "  OR (j.kind = 'payout_reversal' AND j.occurred_at >= $2 AND j.occurred_at < $3)"
        " GROUP BY 1",
        list(stripe_net),
        start,
        end,
        REVERSALS,
    )
    ledger_cash = {str(r["source_id"]): r for r in ledger_rows}
    exceptions: list[tuple[str, str, str | None, int | None, int | None, str, str]] = []
    matched = 0
    for src, net in stripe_net.items():
        row = ledger_cash.get(src)
        if row is None:
            exceptions.append(
                (
                    "missing_journal",
                    src,
                    stripe_ids[src],
                    net,
                    None,
                    currencies[src],
                    "Stripe moved money the ledger has no journal for",
                )
            )
        elif int(row["cash"]) != net:
            exceptions.append(
                (
                    "amount_differs",
                    src,
                    stripe_ids[src],
                    net,
                    int(row["cash"]),
                    currencies[src],
                    f"Stripe net {net}, ledger cash {int(row['cash'])} (minor units)",
                )
            )
        else:
            matched += 1
    for src, row in ledger_cash.items():
        if src not in stripe_net and row["on_day"]:
            exceptions.append(
                (
                    "missing_stripe",
                    src,
                    None,
                    None,
                    int(row["cash"]),
                    str(row["currency"]),
                    "The ledger has a journal Stripe has no balance transaction for on this day",
                )
            )
    async with DB.transaction():
        await execute(
            "INSERT INTO public.reconcile_day (day) VALUES ($1) ON CONFLICT (day) DO NOTHING", day
        )
        for kind, src, bt_id, s_amount, l_amount, currency, detail in exceptions:
            await execute(
                "INSERT INTO public.reconcile_exception (id, day, kind, source_id,"
                " balance_transaction_id, stripe_amount, ledger_amount, currency, detail)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                " ON CONFLICT (day, kind, source_id) DO NOTHING",
                uuid.uuid4(),
                day,
                kind,
                src,
                bt_id,
                s_amount,
                l_amount,
                currency,
                detail,
            )
        await execute(
            "UPDATE public.reconcile_day SET finished_at = now(), transactions = $2,"
            " matched = $3, exceptions = $4 WHERE day = $1",
            day,
            len(transactions),
            matched,
            len(exceptions),
        )
    return (await fetch("SELECT * FROM public.reconcile_day WHERE day = $1", day))[0]


async def run_due(today: dt.date) -> dict[str, Any] | None:
    """Reconcile yesterday when no reconciliation of it exists yet."""
    if not stripe_gateway.configured():
        return None  # no Stripe account (test mode has no balance transactions): nothing to match
    day = today - dt.timedelta(days=1)
    if await fetch(
        "SELECT 1 FROM public.reconcile_day WHERE day = $1 AND finished_at IS NOT NULL", day
    ):
        return None
    return await run(day)
