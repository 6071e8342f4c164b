"""Issue 15, statements and the revenue dashboard: a developer's monthly statement on a ledger
seeded through the ledger's own builders (charges, refund, dispute and its win, settlement,
payout and its reversal), its equation and the lines behind each figure, the sum of all
statements against the ledger, CSV and PDF downloads, and access across organizations."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import ValidationFailed
from jewelia.platform.commerce import ledger, policy, revenue, statements
from jewelia.platform.marketplace import listings, orgs
from tests.integration.test_marketplace_listings import browser, complete, new_listing, person

# policy v1 takes 0 % below USD 1,000,000 lifetime gross: one big charge crosses the line
BIG = 100_010_000  # USD 1,000,100.00


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _moments() -> tuple[str, datetime, datetime, str, list[datetime]]:
    """This period, its start, the previous period's start and name, and ordered moments
    inside this period before now (so nothing lands in the future)."""
    now = datetime.now(UTC)
    start = _month_start(now)
    prev = _month_start(start - timedelta(days=1))
    span = (now - start) * 0.9
    inside = [start + span * (i + 1) / 12 for i in range(10)]
    return statements.period_of(now), start, prev, statements.period_of(prev), inside


async def _in_txn(coro_fn: Any, **kwargs: Any) -> Any:
    async with DB.transaction():
        return await coro_fn(**kwargs)


async def _owed(org_id: uuid.UUID) -> int:
    async with DB.transaction():
        return (await ledger.balances(org_id)).total


async def _seed(org: dict[str, Any], apps: list[dict[str, Any]]) -> dict[str, Any]:
    """A month of money for one org through the ledger builders; what each step changed."""
    period, _start, prev, prev_period, at = _moments()
    tag = uuid.uuid4().hex[:8]
    org_id = org["id"]
    a, b = apps[0]["id"], apps[1]["id"]

    def ck(n: str) -> str:
        return f"test-charge:{tag}:{n}"

    # last month: a charge that is settled (paid more than the holding period ago)
    await _in_txn(
        ledger.post_charge,
        key=ck("old"),
        org_id=org_id,
        listing_id=a,
        currency="USD",
        gross=4_900,
        fee=172,
        occurred_at=prev + timedelta(days=1),
        source=("test_charge", ck("old")),
    )
    async with DB.transaction():
        await ledger.settle_due(datetime.now(UTC))
    opening = await _owed(org_id)

    # this month: three charges (one crosses the revenue-share line), a refund, a dispute lost
    # then won, a payout and a partial reversal of it
    lifetime_before = 4_900
    charges = [("c1", a, 2_500, 103), ("c2", b, BIG, 2_900_320), ("c3", a, 1_000, 59)]
    current = await policy.current()
    expected_share = 0
    for i, (name, listing, gross, fee) in enumerate(charges):
        await _in_txn(
            ledger.post_charge,
            key=ck(name),
            org_id=org_id,
            listing_id=listing,
            currency="USD",
            gross=gross,
            fee=fee,
            occurred_at=at[i],
            source=("test_charge", ck(name)),
        )
        expected_share += policy.share(gross, lifetime_before, current)
        lifetime_before += gross
    before = await _owed(org_id)
    await _in_txn(
        ledger.post_refund,
        key=f"test-refund:{tag}",
        charge_key=ck("c1"),
        amount=1_000,
        occurred_at=at[3],
        source=("test_refund", tag),
    )
    refund_effect = before - await _owed(org_id)
    # a refund of last month's settled charge comes out of the available balance
    before = await _owed(org_id)
    async with DB.transaction():
        available_before = (await ledger.balances(org_id)).available
    await _in_txn(
        ledger.post_refund,
        key=f"test-refund-old:{tag}",
        charge_key=ck("old"),
        amount=490,
        occurred_at=at[6],
        source=("test_refund", tag),
    )
    refund_effect += before - await _owed(org_id)
    async with DB.transaction():
        assert (await ledger.balances(org_id)).available < available_before
    before = await _owed(org_id)
    await _in_txn(
        ledger.post_dispute,
        key=f"test-dispute:{tag}",
        charge_key=ck("c3"),
        amount=1_000,
        occurred_at=at[4],
        source=("test_dispute", tag),
    )
    dispute_effect = before - await _owed(org_id)
    await _in_txn(
        ledger.post_dispute_won,
        key=f"test-won:{tag}",
        dispute_key=f"test-dispute:{tag}",
        occurred_at=at[5],
        source=("test_dispute", tag),
    )
    assert await _owed(org_id) == before
    async with DB.transaction():
        available = (await ledger.balances(org_id)).available
    payout = min(available, 3_000)
    await _in_txn(
        ledger.post_payout,
        key=f"test-payout:{tag}",
        org_id=org_id,
        amount=payout,
        currency="USD",
        transfer_id=f"tr_test_{tag}",
        period=prev_period,
    )
    await _in_txn(
        ledger.post_payout_reversal,
        key=f"test-reversal:{tag}",
        org_id=org_id,
        amount=500,
        currency="USD",
        transfer_id=f"tr_test_{tag}",
    )
    return {
        "period": period,
        "prev_period": prev_period,
        "opening": opening,
        "gross": sum(c[2] for c in charges),
        "fees": sum(c[3] for c in charges),
        "share": expected_share,
        "refund_effect": refund_effect,
        "dispute_effect": dispute_effect,
        "payouts": payout - 500,
    }


async def _org_with_apps() -> tuple[Any, dict[str, Any], list[dict[str, Any]]]:
    user = await person("payee")
    org, one, _ = await new_listing(user)
    two, _ = await listings.create_listing(user.id, org["id"], complete())
    return user, org, [one, two]


async def _developer_postings(org_id: uuid.UUID, period: str) -> list[dict[str, Any]]:
    start, end = statements.parse_period(period)
    return await fetch(
        "SELECT p.id, p.line_type, p.amount FROM public.ledger_posting p"
        " JOIN public.ledger_journal j ON j.id = p.journal_id"
        " WHERE p.org_id = $1 AND j.occurred_at >= $2 AND j.occurred_at < $3",
        org_id,
        start,
        end,
    )


async def test_statement_equation_and_lines_on_a_seeded_ledger(db: None) -> None:
    _, org, apps = await _org_with_apps()
    _, other, other_apps = await _org_with_apps()
    seeded = await _seed(org, apps)
    await _in_txn(
        ledger.post_charge,
        key=f"test-charge:{uuid.uuid4().hex}",
        org_id=other["id"],
        listing_id=other_apps[0]["id"],
        currency="USD",
        gross=700,
        fee=50,
        occurred_at=_moments()[4][0],
        source=None,
    )
    st = await statements.statement(org["id"], seeded["period"])

    # the figures, each measured independently of the statement
    assert st.opening == seeded["opening"] > 0
    assert st.earnings == seeded["gross"]
    assert st.fees == seeded["fees"]
    assert st.share == seeded["share"] > 0
    assert st.refunds == seeded["refund_effect"] > 0  # the dispute was won: it nets out
    assert seeded["dispute_effect"] > 0
    assert st.payouts == seeded["payouts"] > 0
    assert st.other == 0
    assert st.closing == st.opening + st.earnings - st.share - st.fees - st.refunds - st.payouts
    async with DB.transaction():
        bal = await ledger.balances(org["id"])
    assert (st.closing_pending, st.closing_available) == (bal.pending, bal.available)
    assert st.closing == bal.total

    # the lines: every developer posting of the period except settlements, nothing of others
    raw = await _developer_postings(org["id"], seeded["period"])
    behind = {r["id"] for r in raw if r["line_type"] != "settle"}
    assert {line.posting_id for line in st.lines} == behind
    for key in ("earnings", "share", "fees", "refunds", "payouts"):
        assert sum(line.amount for line in st.lines_of(key)) == getattr(st, key), key
    assert sum(line.effect for line in st.lines) == st.closing - st.opening
    names = {a["name"] for a in apps}
    assert {line.app for line in st.lines_of("earnings")} == names
    assert all(line.reference for line in st.lines)
    assert {line.line_type for line in st.lines_of("refunds")} >= {
        "refund",
        "dispute",
        "dispute_won",
    }
    assert {line.line_type for line in st.lines_of("payouts")} == {"payout", "payout_reversal"}

    # last month's closing is this month's opening; the list page agrees with the statement
    prev = await statements.statement(org["id"], seeded["prev_period"])
    assert prev.closing == st.opening and prev.earnings == 4_900
    listed = {s.period: s for s in await statements.periods(org["id"])}
    assert listed[seeded["period"]].closing == st.closing
    assert listed[seeded["prev_period"]].closing == prev.closing
    for key in ("opening", "earnings", "share", "fees", "refunds", "payouts"):
        assert getattr(listed[seeded["period"]], key) == getattr(st, key), key

    # a period with nothing yet (last year) is all zero; a bad period is a field error
    empty = await statements.statement(org["id"], "2001-01")
    assert (empty.opening, empty.closing, empty.lines) == (0, 0, [])
    with pytest.raises(ValidationFailed) as bad:
        statements.parse_period("2026-13")
    assert bad.value.by_field() == {"period": "Use YYYY-MM, e.g. 2026-11"}


async def test_sum_of_statements_equals_the_ledger(db: None) -> None:
    for _ in range(2):
        _, org, apps = await _org_with_apps()
        await _seed(org, apps)
    period = _moments()[0]
    assert await statements.check(period) == []
    assert await statements.check(_moments()[3]) == []
    total = 0
    available = 0
    count = 0
    async for st in statements.all_statements(period):
        total += st.closing
        available += st.closing_available
        count += 1
    assert count >= 2
    assert total == await statements.ledger_owed(period)
    async with DB.transaction():
        assert available == sum((await ledger.available_balances()).values())
    # without lines, the same figures
    lean = [s.closing async for s in statements.all_statements(period, with_lines=False)]
    assert sum(lean) == total


async def test_statement_pages_csv_pdf_and_access(db: None, app: Any) -> None:
    owner, org, apps = await _org_with_apps()
    seeded = await _seed(org, apps)
    period = seeded["period"]
    st = await statements.statement(org["id"], period)
    member = await person("member")
    await orgs.add_member(owner.id, org["id"], member.email, "developer")
    outsider, other_org, _ = await _org_with_apps()
    base = f"/partners/{org['slug']}"

    async with browser(app, member.email) as b:
        listing = await b.get(f"{base}/statements")
        assert listing.status_code == 200
        assert f'data-period="{period}"' in listing.text
        assert f'data-period="{seeded["prev_period"]}"' in listing.text
        page = await b.get(f"{base}/statements/{period}")
        assert page.status_code == 200
        closing_text = _usd(st.closing)
        assert f'<strong id="closing">{closing_text}</strong>' in page.text
        for line in st.lines:
            assert f'data-posting="{line.posting_id}"' in page.text
        assert apps[0]["name"] in page.text

        got = await b.get(f"{base}/statements/{period}/csv")
        assert got.status_code == 200
        assert got.headers["content-type"] == "text/csv; charset=utf-8"
        assert f"statement-{org['slug']}-{period}.csv" in got.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(got.text)))
        summary = {r["figure"]: r["amount"] for r in rows if r["row"] == "summary"}
        assert summary["closing"] == str(statements.major(st.closing))
        assert summary["opening"] == str(statements.major(st.opening))
        lines = [r for r in rows if r["row"] == "line"]
        assert len(lines) == len(st.lines)
        assert {int(r["posting_id"]) for r in lines} == {x.posting_id for x in st.lines}
        effect = sum(ledger.to_minor(Decimal(r["amount"]), "USD") for r in lines)
        assert effect == st.closing - st.opening

        pdf = await b.get(f"{base}/statements/{period}/pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
        assert pdf.content.rstrip().endswith(b"%%EOF")
        closing_pdf = f"{statements.major(st.closing):,.2f} USD".encode()
        assert closing_pdf in pdf.content
        assert b"Closing balance" in pdf.content

        rev = await b.get(f"{base}/revenue")
        assert rev.status_code == 200
        assert 'id="earnings-chart"' in rev.text and 'id="installs-chart"' in rev.text
        assert apps[1]["name"] in rev.text
        async with DB.transaction():
            bal = await ledger.balances(org["id"])
        assert f'id="available">{_usd(bal.available)}<' in rev.text
        assert f'id="pending">{_usd(bal.pending)}<' in rev.text
        assert "15" in rev.text  # the policy in words

        # future and malformed periods
        # future and malformed periods answer the site's HTML error page, whatever the Accept
        # header asks (httpx sends */*)
        for path, status in (
            (f"{base}/statements/2999-01", 404),
            (f"{base}/statements/2026-13", 422),
            (f"{base}/statements/2030-01/pdf", 404),
            (f"{base}/statements/2026-13/csv", 422),
        ):
            for accept in ("*/*", "text/html"):
                r = await b.get(path, headers={"Accept": accept})
                assert r.status_code == status, (path, accept)
                assert r.headers["content-type"].startswith("text/html"), (path, accept)
                assert "<html" in r.text.lower() and not r.text.startswith("{"), path

    # an outsider (a member of another org) sees none of it
    async with browser(app, outsider.email) as b:
        for path in (
            f"{base}/statements",
            f"{base}/statements/{period}",
            f"{base}/statements/{period}/csv",
            f"{base}/statements/{period}/pdf",
            f"{base}/revenue",
        ):
            r = await b.get(path)
            assert r.status_code == 404, path
            assert str(statements.major(st.closing)) not in r.text
        own = await b.get(f"/partners/{other_org['slug']}/statements")
        assert own.status_code == 200 and "No statements yet" in own.text


def _usd(minor: int) -> str:
    from jewelia.web.partners.statements import usd

    return usd(minor)


async def test_revenue_dashboard_figures(db: None) -> None:
    _, org, apps = await _org_with_apps()
    seeded = await _seed(org, apps)
    tenants = await fetch("SELECT id FROM public.tenant WHERE status = 'active' LIMIT 3")
    assert len(tenants) == 3
    now = datetime.now(UTC)
    start = _month_start(now)
    prev = _month_start(start - timedelta(days=1))
    # installs: two last month (one uninstalled this month), one this month
    for i, t in enumerate(tenants):
        installed = prev + timedelta(days=2) if i < 2 else start + (now - start) / 2
        uninstalled = start + (now - start) / 3 if i == 0 else None
        await execute(
            "INSERT INTO public.app_install (id, listing_id, tenant_id, scopes, installed_at,"
            " uninstalled_at) VALUES (gen_random_uuid(), $1, $2, '{}', $3, $4)",
            apps[0]["id"],
            t["id"],
            installed,
            uninstalled,
        )
    d = await revenue.dashboard(org["id"])
    months = {m["month"]: m for m in d["months"]}
    assert len(d["months"]) == 12 and d["months"][-1]["month"] == seeded["period"]
    assert months[seeded["period"]]["gross"] == seeded["gross"]
    assert months[seeded["prev_period"]]["gross"] == 4_900
    st = await statements.statement(org["id"], seeded["period"])
    assert months[seeded["period"]]["net"] == st.earnings - st.share - st.fees - st.refunds
    by_app = {a["id"]: a for a in d["apps"]}
    assert by_app[apps[1]["id"]]["gross"] == BIG
    assert sum(a["gross"] for a in d["apps"]) == seeded["gross"] + 4_900
    assert d["lifetime_gross"] == seeded["gross"] + 4_900
    inst = {m["month"]: m for m in d["installs"]}
    assert inst[seeded["prev_period"]]["installs"] == 2
    this = inst[seeded["period"]]
    assert (this["installs"], this["uninstalls"], this["active_at_start"]) == (1, 1, 2)
    assert this["churn"] == 50.0
    assert d["active_total"] == 2
    async with DB.transaction():
        bal = await ledger.balances(org["id"])
    assert (d["pending"], d["available"]) == (bal.pending, bal.available)
    assert d["policy"]
