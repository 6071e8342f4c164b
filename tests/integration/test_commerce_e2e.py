"""Issue 15's acceptance, end to end with real parts: jewelers buy a one-time app, subscribe to
another with a trial (then its first invoice), and are charged usage by a third (the reference
app, through its real HTTP server, reports usage; one report is sent twice); the one-time app
is refunded; the holding period passes and the money settles; the month closes and the payout
run on a real worker pays each developer exactly the closing amount of their statement,
through the real stripe client against the Stripe-like server (transfers counted by
idempotency key); the ledger checks clean and a second run pays nothing.

Stripe calls from this process go to the session's `fake_stripe`; the payout worker and the
close run as processes of their own against this database, with a Redis database of their
own (14) and the fake's environment, so the suite's shared worker (billing test mode) never
sees a payout.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from jewelia.core.db import execute, fetch
from jewelia.platform.commerce import charges, connect, ledger, statements, usage
from jewelia.platform.tenancy.registry import get_tenant
from tests.conftest import ROOT
from tests.integration.test_app_charges import _feed, paid_listing
from tests.integration.test_app_usage import _approve, usage_listing
from tests.integration.test_marketplace_oauth import tenant_of
from tests.integration.test_pages import signup
from tests.isolated import stop
from tests.marketplace_app import ReferenceApp

REDIS_DB = 14

# Closes a period in a process of its own (its jobs go to the payout worker's Redis database):
# argv = period, ISO time "now". Prints the run summary.
CLOSE = textwrap.dedent(
    """
    import asyncio, datetime as dt, json, sys
    import jewelia.workers.broker  # the jobs port's broker
    from jewelia.core.db import start_db
    from jewelia.core.settings import get_settings
    from jewelia.platform.commerce import payouts

    async def main() -> None:
        await start_db(get_settings().database_url, min_size=1, max_size=4)
        now = dt.datetime.fromisoformat(sys.argv[2])
        print(json.dumps(await payouts.close_period(sys.argv[1], now), default=str))

    asyncio.run(main())
    """
)


def _payout_env(fake: Any) -> dict[str, str]:
    redis_url = os.environ["REDIS_URL"]
    redis_url += ("&" if "?" in redis_url else "?") + f"db={REDIS_DB}"
    return {**os.environ, "REDIS_URL": redis_url, "JEWELIA_DEV_MODE": "1", **fake.env()}


def _close(env: dict[str, str], period: str, now: dt.datetime) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CLOSE, period, now.isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`jewelia worker` for the payouts, in a process group of its own."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "jewelia.cli", "worker", "--processes", "1", "--threads", "2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


async def _developer(listing: dict[str, Any]) -> uuid.UUID:
    """The listing's org gets an owner (who fills in the tax profile)."""
    user = uuid.uuid4()
    await execute(
        "INSERT INTO public.app_user (id, email, full_name, password_hash)"
        " VALUES ($1, $2, 'Dev Owner', 'x')",
        user,
        f"dev-{user.hex[:10]}@example.com",
    )
    await execute(
        "INSERT INTO public.developer_member (org_id, user_id, role) VALUES ($1, $2, 'owner')",
        listing["org_id"],
        user,
    )
    return user


async def _payout_ready(fake: Any, org_id: uuid.UUID, user_id: uuid.UUID) -> str:
    """Connect Express account made through the gateway, onboarded at Stripe, status read back;
    a W-9 tax profile."""
    account_id = await connect._ensure_account(org_id, user_id)
    fake.onboard(account_id)
    assert (await connect.refresh_status(org_id))["payouts_enabled"]
    await connect.save_tax_profile(
        org_id,
        user_id,
        {"form": "w9", "legal_name": "Gem Apps LLC", "tin_type": "ein", "tin": "12-3456789"},
    )
    return account_id


async def _checkout(fake: Any, tenant: Any, user_id: uuid.UUID, listing_id: Any, **kw: Any) -> Any:
    """Confirmation accepted, Stripe Checkout completed, its events fed to our webhook."""
    charge = await charges.create_pending(tenant, listing_id, user_id)
    url = await charges.accept(charge["id"], tenant, user_id, **kw)
    session = next(s for s in fake.all("checkout.session") if s["url"] == url)
    start = len(fake.events)
    fake.complete_checkout(session["id"])
    assert "processed" in await _feed(fake, start)
    return await charges.get(charge["id"], tenant)


async def _jeweler(client: Any, name: str) -> tuple[Any, uuid.UUID]:
    email = await signup(client, business=name)
    row = await tenant_of(email)
    user = await fetch("SELECT id FROM public.app_user WHERE email = $1", email)
    return await get_tenant(row["id"]), user[0]["id"]


async def _wait(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def test_three_apps_paid_refunded_closed_and_paid_out_exactly(
    client: Any, live_server: str, fake_stripe: Any, tmp_path: Path
) -> None:
    fake = fake_stripe
    one_time = await paid_listing("one_time", "49.00")
    subscription = await paid_listing("subscription", "30.00", cycle="monthly", trial=7)
    ref = ReferenceApp(live_server, "pending", "pending")
    metered = await usage_listing("5.00", webhook_url=f"{ref.url}/webhooks")
    await execute(
        "UPDATE public.listing SET redirect_uris = $2 WHERE id = $1",
        metered["id"],
        [f"{ref.url}/callback"],
    )
    ref.env.update({"APP_CLIENT_ID": metered["client_id"], "APP_CLIENT_SECRET": metered["secret"]})
    devs = {
        "one_time": one_time["org_id"],
        "subscription": subscription["org_id"],
        "usage": metered["org_id"],
    }
    owners = {
        kind: await _developer(listing)
        for kind, listing in (
            ("one_time", one_time),
            ("subscription", subscription),
            ("usage", metered),
        )
    }
    other_tenant, other_user = await _jeweler(client, "E2E Second Gems")
    client.cookies.clear()
    tenant, user_id = await _jeweler(client, "E2E Gems")  # stays signed in (the consent page)

    with fake.configured():
        # 1. One-time app, bought by two businesses (so its developer is owed something after
        #    one of them refunds).
        bought = await _checkout(fake, tenant, user_id, one_time["id"])
        assert bought["status"] == "active"
        other = await _checkout(fake, other_tenant, other_user, one_time["id"])
        assert other["status"] == "active"

        # 2. Subscription with a trial: nothing charged, then the trial ends: first invoice.
        sub = await _checkout(fake, tenant, user_id, subscription["id"])
        assert sub["status"] == "trialing"
        assert not await fetch(
            "SELECT 1 FROM public.ledger_journal WHERE org_id = $1", devs["subscription"]
        )
        start = len(fake.events)
        fake.advance_subscription(sub["stripe_subscription_id"])
        await _feed(fake, start)
        sub = await charges.get(sub["id"], tenant)
        assert sub["status"] == "active"
        listed = next(c for c in await charges.tenant_charges(tenant) if c["id"] == sub["id"])
        assert [p["amount_minor"] for p in listed["payments"] if p["amount_minor"]] == [3000]

        # 3. Usage: the cap accepted (USD 50.00) with a card set up at Checkout.
        metered_charge = await _checkout(fake, tenant, user_id, metered["id"], cap="50.00")
        assert metered_charge["status"] == "active" and metered_charge["cap_minor"] == 5000

    # The reference app, installed through the consent page, reports usage through its server.
    with ref:
        async with httpx.AsyncClient(timeout=30) as browser:
            begin = await browser.get(f"{ref.url}/install", follow_redirects=False)
            assert begin.status_code == 302, begin.text
            back = await _approve(client, begin.headers["location"][len(live_server) :])
            done = await browser.get(back, follow_redirects=False)
            assert done.status_code == 303, done.text
            tid = str(tenant.id)
            first = await ref.report_usage(browser, tid, 4, "labels printed", "e2e-report-1")
            again = await ref.report_usage(browser, tid, 4, "labels printed", "e2e-report-1")
            assert (first["status"], again["status"]) == (201, 200), (first, again)
            assert first["jewelia"]["data"]["id"] == again["jewelia"]["data"]["id"]
            more = await ref.report_usage(browser, tid, 3, "labels printed", "e2e-report-2")
            assert more["status"] == 201 and more["jewelia"]["data"]["periodTotal"] == 35
    installs = await fetch(
        "SELECT id FROM public.app_install WHERE tenant_id = $1 AND listing_id = $2",
        tenant.id,
        metered["id"],
    )
    install_id = installs[0]["id"]
    assert len(await fetch("SELECT 1 FROM public.app_usage WHERE install_id = $1", install_id)) == 2

    # The usage month ends (moved back by SQL) and is billed once at Stripe: 7 x 5.00.
    last = usage.previous_period(usage.period_of())
    await execute(
        "UPDATE public.app_usage_period SET period = $2 WHERE install_id = $1", install_id, last
    )
    with fake.configured():
        assert await usage.bill_one(install_id, last) == "paid"
        assert await usage.bill_one(install_id, last) is None  # billed once

        # 4. The jeweler refunds the one-time app: the journal is reversed.
        start = len(fake.events)
        await charges.refund(bought["id"], tenant, user_id)
        await _feed(fake, start)
        assert (await charges.get(bought["id"], tenant))["status"] == "refunded"
        accounts = {
            kind: await _payout_ready(fake, org, owners[kind]) for kind, org in devs.items()
        }
    usage_charges = [c for c in fake.all("charge") if c["amount"] == 3500]
    assert len(usage_charges) == 1

    # Every charge is in this month; its statement's closing figure is what each developer is
    # owed (pending + available: nothing has settled yet).
    period = statements.period_of(dt.datetime.now(dt.UTC))
    closing: dict[str, int] = {}
    for kind, org in devs.items():
        st = await statements.statement(org, period)
        bal = await ledger.balances(org)
        assert st.closing == st.closing_pending + st.closing_available
        assert st.closing == bal.pending + bal.available > 0, (kind, st)
        assert st.opening == 0 and st.payouts == 0
        closing[kind] = st.closing
    one = await statements.statement(devs["one_time"], period)
    assert one.refunds > 0 and len(one.lines_of("earnings")) == 2
    # Share 0 % below USD 1 M lifetime: the developer gets the gross less Stripe's fees
    # (2.9 % + 30 c, from Stripe's balance transactions).
    for kind, gross in (("subscription", 3000), ("usage", 3500)):
        st = await statements.statement(devs[kind], period)
        assert (st.earnings, st.share, st.refunds) == (gross, 0, 0)
        assert st.fees == 30 + round(gross * 0.029) and closing[kind] == gross - st.fees

    # 5. The holding period: nothing of this money is available yet. Then it passes: journals
    #    are append-only (their time cannot be moved back), so settlement runs now with the
    #    holding period elapsed, dating nothing in the future.
    await ledger.settle_due()
    for org in devs.values():
        assert (await ledger.balances(org)).available == 0
    await ledger.settle_due(holding_days=0)
    for kind, org in devs.items():
        assert await ledger.balances(org) == ledger.Balances(0, closing[kind])
        assert (await statements.statement(org, period)).closing == closing[kind]
    # The month closes (the close's own settlement finds nothing left): the run pays on a
    # real worker.
    env = _payout_env(fake)
    log = tmp_path / "payout-worker.log"
    worker = _start_worker(env, log)
    start_of_next = (dt.datetime.now(dt.UTC).replace(day=1) + dt.timedelta(days=32)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    close_at = start_of_next + dt.timedelta(minutes=5)
    keys = {kind: f"payout:{period}:{org}" for kind, org in devs.items()}
    try:
        await asyncio.to_thread(_close, env, period, close_at)

        async def paid() -> bool:
            rows = await fetch(
                "SELECT status FROM public.payout WHERE key = ANY($1::text[])", list(keys.values())
            )
            return len(rows) == 3 and all(r["status"] != "pending" for r in rows)

        await _wait(paid, 120, f"the {period} payouts ({log.read_text(errors='replace')[-2000:]})")
        transfers = fake.transfers
        for kind, org in devs.items():
            row = (await fetch("SELECT * FROM public.payout WHERE key = $1", keys[kind]))[0]
            assert row["status"] == "paid", row
            sent = transfers[keys[kind]]
            assert len(sent) == 1, (kind, sent)
            assert sent[0]["amount"] == closing[kind] == row["amount_minor"], kind
            assert sent[0]["destination"] == accounts[kind]
            assert row["transfer_id"] == sent[0]["id"]
            assert await ledger.balances(org) == ledger.Balances(0, 0)
            after = await statements.statement(org, period)
            assert after.payouts == closing[kind] and after.closing == 0
        assert await ledger.check() == []

        # 6. A second run of the same period pays nothing.
        count = sum(len(v) for v in fake.transfers.values())
        await asyncio.to_thread(_close, env, period, close_at)
        await asyncio.sleep(1)
        assert sum(len(v) for v in fake.transfers.values()) == count
        for key in keys.values():
            assert len(fake.transfers[key]) == 1
            journals = await fetch("SELECT 1 FROM public.ledger_journal WHERE key = $1", key)
            assert len(journals) == 1
        assert await ledger.check() == []
    finally:
        stop(worker)
