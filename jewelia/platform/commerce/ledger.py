"""The double-entry ledger: the single place money moves (public schema).

Amounts are integer minor units (bigint) with a currency; +debit, -credit, and every journal
sums to zero per currency (the database refuses anything else at commit, and refuses UPDATE,
DELETE and TRUNCATE of journals and postings). Developer accounts are liabilities: what the
platform owes a developer is the negated sum of the postings on its developer_* accounts.
Every function runs inside the caller's transaction and is idempotent by its journal `key`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from jewelia.core.db import DB, fetch
from jewelia.platform.commerce import policy as policies

ACCOUNT_KINDS = (
    "platform_cash",
    "platform_revenue",
    "processing_fees",
    "refunds",
    "developer_pending",
    "developer_available",
)
DEVELOPER_KINDS = ("developer_pending", "developer_available")
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
ZERO_DECIMAL = frozenset({"JPY", "KRW"})  # ISO 4217 exponent 0 among the listing currencies
HOLDING_DAYS = 7
MAX_MINOR = 999_999_999_999  # the largest listing price (9,999,999,999.99) in minor units
PAYOUT_CURRENCIES = ("USD",)
TIER_CURRENCY = "USD"  # the policy's tiers count a developer's lifetime gross in USD
CURRENCY = re.compile(r"^[A-Z]{3}$")
KIND = re.compile(r"^[a-z_]{1,40}$")


@dataclass(frozen=True)
class Line:
    """One posting to be made: account kind, signed minor amount (+debit -credit), the
    developer org for developer_* accounts, the listing it comes from, and its line type."""

    account: str
    amount: int
    org_id: uuid.UUID | None = None
    listing_id: uuid.UUID | None = None
    line_type: str | None = None


@dataclass(frozen=True)
class Balances:
    """What the platform owes one developer in one currency, in minor units."""

    pending: int
    available: int

    @property
    def total(self) -> int:
        return self.pending + self.available


def exponent(currency: str) -> int:
    """Digits after the decimal point of a currency's minor unit (2, or 0 for JPY/KRW)."""
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units (Decimal, e.g. listing dollars) to integer minor units; refuses fractions
    of a minor unit (ValueError) instead of rounding money silently."""
    scaled = Decimal(amount).scaleb(exponent(currency))
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} is not a whole number of minor units")
    return int(scaled)


def from_minor(amount: int, currency: str) -> Decimal:
    """Integer minor units to a Decimal in major units (12345 USD -> Decimal('123.45'))."""
    return Decimal(int(amount)).scaleb(-exponent(currency))


@asynccontextmanager
async def _atomic() -> AsyncIterator[None]:
    """The caller's transaction, or a new one when there is none."""
    if DB.current_transaction.get() is not None:
        yield
        return
    async with DB.transaction():  # releases its connection even when COMMIT fails
        yield


def _currency(currency: str) -> str:
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
        raise ValueError(f"currency must be an ISO 4217 code in capitals, not {currency!r}")
    return currency


def _amount(name: str, value: int, *, positive: bool = True) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer number of minor units, not {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'positive' if positive else 'zero or more'}: {value}")
    if value > MAX_MINOR:
        raise ValueError(f"{name} {value} is over the largest amount the ledger takes")
    return value


def _key(key: str) -> str:
    if not isinstance(key, str) or not 1 <= len(key) <= 200:
        raise ValueError("a journal key is 1 to 200 characters")
    return key


def _check_lines(currency: str, lines: Sequence[Line], *, allow_zero: bool = False) -> None:
    if len(lines) < 2:
        raise ValueError("a journal needs at least two lines")
    total = 0
    for line in lines:
        if line.account not in ACCOUNT_KINDS:
            raise ValueError(f"unknown ledger account kind {line.account!r}")
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise ValueError(f"line amounts are integer minor units, not {line.amount!r}")
        if abs(line.amount) > 10 * MAX_MINOR:
            raise ValueError(f"line amount {line.amount} is absurd")
        if line.amount == 0 and not allow_zero:
            raise ValueError("a line of zero moves nothing")
        developer = line.account in DEVELOPER_KINDS
        if developer != (line.org_id is not None):
            raise ValueError(f"{line.account} lines {'need' if developer else 'take no'} org_id")
        if developer and line.line_type not in DEVELOPER_LINE_TYPES:
            raise ValueError(f"developer line type must be one of {DEVELOPER_LINE_TYPES}")
        if line.line_type is not None and not KIND.fullmatch(line.line_type):
            raise ValueError(f"bad line type {line.line_type!r}")
        total += line.amount
    if total != 0:
        raise ValueError(f"journal lines sum to {total} {currency}, not zero")


async def _existing(key: str, kind: str | None = None) -> uuid.UUID | None:
    """The journal already posted under `key`; a key used by another kind is refused."""
    rows = await fetch("SELECT id, kind FROM public.ledger_journal WHERE key = $1", key)
    if not rows:
        return None
    if kind is not None and rows[0]["kind"] != kind:
        raise ValueError(f"journal key {key!r} is already used by a {rows[0]['kind']} journal")
    return rows[0]["id"]


async def _accounts(currency: str, wanted: set[tuple[str, uuid.UUID | None]]) -> dict[Any, int]:
    """Account ids by (kind, org_id), creating the missing ones."""
    kinds = [k for k, _ in wanted]
    orgs = [o for _, o in wanted]
    rows = await fetch(
        "WITH want AS (SELECT * FROM unnest($1::text[], $2::uuid[]) AS w(kind, org_id)),"
        " made AS (INSERT INTO public.ledger_account (kind, org_id, currency)"
        "  SELECT kind, org_id, $3 FROM want ON CONFLICT DO NOTHING RETURNING id, kind, org_id)"
        " SELECT id, kind, org_id FROM made UNION ALL"
        " SELECT a.id, a.kind, a.org_id FROM public.ledger_account a JOIN want w"
        "  ON a.kind = w.kind AND a.org_id IS NOT DISTINCT FROM w.org_id WHERE a.currency = $3",
        kinds,
        orgs,
        currency,
    )
    found = {(r["kind"], r["org_id"]): r["id"] for r in rows}
    missing = wanted - found.keys()
    if missing:  # created by a concurrent transaction after our snapshot: read again
        return await _accounts(currency, wanted)
    return found


async def _post(
    kind: str,
    key: str,
    currency: str,
    lines: Sequence[Line],
    *,
    memo: str = "",
    source: tuple[str, str] | None = None,
    policy_version: int | None = None,
    occurred_at: datetime | None = None,
    org_id: uuid.UUID | None = None,
    listing_id: uuid.UUID | None = None,
    amount: int | None = None,
    parent_id: uuid.UUID | None = None,
    related_id: uuid.UUID | None = None,
    allow_zero: bool = False,
) -> tuple[uuid.UUID, bool]:
    _key(key)
    _currency(currency)
    if not KIND.fullmatch(kind):
        raise ValueError(f"bad journal kind {kind!r}")
    if not allow_zero:
        lines = [line for line in lines if line.amount != 0]
    _check_lines(currency, lines, allow_zero=allow_zero)
    async with _atomic():
        made = await fetch(
            "INSERT INTO public.ledger_journal (kind, key, memo, source_type, source_id,"
            " policy_version, org_id, listing_id, currency, amount, parent_id, related_id,"
            " occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
            " coalesce($13, now())) ON CONFLICT (key) DO NOTHING RETURNING id",
            kind,
            key,
            memo,
            source[0] if source else None,
            str(source[1]) if source else None,
            policy_version,
            org_id,
            listing_id,
            currency,
            amount,
            parent_id,
            related_id,
            occurred_at,
        )
        if not made:
            existing = await _existing(key, kind)
            assert existing is not None
            return existing, False
        journal_id: uuid.UUID = made[0]["id"]
        ids = await _accounts(currency, {(line.account, line.org_id) for line in lines})
        await fetch(
            "INSERT INTO public.ledger_posting (journal_id, account_id, org_id, listing_id,"
            " line_type, amount, currency, policy_version)"
            " SELECT $1, a, o, l, t, m, $7, $8"
            " FROM unnest($2::bigint[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[])"
            " AS u(a, o, l, t, m)",
            journal_id,
            [ids[(line.account, line.org_id)] for line in lines],
            [line.org_id for line in lines],
            [line.listing_id for line in lines],
            [line.line_type or kind for line in lines],
            [line.amount for line in lines],
            currency,
            policy_version,
        )
    return journal_id, True


async def post(
    kind: str,
    key: str,
    currency: str,
    lines: list[Line],
    *,
    memo: str = "",
    source: tuple[str, str] | None = None,
    policy_version: int | None = None,
    occurred_at: datetime | None = None,
) -> tuple[uuid.UUID, bool]:
    """Post one journal (lines summing to zero); (journal id, True) when new, or the existing
    journal's (id, False) when `key` was already posted (the lines are not compared)."""
    return await _post(
        kind,
        key,
        currency,
        lines,
        memo=memo,
        source=source,
        policy_version=policy_version,
        occurred_at=occurred_at,
    )


async def lifetime_gross(org_id: uuid.UUID, currency: str = TIER_CURRENCY) -> int:
    """A developer's lifetime gross charges in one currency (minor units, before refunds)."""
    rows = await fetch(
        "SELECT coalesce(sum(amount), 0)::bigint AS total FROM public.ledger_journal"
        " WHERE org_id = $1 AND kind = 'charge' AND currency = $2",
        org_id,
        currency,
    )
    return int(rows[0]["total"])


async def post_charge(
    *,
    key: str,
    org_id: uuid.UUID,
    listing_id: uuid.UUID | None,
    currency: str,
    gross: int,
    fee: int,
    occurred_at: datetime,
    source: tuple[str, str] | None = None,
) -> tuple[uuid.UUID, bool]:
    """A jeweler paid `gross` for a developer's app (Stripe kept `fee`): cash, fees, the
    platform's share by the current policy, and the developer's pending earning."""
    _key(key)
    _currency(currency)
    _amount("gross", gross)
    _amount("fee", fee, positive=False)
    if fee > gross:
        raise ValueError(f"the processing fee {fee} is more than the charge {gross}")
    async with _atomic():
        existing = await _existing(key, "charge")
        if existing is not None:
            return existing, False
        # One charge of an org at a time: the share depends on the lifetime gross before it.
        await fetch("SELECT pg_advisory_xact_lock(hashtextextended($1, 727018))", f"org:{org_id}")
        existing = await _existing(key, "charge")
        if existing is not None:
            return existing, False
        policy = await policies.current(occurred_at)
        lifetime = await lifetime_gross(org_id, TIER_CURRENCY)
        if currency == TIER_CURRENCY:
            share = policies.share(gross, lifetime, policy)
        else:
            share = policies.flat_share(gross, lifetime, policy)
        dev = {"org_id": org_id, "listing_id": listing_id}
        lines = [
            Line("platform_cash", gross - fee, line_type="charge", listing_id=listing_id),
            Line("processing_fees", fee, line_type="stripe_fee", listing_id=listing_id),
            Line("processing_fees", -fee, line_type="fee_recovered", listing_id=listing_id),
            Line("platform_revenue", -share, line_type="platform_share", listing_id=listing_id),
            Line("developer_pending", -gross, line_type="earning", **dev),
            Line("developer_pending", share, line_type="platform_share", **dev),
            Line("developer_pending", fee, line_type="fee", **dev),
        ]
        return await _post(
            "charge",
            key,
            currency,
            lines,
            memo=f"charge {gross} {currency}, share {share}, fee {fee}",
            source=source,
            policy_version=policy.version,
            occurred_at=occurred_at,
            org_id=org_id,
            listing_id=listing_id,
            amount=gross,
        )


def _part(total: int, reversed_gross: int, gross: int) -> int:
    """round_half_up(total x reversed_gross / gross), exact integers, any sign of total."""
    return (2 * total * reversed_gross + gross) // (2 * gross)


async def _charge(charge_key: str) -> dict[str, Any]:
    """The charge journal locked for this transaction, with what it split and what was
    reversed so far (refunds + disputes - won disputes, gross minor units)."""
    rows = await fetch(
        "SELECT id, key, org_id, listing_id, currency, amount, policy_version"
        " FROM public.ledger_journal WHERE key = $1 AND kind = 'charge' FOR UPDATE",
        charge_key,
    )
    if not rows:
        raise ValueError(f"no charge journal with key {charge_key!r}")
    charge = rows[0]
    facts = await fetch(
        "SELECT"
        " (SELECT -coalesce(sum(p.amount), 0) FROM public.ledger_posting p"
        "   JOIN public.ledger_account a ON a.id = p.account_id"
        "   WHERE p.journal_id = $1 AND a.kind LIKE 'developer_%') AS net,"
        " (SELECT -coalesce(sum(p.amount), 0) FROM public.ledger_posting p"
        "   JOIN public.ledger_account a ON a.id = p.account_id"
        "   WHERE p.journal_id = $1 AND a.kind = 'platform_revenue') AS share,"
        " (SELECT coalesce(sum(CASE WHEN kind = 'dispute_won' THEN -amount ELSE amount END), 0)"
        "   FROM public.ledger_journal WHERE parent_id = $1"
        "   AND kind IN ('refund', 'dispute', 'dispute_won')) AS reversed,"
        " EXISTS (SELECT 1 FROM public.ledger_settlement WHERE charge_id = $1)"
        "   AS settled",
        charge["id"],
    )
    return {**charge, **{k: facts[0][k] for k in ("net", "share", "reversed", "settled")}}


async def _reverse(
    kind: str,
    key: str,
    charge: dict[str, Any],
    delta: int,
    *,
    occurred_at: datetime,
    source: tuple[str, str] | None,
    related_id: uuid.UUID | None = None,
    amount: int,
) -> tuple[uuid.UUID, bool]:
    """Take back (`delta` > 0) or restore (`delta` < 0) part of a charge, pro rata of its
    split; what was reversed in total stays round(part x reversed / gross) exactly."""
    gross = int(charge["amount"])
    before = int(charge["reversed"])
    after = before + delta
    if after > gross:
        left = gross - before
        raise ValueError(
            f"{kind} of {delta} is more than what is left of charge {charge['key']}: {left}"
        )
    net, share = int(charge["net"]), int(charge["share"])
    to_developer = _part(net, after, gross) - _part(net, before, gross)
    to_revenue = _part(share, after, gross) - _part(share, before, gross)
    bucket = "developer_available" if charge["settled"] else "developer_pending"
    line_type = {"refund": "refund", "dispute": "dispute"}.get(kind, "dispute_won")
    lines = [
        Line("platform_cash", -delta, line_type=kind, listing_id=charge["listing_id"]),
        Line(
            bucket,
            to_developer,
            org_id=charge["org_id"],
            listing_id=charge["listing_id"],
            line_type=line_type,
        ),
        Line("platform_revenue", to_revenue, line_type=kind, listing_id=charge["listing_id"]),
        # Stripe keeps its fee on refunded money: the platform bears that part.
        Line("refunds", delta - to_developer - to_revenue, line_type=kind),
    ]
    return await _post(
        kind,
        key,
        charge["currency"],
        lines,
        memo=f"{kind} {amount} {charge['currency']} of charge {charge['key']}",
        source=source,
        policy_version=charge["policy_version"],
        occurred_at=occurred_at,
        org_id=charge["org_id"],
        listing_id=charge["listing_id"],
        amount=amount,
        parent_id=charge["id"],
        related_id=related_id,
    )


async def post_refund(
    *,
    key: str,
    charge_key: str,
    amount: int,
    occurred_at: datetime,
    source: tuple[str, str] | None = None,
) -> tuple[uuid.UUID, bool]:
    """Refund `amount` of a charge: reverses the charge pro rata; more than what is left of the
    charge raises ValueError."""
    return await _take_back("refund", key, charge_key, amount, occurred_at, source)


async def post_dispute(
    *,
    key: str,
    charge_key: str,
    amount: int,
    occurred_at: datetime,
    source: tuple[str, str] | None = None,
) -> tuple[uuid.UUID, bool]:
    """A dispute (chargeback) of `amount` of a charge: reversed like a refund."""
    return await _take_back("dispute", key, charge_key, amount, occurred_at, source)


async def _take_back(
    kind: str,
    key: str,
    charge_key: str,
    amount: int,
    occurred_at: datetime,
    source: tuple[str, str] | None,
) -> tuple[uuid.UUID, bool]:
    """A refund or a dispute of `amount` of a charge, once per key."""
    _key(key)
    _amount(f"{kind} amount", amount)
    async with _atomic():
        existing = await _existing(key, kind)
        if existing is not None:
            return existing, False
        charge = await _charge(charge_key)
        return await _reverse(
            kind, key, charge, amount, occurred_at=occurred_at, source=source, amount=amount
        )


async def post_dispute_won(
    *,
    key: str,
    dispute_key: str,
    occurred_at: datetime,
    source: tuple[str, str] | None = None,
) -> tuple[uuid.UUID, bool]:
    """A dispute was won: restores what the dispute journal `dispute_key` took back."""
    _key(key)
    async with _atomic():
        existing = await _existing(key, "dispute_won")
        if existing is not None:
            return existing, False
        rows = await fetch(
            "SELECT d.id, d.amount, c.key AS charge_key FROM public.ledger_journal d"
            " JOIN public.ledger_journal c ON c.id = d.parent_id"
            " WHERE d.key = $1 AND d.kind = 'dispute'",
            dispute_key,
        )
        if not rows:
            raise ValueError(f"no dispute journal with key {dispute_key!r}")
        dispute = rows[0]
        charge = await _charge(dispute["charge_key"])
        won = await fetch(
            "SELECT key FROM public.ledger_journal WHERE related_id = $1 AND kind = 'dispute_won'",
            dispute["id"],
        )
        if won:
            raise ValueError(f"dispute {dispute_key!r} was already won ({won[0]['key']})")
        amount = int(dispute["amount"])
        return await _reverse(
            "dispute_won",
            key,
            charge,
            -amount,
            occurred_at=occurred_at,
            source=source,
            related_id=dispute["id"],
            amount=amount,
        )


async def settle_due(now: datetime | None = None, holding_days: int = HOLDING_DAYS) -> int:
    """Move pending to available for every charge paid at least `holding_days` before `now`
    and not settled yet; how many charges were settled. One settle journal per currency
    (`settle:<currency>:<journal id>`, two postings per developer org) and one
    public.ledger_settlement row per charge, whose PRIMARY KEY settles a charge once."""
    at = now or datetime.now(UTC)
    cutoff = at - timedelta(days=holding_days)
    async with _atomic():
        # Lock the due charges first (a refund being posted holds its charge: skipped, settled
        # next time), so the insert below, a new statement, sees every committed refund.
        due = await fetch(
            "SELECT j.id, j.org_id, j.currency FROM public.ledger_journal j"
            " WHERE j.kind = 'charge' AND j.occurred_at <= $1 AND NOT EXISTS"
            " (SELECT 1 FROM public.ledger_settlement s WHERE s.charge_id = j.id)"
            " ORDER BY j.id FOR UPDATE OF j SKIP LOCKED",
            cutoff,
        )
        if not due:
            return 0
        ids = [r["id"] for r in due]
        orgs = [r["org_id"] for r in due]
        currencies = [r["currency"] for r in due]
        journals = {c: uuid.uuid4() for c in sorted(set(currencies))}
        await fetch(
            "INSERT INTO public.ledger_account (kind, org_id, currency)"
            " SELECT DISTINCT 'developer_available', o, c FROM unnest($1::uuid[], $2::text[])"
            " AS t(o, c) ON CONFLICT DO NOTHING",
            orgs,
            currencies,
        )
        # What each charge left on pending (its postings and its refunds', disputes'); a
        # charge another caller settled meanwhile conflicts on the marker and is left out.
        rows = await fetch(
            """
            WITH due AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS d(id, org_id, currency)
            ), family AS (
                SELECT id AS journal_id, id AS charge_id FROM due
                UNION ALL
                SELECT j.id, j.parent_id FROM due JOIN public.ledger_journal j
                    ON j.parent_id = due.id AND j.kind IN ('refund', 'dispute', 'dispute_won')
            ), owed AS (
                -- per journal through ledger_posting_journal_idx (a join would scan them all)
                SELECT f.charge_id, -sum(x.total) AS owed FROM family f
                CROSS JOIN LATERAL (SELECT sum(p.amount) AS total FROM public.ledger_posting p
                    JOIN public.ledger_account a ON a.id = p.account_id
                        AND a.kind = 'developer_pending'
                    WHERE p.journal_id = f.journal_id) x
                GROUP BY f.charge_id
            ), marked AS (
                INSERT INTO public.ledger_settlement (charge_id, journal_id, amount)
                SELECT due.id, jn.id, coalesce(owed.owed, 0)
                FROM due JOIN unnest($4::text[], $5::uuid[]) AS jn(currency, id)
                    ON jn.currency = due.currency
                LEFT JOIN owed ON owed.charge_id = due.id
                ON CONFLICT (charge_id) DO NOTHING
                RETURNING charge_id, journal_id, amount
            ), per_org AS (
                SELECT m.journal_id, due.org_id, due.currency, sum(m.amount) AS amount
                FROM marked m JOIN due ON due.id = m.charge_id
                GROUP BY m.journal_id, due.org_id, due.currency
            ), made AS (
                INSERT INTO public.ledger_journal (id, kind, key, memo, source_type, currency,
                    occurred_at)
                SELECT DISTINCT journal_id, 'settle', 'settle:' || currency || ':' || journal_id,
                    'pending to available after ' || $6::int || ' days', 'ledger_settlement',
                    currency, $7::timestamptz
                FROM per_org
                RETURNING id
            ), posted AS (
                INSERT INTO public.ledger_posting (journal_id, account_id, org_id, line_type,
                    amount, currency)
                SELECT made.id, a.id, per_org.org_id, 'settle',
                    CASE WHEN a.kind = 'developer_pending' THEN 1 ELSE -1 END * per_org.amount,
                    per_org.currency
                FROM per_org JOIN made ON made.id = per_org.journal_id
                JOIN public.ledger_account a ON a.org_id = per_org.org_id
                    AND a.currency = per_org.currency
                    AND a.kind IN ('developer_pending', 'developer_available')
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM marked) AS settled, (SELECT count(*) FROM posted) AS n
            """,
            ids,
            orgs,
            currencies,
            list(journals),
            list(journals.values()),
            holding_days,
            at,
        )
    return int(rows[0]["settled"])


def _payout_currency(currency: str) -> str:
    _currency(currency)
    if currency not in PAYOUT_CURRENCIES:
        raise ValueError(f"payouts are made in USD only, not {currency}")
    return currency


async def post_payout(
    *,
    key: str,
    org_id: uuid.UUID,
    amount: int,
    currency: str,
    transfer_id: str,
    period: str,
) -> tuple[uuid.UUID, bool]:
    """A payout of `amount` to the developer (Stripe transfer `transfer_id`) for `period`:
    developer_available is debited, cash credited. USD only."""
    _payout_currency(currency)
    _amount("payout amount", amount)
    if not transfer_id:
        raise ValueError("a payout needs its Stripe transfer id")
    lines = [
        Line("developer_available", amount, org_id=org_id, line_type="payout"),
        Line("platform_cash", -amount, line_type="payout"),
    ]
    return await _post(
        "payout",
        key,
        currency,
        lines,
        memo=f"payout for {period}",
        source=("stripe_transfer", transfer_id),
        org_id=org_id,
        amount=amount,
    )


async def post_payout_reversal(
    *,
    key: str,
    org_id: uuid.UUID,
    amount: int,
    currency: str,
    transfer_id: str,
) -> tuple[uuid.UUID, bool]:
    """A transfer reversed (all or part): the amount is owed to the developer again."""
    _key(key)
    _payout_currency(currency)
    _amount("reversal amount", amount)
    async with _atomic():
        existing = await _existing(key, "payout_reversal")
        if existing is not None:
            return existing, False
        rows = await fetch(
            "SELECT id, org_id, amount FROM public.ledger_journal WHERE kind = 'payout'"
            " AND source_type = 'stripe_transfer' AND source_id = $1 FOR UPDATE",
            transfer_id,
        )
        if not rows or rows[0]["org_id"] != org_id:
            raise ValueError(f"no payout of this org with transfer {transfer_id!r}")
        done = await fetch(
            "SELECT coalesce(sum(amount), 0)::bigint AS total FROM public.ledger_journal"
            " WHERE kind = 'payout_reversal' AND source_type = 'stripe_transfer'"
            " AND source_id = $1",
            transfer_id,
        )
        left = int(rows[0]["amount"]) - int(done[0]["total"])
        if amount > left:
            raise ValueError(
                f"reversal of {amount} is more than what is left of the payout: {left}"
            )
        lines = [
            Line("developer_available", -amount, org_id=org_id, line_type="payout_reversal"),
            Line("platform_cash", amount, line_type="payout_reversal"),
        ]
        return await _post(
            "payout_reversal",
            key,
            currency,
            lines,
            memo=f"transfer {transfer_id} reversed",
            source=("stripe_transfer", transfer_id),
            org_id=org_id,
            amount=amount,
            parent_id=rows[0]["id"],
        )


async def balances(org_id: uuid.UUID, currency: str = "USD") -> Balances:
    """What the platform owes one developer: pending and available, minor units."""
    rows = await fetch(
        "SELECT a.kind, -coalesce(sum(p.amount), 0)::bigint AS owed"
        " FROM public.ledger_account a LEFT JOIN public.ledger_posting p ON p.account_id = a.id"
        " WHERE a.org_id = $1 AND a.currency = $2 GROUP BY a.kind",
        org_id,
        currency,
    )
    owed = {r["kind"]: int(r["owed"]) for r in rows}
    return Balances(owed.get("developer_pending", 0), owed.get("developer_available", 0))


async def available_balances(currency: str = "USD") -> dict[uuid.UUID, int]:
    """Every developer org's available balance in one query (negative ones included)."""
    rows = await fetch(
        "SELECT a.org_id, -coalesce(sum(p.amount), 0)::bigint AS owed"
        " FROM public.ledger_account a JOIN public.ledger_posting p ON p.account_id = a.id"
        " WHERE a.kind = 'developer_available' AND a.currency = $1 GROUP BY a.org_id",
        currency,
    )
    return {r["org_id"]: int(r["owed"]) for r in rows}


TRIGGERS = (
    ("ledger_journal", "ledger_journal_append_only"),
    ("ledger_journal", "ledger_journal_no_truncate"),
    ("ledger_journal", "ledger_journal_balanced"),
    ("ledger_journal", "ledger_journal_stamp"),
    ("ledger_posting", "ledger_posting_append_only"),
    ("ledger_posting", "ledger_posting_no_truncate"),
    ("ledger_posting", "ledger_posting_admit"),
    ("ledger_account", "ledger_account_append_only"),
    ("ledger_settlement", "ledger_settlement_append_only"),
    ("ledger_settlement", "ledger_settlement_no_truncate"),
    ("ledger_account", "ledger_account_no_truncate"),
    ("revenue_share_policy", "revenue_share_policy_append_only"),
    ("revenue_share_policy", "revenue_share_policy_no_truncate"),
)


async def check(connection: Any = None) -> list[str]:
    """Invariant problems, empty when the ledger is sound: journals not summing to zero or
    with fewer than two postings, postings not matching their account, the append-only,
    admission and zero-sum triggers missing or disabled. `connection`: an asyncpg connection
    to use instead of the engine (the test suite's after-each-test check)."""

    async def run(sql: str) -> list[dict[str, Any]]:
        if connection is None:
            return await fetch(sql)
        return [dict(r) for r in await connection.fetch(sql)]

    problems: list[str] = []
    rows = await run(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relname LIKE ANY ('{ledger_%,revenue_share_policy}')"
        " AND t.tgenabled IN ('O', 'A')"
    )
    enabled = {(r["relname"], r["tgname"]) for r in rows}
    problems += [
        f"trigger {t} on {r} is missing or disabled" for r, t in TRIGGERS if (r, t) not in enabled
    ]
    # Rows changed behind a disabled trigger still show in the table statistics (flushed
    # within seconds; kept until the statistics are reset).
    changed = await run(
        "SELECT relname, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
        " WHERE schemaname = 'public' AND relname IN"
        " ('ledger_posting', 'ledger_journal', 'ledger_account', 'revenue_share_policy')"
        " AND n_tup_upd + n_tup_del > 0"
    )
    problems += [
        f"{r['relname']}: {r['n_tup_upd']} row(s) updated and {r['n_tup_del']} deleted"
        " although the ledger is append-only"
        for r in changed
    ]
    # Journals are one currency each (the admission trigger), so zero per journal is zero per
    # currency. One pass over ledger_posting_journal_idx (journal_id INCLUDE amount).
    rows = await run(
        """
        WITH per AS (
            SELECT journal_id, sum(amount) AS total, count(*) AS n
            FROM public.ledger_posting GROUP BY journal_id
        )
        SELECT (SELECT count(*) FROM per) AS with_postings,
            (SELECT count(*) FROM public.ledger_journal) AS journals,
            (SELECT coalesce(json_agg(x), '[]') FROM (SELECT journal_id, total, n FROM per
                WHERE total <> 0 OR n < 2 LIMIT 100) x)::text AS bad
        """
    )
    for r in json.loads(rows[0]["bad"]):
        if Decimal(str(r["total"])) != 0:
            problems.append(f"journal {r['journal_id']} sums to {r['total']}, not zero")
        if r["n"] < 2:
            problems.append(f"journal {r['journal_id']} has a single posting")
    if rows[0]["with_postings"] != rows[0]["journals"]:
        empty = await run(
            "SELECT j.id FROM public.ledger_journal j WHERE NOT EXISTS"
            " (SELECT 1 FROM public.ledger_posting p WHERE p.journal_id = j.id) LIMIT 100"
        )
        problems += [f"journal {r['id']} has no postings" for r in empty]
    stray = await run(
        "SELECT p.id, p.journal_id FROM public.ledger_posting p JOIN public.ledger_account a"
        " ON a.id = p.account_id WHERE p.org_id IS DISTINCT FROM a.org_id"
        " OR p.currency <> a.currency LIMIT 100"
    )
    problems += [
        f"posting {r['id']} of journal {r['journal_id']} is not its account's org or currency"
        for r in stray
    ]
    return problems
