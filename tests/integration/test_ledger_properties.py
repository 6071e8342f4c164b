"""Property test of the ledger (hypothesis, real PostgreSQL): random sequences of charges,
refunds, disputes, won disputes, settles, payouts and payout reversals for one developer keep
every journal at zero, balances equal to the sum of postings, and what the developer is owed
equal to an independent model: earnings - share - fees - refunds - disputes + won - payouts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jewelia.core.db import fetch
from jewelia.platform.commerce import ledger

BASE = datetime(2026, 1, 1, tzinfo=UTC)
LINE = 100_000_000  # policy v1: 0 % below USD 1 M lifetime gross, 15 % above


def half_up(x: Fraction) -> int:
    return int((2 * x.numerator + x.denominator) // (2 * x.denominator))


def expected_share(gross: int, before: int) -> int:
    above = max(0, before + gross - max(before, LINE))
    return half_up(Fraction(above * 1500, 10_000))


@dataclass
class Charge:
    key: str
    gross: int
    net: int
    reversed: int = 0  # gross refunded + disputed - won
    settled: bool = False
    at: int = 0  # model clock (days)

    def owed(self) -> int:
        return self.net - half_up(Fraction(self.net * self.reversed, self.gross))


@dataclass
class Model:
    org: uuid.UUID
    clock: int = 0
    lifetime: int = 0
    charges: list[Charge] = field(default_factory=list)
    disputes: list[tuple[str, Charge, int, bool]] = field(default_factory=list)
    payouts: list[list[Any]] = field(default_factory=list)  # [key, transfer, amount, reversed]
    paid: int = 0
    totals: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, amount: int) -> None:
        self.totals[what] = self.totals.get(what, 0) + amount

    def pending(self) -> int:
        return sum(c.owed() for c in self.charges if not c.settled)

    def available(self) -> int:
        return sum(c.owed() for c in self.charges if c.settled) - self.paid


amounts = st.integers(min_value=50, max_value=40_000_000)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("charge"), amounts, st.integers(0, 100)),
        st.tuples(st.just("refund"), st.integers(0, 50), st.integers(1, 1_000)),
        st.tuples(st.just("dispute"), st.integers(0, 50), st.integers(1, 1_000)),
        st.tuples(st.just("won"), st.integers(0, 50), st.just(0)),
        st.tuples(st.just("wait"), st.integers(1, 10), st.just(0)),
        st.tuples(st.just("settle"), st.just(0), st.just(0)),
        st.tuples(st.just("payout"), st.integers(1, 100), st.just(0)),
        st.tuples(st.just("reversal"), st.integers(0, 50), st.integers(1, 100)),
    ),
    min_size=1,
    max_size=25,
)


async def apply(m: Model, op: tuple[str, int, int]) -> None:
    name, a, b = op
    now = BASE + timedelta(days=m.clock)
    tag = uuid.uuid4().hex[:8]
    if name == "charge":
        gross, fee = a, a * b // 1_000  # fee 0 .. 10 %
        share = expected_share(gross, m.lifetime)
        k = f"prop:{m.org}:c:{tag}"
        await ledger.post_charge(
            key=k,
            org_id=m.org,
            listing_id=None,
            currency="USD",
            gross=gross,
            fee=fee,
            occurred_at=now,
        )
        m.lifetime += gross
        m.charges.append(Charge(k, gross, gross - share - fee, at=m.clock))
        m.add("earning", gross)
        m.add("platform_share", share)
        m.add("fee", fee)
    elif name in ("refund", "dispute") and m.charges:
        c = m.charges[a % len(m.charges)]
        amount = max(1, c.gross * b // 1_000)
        k = f"prop:{m.org}:{name}:{tag}"
        builder = ledger.post_refund if name == "refund" else ledger.post_dispute
        before = c.owed()
        if c.reversed + amount > c.gross:
            with pytest.raises(ValueError, match="more than what is left"):
                await builder(key=k, charge_key=c.key, amount=amount, occurred_at=now)
            return
        await builder(key=k, charge_key=c.key, amount=amount, occurred_at=now)
        c.reversed += amount
        m.add(name, before - c.owed())
        if name == "dispute":
            m.disputes.append((k, c, amount, False))
    elif name == "won" and m.disputes:
        i = a % len(m.disputes)
        k, c, amount, won = m.disputes[i]
        wk = f"{k}:won"
        if won:
            with pytest.raises(ValueError, match="already won"):
                await ledger.post_dispute_won(key=f"{wk}:{tag}", dispute_key=k, occurred_at=now)
            return
        before = c.owed()
        await ledger.post_dispute_won(key=wk, dispute_key=k, occurred_at=now)
        c.reversed -= amount
        m.disputes[i] = (k, c, amount, True)
        m.add("dispute_won", c.owed() - before)
    elif name == "wait":
        m.clock += a
    elif name == "settle":
        await ledger.settle_due(now)
        for c in m.charges:
            if c.at <= m.clock - ledger.HOLDING_DAYS:
                c.settled = True
    elif name == "payout" and m.available() > 0:
        amount = max(1, m.available() * a // 100)
        k, transfer = f"prop:{m.org}:p:{tag}", f"tr_{tag}"
        await ledger.post_payout(
            key=k, org_id=m.org, amount=amount, currency="USD", transfer_id=transfer, period="p"
        )
        m.paid += amount
        m.payouts.append([k, transfer, amount, 0])
        m.add("payout", amount)
    elif name == "reversal" and m.payouts:
        p = m.payouts[a % len(m.payouts)]
        amount = max(1, p[2] * b // 100)
        k = f"{p[0]}:rev:{tag}"
        if p[3] + amount > p[2]:
            with pytest.raises(ValueError, match="more than what is left"):
                await ledger.post_payout_reversal(
                    key=k, org_id=m.org, amount=amount, currency="USD", transfer_id=p[1]
                )
            return
        await ledger.post_payout_reversal(
            key=k, org_id=m.org, amount=amount, currency="USD", transfer_id=p[1]
        )
        p[3] += amount
        m.paid -= amount
        m.add("payout_reversal", amount)


async def verify(m: Model) -> None:
    b = await ledger.balances(m.org)
    assert (b.pending, b.available) == (m.pending(), m.available())
    # Balances are the sums of the postings, by account.
    rows = await fetch(
        "SELECT a.kind, -sum(p.amount)::bigint AS owed FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id WHERE a.org_id = $1"
        " AND a.currency = 'USD' GROUP BY a.kind",
        m.org,
    )
    sums = {r["kind"]: r["owed"] for r in rows}
    assert sums.get("developer_pending", 0) == b.pending
    assert sums.get("developer_available", 0) == b.available
    if b.available or "developer_available" in sums:
        assert (await ledger.available_balances())[m.org] == b.available
    # What the developer is owed, by the statement's formula over its line types.
    lines = {
        r["line_type"]: r["total"]
        for r in await fetch(
            "SELECT line_type, sum(amount)::bigint AS total FROM public.ledger_posting"
            " WHERE org_id = $1 GROUP BY line_type",
            m.org,
        )
    }
    t = m.totals
    assert -lines.get("earning", 0) == t.get("earning", 0)
    assert lines.get("platform_share", 0) == t.get("platform_share", 0)
    assert lines.get("fee", 0) == t.get("fee", 0)
    assert lines.get("refund", 0) == t.get("refund", 0)
    assert lines.get("dispute", 0) == t.get("dispute", 0)
    assert -lines.get("dispute_won", 0) == t.get("dispute_won", 0)
    assert lines.get("payout", 0) == t.get("payout", 0)
    assert -lines.get("payout_reversal", 0) == t.get("payout_reversal", 0)
    assert lines.get("settle", 0) == 0
    owed = (
        t.get("earning", 0)
        - t.get("platform_share", 0)
        - t.get("fee", 0)
        - t.get("refund", 0)
        - t.get("dispute", 0)
        + t.get("dispute_won", 0)
        - t.get("payout", 0)
        + t.get("payout_reversal", 0)
    )
    assert b.pending + b.available == owed
    # Every journal of this developer sums to zero (and the whole ledger is sound).
    bad = await fetch(
        "SELECT p.journal_id FROM public.ledger_posting p JOIN public.ledger_journal j"
        " ON j.id = p.journal_id WHERE j.org_id = $1 GROUP BY p.journal_id, p.currency"
        " HAVING sum(p.amount) <> 0",
        m.org,
    )
    assert bad == []
    assert await ledger.check() == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
async def test_random_money_movements_keep_the_books(db: None, sequence: list[Any]) -> None:
    m = Model(org=uuid.uuid4())
    for op in sequence:
        await apply(m, op)
    await verify(m)
