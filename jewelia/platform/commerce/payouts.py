"""Monthly payouts: close a period, snapshot available balances, pay each org once.

Rows are the truth, messages are wake-ups. Closing a period (once, under a lock) settles what is
due, snapshots every org's available USD balance into payout rows keyed payout:<period>:<org>
(UNIQUE), and marks below-minimum or negative balances skipped_minimum and orgs without an
enabled Connect account or a tax profile blocked: those balances stay in the ledger and roll
over. pay_one then transfers one pending row with that key as the Stripe idempotency key and,
in the transaction holding the row's lock, posts the payout journal under the same key and
marks the row paid. A crash before the commit re-runs the same transfer (Stripe replays the
key) and posts the journal once, so a payout is never paid twice; a retry after Stripe may have
forgotten the key (~24 h) first looks for that transfer by transfer group and metadata.
close_due resumes every unfinished run, oldest first, before closing the previous month.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import uuid
from typing import Any

from jewelia.core import jobs
from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.platform.billing import service as billing
from jewelia.platform.billing import stripe_gateway
from jewelia.platform.commerce import ledger
from jewelia.platform.mail.service import queue_email
from jewelia.platform.marketplace import orgs

log = logging.getLogger("jewelia.payouts")

MINIMUM_MINOR = 2500  # USD 25: smaller balances roll over
CURRENCY = "USD"
# Stripe keeps idempotency keys for at least 24 hours: a retry later than this looks for the
# first attempt's transfer before making one
KEY_MEMORY = dt.timedelta(hours=23)
_PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def period_of(day: dt.date | dt.datetime) -> str:
    """'YYYY-MM' of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def previous_period(now: dt.datetime) -> str:
    """The month before `now`'s month."""
    first = now.date().replace(day=1)
    return period_of(first - dt.timedelta(days=1))


def payout_key(period: str, org_id: uuid.UUID) -> str:
    """The payout row's key, the transfer's idempotency key and the journal's key."""
    return f"payout:{period}:{org_id}"


def _check_period(period: str, now: dt.datetime) -> None:
    if not _PERIOD.match(period or ""):
        raise ValidationFailed([FieldError("period", "Use YYYY-MM", "INVALID")])
    if period >= period_of(now):
        raise ValidationFailed(
            [FieldError("period", "Only a month that has ended can be closed", "INVALID")]
        )


def _money(minor: int) -> str:
    return f"USD {minor / 100:,.2f}"


async def close_period(period: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """Settle what is due, snapshot balances into payout rows and start the run (idempotent)."""
    now = now or dt.datetime.now(dt.UTC)
    _check_period(period, now)
    async with DB.transaction():
        await execute("SELECT pg_advisory_xact_lock(hashtext('payout_close'))")
        if not await fetch("SELECT 1 FROM public.payout_run WHERE period = $1", period):
            await _snapshot(period, now)
    await run(period)
    return await run_summary(period)


async def _snapshot(period: str, now: dt.datetime) -> None:
    """The database phase of a run (inside the caller's transaction)."""
    settled = await ledger.settle_due(now)
    await execute(
        "INSERT INTO public.payout_period (period, closed_at, settled) VALUES ($1, $2, $3)",
        period,
        now,
        settled,
    )
    run_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.payout_run (id, period, started_at) VALUES ($1, $2, $3)",
        run_id,
        period,
        now,
    )
    balances = {o: a for o, a in (await ledger.available_balances(CURRENCY)).items() if a != 0}
    if not balances:
        return
    ids = list(balances)
    amounts = [balances[o] for o in ids]
    # One statement: the balance snapshot joined to each org's payout readiness.
    await execute(
        "INSERT INTO public.payout (id, key, run_id, period, org_id, amount_minor, currency,"
        " status, reason, stripe_account_id)"
        " SELECT gen_random_uuid(), 'payout:' || $2 || ':' || b.org_id, $1, $2, b.org_id,"
        " b.amount, $3,"
        " CASE WHEN b.amount < $4 THEN 'skipped_minimum'"
        "  WHEN c.payouts_enabled IS NOT TRUE OR t.org_id IS NULL THEN 'blocked'"
        "  ELSE 'pending' END,"
        " CASE WHEN b.amount < 0 THEN 'negative balance carries into the next period'"
        "  WHEN b.amount < $4 THEN 'below the USD 25 minimum; rolls over'"
        "  WHEN c.org_id IS NULL THEN 'no payout account: finish Stripe onboarding'"
        "  WHEN NOT c.payouts_enabled THEN 'Stripe has not enabled payouts for the account yet'"
        "  WHEN t.org_id IS NULL THEN 'no tax profile'"
        "  ELSE '' END,"
        " c.stripe_account_id"
        " FROM unnest($5::uuid[], $6::bigint[]) AS b(org_id, amount)"
        " LEFT JOIN public.connect_account c ON c.org_id = b.org_id"
        " LEFT JOIN public.tax_profile t ON t.org_id = b.org_id",
        run_id,
        period,
        CURRENCY,
        MINIMUM_MINOR,
        ids,
        amounts,
    )
    # Blocked orgs hear why, in this transaction (one statement for all of them).
    await execute(
        "INSERT INTO public.email_outbox (id, to_address, subject, body_text)"
        " SELECT gen_random_uuid(), u.email, 'Your ' || p.period || ' payout is on hold',"
        " 'Your available balance of USD ' || to_char(p.amount_minor / 100.0, 'FM999,999,990.00')"
        " || ' was not paid: ' || p.reason || '. It rolls over to the next payout once your'"
        " || ' payout settings are complete.'"
        " FROM public.payout p JOIN public.developer_member m ON m.org_id = p.org_id"
        " AND m.role IN ('owner', 'admin') JOIN public.app_user u ON u.id = m.user_id"
        " WHERE p.run_id = $1 AND p.status = 'blocked'",
        run_id,
    )


def resend_seconds() -> float:
    """How long a pending payout's wake-up may be in flight before a resume sends another."""
    return float(os.environ.get("JEWELIA_PAYOUT_RESEND_SECONDS", "120"))


async def run(period: str, resend_after: float = 0) -> int:
    """Enqueue pay_one for the period's pending payouts not sent within `resend_after`
    seconds; returns how many were sent."""
    rows = await fetch(
        "UPDATE public.payout SET enqueued_at = now() WHERE period = $1 AND status = 'pending'"
        " AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $2))"
        " RETURNING org_id",
        period,
        resend_after,
    )
    if not rows:
        await _finish_if_done(period)
        return 0

    def send() -> None:
        for r in rows:
            jobs.enqueue("pay_payout", period, str(r["org_id"]), queue_name="payouts")

    await asyncio.to_thread(send)
    return len(rows)


async def close_due(now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Resume every unfinished run, oldest first, then close the previous month when not closed
    yet; the previous month's summary (None when it was already done or billing is off)."""
    if not (stripe_gateway.configured() or stripe_gateway.test_mode()):
        return None  # billing not configured: no transfer could be made
    now = now or dt.datetime.now(dt.UTC)
    period = previous_period(now)
    # A run still pending when the month rolled over is retried too, never left behind (its
    # rows would hold their balance out of every later payout)
    unfinished = await fetch(
        "SELECT period FROM public.payout_run WHERE status <> 'done' ORDER BY period"
    )
    for r in unfinished:
        # Resume: pending rows whose wake-up seems lost get another (pay_one is idempotent)
        await run(str(r["period"]), resend_seconds())
    rows = await fetch("SELECT status FROM public.payout_run WHERE period = $1", period)
    if rows and rows[0]["status"] == "done":
        return None
    if rows:
        return await run_summary(period)
    return await close_period(period, now)


async def _finish_if_done(period: str) -> None:
    await execute(
        "UPDATE public.payout_run SET status = 'done', finished_at = now()"
        " WHERE period = $1 AND status = 'running' AND NOT EXISTS"
        " (SELECT 1 FROM public.payout WHERE period = $1 AND status = 'pending')",
        period,
    )


async def pay_one(period: str, org_id: uuid.UUID) -> str:
    """Transfer one org's payout (key payout:<period>:<org>) and post its journal once."""
    key = payout_key(period, org_id)
    fixed = await _fix_amount(key, org_id)
    if fixed != "pending":
        await _finish_if_done(period)
        return fixed
    try:
        async with DB.transaction():
            rows = await fetch("SELECT * FROM public.payout WHERE key = $1 FOR UPDATE", key)
            if not rows or rows[0]["status"] != "pending":
                return str(rows[0]["status"]) if rows else "missing"
            row = rows[0]
            transfer = await _earlier_transfer(row, period, key)
            if transfer is None:
                transfer = await asyncio.to_thread(
                    stripe_gateway.create_transfer,
                    account_id=row["stripe_account_id"],
                    amount_minor=int(row["amount_minor"]),
                    currency=CURRENCY.lower(),
                    key=key,
                    metadata={"org_id": str(org_id), "period": period, "payout_key": key},
                )
            transfer_id = str(transfer["id"])
            amount = int(transfer.get("amount") or row["amount_minor"])
            if amount != int(row["amount_minor"]):
                # never drop money that left: post what Stripe transferred
                log.error(
                    "payout %s: Stripe transferred %s, not %s", key, amount, row["amount_minor"]
                )
            await ledger.post_payout(
                key=key,
                org_id=org_id,
                amount=amount,
                currency=CURRENCY,
                transfer_id=transfer_id,
                period=period,
            )
            await execute(
                "UPDATE public.payout SET status = 'paid', transfer_id = $2, paid_at = now(),"
                " attempts = attempts + 1, last_error = '', amount_minor = $3 WHERE id = $1",
                row["id"],
                transfer_id,
                amount,
            )
            org = await orgs.get_org(org_id)
            for email in await orgs.manager_emails(org_id):
                await queue_email(
                    email,
                    f"Payout sent: {_money(int(row['amount_minor']))} for {period}",
                    f"We sent {_money(int(row['amount_minor']))} to the Stripe account of "
                    f"{org['name']} for {period} (transfer {transfer_id}). Stripe pays it out "
                    "to your bank on your account's payout schedule.",
                )
    except stripe_gateway.StripeFailure as exc:
        # Refused for good (no transfer was made: Stripe creates nothing on a 4xx): the row
        # fails and its balance rolls over; anything that may have reached Stripe is retried
        # with the same key instead, never failed, so a later period cannot pay it again.
        # idempotency_error: the key was used with other parameters, so a transfer may exist
        final = not exc.retryable and exc.code != "idempotency_error"
        await _record_failure(key, exc, final=final)
        if not final:
            raise
        return "failed"
    except Exception as exc:
        await _record_failure(key, exc, final=False)
        raise
    await _finish_if_done(period)  # the scheduler's 5-second beat sends the emails
    return "paid"


async def _earlier_transfer(row: dict[str, Any], period: str, key: str) -> dict[str, Any] | None:
    """On a retry after Stripe may have forgotten the idempotency key (the first attempt is
    older than KEY_MEMORY), the transfer that attempt made, found by group and metadata."""
    fixed_at = row["fixed_at"]
    if fixed_at is None or fixed_at > dt.datetime.now(dt.UTC) - KEY_MEMORY:
        return None  # within the key's life Stripe replays it: the create below is safe
    found = await asyncio.to_thread(stripe_gateway.find_transfer, group=period, payout_key=key)
    if found is not None:
        log.warning("payout %s: adopting transfer %s made by an earlier attempt", key, found["id"])
    return found


async def _fix_amount(key: str, org_id: uuid.UUID) -> str:
    """Before the first transfer attempt, commit the amount every attempt will send: the
    snapshot, or less when refunds or disputes took money back since the close (net of the
    org's other fixed, unpaid payouts), skipped below the minimum. Returns the row's status."""
    async with DB.transaction():
        await execute("SELECT pg_advisory_xact_lock(hashtext('payout_org:' || $1))", str(org_id))
        rows = await fetch("SELECT * FROM public.payout WHERE key = $1 FOR UPDATE", key)
        if not rows:
            return "missing"
        row = rows[0]
        if row["status"] != "pending" or row["fixed_at"] is not None:
            return str(row["status"])
        if row["currency"] != CURRENCY:
            raise ValueError(f"payouts are paid in USD only, not {row['currency']}")
        other = await fetch(
            "SELECT coalesce(sum(amount_minor), 0)::bigint AS total FROM public.payout"
            " WHERE org_id = $1 AND status = 'pending' AND fixed_at IS NOT NULL AND key <> $2",
            org_id,
            key,
        )
        available = (await ledger.balances(org_id, CURRENCY)).available - int(other[0]["total"])
        amount = min(int(row["amount_minor"]), available)
        if amount < MINIMUM_MINOR:
            await execute(
                "UPDATE public.payout SET status = 'skipped_minimum', amount_minor = $2,"
                " reason = $3 WHERE id = $1",
                row["id"],
                amount,
                f"the available balance fell to {_money(amount)} after the close (refunds or"
                " disputes); it rolls over",
            )
            return "skipped_minimum"
        reason = (
            f"reduced from {_money(int(row['amount_minor']))} by refunds or disputes after the close"
            if amount < int(row["amount_minor"])
            else ""
        )
        await execute(
            "UPDATE public.payout SET amount_minor = $2, fixed_at = now(), reason = $3"
            " WHERE id = $1",
            row["id"],
            amount,
            reason,
        )
    return "pending"


async def _record_failure(key: str, exc: Exception, final: bool) -> None:
    """Count the attempt and keep its error; `final` fails the row (its balance rolls over)."""
    try:
        await execute(
            "UPDATE public.payout SET attempts = attempts + 1, last_error = left($2, 500),"
            " status = CASE WHEN $3 THEN 'failed' ELSE status END"
            " WHERE key = $1 AND status = 'pending'",
            key,
            f"{type(exc).__name__}: {exc}",
            final,
        )
        if final:
            period = key.split(":")[1]
            await _finish_if_done(period)
    except Exception:
        log.exception("could not record a payout failure")


async def on_transfer_reversed(obj: dict[str, Any]) -> str | None:
    """Stripe transfer.reversed: post the reversed amount back to the developer (once); None
    when posted, else why nothing was done."""
    transfer_id = str(obj.get("id") or "")
    reversed_total = int(obj.get("amount_reversed") or 0)
    rows = await fetch("SELECT * FROM public.payout WHERE transfer_id = $1 FOR UPDATE", transfer_id)
    if not rows:
        return "not a payout transfer"
    row = rows[0]
    delta = reversed_total - int(row["reversed_minor"])
    if delta <= 0:
        return f"payout {row['key']}: reversal already posted"
    await ledger.post_payout_reversal(
        key=f"payout_reversal:{transfer_id}:{reversed_total}",
        org_id=row["org_id"],
        amount=delta,
        currency=row["currency"],
        transfer_id=transfer_id,
    )
    await execute(
        "UPDATE public.payout SET reversed_minor = $2 WHERE id = $1", row["id"], reversed_total
    )
    for email in await orgs.manager_emails(row["org_id"]):
        await queue_email(
            email,
            f"Payout reversed: {_money(delta)} of {row['period']}",
            f"Stripe reversed {_money(delta)} of your {row['period']} payout (transfer "
            f"{transfer_id}); the amount is back in your available balance.",
        )
    return None


async def run_summary(period: str) -> dict[str, Any]:
    """One run's counts and totals per status, and its progress."""
    runs = await fetch(
        "SELECT r.id, r.period, r.status, r.started_at, r.finished_at, p.settled"
        " FROM public.payout_run r JOIN public.payout_period p ON p.period = r.period"
        " WHERE r.period = $1",
        period,
    )
    if not runs:
        return {"period": period, "status": "not_closed", "counts": {}, "totals": {}}
    return (await summaries(runs))[0]


async def summaries(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts, totals per status and progress for run rows."""
    if not runs:
        return []
    stats = await fetch(
        "SELECT run_id, status, count(*) AS n, coalesce(sum(amount_minor), 0) AS total"
        " FROM public.payout WHERE run_id = ANY($1::uuid[]) GROUP BY run_id, status",
        [r["id"] for r in runs],
    )
    out = []
    for r in runs:
        counts = {s["status"]: int(s["n"]) for s in stats if s["run_id"] == r["id"]}
        totals = {s["status"]: int(s["total"]) for s in stats if s["run_id"] == r["id"]}
        to_pay = counts.get("pending", 0) + counts.get("paid", 0) + counts.get("failed", 0)
        done = to_pay - counts.get("pending", 0)
        out.append(
            {
                **r,
                "counts": counts,
                "totals": totals,
                "to_pay": to_pay,
                "done": done,
                "percent": 100 if not to_pay else round(100 * done / to_pay),
            }
        )
    return out


async def org_payouts(org_id: uuid.UUID, limit: int = 24) -> list[dict[str, Any]]:
    """An org's payout rows, newest period first."""
    return await fetch(
        "SELECT period, amount_minor, currency, status, reason, transfer_id, reversed_minor,"
        " paid_at, created_at FROM public.payout WHERE org_id = $1"
        " ORDER BY period DESC LIMIT $2",
        org_id,
        limit,
    )


async def _transfer_event(event: dict[str, Any]) -> str | None:
    return await on_transfer_reversed(event["data"]["object"])


billing.register("transfer.reversed", _transfer_event)
