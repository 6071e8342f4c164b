"""The double-entry ledger on real PostgreSQL: every journal builder, the revenue-share policy,
and the invariants the database enforces even against raw SQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from jewelia.core.db import DB, fetch
from jewelia.platform.commerce import ledger
from jewelia.platform.commerce import policy as policies
from jewelia.platform.commerce.ledger import Line

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MILLION = 100_000_000  # USD 1,000,000 in cents


def key(tag: str) -> str:
    return f"test:{tag}:{uuid.uuid4().hex}"


async def journal_sums(journal_id: uuid.UUID) -> dict[str, int]:
    rows = await fetch(
        "SELECT currency, sum(amount)::bigint AS total FROM public.ledger_posting"
        " WHERE journal_id = $1 GROUP BY currency",
        journal_id,
    )
    return {r["currency"]: r["total"] for r in rows}


async def dev_lines(org_id: uuid.UUID) -> dict[str, int]:
    rows = await fetch(
        "SELECT line_type, sum(amount)::bigint AS total FROM public.ledger_posting"
        " WHERE org_id = $1 GROUP BY line_type",
        org_id,
    )
    return {r["line_type"]: r["total"] for r in rows}


async def charge(org: uuid.UUID, gross: int, fee: int = 0, **kw: Any) -> tuple[str, uuid.UUID]:
    k = kw.pop("key", None) or key("charge")
    jid, new = await ledger.post_charge(
        key=k,
        org_id=org,
        listing_id=kw.pop("listing_id", None),
        currency=kw.pop("currency", "USD"),
        gross=gross,
        fee=fee,
        occurred_at=kw.pop("occurred_at", NOW),
        source=("test", k),
    )
    assert new
    return k, jid


async def settlement(charge_key: str) -> dict[str, Any] | None:
    """The settled marker of a charge with its settle journal, or None."""
    rows = await fetch(
        "SELECT s.amount, s.journal_id, j.kind, j.key, j.org_id FROM public.ledger_settlement s"
        " JOIN public.ledger_journal c ON c.id = s.charge_id"
        " JOIN public.ledger_journal j ON j.id = s.journal_id WHERE c.key = $1",
        charge_key,
    )
    return rows[0] if rows else None


async def over_the_line(org: uuid.UUID) -> None:
    """Gives the org USD 1 M of lifetime gross, so its next charges are shared at 15 %."""
    await charge(org, MILLION, 0, occurred_at=NOW - timedelta(days=400))


def test_minor_units() -> None:
    assert ledger.to_minor(Decimal("49.99"), "USD") == 4999
    assert ledger.to_minor(Decimal("1500"), "JPY") == 1500
    assert ledger.to_minor(Decimal("0.05"), "EUR") == 5
    assert ledger.from_minor(4999, "USD") == Decimal("49.99")
    assert ledger.from_minor(1500, "KRW") == Decimal("1500")
    with pytest.raises(ValueError, match="minor units"):
        ledger.to_minor(Decimal("0.005"), "USD")
    with pytest.raises(ValueError, match="minor units"):
        ledger.to_minor(Decimal("1.5"), "JPY")


async def test_policy_v1_is_seeded_and_splits_a_charge_crossing_the_line(db: None) -> None:
    p = await policies.current()
    assert p.version >= 1
    v1 = await policies.get(1)
    assert [(t.up_to, t.bps) for t in v1.tiers] == [(MILLION, 0), (None, 1500)]
    assert "0 % on the first USD 1,000,000, then 15 %" in policies.describe(v1)
    assert policies.share(MILLION, 0, v1) == 0
    assert policies.share(10_000, MILLION, v1) == 1_500
    # 4,000 cents below the line at 0 %, 6,000 above it at 15 % = 900
    assert policies.share(10_000, MILLION - 4_000, v1) == 900
    assert policies.share(3, MILLION, v1) == 0  # 0.45 rounds down
    assert policies.share(10, MILLION, v1) == 2  # 1.5 rounds half up
    with pytest.raises(KeyError):
        await policies.get(9999)


async def test_charge_posts_cash_fees_share_and_the_developer_earning(db: None) -> None:
    org, listing = uuid.uuid4(), uuid.uuid4()
    await over_the_line(org)
    k, jid = await charge(org, 10_000, 320, listing_id=listing)
    assert await journal_sums(jid) == {"USD": 0}
    rows = await fetch(
        "SELECT a.kind, p.line_type, p.amount, p.policy_version, p.listing_id"
        " FROM public.ledger_posting p JOIN public.ledger_account a ON a.id = p.account_id"
        " WHERE p.journal_id = $1 ORDER BY p.id",
        jid,
    )
    got = {(r["kind"], r["line_type"]): r["amount"] for r in rows}
    assert got == {
        ("platform_cash", "charge"): 9_680,
        ("processing_fees", "stripe_fee"): 320,
        ("processing_fees", "fee_recovered"): -320,
        ("platform_revenue", "platform_share"): -1_500,
        ("developer_pending", "earning"): -10_000,
        ("developer_pending", "platform_share"): 1_500,
        ("developer_pending", "fee"): 320,
    }
    assert {r["policy_version"] for r in rows} == {1}
    assert {r["listing_id"] for r in rows} == {listing}
    j = (await fetch("SELECT * FROM public.ledger_journal WHERE id = $1", jid))[0]
    assert (j["kind"], j["policy_version"], j["amount"], j["org_id"]) == ("charge", 1, 10_000, org)
    b = await ledger.balances(org)
    assert (b.pending, b.available) == (MILLION + 10_000 - 1_500 - 320, 0)

    # The same key again: the same journal, nothing posted twice (even with other numbers).
    again = await ledger.post_charge(
        key=k, org_id=org, listing_id=listing, currency="USD", gross=1, fee=0, occurred_at=NOW
    )
    assert again == (jid, False)
    assert (await ledger.balances(org)).pending == b.pending


async def test_lifetime_tiers_split_the_charge_that_crosses_usd_1m(db: None) -> None:
    org = uuid.uuid4()
    _, first = await charge(org, MILLION - 4_000, occurred_at=NOW - timedelta(days=30))
    _, crossing = await charge(org, 10_000)
    _, after = await charge(org, 10_000)
    shares = {}
    for jid in (first, crossing, after):
        rows = await fetch(
            "SELECT -sum(p.amount)::bigint AS s FROM public.ledger_posting p"
            " JOIN public.ledger_account a ON a.id = p.account_id"
            " WHERE p.journal_id = $1 AND a.kind = 'platform_revenue'",
            jid,
        )
        shares[jid] = rows[0]["s"] or 0
    assert [shares[first], shares[crossing], shares[after]] == [0, 900, 1_500]
    assert await ledger.lifetime_gross(org) == MILLION + 16_000


async def test_concurrent_charges_of_one_org_count_the_lifetime_once_each(db: None) -> None:
    org = uuid.uuid4()
    await charge(org, MILLION - 5_000, occurred_at=NOW - timedelta(days=30))
    results = await asyncio.gather(*(charge(org, 1_000) for _ in range(10)))
    total_share = await fetch(
        "SELECT -sum(p.amount)::bigint AS s FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id"
        " WHERE a.kind = 'platform_revenue' AND p.journal_id = ANY($1::uuid[])",
        [jid for _, jid in results],
    )
    # 5,000 of the 10,000 are past the line: 750 whichever order they were serialised in
    assert total_share[0]["s"] == 750


async def test_non_usd_charge_uses_the_rate_of_the_usd_tier(db: None) -> None:
    org = uuid.uuid4()
    await over_the_line(org)
    _, jid = await charge(org, 5_000, 0, currency="JPY")
    assert await journal_sums(jid) == {"JPY": 0}
    assert (await ledger.balances(org, "JPY")).pending == 5_000 - 750
    assert await ledger.lifetime_gross(org) == MILLION  # JPY is not counted in the USD tiers


async def test_refunds_reverse_pro_rata_and_never_more_than_charged(db: None) -> None:
    org = uuid.uuid4()
    await over_the_line(org)
    base = await ledger.balances(org)
    ck, _ = await charge(org, 10_001, 321)  # share 1,500.15 -> 1,500; net 8,180
    net = 10_001 - 1_500 - 321
    for i, amount in enumerate((3_333, 3_333)):
        jid, new = await ledger.post_refund(
            key=f"{ck}:r{i}", charge_key=ck, amount=amount, occurred_at=NOW
        )
        assert new and await journal_sums(jid) == {"USD": 0}
    with pytest.raises(ValueError, match="more than what is left"):
        await ledger.post_refund(key=f"{ck}:big", charge_key=ck, amount=3_336, occurred_at=NOW)
    jid, _ = await ledger.post_refund(key=f"{ck}:r2", charge_key=ck, amount=3_335, occurred_at=NOW)
    # A replayed refund key is the same journal, not a refusal.
    assert await ledger.post_refund(
        key=f"{ck}:r2", charge_key=ck, amount=3_335, occurred_at=NOW
    ) == (jid, False)
    with pytest.raises(ValueError, match="more than what is left"):
        await ledger.post_refund(key=f"{ck}:r3", charge_key=ck, amount=1, occurred_at=NOW)
    after = await ledger.balances(org)
    assert after.pending == base.pending  # everything the charge owed the developer is back
    lines = await dev_lines(org)
    assert lines["refund"] == net
    # The platform's share came back in full; Stripe's kept fee is on the refunds account.
    rows = await fetch(
        "SELECT a.kind, sum(p.amount)::bigint AS total FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id JOIN public.ledger_journal j"
        " ON j.id = p.journal_id WHERE j.key = $1 OR j.parent_id ="
        " (SELECT id FROM public.ledger_journal WHERE key = $1) GROUP BY a.kind",
        ck,
    )
    totals = {r["kind"]: r["total"] for r in rows}
    assert totals["platform_revenue"] == 0
    assert totals["platform_cash"] == -321
    assert totals["refunds"] == 321
    assert totals["developer_pending"] == 0


async def test_refund_errors_are_clear(db: None) -> None:
    with pytest.raises(ValueError, match="no charge journal"):
        await ledger.post_refund(key=key("r"), charge_key="nope", amount=1, occurred_at=NOW)
    for bad in (0, -5, True, 1.5, 10**15):
        with pytest.raises(ValueError):
            await ledger.post_refund(key=key("r"), charge_key="nope", amount=bad, occurred_at=NOW)


async def test_charge_refuses_bad_input(db: None) -> None:
    org = uuid.uuid4()
    cases: list[dict[str, Any]] = [
        {"gross": -100},
        {"gross": 0},
        {"gross": 100, "fee": 101},
        {"gross": 100, "fee": -1},
        {"gross": 10**13},
        {"gross": 100, "currency": "usd"},
        {"gross": 100, "currency": "DOLLARS"},
        {"gross": Decimal("1.00")},
        {"gross": 100, "key": ""},
    ]
    for case in cases:
        with pytest.raises(ValueError):
            await ledger.post_charge(
                key=case.get("key", key("bad")),
                org_id=org,
                listing_id=None,
                currency=case.get("currency", "USD"),
                gross=case["gross"],
                fee=case.get("fee", 0),
                occurred_at=NOW,
            )
    assert await ledger.balances(org) == ledger.Balances(0, 0)
    assert not await fetch("SELECT 1 FROM public.ledger_journal WHERE org_id = $1", org)


async def test_concurrent_refunds_of_one_charge_stop_at_the_charge(db: None) -> None:
    org = uuid.uuid4()
    ck, _ = await charge(org, 10_000, 300)

    async def refund(i: int) -> bool:
        try:
            await ledger.post_refund(key=f"{ck}:c{i}", charge_key=ck, amount=2_500, occurred_at=NOW)
        except ValueError:
            return False
        return True

    done = await asyncio.gather(*(refund(i) for i in range(8)))
    assert sum(done) == 4
    assert await ledger.balances(org) == ledger.Balances(0, 0)


async def test_dispute_takes_back_and_a_won_dispute_restores(db: None) -> None:
    org = uuid.uuid4()
    await over_the_line(org)
    base = await ledger.balances(org)
    ck, _ = await charge(org, 5_000, 175)
    owed = 5_000 - 750 - 175
    dk = f"{ck}:dispute"
    jid, new = await ledger.post_dispute(key=dk, charge_key=ck, amount=5_000, occurred_at=NOW)
    assert new and await journal_sums(jid) == {"USD": 0}
    assert (await ledger.balances(org)).pending == base.pending
    with pytest.raises(ValueError, match="more than what is left"):
        await ledger.post_refund(key=f"{ck}:r", charge_key=ck, amount=1, occurred_at=NOW)
    wid, new = await ledger.post_dispute_won(key=f"{dk}:won", dispute_key=dk, occurred_at=NOW)
    assert new and await journal_sums(wid) == {"USD": 0}
    assert (await ledger.balances(org)).pending == base.pending + owed
    with pytest.raises(ValueError, match="already won"):
        await ledger.post_dispute_won(key=f"{dk}:won2", dispute_key=dk, occurred_at=NOW)
    with pytest.raises(ValueError, match="no dispute journal"):
        await ledger.post_dispute_won(key=key("w"), dispute_key=ck, occurred_at=NOW)
    lines = await dev_lines(org)
    assert lines["dispute"] == owed and lines["dispute_won"] == -owed
    # Money is refundable again after the win.
    await ledger.post_refund(key=f"{ck}:r", charge_key=ck, amount=5_000, occurred_at=NOW)
    assert (await ledger.balances(org)).pending == base.pending


async def test_settle_moves_pending_to_available_after_the_holding_period(db: None) -> None:
    org = uuid.uuid4()
    old, _ = await charge(org, 10_000, 320, occurred_at=NOW - timedelta(days=8))
    await ledger.post_refund(key=f"{old}:r", charge_key=old, amount=1_000, occurred_at=NOW)
    await charge(org, 2_000, 88, occurred_at=NOW - timedelta(days=2))
    assert await ledger.settle_due(NOW) >= 1
    b = await ledger.balances(org)
    old_net = 10_000 - 320 - (9_680 // 10)  # 9,680 net, a tenth refunded
    assert b == ledger.Balances(pending=2_000 - 88, available=old_net)
    assert await ledger.settle_due(NOW) == 0  # idempotent
    marker = await settlement(old)
    assert marker and marker["kind"] == "settle" and marker["amount"] == old_net
    assert marker["key"].startswith("settle:USD:") and marker["org_id"] is None
    # After settling, a refund takes back from available; the young charge settles later.
    await ledger.post_refund(key=f"{old}:r2", charge_key=old, amount=9_000, occurred_at=NOW)
    assert await ledger.balances(org) == ledger.Balances(2_000 - 88, 0)
    assert await ledger.settle_due(NOW + timedelta(days=5)) >= 1
    assert await ledger.balances(org) == ledger.Balances(0, 2_000 - 88)
    assert (await ledger.available_balances())[org] == 2_000 - 88
    await ledger.settle_due(NOW, holding_days=0)  # everything paid by NOW (other tests' too)
    assert await ledger.settle_due(NOW, holding_days=0) == 0


async def test_a_fully_refunded_charge_settles_nothing_but_is_marked_settled(db: None) -> None:
    org = uuid.uuid4()
    ck, _ = await charge(org, 1_000, 59, occurred_at=NOW - timedelta(days=10))
    await ledger.post_refund(key=f"{ck}:r", charge_key=ck, amount=1_000, occurred_at=NOW)
    await ledger.settle_due(NOW)
    marker = await settlement(ck)
    assert marker and marker["amount"] == 0
    assert await ledger.balances(org) == ledger.Balances(0, 0)


async def test_settle_due_posts_one_journal_per_currency_and_settles_each_charge_once(
    db: None,
) -> None:
    """Many charges: one settle journal per currency, two postings per org (the org's markers
    summed), each charge marked once even with concurrent callers; markers are append-only."""
    await ledger.settle_due(NOW, holding_days=0)  # what other tests left due
    orgs = [uuid.uuid4() for _ in range(6)]
    old = NOW - timedelta(days=9)
    usd = [(await charge(o, 1_000 * (i + 1), 59, occurred_at=old))[0] for i, o in enumerate(orgs)]
    usd += [(await charge(orgs[0], 500, 45, occurred_at=old))[0]]
    eur, _ = await charge(orgs[1], 2_000, 88, currency="EUR", occurred_at=old)
    settled = await asyncio.gather(*(ledger.settle_due(NOW) for _ in range(4)))
    assert sum(settled) == len(usd) + 1
    assert await ledger.settle_due(NOW) == 0
    markers = {k: await settlement(k) for k in [*usd, eur]}
    journals = {m["journal_id"] for m in markers.values() if m}
    assert len(journals) >= 2 and all(markers.values())
    assert {m["key"].split(":")[1] for m in markers.values() if m} == {"USD", "EUR"}
    assert await ledger.balances(orgs[0]) == ledger.Balances(0, 1_000 - 59 + 500 - 45)
    assert await ledger.balances(orgs[1], "EUR") == ledger.Balances(0, 2_000 - 88)
    for jid in journals:
        assert await journal_sums(jid) == {next(iter(await journal_sums(jid))): 0}
        rows = await fetch(
            "SELECT p.org_id, a.kind, p.amount FROM public.ledger_posting p"
            " JOIN public.ledger_account a ON a.id = p.account_id WHERE p.journal_id = $1",
            jid,
        )
        per_org = await fetch(
            "SELECT c.org_id, sum(s.amount) AS amount FROM public.ledger_settlement s"
            " JOIN public.ledger_journal c ON c.id = s.charge_id WHERE s.journal_id = $1"
            " GROUP BY c.org_id",
            jid,
        )
        want = {(r["org_id"], "developer_pending", int(r["amount"])) for r in per_org}
        want |= {(r["org_id"], "developer_available", -int(r["amount"])) for r in per_org}
        assert {(r["org_id"], r["kind"], int(r["amount"])) for r in rows} == want
    for sql in (
        "UPDATE public.ledger_settlement SET amount = 0",
        "DELETE FROM public.ledger_settlement",
        "TRUNCATE public.ledger_settlement",
    ):
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            async with connection() as conn:
                await conn.execute(sql)
    assert await ledger.check() == []


async def test_payouts_negative_balances_and_reversals(db: None) -> None:
    org = uuid.uuid4()
    ck, _ = await charge(org, 10_000, 320, occurred_at=NOW - timedelta(days=9))
    await ledger.settle_due(NOW)
    assert (await ledger.balances(org)).available == 9_680
    pk = f"payout:2026-11:{org}"
    pid, new = await ledger.post_payout(
        key=pk, org_id=org, amount=9_680, currency="USD", transfer_id="tr_1", period="2026-11"
    )
    assert new and await journal_sums(pid) == {"USD": 0}
    again = await ledger.post_payout(
        key=pk, org_id=org, amount=9_680, currency="USD", transfer_id="tr_1", period="2026-11"
    )
    assert again == (pid, False)
    assert await ledger.balances(org) == ledger.Balances(0, 0)
    # A refund after the payout: the developer owes it; the balance stays negative.
    await ledger.post_refund(key=f"{ck}:r", charge_key=ck, amount=5_000, occurred_at=NOW)
    assert await ledger.balances(org) == ledger.Balances(0, -4_840)
    assert (await ledger.available_balances())[org] == -4_840
    with pytest.raises(ValueError, match="more than what is left of the payout"):
        await ledger.post_payout_reversal(
            key=key("rev"), org_id=org, amount=9_681, currency="USD", transfer_id="tr_1"
        )
    rid, new = await ledger.post_payout_reversal(
        key=f"{pk}:rev", org_id=org, amount=680, currency="USD", transfer_id="tr_1"
    )
    assert new and await journal_sums(rid) == {"USD": 0}
    assert (await ledger.balances(org)).available == -4_160
    with pytest.raises(ValueError, match="no payout of this org"):
        await ledger.post_payout_reversal(
            key=key("rev"), org_id=uuid.uuid4(), amount=1, currency="USD", transfer_id="tr_1"
        )
    with pytest.raises(ValueError, match="USD only"):
        await ledger.post_payout(
            key=key("p"), org_id=org, amount=1, currency="EUR", transfer_id="tr_2", period="x"
        )
    for bad in (0, -1):
        with pytest.raises(ValueError):
            await ledger.post_payout(
                key=key("p"), org_id=org, amount=bad, currency="USD", transfer_id="t", period="x"
            )
    lines = await dev_lines(org)
    assert lines["payout"] == 9_680 and lines["payout_reversal"] == -680


async def test_post_checks_its_lines(db: None) -> None:
    org = uuid.uuid4()
    good = [Line("platform_cash", 100), Line("platform_revenue", -100)]
    jid, new = await ledger.post("adjustment", key("adj"), "USD", good, memo="test")
    assert new and await journal_sums(jid) == {"USD": 0}
    bad_sets = [
        [Line("platform_cash", 100), Line("platform_revenue", -99)],
        [Line("platform_cash", 0), Line("platform_revenue", 0)],
        [Line("platform_cash", 100)],
        [Line("nope", 100), Line("platform_revenue", -100)],
        [Line("developer_pending", 100), Line("platform_revenue", -100)],
        [Line("platform_cash", 100, org_id=org), Line("platform_revenue", -100)],
        [Line("developer_pending", 100, org_id=org, line_type="gift"), Line("refunds", -100)],
    ]
    for lines in bad_sets:
        with pytest.raises(ValueError):
            await ledger.post("adjustment", key("adj"), "USD", lines)


@asynccontextmanager
async def connection() -> AsyncIterator[Any]:
    """A pooled connection in a transaction of its own (deferred triggers fire at its commit;
    Piccolo's transaction would leak its connection when COMMIT fails)."""
    assert DB.pool is not None
    async with DB.pool.acquire() as conn, conn.transaction():
        yield conn


async def raw(sql: str, *args: Any) -> None:
    """Run SQL in its own transaction."""
    async with connection() as conn:
        await conn.execute(sql, *args)


async def test_the_database_refuses_changes_truncates_and_unbalanced_journals(db: None) -> None:
    org = uuid.uuid4()
    _, jid = await charge(org, 1_000, 59)
    await ledger.post(
        "adjustment", key("adj"), "USD", [Line("platform_cash", 1), Line("platform_revenue", -1)]
    )
    for sql in (
        "UPDATE public.ledger_posting SET amount = amount + 1 WHERE journal_id = $1",
        "DELETE FROM public.ledger_posting WHERE journal_id = $1",
        "UPDATE public.ledger_journal SET memo = 'x' WHERE id = $1",
        "DELETE FROM public.ledger_journal WHERE id = $1",
    ):
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await raw(sql, jid)
    for table in ("ledger_posting", "ledger_journal", "ledger_account", "revenue_share_policy"):
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await raw(f"TRUNCATE public.{table} CASCADE")
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await raw("UPDATE public.revenue_share_policy SET note = 'x'")
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await raw("DELETE FROM public.ledger_account WHERE org_id = $1", org)
    assert await journal_sums(jid) == {"USD": 0}

    cash = (
        await fetch(
            "SELECT id FROM public.ledger_account WHERE kind = 'platform_cash' AND currency = 'USD'"
        )
    )[0]["id"]
    revenue = (
        await fetch(
            "SELECT id FROM public.ledger_account WHERE kind = 'platform_revenue'"
            " AND currency = 'USD'"
        )
    )[0]["id"]
    journal = (
        "INSERT INTO public.ledger_journal (id, kind, key, currency) VALUES ($1, 'raw', $2, 'USD')"
    )
    posting = (
        "INSERT INTO public.ledger_posting (journal_id, account_id, line_type, amount, currency)"
        " VALUES ($1, $2, 'raw', $3, 'USD')"
    )

    async def attempt(*amounts: tuple[int, int]) -> None:
        async with connection() as conn:
            j = uuid.uuid4()
            await conn.execute(journal, j, key("raw"))
            for account, amount in amounts:
                await conn.execute(posting, j, account, amount)

    with pytest.raises(asyncpg.RaiseError, match="does not sum to zero"):
        await attempt((cash, 100), (revenue, -99))
    with pytest.raises(asyncpg.RaiseError, match="at least two"):
        await attempt((cash, 0))
    with pytest.raises(asyncpg.RaiseError, match="at least two"):
        await attempt()
    await attempt((cash, 100), (revenue, -100))  # balanced raw SQL is a journal like any other

    # A later transaction cannot add (even balanced) lines to a closed journal.
    with pytest.raises(asyncpg.RaiseError, match="closed"):
        async with connection() as conn:
            await conn.execute(posting, jid, cash, 5)
            await conn.execute(posting, jid, revenue, -5)
    # A posting's org must be its account's; its currency too (foreign key).
    with pytest.raises(asyncpg.RaiseError, match="org is not its account"):
        async with connection() as conn:
            j = uuid.uuid4()
            await conn.execute(journal, j, key("raw"))
            await conn.execute(
                "INSERT INTO public.ledger_posting (journal_id, account_id, org_id, line_type,"
                " amount, currency) VALUES ($1, $2, $3, 'earning', 7, 'USD')",
                j,
                cash,
                org,
            )
            await conn.execute(posting, j, revenue, -7)
    # A journal is one currency; a posting's currency is its account's (foreign key).
    with pytest.raises(asyncpg.RaiseError, match="a posting in EUR is refused"):
        async with connection() as conn:
            j = uuid.uuid4()
            await conn.execute(journal, j, key("raw"))
            await conn.execute(
                "INSERT INTO public.ledger_posting (journal_id, account_id, line_type, amount,"
                " currency) VALUES ($1, $2, 'raw', 7, 'EUR')",
                j,
                cash,
            )
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        async with connection() as conn:
            j = uuid.uuid4()
            await conn.execute(
                "INSERT INTO public.ledger_journal (id, kind, key, currency)"
                " VALUES ($1, 'raw', $2, 'EUR')",
                j,
                key("raw"),
            )
            await conn.execute(
                "INSERT INTO public.ledger_posting (journal_id, account_id, line_type, amount,"
                " currency) VALUES ($1, $2, 'raw', 7, 'EUR')",
                j,
                cash,
            )
    with pytest.raises(asyncpg.CheckViolationError):
        await raw(
            "INSERT INTO public.ledger_account (kind, org_id, currency)"
            " VALUES ('developer_pending', NULL, 'USD')"
        )
    assert await ledger.check() == []


async def test_check_reports_what_a_disabled_trigger_let_through(db: None) -> None:
    assert await ledger.check() == []

    class Rollback(Exception):
        pass

    found: list[str] = []
    with pytest.raises(Rollback):
        async with connection() as conn:
            await conn.execute(
                "ALTER TABLE public.ledger_journal DISABLE TRIGGER ledger_journal_balanced"
            )
            cash = await conn.fetchval(
                "SELECT id FROM public.ledger_account WHERE kind = 'platform_cash' LIMIT 1"
            )
            j = uuid.uuid4()
            await conn.execute(
                "INSERT INTO public.ledger_journal (id, kind, key, currency)"
                " VALUES ($1, 'raw', $2, 'USD')",
                j,
                key("raw"),
            )
            await conn.execute(
                "INSERT INTO public.ledger_posting (journal_id, account_id, line_type, amount,"
                " currency) VALUES ($1, $2, 'raw', 42, 'USD')",
                j,
                cash,
            )
            await conn.execute(
                "INSERT INTO public.ledger_journal (kind, key, currency) VALUES ('raw', $1, 'USD')",
                key("empty"),
            )
            found = await ledger.check(conn)
            raise Rollback
    text = "\n".join(found)
    assert "ledger_journal_balanced on ledger_journal is missing or disabled" in text
    assert f"journal {j} sums to 42, not zero" in text
    assert f"journal {j} has a single posting" in text
    assert "has no postings" in text
    assert await ledger.check() == []


async def test_a_key_of_another_kind_is_refused(db: None) -> None:
    org = uuid.uuid4()
    ck, _ = await charge(org, 1_000, 59)
    with pytest.raises(ValueError, match="already used by a charge journal"):
        await ledger.post_refund(key=ck, charge_key=ck, amount=10, occurred_at=NOW)
    with pytest.raises(ValueError, match="already used by a charge journal"):
        await ledger.post("adjustment", ck, "USD", [Line("platform_cash", 1), Line("refunds", -1)])


async def test_settling_while_refunds_are_posted_keeps_every_cent(db: None) -> None:
    """Refunds racing the settlement: each lands on pending before it, on available after."""
    orgs = [uuid.uuid4() for _ in range(20)]
    old = NOW - timedelta(days=30)
    keys = [(await charge(org, 10_000, 320, occurred_at=old))[0] for org in orgs]

    async def refund(k: str) -> None:
        await ledger.post_refund(key=f"{k}:race", charge_key=k, amount=2_500, occurred_at=NOW)

    await asyncio.gather(ledger.settle_due(NOW), *(refund(k) for k in keys), ledger.settle_due(NOW))
    await ledger.settle_due(NOW)  # what a refund's lock made the first ones skip
    for org, k in zip(orgs, keys, strict=True):
        assert await ledger.balances(org) == ledger.Balances(0, 9_680 - 2_420), k
        assert await settlement(k), k


async def test_check_reports_rows_changed_behind_a_disabled_trigger(db: None) -> None:
    async with connection() as conn:
        # the test database's owner is a superuser (resetting table statistics needs one)
        assert await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    org = uuid.uuid4()
    _, jid = await charge(org, 1_000, 59)
    try:
        async with connection() as conn:
            await conn.execute(
                "ALTER TABLE public.ledger_posting DISABLE TRIGGER ledger_posting_append_only"
            )
            await conn.execute(
                "UPDATE public.ledger_posting SET amount = amount WHERE journal_id = $1", jid
            )
            await conn.execute(
                "ALTER TABLE public.ledger_posting ENABLE TRIGGER ledger_posting_append_only"
            )
            await conn.execute("SELECT pg_stat_force_next_flush()")  # when this commits
        for _ in range(50):
            problems = await ledger.check()
            if problems:
                break
            await asyncio.sleep(0.1)
        assert any("ledger_posting: 5 row(s) updated and 0 deleted" in p for p in problems), (
            problems
        )
    finally:
        async with connection() as conn:
            await conn.execute(
                "SELECT pg_stat_reset_single_table_counters('public.ledger_posting'::regclass)"
            )
    assert await ledger.check() == []  # what the suite checks after every test
