"""The double-entry ledger: the single place money moves (public schema).

Amounts are integer minor units (bigint) with a currency; +debit, -credit, and every journal
sums to zero per currency (the database refuses anything else at commit, and refuses UPDATE,
DELETE and TRUNCATE of journals and postings). Developer accounts are liabilities: what the
platform owes a developer is the negated sum of the postings on its developer_* accounts.
Every function runs inside the caller's transaction and is idempotent by its journal `key`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


async def post_dispute(
    *,
    key: str,
    charge_key: str,
    amount: int,
    occurred_at: datetime,
    source: tuple[str, str] | None = None,
) -> tuple[uuid.UUID, bool]:
    """A dispute (chargeback) of `amount` of a charge: reversed like a refund."""
    raise NotImplementedError


async def post_dispute_won(
    *,
    key: str,
    dispute_key: str,
    occurred_at: datetime,
    source: tuple[str, str] | None = None,
) -> tuple[uuid.UUID, bool]:
    """A dispute was won: restores what the dispute journal `dispute_key` took back."""
    raise NotImplementedError


async def settle_due(now: datetime | None = None, holding_days: int = HOLDING_DAYS) -> int:
    """Move pending to available for every charge paid at least `holding_days` before `now`
    and not settled yet (one journal `settle:<charge_key>` each); how many were settled."""
    raise NotImplementedError


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
    raise NotImplementedError


async def post_payout_reversal(
    *,
    key: str,
    org_id: uuid.UUID,
    amount: int,
    currency: str,
    transfer_id: str,
) -> tuple[uuid.UUID, bool]:
    """A transfer reversed (all or part): the amount is owed to the developer again."""
    raise NotImplementedError


async def balances(org_id: uuid.UUID, currency: str = "USD") -> Balances:
    """What the platform owes one developer: pending and available, minor units."""
    raise NotImplementedError


async def available_balances(currency: str = "USD") -> dict[uuid.UUID, int]:
    """Every developer org's available balance in one query (negative ones included)."""
    raise NotImplementedError


async def check() -> list[str]:
    """Invariant problems, empty when the ledger is sound: journals not summing to zero per
    currency or with fewer than two postings, postings not matching their account, the
    append-only and zero-sum triggers missing or disabled."""
    raise NotImplementedError
