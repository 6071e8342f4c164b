"""Charging jewelers for apps (issue 15): the consent page sends a paid app's install through a
confirmation page and checkout; Stripe's events (test mode: the same signed events through the
same webhook) make the charge active or trialing, post journals keyed by Stripe ids, and tell
the app; cancel, refund, billing-cycle change, disputes; replayed events post nothing; bad
input is refused with nothing posted; another business sees none of it."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute, fetch
from jewelia.core.errors import NotFound, PermissionDenied, ValidationFailed
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.billing.service import handle_webhook
from jewelia.platform.commerce import charge_events, charges
from jewelia.platform.marketplace import installs
from jewelia.platform.tenancy.registry import get_tenant
from tests.integration.test_marketplace_oauth import (
    REDIRECT,
    TENANT_RADIO,
    authorize_url,
    pkce,
    query,
    seed_listing,
    tenant_of,
)
from tests.integration.test_pages import CSRF, signup
from tests.integration.test_webhooks import _wait
from tests.webhook_receiver import Receiver

CHARGE_PAGE = re.compile(r"/settings/billing/apps/confirm/([0-9a-f-]{36})")


async def paid_listing(
    model: str = "one_time",
    amount: str = "49.00",
    *,
    currency: str = "USD",
    cycle: str | None = None,
    trial: int = 0,
    webhook_url: str = "",
) -> dict[str, Any]:
    listing = await seed_listing(webhook_url=webhook_url)
    await execute(
        "UPDATE public.listing SET pricing_model = $2, pricing_amount = $3::numeric,"
        " pricing_currency = $4, billing_cycle = $5, trial_days = $6 WHERE id = $1",
        listing["id"],
        model,
        amount,
        currency,
        cycle,
        trial,
    )
    rows = await fetch("SELECT * FROM public.listing WHERE id = $1", listing["id"])
    return {**rows[0], "secret": listing["secret"]}


async def _form(client: Any, url: str) -> tuple[Any, dict[str, str]]:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    token = CSRF.search(page.text)
    assert token
    return page, {**{k: html.unescape(v) for k, v in hidden.items()}, "_csrf_token": token.group(1)}


async def approve(client: Any, url: str) -> Any:
    """Answer the consent page with Approve; the (unfollowed) response."""
    page, form = await _form(client, url)
    tenant = TENANT_RADIO.search(page.text)
    assert tenant
    form.update({"tenant_id": tenant.group(1), "decision": "approve"})
    return await client.post("/oauth/authorize", data=form, follow_redirects=False)


async def accept(client: Any, charge_id: str, **extra: str) -> Any:
    _page, form = await _form(client, f"/settings/billing/apps/confirm/{charge_id}")
    return await client.post(
        f"/settings/billing/apps/confirm/{charge_id}",
        data={"_csrf_token": form["_csrf_token"], **extra},
        follow_redirects=False,
    )


async def post_form(client: Any, page: str, action: str, data: dict[str, str]) -> Any:
    got = await client.get(page)
    token = CSRF.search(got.text)
    assert token
    return await client.post(action, data={**data, "_csrf_token": token.group(1)})


async def buy(client: Any, listing: dict[str, Any]) -> tuple[str, str]:
    """Consent -> confirmation -> test checkout -> paid; returns (charge id, verifier)."""
    verifier, challenge = pkce()
    url = authorize_url(listing, challenge)
    consent_page = await client.get(url)
    assert 'id="consent-price"' in consent_page.text
    r = await approve(client, url)
    assert r.status_code == 303, r.text
    found = CHARGE_PAGE.search(r.headers["location"])
    assert found, r.headers
    charge_id = found.group(1)
    r = await accept(client, charge_id)
    assert r.status_code in (302, 303), r.text
    assert r.headers["location"] == f"/settings/billing/apps/test-checkout/{charge_id}"
    r = await post_form(client, r.headers["location"], r.headers["location"], {})
    assert r.status_code == 200, r.text
    assert 'id="continue-install"' in r.text, r.text
    return charge_id, verifier


async def journals(*keys: str) -> dict[str, int]:
    rows = await fetch(
        "SELECT key, count(*) AS n FROM public.ledger_journal WHERE key = ANY($1::text[])"
        " GROUP BY key",
        list(keys),
    )
    return {r["key"]: r["n"] for r in rows}


async def journal_count() -> int:
    return int((await fetch("SELECT count(*) AS n FROM public.ledger_journal"))[0]["n"])


async def charge_row(charge_id: Any) -> dict[str, Any]:
    return dict(
        (await fetch("SELECT * FROM public.app_charge WHERE id = $1", uuid.UUID(str(charge_id))))[0]
    )


def _events(receiver: Receiver, name: str) -> list[Any]:
    return [r.json() for r in receiver.received if r.json().get("event") == name]


async def _has(receiver: Receiver, name: str, n: int = 1) -> bool:
    return len(_events(receiver, name)) >= n


async def test_one_time_purchase_installs_only_after_payment_and_refund(
    client: Any, worker: Any
) -> None:
    assert gateway.test_mode()
    with Receiver() as app:
        listing = await paid_listing("one_time", "49.00", webhook_url=app.url("/hook"))
        email = await signup(client, business="Paid Gems")
        tenant = await tenant_of(email)
        user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
        # No charge yet: the install itself refuses, clearly.
        with pytest.raises(installs.AppChargeRequired) as refused:
            await installs.install(listing["id"], tenant["id"], user, ["customers:read"])
        assert refused.value.status_code == 402 and refused.value.code == "APP_CHARGE_REQUIRED"

        charge_id, _verifier = await buy(client, listing)
        charge = await charge_row(charge_id)
        assert charge["status"] == "active" and charge["accepted_by"] == user
        assert charge["amount_minor"] == 4900 and charge["currency"] == "USD"
        pi = charge["stripe_payment_intent"]
        assert await journals(f"charge:{pi}") == {f"charge:{pi}": 1}
        # The install completes on the consent page the app sent the jeweler to.
        assert await installs.active_install(listing["id"], tenant["id"]) is None
        r = await approve(client, charge["return_to"])
        assert r.status_code == 302 and r.headers["location"].startswith(REDIRECT + "?")
        assert "code" in query(r.headers["location"])
        install = await installs.active_install(listing["id"], tenant["id"])
        assert install is not None
        assert (await charge_row(charge_id))["install_id"] == install["id"]
        await _wait(lambda: _has(app, "app.charge.activated"), 30)
        told = _events(app, "app.charge.activated")[0]
        assert told["data"]["charge_id"] == charge_id and told["data"]["amount"] == "49.00"

        # Billing > Apps lists it with its payment; the owner refunds (after a confirmation).
        page = await client.get("/settings/billing/apps")
        assert f'id="app-charge-{charge_id}"' in page.text and "USD 49.00 once" in page.text
        r = await post_form(
            client, "/settings/billing/apps", f"/settings/billing/apps/{charge_id}/refund", {}
        )
        assert "Yes, refund and uninstall" in r.text  # asked first, nothing done
        assert (await charge_row(charge_id))["status"] == "active"
        r = await post_form(
            client,
            "/settings/billing/apps",
            f"/settings/billing/apps/{charge_id}/refund",
            {"confirm": "yes"},
        )
        assert r.status_code == 200
        charge = await charge_row(charge_id)
        assert charge["status"] == "refunded" and charge["refunded_minor"] == 4900
        refund_key = f"refund:re_test_{uuid.UUID(charge_id).hex[:20]}"
        assert await journals(refund_key) == {refund_key: 1}
        await _wait(lambda: _has(app, "app.charge.refunded"), 30)
        assert await installs.active_install(listing["id"], tenant["id"]) is None
        # Once is all: a second refund is refused, nothing more posted.
        before = await journal_count()
        t = await get_tenant(tenant["id"])
        with pytest.raises(charges.AppChargeState):
            await charges.refund(uuid.UUID(charge_id), t, user)
        assert await journal_count() == before


async def test_subscription_trial_first_invoice_proration_and_cancel(
    client: Any, worker: Any
) -> None:
    with Receiver() as app:
        listing = await paid_listing(
            "subscription", "12.00", cycle="monthly", trial=14, webhook_url=app.url("/hook")
        )
        email = await signup(client, business="Sub Gems")
        tenant = await tenant_of(email)
        user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
        _verifier, challenge = pkce()
        url = authorize_url(listing, challenge)
        r = await approve(client, url)
        charge_id = CHARGE_PAGE.search(r.headers["location"]).group(1)  # type: ignore[union-attr]
        page = await client.get(f"/settings/billing/apps/confirm/{charge_id}")
        assert "USD 12.00 a month, after a 14-day free trial" in page.text
        assert "14 days" in page.text
        r = await accept(client, charge_id)
        before = await journal_count()
        r = await post_form(client, r.headers["location"], r.headers["location"], {})
        assert "Your trial has started" in r.text
        charge = await charge_row(charge_id)
        assert charge["status"] == "trialing" and charge["trial_ends_at"] is not None
        assert await journal_count() == before  # the trial's zero invoice posts nothing
        r = await approve(client, charge["return_to"])
        assert r.status_code == 302, r.text
        assert await installs.active_install(listing["id"], tenant["id"]) is not None

        # The trial ends: the first invoice is paid and posted.
        r = await post_form(
            client,
            "/settings/billing/apps",
            f"/settings/billing/apps/{charge_id}/test/end_trial",
            {},
        )
        charge = await charge_row(charge_id)
        assert charge["status"] == "active"
        paid = await fetch(
            "SELECT * FROM public.app_charge_payment WHERE charge_id = $1 AND amount_minor > 0",
            charge["id"],
        )
        assert len(paid) == 1 and paid[0]["amount_minor"] == 1200
        assert await journals(paid[0]["ledger_key"]) == {paid[0]["ledger_key"]: 1}

        # Annual billing: 12 x 12.00, Stripe prorates; the difference is invoiced and posted.
        t = await get_tenant(tenant["id"])
        changed = await charges.change_interval(charge["id"], t, user, "year")
        assert changed["interval"] == "year" and changed["amount_minor"] == 14400
        prorated = await fetch(
            "SELECT * FROM public.app_charge_payment WHERE charge_id = $1 AND amount_minor > 1200",
            charge["id"],
        )
        assert len(prorated) == 1 and prorated[0]["amount_minor"] == 14400 - 1200
        assert await journals(prorated[0]["ledger_key"]) == {prorated[0]["ledger_key"]: 1}

        # Cancel asks first, then stops billing, uninstalls and tells the app.
        r = await post_form(
            client, "/settings/billing/apps", f"/settings/billing/apps/{charge_id}/cancel", {}
        )
        assert "Yes, cancel and uninstall" in r.text
        r = await post_form(
            client,
            "/settings/billing/apps",
            f"/settings/billing/apps/{charge_id}/cancel",
            {"confirm": "yes"},
        )
        assert (await charge_row(charge_id))["status"] == "cancelled"
        await _wait(lambda: _has(app, "app.charge.cancelled"), 30)
        await _wait(lambda: _async(installs.active_install(listing["id"], tenant["id"])), 30)


async def _async(coro: Any) -> bool:
    return await coro is None


async def _paid_one_time(client: Any, business: str) -> tuple[dict[str, Any], Any, Any]:
    listing = await paid_listing("one_time", "80.00")
    email = await signup(client, business=business)
    tenant = await get_tenant((await tenant_of(email))["id"])
    charge_id, _ = await buy(client, listing)
    user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
    return await charges.get(uuid.UUID(charge_id), tenant), tenant, user


async def test_disputes_lost_and_won_and_replays_post_once(client: Any) -> None:
    charge, _tenant, _user = await _paid_one_time(client, "Dispute Gems")
    dispute_key = f"dispute:dp_test_{charge['id'].hex[:20]}"
    won_key = f"dispute_won:dp_test_{charge['id'].hex[:20]}"
    opened = charge_events.test_mode_bodies(charge, "dispute")[0]
    assert await handle_webhook(opened, gateway.sign(opened)) == "processed"
    # The same event again: refused by its id; nothing posted.
    before = await journal_count()
    assert await handle_webhook(opened, gateway.sign(opened)) == "duplicate"
    r = await client.post(
        "/billing/stripe/webhook",
        content=opened,
        headers={"stripe-signature": gateway.sign(opened)},
    )
    assert r.json() == {"received": True, "status": "duplicate"}
    # The same dispute under another event id: the ledger key refuses it.
    assert await charge_events.test_mode_events(charge, "dispute") == ["processed"]
    assert await journal_count() == before
    assert await journals(dispute_key) == {dispute_key: 1}
    assert await charge_events.test_mode_events(charge, "dispute_won") == ["processed"]
    assert await charge_events.test_mode_events(charge, "dispute_won") == ["processed"]
    assert await journals(won_key) == {won_key: 1}

    # A lost dispute on another charge: the reversal stays, nothing restores it.
    lost, _, _ = await _paid_one_time(client, "Lost Gems")
    assert await charge_events.test_mode_events(lost, "dispute_lost") == ["processed"]
    lost_key = f"dispute:dp_test_{lost['id'].hex[:20]}"
    assert await journals(lost_key, f"dispute_won:dp_test_{lost['id'].hex[:20]}") == {lost_key: 1}
    # The same payment reported again by payment_intent.succeeded posts nothing more.
    before = await journal_count()
    again = charge_events.test_mode_bodies({**lost, "status": "confirmed"}, "pay")[1]
    assert await handle_webhook(again, gateway.sign(again)) == "processed"
    assert await journal_count() == before


async def test_bad_input_is_refused_and_posts_nothing(client: Any, business: Any) -> None:
    user, tenant = business
    before = await journal_count()
    with pytest.raises(NotFound):
        await charges.create_pending(tenant, uuid.uuid4(), user.id)
    free = await seed_listing()
    with pytest.raises(charges.AppChargeState):
        await charges.create_pending(tenant, free["id"], user.id)
    absurd = await paid_listing("one_time", "9999999999.99")
    with pytest.raises(charges.AppChargeInvalid) as exc:
        await charges.create_pending(tenant, absurd["id"], user.id)
    assert exc.value.status_code == 422 and exc.value.details[0]["field"] == "pricing.amount"

    # Usage caps: negative, zero, absurd, not a number, three decimals -> field errors.
    usage = await paid_listing("usage_based", "0.05")
    pending = await charges.create_pending(tenant, usage["id"], user.id)
    for cap in ("-5", "0", "100000000", "lots", "1.005", "NaN", "Infinity"):
        with pytest.raises(ValidationFailed) as bad:
            await charges.accept(pending["id"], tenant, user.id, cap=cap)
        assert bad.value.details[0]["field"] == "cap", cap
    assert (await charges.get(pending["id"], tenant))["status"] == "pending"
    target = await charges.accept(pending["id"], tenant, user.id, cap="250.00")
    assert target.endswith(f"/test-checkout/{pending['id']}")
    assert (await charges.get(pending["id"], tenant))["cap_minor"] == 25000

    # A one-time charge paid with another currency or amount than accepted: ignored.
    listing = await paid_listing("one_time", "30.00")
    charge = await charges.create_pending(tenant, listing["id"], user.id)
    await charges.accept(charge["id"], tenant, user.id)
    charge = await charges.get(charge["id"], tenant)
    pay = charge_events.test_mode_bodies(charge, "pay")
    wrong_currency = pay[0].replace(b'"currency":"usd"', b'"currency":"eur"')
    assert await handle_webhook(wrong_currency, gateway.sign(wrong_currency)) == "ignored"
    wrong_amount = pay[1].replace(b'"amount_received":3000', b'"amount_received":300000')
    assert await handle_webhook(wrong_amount, gateway.sign(wrong_amount)) == "ignored"
    detail = await fetch(
        "SELECT status, detail FROM public.stripe_event WHERE payload->'data'->'object'->>'id'"
        " = $1 ORDER BY received_at",
        f"pi_test_{charge['id'].hex[:20]}",
    )
    assert detail[0]["status"] == "ignored" and "amount" in detail[0]["detail"]
    assert (await charges.get(charge["id"], tenant))["status"] == "confirmed"
    # A refund or dispute of money never paid to an app: not ours, billing ignores it.
    stray = charge_events._event(
        "charge.refunded",
        {"id": "ch_x", "payment_intent": "pi_unknown", "amount_refunded": 100, "currency": "usd"},
    )
    assert await handle_webhook(stray, gateway.sign(stray)) == "ignored"
    assert await journal_count() == before

    # A member (not owner/admin) cannot accept; an admin can, but cannot refund.
    await execute(
        "UPDATE public.membership SET role = 'member' WHERE user_id = $1 AND tenant_id = $2",
        user.id,
        tenant.id,
    )
    with pytest.raises(PermissionDenied):
        await charges.accept(charge["id"], tenant, user.id)
    r = await client.get(f"/settings/billing/apps/confirm/{charge['id']}")
    assert r.status_code in (200, 401, 403) and 'id="accept-charge"' not in r.text


async def test_member_cannot_accept_over_http(client: Any, app: Any) -> None:
    owner_email = await signup(client, business="Team Gems")
    tenant = await get_tenant((await tenant_of(owner_email))["id"])
    listing = await paid_listing("one_time", "15.00")
    owner = (await fetch("SELECT id FROM public.app_user WHERE email = $1", owner_email))[0]["id"]
    charge = await charges.create_pending(tenant, listing["id"], owner)
    await execute(
        "UPDATE public.membership SET role = 'member' WHERE user_id = $1 AND tenant_id = $2",
        owner,
        tenant.id,
    )
    page = await client.get(f"/settings/billing/apps/confirm/{charge['id']}")
    assert page.status_code == 200 and "Only an owner or admin" in page.text
    r = await accept(client, str(charge["id"]))
    assert r.status_code == 403 and "Only owners and admins" in r.text
    assert (await charges.get(charge["id"], tenant))["status"] == "pending"


async def test_another_business_sees_and_touches_nothing(client: Any, app: Any) -> None:
    charge, tenant, _user = await _paid_one_time(client, "Alpha Gems")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    ) as other:
        email = await signup(other, business="Beta Gems")
        beta = await get_tenant((await tenant_of(email))["id"])
        beta_user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
        for path in (
            f"/settings/billing/apps/confirm/{charge['id']}",
            f"/settings/billing/apps/{charge['id']}/done",
            f"/settings/billing/apps/test-checkout/{charge['id']}",
        ):
            assert (await other.get(path)).status_code == 404, path
        listing_page = await other.get("/settings/billing/apps")
        assert (
            str(charge["id"]) not in listing_page.text
            and 'id="no-app-charges"' in listing_page.text
        )
        for action in ("refund", "cancel", "interval"):
            r = await post_form(
                other,
                "/settings/billing/apps",
                f"/settings/billing/apps/{charge['id']}/{action}",
                {"confirm": "yes", "interval": "year"},
            )
            assert r.status_code == 404, (action, r.text)
        r = await post_form(
            other, "/settings/billing/apps", f"/settings/billing/apps/confirm/{charge['id']}", {}
        )
        assert r.status_code == 404
        for call in (charges.refund, charges.cancel):
            with pytest.raises(NotFound):
                await call(charge["id"], beta, beta_user)
        with pytest.raises(NotFound):
            await charges.accept(charge["id"], beta, beta_user)
    assert (await charges.get(charge["id"], tenant))["status"] == "active"


# --- configured mode: the real stripe client against tests/fake_stripe.py --------------------


async def _feed(fake: Any, start: int) -> list[str]:
    """Deliver, signed, the fake's events since `start` to our webhook handler, in order."""
    fake.flush()
    out = []
    for event in list(fake.events[start:]):
        payload, signature = fake.signed(event)
        out.append(await handle_webhook(payload, signature))
    return out


async def test_configured_stripe_one_time_subscription_refund_dispute(
    business: Any, fake_stripe: Any
) -> None:
    user, tenant = business
    fake = fake_stripe
    with fake.configured():
        assert gateway.configured() and not gateway.test_mode()
        # One-time: Checkout in payment mode; the fee comes from Stripe's balance transaction.
        listing = await paid_listing("one_time", "49.00")
        charge = await charges.create_pending(tenant, listing["id"], user.id)
        url = await charges.accept(charge["id"], tenant, user.id)
        session = next(s for s in fake.all("checkout.session") if s["url"] == url)
        assert session["mode"] == "payment" and session["metadata"]["app_charge_id"] == str(
            charge["id"]
        )
        start = len(fake.events)
        fake.complete_checkout(session["id"])
        assert "processed" in await _feed(fake, start)
        paid = await charges.get(charge["id"], tenant)
        assert paid["status"] == "active"
        pi = paid["stripe_payment_intent"]
        fee = fake.get(fake.get(pi)["latest_charge"])
        rows = await fetch(
            "SELECT p.line_type, p.amount FROM public.ledger_posting p JOIN public.ledger_journal j"
            " ON j.id = p.journal_id WHERE j.key = $1",
            f"charge:{pi}",
        )
        assert rows, "the charge was posted"
        assert sum(r["amount"] for r in rows) == 0
        fees = [r["amount"] for r in rows if r["line_type"] == "fee"]
        assert fee["amount"] == 4900 and fees and abs(fees[0]) == 30 + 142  # 2.9 % + 30 c
        # Replaying every event posts nothing more.
        count = await journal_count()
        assert set(await _feed(fake, start)) == {"duplicate"}
        assert await journal_count() == count

        # Refund through Stripe: charge.refunded reverses the journal once.
        start = len(fake.events)
        await charges.refund(charge["id"], tenant, user.id)
        await _feed(fake, start)
        refunded = await charges.get(charge["id"], tenant)
        assert refunded["status"] == "refunded" and refunded["refunded_minor"] == 4900
        assert await journal_count() == count + 1

        # Subscription with a trial: trialing, nothing posted; the period ends: invoice posted.
        sub_listing = await paid_listing("subscription", "20.00", cycle="monthly", trial=7)
        sub = await charges.create_pending(tenant, sub_listing["id"], user.id)
        url = await charges.accept(sub["id"], tenant, user.id)
        session = next(s for s in fake.all("checkout.session") if s["url"] == url)
        assert session["mode"] == "subscription"
        start = len(fake.events)
        fake.complete_checkout(session["id"])
        count = await journal_count()
        await _feed(fake, start)
        sub = await charges.get(sub["id"], tenant)
        assert sub["status"] == "trialing" and await journal_count() == count
        start = len(fake.events)
        fake.advance_subscription(sub["stripe_subscription_id"])
        await _feed(fake, start)
        sub = await charges.get(sub["id"], tenant)
        assert sub["status"] == "active" and await journal_count() == count + 1
        invoices = next(p for p in (await charges.tenant_charges(tenant)) if p["id"] == sub["id"])
        assert any(p["amount_minor"] == 2000 for p in invoices["payments"])

        # Annual billing prorates at Stripe; the proration invoice (if any) posts once.
        start = len(fake.events)
        changed = await charges.change_interval(sub["id"], tenant, user.id, "year")
        assert changed["interval"] == "year" and changed["amount_minor"] == 24000
        await _feed(fake, start)
        assert (
            fake.get(sub["stripe_subscription_id"])["items"]["data"][0]["price"]["recurring"][
                "interval"
            ]
            == "year"
        )

        # Dispute on the first subscription payment: reversed, then won: restored.
        pay_rows = await fetch(
            "SELECT payment_intent FROM public.app_charge_payment WHERE charge_id = $1"
            " AND ledger_key IS NOT NULL ORDER BY created_at LIMIT 1",
            sub["id"],
        )
        stripe_charge = fake.get(pay_rows[0]["payment_intent"])["latest_charge"]
        start = len(fake.events)
        count = await journal_count()
        dispute = fake.dispute(stripe_charge)
        await _feed(fake, start)
        assert await journal_count() == count + 1
        start = len(fake.events)
        fake.close_dispute(dispute["id"], won=True)
        await _feed(fake, start)
        assert await journals(f"dispute_won:{dispute['id']}") == {f"dispute_won:{dispute['id']}": 1}

        # Cancel: Stripe deletes the subscription; the charge is cancelled.
        start = len(fake.events)
        await charges.cancel(sub["id"], tenant, user.id)
        await _feed(fake, start)
        assert (await charges.get(sub["id"], tenant))["status"] == "cancelled"


async def test_usage_cap_accepted_then_cancelled(client: Any) -> None:
    listing = await paid_listing("usage_based", "0.05")
    email = await signup(client, business="Usage Gems")
    tenant = await get_tenant((await tenant_of(email))["id"])
    user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
    verifier, challenge = pkce()
    r = await approve(client, authorize_url(listing, challenge))
    charge_id = CHARGE_PAGE.search(r.headers["location"]).group(1)  # type: ignore[union-attr]
    page = await client.get(f"/settings/billing/apps/confirm/{charge_id}")
    assert "USD 0.05 per unit used, at most USD 100.00 a month" in page.text
    r = await accept(client, charge_id, cap="-3")
    assert r.status_code == 422 and "Enter an amount between 0.01 and" in r.text
    r = await accept(client, charge_id, cap="40")
    r = await post_form(client, r.headers["location"], r.headers["location"], {})
    assert 'id="continue-install"' in r.text
    charge = await charges.get(uuid.UUID(charge_id), tenant)
    assert charge["status"] == "active" and charge["cap_minor"] == 4000
    assert charge["terms"] == "USD 0.05 per unit used, at most USD 40.00 a month"
    r = await approve(client, charge["return_to"])
    assert r.status_code == 302 and "code=" in r.headers["location"]
    assert await installs.active_install(listing["id"], tenant.id) is not None
    assert verifier
    await charges.cancel(charge["id"], tenant, user)
    assert (await charges.get(charge["id"], tenant))["status"] == "cancelled"
    assert await installs.active_install(listing["id"], tenant.id) is None


async def test_uninstalling_a_paid_app_ends_its_subscription(client: Any) -> None:
    listing = await paid_listing("subscription", "9.00", cycle="monthly")
    email = await signup(client, business="Leaving Gems")
    tenant = await get_tenant((await tenant_of(email))["id"])
    user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
    charge_id, _ = await buy(client, listing)
    charge = await charges.get(uuid.UUID(charge_id), tenant)
    r = await approve(client, charge["return_to"])
    assert r.status_code == 302
    install = await installs.active_install(listing["id"], tenant.id)
    assert install is not None
    await installs.uninstall(install["id"], user)
    assert (await charges.get(charge["id"], tenant))["status"] == "cancelled"
    # Installing again needs a new charge: the consent page sends to a new confirmation.
    verifier, challenge = pkce()
    r = await approve(client, authorize_url(listing, challenge))
    again = CHARGE_PAGE.search(r.headers["location"])
    assert again and again.group(1) != charge_id and verifier


async def test_app_charges_api_by_key_and_isolation(client: Any, api: Any, app: Any) -> None:
    charge, tenant, _user = await _paid_one_time(client, "Api Charge Gems")
    from jewelia.platform.apikeys.service import create_key

    key = await create_key(tenant.id, "reader", ["read"])
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50003))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {key.secret}"},
    ) as mine:
        r = await mine.get("/billing/app-charges")
        assert r.status_code == 200, r.text
        body = r.json()
        assert [c["id"] for c in body["data"]] == [str(charge["id"])]
        got = body["data"][0]
        assert got["status"] == "active" and got["amount"] == 80.0 and got["currency"] == "USD"
        assert got["terms"] == "USD 80.00 once" and got["payments"][0]["amount"] == 80.0
        one = await mine.get(f"/billing/app-charges/{charge['id']}")
        assert one.status_code == 200 and one.json()["data"]["kind"] == "one_time"
    # Another business's key: not found, not listed.
    r = await api.get(f"/billing/app-charges/{charge['id']}")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    assert (await api.get("/billing/app-charges")).json()["data"] == []


async def test_a_failing_event_rolls_back_whole_and_is_applied_again_on_retry(
    client: Any,
) -> None:
    charge, tenant, _user = await _paid_one_time(client, "Retry Gems")
    assert await charge_events.test_mode_events(charge, "refund") == ["processed"]
    # A second refund of the whole amount under another id: the ledger refuses it, so the
    # event's effects (payment row, status) roll back with it and it is stored as failed.
    body = charge_events.test_mode_bodies(charge, "refund")[0].replace(b"re_test_", b"re_more_")
    before = await journal_count()
    payments = len((await charges.tenant_charges(tenant))[0]["payments"])
    assert await handle_webhook(body, gateway.sign(body)) == "failed"
    event_id = gateway.verify_event(body, gateway.sign(body))["id"]
    row = (await fetch("SELECT status, detail FROM public.stripe_event WHERE id = $1", event_id))[0]
    assert row["status"] == "failed" and row["detail"]
    assert await journal_count() == before
    assert len((await charges.tenant_charges(tenant))[0]["payments"]) == payments
    # Stripe's retry of the same event is applied again (not taken for a duplicate).
    assert await handle_webhook(body, gateway.sign(body)) == "failed"
    assert await journal_count() == before


# --- review fixes (issue 15, FX2) ------------------------------------------------------------


async def _trialing(client: Any, business: str) -> tuple[dict[str, Any], Any, Any]:
    listing = await paid_listing("subscription", "12.00", cycle="monthly", trial=14)
    email = await signup(client, business=business)
    tenant = await get_tenant((await tenant_of(email))["id"])
    charge_id, _ = await buy(client, listing)
    user = (await fetch("SELECT id FROM public.app_user WHERE email = $1", email))[0]["id"]
    return await charges.get(uuid.UUID(charge_id), tenant), tenant, user


async def test_annual_switch_in_a_trial_keeps_the_trial_and_charges_nothing(client: Any) -> None:
    charge, tenant, user = await _trialing(client, "Trial Switch Gems")
    assert charge["status"] == "trialing"
    # The trial's zero invoice covers the trial only (14 days), not a whole month.
    first = await fetch(
        "SELECT * FROM public.app_charge_payment WHERE charge_id = $1", charge["id"]
    )
    assert len(first) == 1 and first[0]["amount_minor"] == 0
    assert (first[0]["period_end"] - first[0]["period_start"]).days == 14
    # The confirmation says what happens in a trial.
    r = await post_form(
        client,
        "/settings/billing/apps",
        f"/settings/billing/apps/{charge['id']}/interval",
        {"interval": "year"},
    )
    assert "Your free trial goes on: nothing is charged now" in r.text
    before = await journal_count()
    changed = await charges.change_interval(charge["id"], tenant, user, "year")
    assert changed["status"] == "trialing" and changed["interval"] == "year"
    assert changed["trial_ends_at"] == charge["trial_ends_at"]
    assert await journal_count() == before
    paid = await fetch(
        "SELECT * FROM public.app_charge_payment WHERE charge_id = $1 AND amount_minor <> 0",
        charge["id"],
    )
    assert paid == []
    # The trial ends: the first payment is the annual price, for a year from then.
    await charge_events.test_mode_events(changed, "end_trial")
    after = await charges.get(charge["id"], tenant)
    assert after["status"] == "active"
    paid = await fetch(
        "SELECT * FROM public.app_charge_payment WHERE charge_id = $1 AND amount_minor <> 0",
        charge["id"],
    )
    assert [p["amount_minor"] for p in paid] == [14400]
    assert (paid[0]["period_end"] - paid[0]["period_start"]).days == 365
    assert after["current_period_end"] > after["trial_ends_at"]


async def test_configured_stripe_annual_switch_in_a_trial_charges_nothing(
    business: Any, fake_stripe: Any
) -> None:
    user, tenant = business
    fake = fake_stripe
    with fake.configured():
        listing = await paid_listing("subscription", "20.00", cycle="monthly", trial=7)
        sub = await charges.create_pending(tenant, listing["id"], user.id)
        url = await charges.accept(sub["id"], tenant, user.id)
        session = next(s for s in fake.all("checkout.session") if s["url"] == url)
        start = len(fake.events)
        fake.complete_checkout(session["id"])
        await _feed(fake, start)
        sub = await charges.get(sub["id"], tenant)
        assert sub["status"] == "trialing"
        trial_end = fake.get(sub["stripe_subscription_id"])["trial_end"]
        count = await journal_count()
        start = len(fake.events)
        invoices = len(fake.all("invoice"))
        changed = await charges.change_interval(sub["id"], tenant, user.id, "year")
        await _feed(fake, start)
        _m, _p, update, _a = [
            r
            for r in fake.requests
            if r[0] == "POST" and r[1] == f"/v1/subscriptions/{sub['stripe_subscription_id']}"
        ][-1]
        assert update["proration_behavior"] == "none" and update["trial_end"] == str(trial_end)
        stripe_sub = fake.get(sub["stripe_subscription_id"])
        assert stripe_sub["status"] == "trialing" and stripe_sub["trial_end"] == trial_end
        assert stripe_sub["items"]["data"][0]["price"]["recurring"]["interval"] == "year"
        assert len(fake.all("invoice")) == invoices and await journal_count() == count
        changed = await charges.get(sub["id"], tenant)
        assert changed["status"] == "trialing" and changed["amount_minor"] == 24000


async def test_usage_to_date_against_the_cap_on_billing_apps_and_cancel(client: Any) -> None:
    from jewelia.platform.commerce import usage

    listing = await paid_listing("usage_based", "0.05")
    email = await signup(client, business="Usage Shown Gems")
    tenant = await get_tenant((await tenant_of(email))["id"])
    verifier, challenge = pkce()
    r = await approve(client, authorize_url(listing, challenge))
    charge_id = CHARGE_PAGE.search(r.headers["location"]).group(1)  # type: ignore[union-attr]
    r = await accept(client, charge_id, cap="10")
    r = await post_form(client, r.headers["location"], r.headers["location"], {})
    charge = await charges.get(uuid.UUID(charge_id), tenant)
    r = await approve(client, charge["return_to"])
    install = await installs.active_install(listing["id"], tenant.id)
    assert install is not None and verifier
    await usage.report(tenant.id, install["id"], quantity=120, key="fx2-shown")  # 6.00
    page = await client.get("/settings/billing/apps")
    shown = re.search(rf'id="usage-{charge_id}">(.*?)</dd>', page.text, re.S)
    assert shown, page.text
    assert "6.00 of 10.00 USD" in shown.group(1) and "<progress" in shown.group(1)
    assert "USD 6.00 of your USD 10.00 cap, is still billed" in page.text
    r = await post_form(
        client, "/settings/billing/apps", f"/settings/billing/apps/{charge_id}/cancel", {}
    )
    assert "USD 6.00 of your USD 10.00 cap, is still billed at the end of the month" in r.text


async def test_app_charges_api_pages_with_the_common_paging(client: Any, app: Any) -> None:
    charge, tenant, _user = await _paid_one_time(client, "Paged Charge Gems")
    await _trialing_for(client, tenant)
    from jewelia.platform.apikeys.service import create_key

    key = await create_key(tenant.id, "reader", ["read"])
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50004))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {key.secret}"},
    ) as mine:
        r = await mine.get("/billing/app-charges", params={"limit": 1})
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["data"]) == 1 and body["pagination"]["limit"] == 1
        assert body["pagination"]["total"] == 2 and body["pagination"]["totalPages"] == 2
        second = (await mine.get("/billing/app-charges", params={"limit": 1, "page": 2})).json()
        assert [c["id"] for c in second["data"]] == [str(charge["id"])]
        for bad in ({"limit": "abc"}, {"limit": 0}, {"limit": 101}, {"page": 0}):
            r = await mine.get("/billing/app-charges", params=bad)
            assert r.status_code in (400, 422), r.text
            assert r.json()["code"] == "VALIDATION_ERROR", r.text


async def _trialing_for(client: Any, tenant: Any) -> None:
    """A second (subscription) charge for the signed-in business."""
    listing = await paid_listing("subscription", "12.00", cycle="monthly", trial=14)
    await buy(client, listing)


async def test_paid_install_page_says_one_more_step_and_goes_there(client: Any) -> None:
    listing = await paid_listing("usage_based", "0.05")
    await signup(client, business="One More Step Gems")
    _verifier, challenge = pkce()
    r = await approve(client, authorize_url(listing, challenge))
    charge_id = CHARGE_PAGE.search(r.headers["location"]).group(1)  # type: ignore[union-attr]
    r = await accept(client, charge_id, cap="10")
    r = await post_form(client, r.headers["location"], r.headers["location"], {})
    assert "is not installed yet" in r.text and "One more step" in r.text
    charge = await charge_row(charge_id)
    target = html.escape(charge["return_to"])
    assert f'<meta http-equiv="refresh" content="2;url={target}">' in r.text


# --- review fixes (issue 15, FX5) ------------------------------------------------------------


def _sub_invoice(charge: dict[str, Any], tag: str, amount: int) -> bytes:
    """invoice.paid of a later period of an app subscription (its own PaymentIntent)."""
    return charge_events._event(
        "invoice.paid",
        {
            "id": f"in_{tag}_{charge['id'].hex[:12]}",
            "object": "invoice",
            "customer": charge["stripe_customer"],
            "subscription": charge["stripe_subscription_id"],
            "amount_paid": amount,
            "currency": "usd",
            "payment_intent": f"pi_{tag}_{charge['id'].hex[:12]}",
            "lines": {"data": [{"period": {"start": 1, "end": 2}}]},
        },
    )


def _refunded(charge: dict[str, Any], tag: str, total: int, refunds: Any = None) -> bytes:
    """charge.refunded of that invoice's payment; without `refunds`, the older shape that
    carries only Stripe's cumulative amount_refunded for that one payment."""
    obj: dict[str, Any] = {
        "id": f"ch_{tag}_{charge['id'].hex[:12]}",
        "object": "charge",
        "customer": charge["stripe_customer"],
        "invoice": f"in_{tag}_{charge['id'].hex[:12]}",
        "payment_intent": f"pi_{tag}_{charge['id'].hex[:12]}",
        "amount": 2000,
        "amount_refunded": total,
        "currency": "usd",
    }
    if refunds is not None:
        obj["refunds"] = {"data": refunds}
    return charge_events._event("charge.refunded", obj)


async def _hook(client: Any, body: bytes) -> Any:
    return await client.post(
        "/billing/stripe/webhook", content=body, headers={"stripe-signature": gateway.sign(body)}
    )


async def _refund_journals(charge_key: str) -> list[int]:
    rows = await fetch(
        "SELECT r.amount FROM public.ledger_journal r JOIN public.ledger_journal c"
        " ON c.id = r.parent_id WHERE c.key = $1 AND r.kind = 'refund' ORDER BY r.created_at",
        charge_key,
    )
    return [int(r["amount"]) for r in rows]


async def test_an_early_or_failing_event_answers_500_and_its_redelivery_applies_once(
    client: Any,
) -> None:
    listing = await paid_listing("subscription", "20.00", cycle="monthly")
    email = await signup(client, business="Early Refund Gems")
    charge_id, _ = await buy(client, listing)
    charge = await charge_row(charge_id)
    assert charge["status"] == "active"
    jan = f"charge:pi_test_{charge['id'].hex[:12]}_first"
    feb = f"charge:pi_feb_{charge['id'].hex[:12]}"
    # February's refund arrives before February's invoice.paid: the payment is not known yet,
    # so the event fails (500, nothing kept) and Stripe's redelivery applies it later.
    before = await journal_count()
    early = _refunded(charge, "feb", 2000)
    r = await _hook(client, early)
    assert r.status_code == 500 and r.json()["status"] == "failed", r.text
    assert await journal_count() == before
    event_id = gateway.verify_event(early, gateway.sign(early))["id"]
    row = (await fetch("SELECT status, detail FROM public.stripe_event WHERE id = $1", event_id))[0]
    assert row["status"] == "failed" and "not known yet" in row["detail"]
    assert (await _hook(client, _sub_invoice(charge, "feb", 2000))).json()["status"] == "processed"
    # January's invoice refunded (older shape, no list): its own 20.00 is taken back.
    jan_refund = charge_events._event(
        "charge.refunded",
        {
            "id": f"ch_jan_{charge['id'].hex[:12]}",
            "customer": charge["stripe_customer"],
            "payment_intent": f"pi_test_{charge['id'].hex[:12]}_first",
            "amount": 2000,
            "amount_refunded": 2000,
            "currency": "usd",
        },
    )
    assert (await _hook(client, jan_refund)).json()["status"] == "processed"
    assert await _refund_journals(jan) == [2000]
    # Stripe redelivers February's refund: applied once, per payment (2000 - 0, not
    # 2000 - the 2000 refunded on the whole app charge).
    r = await _hook(client, early)
    assert r.status_code == 200 and r.json()["status"] == "processed", r.text
    assert await _refund_journals(feb) == [2000]
    assert (await _hook(client, early)).json()["status"] == "duplicate"
    assert await _refund_journals(feb) == [2000]
    assert (await charge_row(charge_id))["refunded_minor"] == 4000
    assert email


async def test_only_succeeded_refunds_are_taken_back(client: Any) -> None:
    listing = await paid_listing("subscription", "20.00", cycle="monthly")
    await signup(client, business="Pending Refund Gems")
    charge_id, _ = await buy(client, listing)
    charge = await charge_row(charge_id)
    assert (await _hook(client, _sub_invoice(charge, "mar", 2000))).status_code == 200
    key = f"charge:pi_mar_{charge['id'].hex[:12]}"
    pending = [{"id": f"re_p_{charge['id'].hex[:8]}", "amount": 500, "status": "pending"}]
    failed = [{"id": f"re_f_{charge['id'].hex[:8]}", "amount": 700, "status": "failed"}]
    for refunds in (pending, failed):
        r = await _hook(client, _refunded(charge, "mar", 0, refunds))
        assert r.status_code == 200, r.text
    assert await _refund_journals(key) == []
    done = [{**pending[0], "status": "succeeded"}, *failed]
    assert (await _hook(client, _refunded(charge, "mar", 500, done))).status_code == 200
    assert await _refund_journals(key) == [500]
    assert (await charge_row(charge_id))["refunded_minor"] == 500


def test_paid_listings_are_priced_in_usd_for_now() -> None:
    from jewelia.platform.marketplace import listings

    def currency_errors(pricing: dict[str, Any]) -> list[str]:
        try:
            listings.validate({"pricing": pricing}, new=True)
        except ValidationFailed as exc:
            return [e["message"] for e in exc.errors if e["field"] == "pricing.currency"]
        return []

    for model, extra in (
        ("one_time", {}),
        ("subscription", {"billingCycle": "monthly"}),
        ("usage_based", {}),
    ):
        errors = currency_errors({"model": model, "amount": "9", "currency": "EUR", **extra})
        assert errors and "USD" in errors[0], model
        assert currency_errors({"model": model, "amount": "9", "currency": "usd", **extra}) == []
    assert currency_errors({"model": "free", "currency": "EUR"}) == []
