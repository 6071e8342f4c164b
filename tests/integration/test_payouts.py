"""Issue 15, developer payouts: payout settings (Stripe Connect Express onboarding through account
links against the Stripe-like test server, the tax profile's field errors and masked TIN), the
monthly payout run on a real worker (each available balance paid exactly once, keyed
payout:<period>:<org> at Stripe and in the ledger; below-minimum and blocked balances roll
over; a second run pays nothing new), daily reconciliation finding injected mismatches, and the
staff page.

The run tests use an installation of their own (tests/isolated.py, Redis db 13) whose worker
talks to a FakeStripe in this process, so the suite's shared worker never pays these payouts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import redis

from jewelia.core.db import execute, fetch
from jewelia.core.errors import ValidationFailed
from jewelia.core.settings import reset_settings
from jewelia.platform.commerce import connect
from jewelia.platform.marketplace import orgs
from tests.fake_stripe import FakeStripe
from tests.integration.test_marketplace_listings import browser, person, staff_user
from tests.integration.test_pages import CSRF, form_post
from tests.isolated import Isolated, stop, wait_until

# Seeds developer orgs in an installation: argv[1] is a JSON list of [amount_minor, state]
# (state: ready | no_tax | no_account | not_enabled | refused: enabled in our database but
# never onboarded at Stripe, which refuses transfers to it). Each org gets an owner, its available
# balance as one journal, a Connect account made through the gateway (not for no_account) and
# a W-9 tax profile (not for no_tax). Prints [{org, account, amount, state}].
SEED = textwrap.dedent(
    """
    import asyncio, json, sys, uuid
    from jewelia.core.db import DB, execute, start_db
    from jewelia.core.settings import get_settings
    from jewelia.platform.billing import stripe_gateway
    from jewelia.platform.commerce import connect, ledger

    async def main() -> None:
        await start_db(get_settings().database_url, min_size=1, max_size=4)
        out = []
        tag = uuid.uuid4().hex[:8]
        for n, (amount, state) in enumerate(json.loads(sys.argv[1])):
            user, org = uuid.uuid4(), uuid.uuid4()
            async with DB.transaction():
                await execute(
                    "INSERT INTO public.app_user (id, email, full_name, password_hash)"
                    " VALUES ($1, $2, 'Dev', 'x')", user, f"dev-{tag}-{n}@example.com")
                await execute(
                    "INSERT INTO public.developer_org (id, name, slug, created_by)"
                    " VALUES ($1, $2, $3, $4)", org, f"Dev {tag} {n}", f"dev-{tag}-{n}", user)
                await execute(
                    "INSERT INTO public.developer_member (org_id, user_id, role)"
                    " VALUES ($1, $2, 'owner')", org, user)
                if amount:
                    await ledger.post(
                        "seed", f"seed:{org}", "USD",
                        [ledger.Line("platform_cash", amount),
                         ledger.Line("developer_available", -amount, org_id=org,
                                     line_type="earning")],
                        memo="test seed")
            account = None
            if state != "no_account":
                account = stripe_gateway.create_express_account(
                    email=f"dev-{tag}-{n}@example.com", org_id=str(org), key=f"connect:{org}")
                await execute(
                    "INSERT INTO public.connect_account (org_id, stripe_account_id,"
                    " payouts_enabled, details_submitted) VALUES ($1, $2, $3, $3)",
                    org, account, state != "not_enabled")
            if state != "no_tax":
                await connect.save_tax_profile(org, user, {
                    "form": "w9", "legal_name": f"Dev {n} LLC", "tin_type": "ein",
                    "tin": "12-3456789"})
            out.append({"org": str(org), "user": str(user), "account": account,
                        "amount": amount, "state": state})
        print(json.dumps(out))

    asyncio.run(main())
    """
)

# Runs one commerce function in an installation (the broker registered, so a close enqueues
# its payouts to the installation's worker); prints its JSON result.
CALL = textwrap.dedent(
    """
    import asyncio, datetime as dt, json, sys, uuid
    import jewelia.workers.broker  # the jobs port's broker
    from jewelia.core.db import start_db
    from jewelia.core.settings import get_settings
    from jewelia.platform.commerce import ledger, payouts, reconcile

    async def main() -> None:
        await start_db(get_settings().database_url, min_size=1, max_size=4)
        what, arg = sys.argv[1], sys.argv[2]
        if what == "close":
            result = await payouts.close_period(arg, dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
        elif what == "close_due":
            result = await payouts.close_due(dt.datetime.fromisoformat(arg))
        elif what == "reconcile":
            result = await reconcile.run(dt.date.fromisoformat(arg))
        elif what == "balances":
            result = {str(k): v for k, v in (await ledger.available_balances("USD")).items()}
        elif what == "reversed":
            from jewelia.core.db import DB
            async with DB.transaction():
                result = await payouts.on_transfer_reversed(json.loads(arg))
        elif what == "check":
            result = await ledger.check()
        else:
            raise SystemExit(what)
        print(json.dumps(result, default=str))

    asyncio.run(main())
    """
)


class Site:
    """An installation with its worker, talking to `fake`."""

    def __init__(
        self,
        fake: FakeStripe,
        tmp: Path,
        database: str,
        redis_db: int,
        start: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.fake = fake
        self.iso = Isolated(
            database, redis_db, {**fake.env(), "JEWELIA_DEV_MODE": "1", **(env or {})}
        )
        self.log = tmp / "worker.log"
        self.worker = self.iso.start_worker(self.log) if start else None

    def seed(self, spec: list[tuple[int, str]]) -> list[dict[str, Any]]:
        made = json.loads(self.iso.python("-c", SEED, json.dumps(spec)).strip().splitlines()[-1])
        for org in made:
            if org["state"] in ("ready", "no_tax"):
                self.fake.onboard(org["account"])
        return made  # type: ignore[no-any-return]

    def call(self, what: str, arg: str = "") -> Any:
        return json.loads(self.iso.python("-c", CALL, what, arg).strip().splitlines()[-1])

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(self.iso.database_url)
            try:
                return [dict(r) for r in await conn.fetch(sql, *args)]
            finally:
                await conn.close()

        return asyncio.run(run())

    def pending(self, period: str) -> int:
        rows = self.query(
            "SELECT count(*) AS n FROM public.payout WHERE period = $1 AND status = 'pending'",
            period,
        )
        return int(rows[0]["n"])

    def close_and_wait(self, period: str) -> dict[str, Any]:
        self.call("close", period)
        wait_until(lambda: self.pending(period) == 0, 120, f"the {period} payouts")
        summary = self.query("SELECT status FROM public.payout_run WHERE period = $1", period)
        assert summary and summary[0]["status"] == "done"
        return {
            r["org_id"]: r
            for r in self.query("SELECT * FROM public.payout WHERE period = $1", period)
        }


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as stripe:
        yield stripe


@pytest.fixture(scope="module")
def site(db: None, fake: FakeStripe, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = Site(fake, tmp_path_factory.mktemp("payouts"), "jewelia_payouts", 13)
    try:
        yield s
    finally:
        if s.worker is not None:
            stop(s.worker)


@pytest.fixture
def stripe_env(fake: FakeStripe) -> Iterator[FakeStripe]:
    """This process's settings point at the fake (pages and services called in-process)."""
    saved = {k: os.environ.get(k) for k in fake.env()}
    os.environ.update(fake.env())
    reset_settings()
    try:
        yield fake
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_settings()


def _uid(org: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(org["org"])


# --- payout settings ---------------------------------------------------------------------


async def _org_of(owner: Any) -> dict[str, Any]:
    return await orgs.create_org(owner.id, f"Payout Labs {uuid.uuid4().hex[:4]}")


async def _post_no_follow(b: Any, page: str, action: str, data: dict[str, str]) -> Any:
    token = CSRF.search((await b.get(page)).text)
    assert token
    return await b.post(
        action, data={**data, "_csrf_token": token.group(1)}, follow_redirects=False
    )


async def test_onboarding_round_trip(db: None, app: Any, stripe_env: FakeStripe) -> None:
    fake = stripe_env
    owner, dev = await person("payee"), await person("payeedev")
    org = await _org_of(owner)
    await orgs.add_member(owner.id, org["id"], dev.email, "developer")
    page = f"/partners/{org['slug']}/payouts"
    async with browser(app, dev.email) as b:  # developers do not see payout settings
        assert (await b.get(page)).status_code == 403
    async with browser(app, owner.email) as b:
        first = await b.get(page)
        assert first.status_code == 200
        assert "USD 25.00" in first.text and 'id="start-onboarding"' in first.text
        assert 'id="policy-text"' in first.text
        assert 'id="payouts-link"' in (await b.get(f"/partners/{org['slug']}")).text
        accounts_before = len(fake.all("account"))
        go = await _post_no_follow(b, page, f"{page}/onboard", {})
        assert go.status_code in (302, 303)
        assert go.headers["location"].startswith("https://connect.stripe.test/setup/")
        acct = await connect.account(org["id"])
        assert acct and not acct["payouts_enabled"]
        pending = await b.get(page)
        assert 'id="continue-onboarding"' in pending.text
        # A second start (the link expired: Stripe's refresh URL) keeps the one account
        again = await b.get(f"{page}/onboard", follow_redirects=False)
        assert again.headers["location"].startswith("https://connect.stripe.test/setup/")
        assert again.headers["location"] != go.headers["location"]
        assert len(fake.all("account")) == accounts_before + 1
        assert fake.get(acct["stripe_account_id"])["type"] == "express"
        link = next(r for r in reversed(fake.requests) if r[1] == "/v1/account_links")
        assert link[2]["return_url"].endswith(f"{page}?onboarding=return")
        assert link[2]["refresh_url"].endswith(f"{page}/onboard")
        assert link[2]["account"] == acct["stripe_account_id"]
        # The developer finishes at Stripe and comes back: the status is re-read
        fake.onboard(acct["stripe_account_id"])
        back = await b.get(f"{page}?onboarding=return")
        assert "Stripe has enabled payouts" in back.text
        assert "payouts enabled" in back.text
        assert (await connect.account(org["id"]))["payouts_enabled"]  # type: ignore[index]


async def test_account_updated_event_sets_status(db: None, client: Any, stripe_env: Any) -> None:
    fake = stripe_env
    owner = await person("payee")
    org = await _org_of(owner)
    await connect.start_onboarding(org["id"], owner.id, "http://testserver.local")
    acct = await connect.account(org["id"])
    assert acct
    fake.onboard(acct["stripe_account_id"])
    event = fake.events_of("account.updated")[-1]
    payload, signature = fake.signed(event)
    r = await client.post(
        "/billing/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}
    )
    assert r.status_code == 200 and r.json()["status"] == "processed", r.text
    assert (await connect.account(org["id"]))["payouts_enabled"]  # type: ignore[index]


async def test_connect_events_verify_with_their_own_secret_and_reread_the_account(
    db: None, client: Any, stripe_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Connect endpoint's events verify with STRIPE_CONNECT_WEBHOOK_SECRET; account.updated
    re-reads the account (a stale body changes nothing); app-charge handlers ignore events of
    connected accounts."""
    fake = stripe_env
    monkeypatch.setenv("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_connect_endpoint")
    owner = await person("payee")
    org = await _org_of(owner)
    await connect.start_onboarding(org["id"], owner.id, "http://testserver.local")
    acct = await connect.account(org["id"])
    assert acct
    fake.onboard(acct["stripe_account_id"])
    event = json.loads(json.dumps(fake.events_of("account.updated")[-1]))
    assert event["account"] == acct["stripe_account_id"]
    event["data"]["object"]["payouts_enabled"] = False  # an older state delivered late
    hook = "/billing/stripe/webhook"
    payload, _ = fake.signed(event)
    bad = await client.post(
        hook, content=payload, headers={"Stripe-Signature": fake.signature(payload, "whsec_x")}
    )
    assert 400 <= bad.status_code < 500
    payload, signature = fake.signed(event, "whsec_connect_endpoint")
    r = await client.post(hook, content=payload, headers={"Stripe-Signature": signature})
    assert r.status_code == 200 and r.json()["status"] == "processed", r.text
    assert (await connect.account(org["id"]))["payouts_enabled"]  # type: ignore[index]
    charge_event = {
        "id": f"evt_{uuid.uuid4().hex[:20]}",
        "object": "event",
        "type": "charge.refunded",
        "account": acct["stripe_account_id"],
        "created": int(dt.datetime.now(dt.UTC).timestamp()),
        "data": {
            "object": {
                "id": "ch_connected",
                "object": "charge",
                "payment_intent": "pi_connected",
                "currency": "usd",
                "amount_refunded": 100,
            }
        },
    }
    payload, signature = fake.signed(charge_event, "whsec_connect_endpoint")
    r = await client.post(hook, content=payload, headers={"Stripe-Signature": signature})
    assert r.status_code == 200 and r.json()["status"] == "ignored", r.text


async def test_tax_profile_errors_and_masking(db: None, app: Any) -> None:
    owner = await person("payee")
    org = await _org_of(owner)
    page = f"/partners/{org['slug']}/payouts"
    async with browser(app, owner.email) as b:
        bad = await form_post(
            b,
            page,
            {"form": "w9", "legal_name": "", "tin_type": "ssn", "tin": "12-34"},
            f"{page}/tax",
        )
        assert bad.status_code == 422
        for name in ("legal_name", "tin"):
            assert f'data-field="{name}"' in bad.text
        assert "12-34" not in bad.text  # a TIN is never echoed back
        w8 = await form_post(
            b,
            page,
            {"form": "w8ben", "legal_name": "Anne Bijou", "country": "US", "foreign_tin": "!"},
            f"{page}/tax",
        )
        assert w8.status_code == 422
        for name in ("country", "foreign_tin"):
            assert f'data-field="{name}"' in w8.text
        other = await form_post(b, page, {"form": "w2"}, f"{page}/tax")
        assert 'data-field="form"' in other.text
        assert await connect.tax_profile(org["id"]) is None
        ok = await form_post(
            b,
            page,
            {"form": "w9", "legal_name": "Payout Labs LLC", "tin_type": "ein", "tin": "12-3456789"},
            f"{page}/tax",
        )
        assert ok.status_code == 200 and "Tax profile saved." in ok.text
        assert "••-•••6789" in ok.text and "3456789" not in ok.text
    stored = (await fetch("SELECT * FROM public.tax_profile WHERE org_id = $1", org["id"]))[0]
    assert "3456789" not in stored["tin_encrypted"] and stored["tin_last4"] == "6789"
    assert await connect.reveal_tin(org["id"]) == "123456789"
    w8 = await connect.save_tax_profile(
        org["id"],
        owner.id,
        {"form": "w8ben", "legal_name": "Anne Bijou", "country": "fr", "foreign_tin": "FR 12345"},
    )
    assert w8["country"] == "FR" and w8["tin_masked"] == "••••2345"
    # Only assigned ISO 3166-1 alpha-2 codes: ZZ and XK are two letters but no country code
    for code in ("ZZ", "xk", "F1"):
        with pytest.raises(ValidationFailed) as refused:
            connect.clean_tax_profile(
                {"form": "w8ben", "legal_name": "A", "country": code, "foreign_tin": "FR 12345"}
            )
        assert [e["field"] for e in refused.value.errors] == ["country"], code
    assert (
        connect.clean_tax_profile(
            {"form": "w8ben", "legal_name": "A", "country": "ax", "foreign_tin": "AX 12345"}
        )["country"]
        == "AX"
    )


# --- the monthly run ---------------------------------------------------------------------


def test_payout_run_pays_each_balance_once(site: Site) -> None:
    fake = site.fake
    orgs_ = site.seed(
        [
            (12_345, "ready"),
            (2_500, "ready"),  # exactly the minimum is paid
            (990_001, "ready"),
            (2_499, "ready"),  # below the minimum: rolls over
            (-700, "ready"),  # negative: carries into the next period
            (8_000, "no_tax"),
            (9_000, "no_account"),
            (7_000, "not_enabled"),
            (5_000, "refused"),  # enabled here, but Stripe refuses the transfer: fails, rolls over
            (0, "ready"),  # nothing owed: no row
        ]
    )
    mine = {o["org"] for o in orgs_}
    period = "2026-10"
    rows = site.close_and_wait(period)
    by_org = {str(k): v for k, v in rows.items() if str(k) in mine}
    expected = {
        o["org"]: (
            "failed"
            if o["state"] == "refused"
            else "paid"
            if o["amount"] >= 2500 and o["state"] == "ready"
            else "skipped_minimum"
            if o["amount"] < 2500
            else "blocked"
        )
        for o in orgs_
        if o["amount"] != 0
    }
    assert {k: v["status"] for k, v in by_org.items()} == expected
    transfers = fake.transfers
    for o in orgs_:
        key = f"payout:{period}:{o['org']}"
        if expected.get(o["org"]) == "paid":
            assert len(transfers[key]) == 1, key
            tr = transfers[key][0]
            assert tr["amount"] == o["amount"] and tr["destination"] == o["account"]
            assert by_org[o["org"]]["transfer_id"] == tr["id"]
        else:
            assert key not in transfers
    balances = site.call("balances")
    for o in orgs_:
        left = balances.get(o["org"], 0)
        assert left == (0 if expected.get(o["org"]) == "paid" else o["amount"]), o
    journals = site.query(
        "SELECT key FROM public.ledger_journal WHERE key LIKE $1", f"payout:{period}:%"
    )
    assert {j["key"] for j in journals} >= {
        f"payout:{period}:{o}" for o, s in expected.items() if s == "paid"
    }
    assert site.call("check") == []
    # Managers of paid orgs got an email; blocked ones heard why
    mails = site.query("SELECT to_address, subject FROM public.email_outbox")
    subjects = " ".join(m["subject"] for m in mails)
    assert "Payout sent: USD 123.45 for 2026-10" in subjects
    assert "Your 2026-10 payout is on hold" in subjects

    # The same period again pays nothing new
    count = sum(len(v) for v in fake.transfers.values())
    site.call("close", period)
    assert sum(len(v) for v in fake.transfers.values()) == count

    # The next period: paid orgs have nothing; the blocked one now has a tax profile and the one
    # below the minimum earned more, so their rolled-over balances are paid in full
    no_tax = next(o for o in orgs_ if o["state"] == "no_tax")
    small = next(o for o in orgs_ if o["amount"] == 2_499)
    site.query(
        "INSERT INTO public.tax_profile (org_id, form, legal_name, tin_type, tin_encrypted,"
        " tin_last4, country) VALUES ($1, 'w9', 'Late LLC', 'ein', 'x', '6789', 'US')",
        _uid(no_tax),
    )
    site.iso.python(
        "-c",
        textwrap.dedent(
            """
            import asyncio, sys, uuid
            from jewelia.core.db import DB, start_db
            from jewelia.core.settings import get_settings
            from jewelia.platform.commerce import ledger
            async def main():
                await start_db(get_settings().database_url, min_size=1, max_size=2)
                org = uuid.UUID(sys.argv[1])
                async with DB.transaction():
                    await ledger.post("seed", f"seed2:{org}", "USD", [
                        ledger.Line("platform_cash", 600),
                        ledger.Line("developer_available", -600, org_id=org, line_type="earning")])
            asyncio.run(main())
            """
        ),
        small["org"],
    )
    second = site.close_and_wait("2026-11")
    mine2 = {str(k): v for k, v in second.items() if str(k) in mine}
    assert mine2[no_tax["org"]]["status"] == "paid"
    assert mine2[no_tax["org"]]["amount_minor"] == 8_000
    assert mine2[small["org"]]["status"] == "paid"
    assert mine2[small["org"]]["amount_minor"] == 3_099
    for o in orgs_:
        if expected.get(o["org"]) == "paid":
            assert o["org"] not in mine2  # nothing left to pay
            assert len(fake.transfers[f"payout:{period}:{o['org']}"]) == 1
    for keyed in fake.transfers.values():
        assert len(keyed) == 1  # no key paid twice, ever
    assert site.call("check") == []


DEBIT = textwrap.dedent(
    """
    import asyncio, sys, uuid
    from jewelia.core.db import DB, start_db
    from jewelia.core.settings import get_settings
    from jewelia.platform.commerce import ledger
    async def main():
        await start_db(get_settings().database_url, min_size=1, max_size=2)
        org, amount = uuid.UUID(sys.argv[1]), int(sys.argv[2])
        async with DB.transaction():
            await ledger.post("refund", f"debit:{org}:{amount}", "USD", [
                ledger.Line("platform_cash", -amount),
                ledger.Line("developer_available", amount, org_id=org, line_type="refund")])
    asyncio.run(main())
    """
)


def test_money_taken_back_after_the_close_is_not_paid(site: Site) -> None:
    """A refund between the close and the transfer: the payout sends what is left (or skips
    it below the minimum), fixed before the first attempt so every retry sends the same."""
    fake = site.fake
    assert site.worker is not None
    stop(site.worker)  # the close's wake-ups wait in Redis until the worker is back
    site.worker = None
    try:
        big, small = site.seed([(10_000, "ready"), (3_000, "ready")])
        site.call("close", "2026-08")
        site.iso.python("-c", DEBIT, big["org"], "4000")
        site.iso.python("-c", DEBIT, small["org"], "1000")
    finally:
        site.worker = site.iso.start_worker(site.log)
    wait_until(lambda: site.pending("2026-08") == 0, 120, "the 2026-08 payouts")
    rows = {
        str(r["org_id"]): r
        for r in site.query("SELECT * FROM public.payout WHERE period = '2026-08'")
    }
    assert (rows[big["org"]]["status"], rows[big["org"]]["amount_minor"]) == ("paid", 6_000)
    assert "reduced from USD 100.00" in rows[big["org"]]["reason"]
    assert [t["amount"] for t in fake.transfers[f"payout:2026-08:{big['org']}"]] == [6_000]
    assert rows[small["org"]]["status"] == "skipped_minimum"
    assert f"payout:2026-08:{small['org']}" not in fake.transfers
    balances = site.call("balances")
    assert (balances[big["org"]], balances[small["org"]]) == (0, 2_000)
    assert site.call("check") == []


def test_reconciliation_finds_injected_mismatches(site: Site) -> None:
    fake = site.fake
    orgs_ = site.seed([(4_000, "ready")])
    site.close_and_wait("2026-09")
    today = site.query("SELECT (now() AT TIME ZONE 'UTC')::date AS d")[0]["d"]
    # Stripe-only money: a transfer nobody journaled
    stray = site.iso.python(
        "-c",
        "from jewelia.platform.billing import stripe_gateway as g; import sys;"
        "print(g.create_transfer(account_id=sys.argv[1], amount_minor=1234, currency='usd',"
        " key='stray-transfer', metadata={})['id'])",
        orgs_[0]["account"],
    ).strip()
    other = site.iso.python(
        "-c",
        "from jewelia.platform.billing import stripe_gateway as g; import sys;"
        "print(g.create_transfer(account_id=sys.argv[1], amount_minor=1000, currency='usd',"
        " key='short-transfer', metadata={})['id'])",
        orgs_[0]["account"],
    ).strip()
    # Ledger-only money: a journal with a Stripe source Stripe never saw; and one whose amount
    # differs from Stripe's
    site.iso.python(
        "-c",
        textwrap.dedent(
            """
            import asyncio, sys
            from jewelia.core.db import DB, start_db
            from jewelia.core.settings import get_settings
            from jewelia.platform.commerce import ledger
            async def main():
                await start_db(get_settings().database_url, min_size=1, max_size=2)
                async with DB.transaction():
                    await ledger.post("seed", "ghost-charge", "USD", [
                        ledger.Line("platform_cash", 999), ledger.Line("platform_revenue", -999)],
                        source=("charge", "ch_ghost"))
                    await ledger.post("seed", "short-transfer", "USD", [
                        ledger.Line("platform_cash", -900), ledger.Line("platform_revenue", 900)],
                        source=("transfer", sys.argv[1]))
            asyncio.run(main())
            """
        ),
        other,
    )
    day = site.call("reconcile", today.isoformat())
    exceptions = site.query(
        "SELECT kind, source_id, stripe_amount, ledger_amount FROM public.reconcile_exception"
        " WHERE day = $1",
        today,
    )
    found = {(e["kind"], e["source_id"]): e for e in exceptions}
    assert ("missing_journal", stray) in found
    assert found[("missing_journal", stray)]["stripe_amount"] == -1234
    assert ("missing_stripe", "ch_ghost") in found
    differs = found[("amount_differs", other)]
    assert (differs["stripe_amount"], differs["ledger_amount"]) == (-1000, -900)
    paid = site.query("SELECT transfer_id FROM public.payout WHERE transfer_id IS NOT NULL")
    assert paid and not [
        e for e in exceptions if e["source_id"] in {p["transfer_id"] for p in paid}
    ]
    assert day["matched"] >= 1
    # Once per day: a second run adds nothing
    again = site.call("reconcile", today.isoformat())
    assert again["exceptions"] == day["exceptions"]
    assert len(site.query("SELECT 1 FROM public.reconcile_exception WHERE day = $1", today)) == len(
        exceptions
    )
    # A reversed transfer: the reversed amount is owed to the developer again, once
    key = f"payout:2026-09:{orgs_[0]['org']}"
    transfer_id = fake.transfers[key][0]["id"]
    site.iso.python(
        "-c",
        "from jewelia.platform.billing import stripe_gateway as g; import sys;"
        "g.reverse_transfer(sys.argv[1], amount_minor=1500, key='reverse-1')",
        transfer_id,
    )
    event = [
        e for e in fake.events_of("transfer.reversed") if e["data"]["object"]["id"] == transfer_id
    ]
    obj = json.dumps(event[-1]["data"]["object"])
    assert site.call("reversed", obj) is None
    assert site.call("reversed", obj).endswith("already posted")
    assert site.call("balances")[orgs_[0]["org"]] == 1500
    row = site.query("SELECT reversed_minor FROM public.payout WHERE key = $1", key)[0]
    assert row["reversed_minor"] == 1500
    assert site.call("check") == []


def _lose_wake_ups(site: Site) -> None:
    """Drop the payouts queue's messages in the installation's Redis (a lost wake-up)."""
    client = redis.Redis.from_url(site.iso.env["REDIS_URL"])
    try:
        for k in client.scan_iter("dramatiq:payouts*"):
            client.delete(k)
    finally:
        client.close()


def test_unfinished_runs_of_earlier_months_are_resumed(site: Site) -> None:
    """A payout still pending when the month rolls over (its wake-up lost) is paid by the next
    close_due, oldest run first, and the org is paid its balance once across both months."""
    fake = site.fake
    assert site.worker is not None
    stop(site.worker)
    site.worker = None
    try:
        (org,) = site.seed([(7_700, "ready")])
        site.call("close", "2025-03")
        _lose_wake_ups(site)
        site.query(
            "UPDATE public.payout SET enqueued_at = now() - interval '1 hour'"
            " WHERE period = '2025-03'"
        )
    finally:
        site.worker = site.iso.start_worker(site.log)
    # Two months later: 2025-04 is closed and the stuck 2025-03 run is resumed
    site.call("close_due", "2025-05-02T03:00:00+00:00")
    wait_until(lambda: site.pending("2025-03") + site.pending("2025-04") == 0, 60, "both runs")
    runs = site.query(
        "SELECT period, status FROM public.payout_run WHERE period IN ('2025-03', '2025-04')"
    )
    assert {r["period"]: r["status"] for r in runs} == {"2025-03": "done", "2025-04": "done"}
    keys = [f"payout:{p}:{org['org']}" for p in ("2025-03", "2025-04")]
    sent = [t["amount"] for k in keys for t in fake.transfers.get(k, [])]
    assert sent == [7_700]  # paid once, by whichever run fixed its amount first
    assert site.call("balances").get(org["org"], 0) == 0
    assert site.call("check") == []


def test_retry_after_stripe_forgot_the_key_adopts_the_transfer(site: Site) -> None:
    """The first attempt reached Stripe but its reply was lost; a day later Stripe has forgotten
    the idempotency key: the retry finds that transfer by group and metadata, makes none."""
    fake = site.fake
    assert site.worker is not None
    stop(site.worker)
    site.worker = None
    try:
        (org,) = site.seed([(6_400, "ready")])
        period = "2025-01"
        site.call("close", period)
        key = f"payout:{period}:{org['org']}"
        first = site.iso.python(
            "-c",
            "from jewelia.platform.billing import stripe_gateway as g; import sys;"
            "print(g.create_transfer(account_id=sys.argv[1], amount_minor=6400, currency='usd',"
            " key=sys.argv[2], metadata={'org_id': sys.argv[3], 'period': sys.argv[4],"
            " 'payout_key': sys.argv[2]})['id'])",
            org["account"],
            key,
            org["org"],
            period,
        ).strip()
        site.query(
            "UPDATE public.payout SET fixed_at = now() - interval '24 hours' WHERE key = $1", key
        )
        with fake.lock:
            fake.idempotency.clear()  # Stripe keeps keys for about a day
    finally:
        site.worker = site.iso.start_worker(site.log)  # the close's wake-up retries it
    wait_until(lambda: site.pending(period) == 0, 60, "the retried payout")
    row = site.query("SELECT * FROM public.payout WHERE key = $1", key)[0]
    assert (row["status"], row["transfer_id"], row["amount_minor"]) == ("paid", first, 6_400)
    assert [t["id"] for t in fake.transfers[key]] == [first]
    assert site.call("balances").get(org["org"], 0) == 0
    assert site.call("check") == []


# --- staff page --------------------------------------------------------------------------


async def test_staff_page_runs_and_exceptions(db: None, app: Any) -> None:
    admin, outsider = await staff_user(), await person("nostaff")
    day = dt.date(2026, 11, 30)
    await execute(
        "INSERT INTO public.reconcile_day (day, finished_at, transactions, matched, exceptions)"
        " VALUES ($1, now(), 3, 2, 1) ON CONFLICT (day) DO NOTHING",
        day,
    )
    exc_id = uuid.uuid4()
    src = f"ch_{uuid.uuid4().hex[:10]}"
    await execute(
        "INSERT INTO public.reconcile_exception (id, day, kind, source_id, stripe_amount,"
        " currency, detail) VALUES ($1, $2, 'missing_journal', $3, 500, 'USD', 'test')",
        exc_id,
        day,
        src,
    )
    async with browser(app, outsider.email) as b:
        assert (await b.get("/staff/payouts")).status_code == 403
    async with browser(app, admin.email) as b:
        page = await b.get("/staff/payouts")
        assert page.status_code == 200 and src in page.text
        empty = await form_post(
            b,
            "/staff/payouts",
            {"confirm": "yes", "note": ""},
            f"/staff/payouts/exceptions/{exc_id}/resolve",
        )
        assert empty.status_code == 422 and 'data-field="note"' in empty.text
        asked = await form_post(
            b,
            "/staff/payouts",
            {"note": "refund fee"},
            f"/staff/payouts/exceptions/{exc_id}/resolve",
        )
        assert asked.status_code == 200 and "Yes, resolve" in asked.text  # asks first
        done = await form_post(
            b,
            "/staff/payouts",
            {"confirm": "yes", "note": "Stripe fee adjustment, booked"},
            f"/staff/payouts/exceptions/{exc_id}/resolve",
        )
        assert done.status_code == 200 and "Exception resolved." in done.text
        assert src not in done.text
    row = (await fetch("SELECT * FROM public.reconcile_exception WHERE id = $1", exc_id))[0]
    assert row["status"] == "resolved" and row["note"] == "Stripe fee adjustment, booked"
    assert row["resolved_by"] == admin.id
    assert re.search(r"payout-runs", page.text)


async def test_reconcile_matches_real_charge_refund_and_dispute_by_stripe_ids(
    business: Any, fake_stripe: Any
) -> None:
    """A charge, its refund and a dispute (with Stripe's 15.00 fee) through the Stripe-like
    server: their journals carry ch_/re_/du_ ids, the dispute fee is posted, the day matches."""
    from jewelia.platform.billing import stripe_gateway as gateway
    from jewelia.platform.commerce import charges, ledger, reconcile
    from tests.integration.test_app_charges import _feed, paid_listing

    user, tenant = business
    fake = fake_stripe
    today = dt.datetime.now(dt.UTC).date()
    with fake.configured():
        assert gateway.configured() and not gateway.test_mode()
        made = []
        for amount in ("49.00", "30.00"):
            listing = await paid_listing("one_time", amount)
            charge = await charges.create_pending(tenant, listing["id"], user.id)
            url = await charges.accept(charge["id"], tenant, user.id)
            session = next(s for s in fake.all("checkout.session") if s["url"] == url)
            start = len(fake.events)
            fake.complete_checkout(session["id"])
            assert "processed" in await _feed(fake, start)
            made.append(await charges.get(charge["id"], tenant))
        refunded, disputed = made
        start = len(fake.events)
        await charges.refund(refunded["id"], tenant, user.id)
        await _feed(fake, start)
        ch_refunded = fake.get(refunded["stripe_payment_intent"])["latest_charge"]
        ch_disputed = fake.get(disputed["stripe_payment_intent"])["latest_charge"]
        refund_id = next(r["id"] for r in fake.all("refund") if r["charge"] == ch_refunded)
        start = len(fake.events)
        dispute = fake.dispute(ch_disputed)
        await _feed(fake, start)
        assert refund_id.startswith("re_")
        ids = {ch_refunded, ch_disputed, dispute["id"]}
        sources = await fetch(
            "SELECT DISTINCT source_id FROM public.ledger_journal WHERE source_id = ANY($1::text[])",
            list(ids),
        )
        assert {r["source_id"] for r in sources} == ids
        ids.add(f"refunds:{ch_refunded}")
        await execute("DELETE FROM public.reconcile_exception WHERE day = $1", today)
        await execute("DELETE FROM public.reconcile_day WHERE day = $1", today)
        day = await reconcile.run(today)
    exceptions = await fetch(
        "SELECT kind, source_id FROM public.reconcile_exception WHERE day = $1"
        " AND source_id = ANY($2::text[])",
        today,
        list(ids),
    )
    assert exceptions == []
    assert day["matched"] >= 4
    fee = await fetch(
        "SELECT p.amount FROM public.ledger_posting p JOIN public.ledger_journal j"
        " ON j.id = p.journal_id JOIN public.ledger_account a ON a.id = p.account_id"
        " WHERE j.kind = 'dispute_fee' AND j.source_id = $1 AND a.kind = 'processing_fees'",
        dispute["id"],
    )
    assert [r["amount"] for r in fee] == [1500]
    assert await ledger.check() == []
