"""The issue-15 Stripe calls (stripe_gateway) through the real `stripe` client against the
Stripe-like server in tests/fake_stripe.py: every call, idempotency, pagination, signed events,
test mode."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from jewelia.core.errors import AuthenticationFailed
from jewelia.core.settings import reset_settings
from jewelia.platform.billing import stripe_gateway as gateway
from tests.fake_stripe import FakeStripe, stripe_fee
from tests.webhook_receiver import Receiver


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    """A fresh server with a webhook endpoint, and this process's settings pointing at it."""
    with Receiver() as receiver, FakeStripe() as server, server.configured():
        server.receiver = receiver  # type: ignore[attr-defined]
        server.add_endpoint(receiver.url("/hook"))
        server.add_endpoint(receiver.url("/connect"), connect=True)
        yield server


def key() -> str:
    return f"k-{uuid.uuid4().hex}"


def delivered(fake: FakeStripe, path: str = "/hook") -> list[dict[str, Any]]:
    """Events that reached the receiver at `path`, verified by the gateway as Jewelia does."""
    fake.flush()
    receiver: Receiver = fake.receiver  # type: ignore[attr-defined]
    return [
        gateway.verify_event(hit.body, hit.headers.get("Stripe-Signature"))
        for hit in receiver.received
        if hit.path == path
    ]


def checkout(fake: FakeStripe, mode: str = "payment", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": mode,
        "customer": None,
        "amount_minor": 1999,
        "currency": "USD",
        "name": "Ring Sizer",
        "metadata": {"charge_id": "chg_1", "tenant_id": "t1"},
        "success_url": "https://app.test/ok?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://app.test/cancel",
        "key": key(),
        **extra,
    }
    session_id, url = gateway.create_app_checkout(**params)
    assert url == f"https://checkout.stripe.test/pay/{session_id}"
    return fake.complete_checkout(session_id)


def test_one_time_checkout_charges_with_stripes_fee_and_signed_events(fake: FakeStripe) -> None:
    session = checkout(fake)
    assert session["status"] == "complete" and session["payment_status"] == "paid"
    assert session["success_url"] == f"https://app.test/ok?session={session['id']}"
    _m, _path, params, auth = next(r for r in fake.requests if r[1] == "/v1/checkout/sessions")
    assert auth == "Bearer sk_test_jewelia"
    line = params["line_items"]["0"]["price_data"]
    assert line["currency"] == "usd" and line["unit_amount"] == "1999"
    assert params["payment_intent_data"]["setup_future_usage"] == "off_session"
    assert params["payment_intent_data"]["metadata"]["charge_id"] == "chg_1"
    details = gateway.payment_details(session["payment_intent"])
    assert details["amount"] == 1999 and details["currency"] == "usd"
    assert details["fee"] == stripe_fee(1999) == 58 + 30 and details["net"] == 1999 - 88
    assert details["available_on"] == details["created"] + 2 * 86400
    types = [e["type"] for e in delivered(fake)]
    assert types == ["checkout.session.completed", "payment_intent.succeeded", "charge.succeeded"]
    event = delivered(fake)[1]
    assert event["object"] == "event" and event["data"]["object"]["id"] == session["payment_intent"]
    assert event["data"]["object"]["metadata"] == {"charge_id": "chg_1", "tenant_id": "t1"}
    # a tampered or foreign-signed event is refused
    payload, signature = fake.signed(fake.events[0])
    assert gateway.verify_event(payload, signature)["id"] == fake.events[0]["id"]
    with pytest.raises(AuthenticationFailed):
        gateway.verify_event(payload.replace(b"complete", b"expired"), signature)
    with pytest.raises(AuthenticationFailed):
        gateway.verify_event(payload, fake.signed(fake.events[0], "whsec_other")[1])
    with pytest.raises(AuthenticationFailed):
        gateway.verify_event(payload, fake.signature(payload, ts=int(time.time()) - 301))


def test_subscription_trial_renewal_proration_and_cancel(fake: FakeStripe) -> None:
    session = checkout(fake, "subscription", amount_minor=3000, interval="monthly", trial_days=14)
    sub = fake.get(session["subscription"])
    assert sub["status"] == "trialing" and sub["trial_end"] - sub["trial_start"] == 14 * 86400
    assert sub["metadata"]["charge_id"] == "chg_1"
    trial_invoice = fake.get(sub["latest_invoice"])
    assert trial_invoice["amount_paid"] == 0 and trial_invoice["status"] == "paid"
    assert gateway.invoice_payment_intent(trial_invoice["id"]) is None
    sub = fake.advance_subscription(sub["id"])
    assert sub["status"] == "active"
    invoice = fake.get(sub["latest_invoice"])
    assert invoice["amount_paid"] == 3000 and invoice["billing_reason"] == "subscription_cycle"
    assert invoice["parent"]["subscription_details"]["metadata"]["charge_id"] == "chg_1"
    intent = gateway.invoice_payment_intent(invoice["id"])
    assert intent and gateway.payment_details(intent)["fee"] == stripe_fee(3000)
    paid = [e for e in delivered(fake) if e["type"] == "invoice.paid"]
    assert [e["data"]["object"]["amount_paid"] for e in paid] == [0, 3000]

    updated = gateway.update_app_subscription(
        sub["id"], amount_minor=6000, interval="monthly", key=key()
    )
    assert updated["items"]["data"][0]["price"]["unit_amount"] == 6000
    proration = fake.get(updated["latest_invoice"])
    assert proration["billing_reason"] == "subscription_update"
    item = updated["items"]["data"][0]
    left = (item["current_period_end"] - time.time()) / (
        item["current_period_end"] - item["current_period_start"]
    )
    assert abs(proration["amount_paid"] - 3000 * left) <= 2  # new minus old, for the rest
    assert [line["amount"] < 0 for line in proration["lines"]["data"]] == [True, False]

    later = gateway.cancel_app_subscription(sub["id"], key=key(), at_period_end=True)
    assert later["cancel_at_period_end"] and later["status"] == "active"
    ended = fake.advance_subscription(sub["id"])
    assert ended["status"] == "canceled"
    assert delivered(fake)[-1]["type"] == "customer.subscription.deleted"
    with pytest.raises(gateway.StripeFailure):
        gateway.cancel_app_subscription(sub["id"], key=key())

    other = checkout(fake, "subscription", amount_minor=12000, interval="annual")
    now = gateway.cancel_app_subscription(other["subscription"], key=key())
    assert now["status"] == "canceled"
    first = fake.get(fake.get(other["subscription"])["latest_invoice"])
    assert first["amount_paid"] == 12000


def test_usage_charge_is_idempotent_and_a_declined_card_is_told(fake: FakeStripe) -> None:
    session = checkout(fake, "setup")
    customer = session["customer"]
    assert fake.get(session["setup_intent"])["status"] == "succeeded"
    k = key()
    args = {
        "customer": customer,
        "amount_minor": 1234,
        "currency": "usd",
        "description": "Usage 2026-11",
        "metadata": {"install_id": "i1"},
    }
    first = gateway.charge_usage(**args, key=k)
    again = gateway.charge_usage(**args, key=k)
    assert first["id"] == again["id"] and first["status"] == "succeeded"
    assert len([c for c in fake.all("charge") if c["customer"] == customer]) == 1
    with pytest.raises(gateway.StripeFailure) as refused:
        gateway.charge_usage(**{**args, "amount_minor": 999}, key=k)
    assert refused.value.code == "idempotency_error" and refused.value.status == 400
    assert not refused.value.retryable
    assert len([c for c in fake.all("charge") if c["customer"] == customer]) == 1

    fake.attach_card(customer, declined=True)
    with pytest.raises(gateway.StripeFailure) as declined:
        gateway.charge_usage(**args, key=key())
    assert declined.value.code == "card_declined" and declined.value.status == 402
    failed = [e["type"] for e in delivered(fake)][-2:]
    assert failed == ["payment_intent.payment_failed", "charge.failed"]

    bare = fake.objects  # a customer without a card cannot be charged off session
    with fake.lock:
        nobody = fake._new_customer({"email": "n@example.com"})["id"]
    assert nobody in bare
    with pytest.raises(gateway.StripeFailure) as no_card:
        gateway.charge_usage(**{**args, "customer": nobody}, key=key())
    assert no_card.value.code == "no_payment_method"


def test_refunds_partial_then_rest_and_never_more(fake: FakeStripe) -> None:
    session = checkout(fake, amount_minor=5000)
    intent = session["payment_intent"]
    k = key()
    part = gateway.refund(payment_intent=intent, amount_minor=2000, key=k)
    assert gateway.refund(payment_intent=intent, amount_minor=2000, key=k)["id"] == part["id"]
    assert part["status"] == "succeeded" and part["amount"] == 2000
    with pytest.raises(gateway.StripeFailure) as too_much:
        gateway.refund(payment_intent=intent, amount_minor=3001, key=key())
    assert "greater than unrefunded" in str(too_much.value)
    gateway.refund(payment_intent=intent, amount_minor=3000, key=key())
    charge = fake.get(part["charge"])
    assert charge["amount_refunded"] == 5000 and charge["refunded"] is True
    txn = fake.get(part["balance_transaction"])
    assert txn["type"] == "refund" and txn["amount"] == -2000 and txn["fee"] == 0
    with pytest.raises(gateway.StripeFailure) as again:
        gateway.refund(payment_intent=intent, amount_minor=1, key=key())
    assert again.value.code == "charge_already_refunded"
    refunded = [e for e in delivered(fake) if e["type"] == "charge.refunded"]
    assert [e["data"]["object"]["amount_refunded"] for e in refunded] == [2000, 5000]


def test_disputes_withdraw_then_won_reinstates_or_lost_keeps(fake: FakeStripe) -> None:
    for won in (True, False):
        session = checkout(fake, amount_minor=4000)
        charge = gateway.payment_details(session["payment_intent"])["charge"]
        dispute = fake.dispute(charge)
        assert dispute["status"] == "needs_response" and dispute["amount"] == 4000
        withdrawal = fake.get(dispute["balance_transactions"][0])
        assert (withdrawal["amount"], withdrawal["fee"], withdrawal["net"]) == (-4000, 1500, -5500)
        closed = fake.close_dispute(dispute["id"], won)
        assert closed["status"] == ("won" if won else "lost")
        assert len(closed["balance_transactions"]) == (2 if won else 1)
        with pytest.raises(gateway.StripeFailure) as disputed:
            gateway.refund(payment_intent=session["payment_intent"], amount_minor=100, key=key())
        assert disputed.value.code == "charge_disputed"
    kinds = [e["type"] for e in delivered(fake) if e["type"].startswith("charge.dispute")]
    assert kinds == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.closed",
    ]


def test_connect_onboarding_transfers_and_reversals(fake: FakeStripe) -> None:
    k = key()
    account = gateway.create_express_account(email="dev@example.com", org_id="org-1", key=k)
    assert gateway.create_express_account(email="dev@example.com", org_id="org-1", key=k) == account
    assert len(fake.all("account")) == 1
    link = gateway.account_link(
        account, refresh_url="https://app.test/refresh", return_url="https://app.test/back"
    )
    assert link.startswith(f"https://connect.stripe.test/setup/e/{account}/")
    before = gateway.retrieve_account(account)
    assert before["details_submitted"] is False and before["payouts_enabled"] is False
    assert before["metadata"] == {"org_id": "org-1"} and before["type"] == "express"
    with pytest.raises(gateway.StripeFailure) as early:
        gateway.create_transfer(
            account_id=account, amount_minor=2500, currency="USD", key=key(), metadata={}
        )
    assert early.value.code == "insufficient_capabilities_for_transfer"
    fake.onboard(account)
    assert gateway.retrieve_account(account)["payouts_enabled"] is True
    assert [e["type"] for e in delivered(fake, "/connect")] == ["account.updated"]
    assert delivered(fake, "/connect")[0]["account"] == account
    assert "account.updated" not in [e["type"] for e in delivered(fake)]

    payout = "payout:2026-11:org-1"
    meta = {"period": "2026-11", "org_id": "org-1"}
    transfer = gateway.create_transfer(
        account_id=account, amount_minor=2500, currency="USD", key=payout, metadata=meta
    )
    same = gateway.create_transfer(
        account_id=account, amount_minor=2500, currency="USD", key=payout, metadata=meta
    )
    assert same["id"] == transfer["id"] and transfer["transfer_group"] == "2026-11"
    assert transfer["currency"] == "usd" and transfer["destination"] == account
    with pytest.raises(gateway.StripeFailure) as changed:
        gateway.create_transfer(
            account_id=account, amount_minor=2600, currency="USD", key=payout, metadata=meta
        )
    assert changed.value.code == "idempotency_error"
    assert [t["id"] for t in fake.transfers[payout]] == [transfer["id"]]
    assert len(fake.all("transfer")) == 1
    txn = fake.get(transfer["balance_transaction"])
    assert (txn["type"], txn["amount"], txn["source"]) == ("transfer", -2500, transfer["id"])

    rk = key()
    reversal = gateway.reverse_transfer(transfer["id"], amount_minor=1000, key=rk)
    assert (
        gateway.reverse_transfer(transfer["id"], amount_minor=1000, key=rk)["id"]
        == (reversal["id"])
    )
    assert reversal["object"] == "transfer_reversal" and reversal["amount"] == 1000
    with pytest.raises(gateway.StripeFailure):
        gateway.reverse_transfer(transfer["id"], amount_minor=1501, key=key())
    gateway.reverse_transfer(transfer["id"], amount_minor=1500, key=key())
    after = fake.get(transfer["id"])
    assert after["reversed"] is True and after["amount_reversed"] == 2500
    back = fake.get(reversal["balance_transaction"])
    assert (back["type"], back["reporting_category"], back["amount"]) == (
        "transfer_refund",
        "transfer_reversal",
        1000,
    )
    types = [e["type"] for e in delivered(fake)]
    assert types.count("transfer.created") == 1 and types.count("transfer.reversed") == 2


def test_concurrent_and_lost_replies_make_one_transfer(fake: FakeStripe) -> None:
    account = gateway.create_express_account(email="d@example.com", org_id="o", key=key())
    fake.onboard(account)
    payout = f"payout:2026-11:{uuid.uuid4()}"
    ids: list[str] = []

    def pay() -> None:
        ids.append(
            gateway.create_transfer(
                account_id=account, amount_minor=9900, currency="usd", key=payout, metadata={}
            )["id"]
        )

    threads = [threading.Thread(target=pay) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 20 and len(set(ids)) == 1 and len(fake.transfers[payout]) == 1

    # The transfer is made but the reply is lost (500, then a dropped connection): the client
    # retries with the same key and gets the same transfer.
    for status in (500, 0):
        lost = key()
        fake.fail_next("/v1/transfers", status, after=True)
        made = gateway.create_transfer(
            account_id=account, amount_minor=100, currency="usd", key=lost, metadata={}
        )
        assert [t["id"] for t in fake.transfers[lost]] == [made["id"]]
        sent = [r for r in fake.requests if r[1] == "/v1/transfers" and r[0] == "POST"]
        assert len(sent) >= 2
    # Failing before any work (and beyond the client's retries) creates nothing; the same key
    # works afterwards.
    fake.fail_next("/v1/transfers", 503, times=3)
    late = key()
    with pytest.raises(gateway.StripeFailure) as down:
        gateway.create_transfer(
            account_id=account, amount_minor=100, currency="usd", key=late, metadata={}
        )
    assert down.value.retryable and late not in fake.transfers
    gateway.create_transfer(
        account_id=account, amount_minor=100, currency="usd", key=late, metadata={}
    )
    assert len(fake.transfers[late]) == 1


def test_balance_transactions_are_paged_within_the_window(fake: FakeStripe) -> None:
    account = gateway.create_express_account(email="d@example.com", org_id="o", key=key())
    fake.onboard(account)
    fake.clock_offset = -86400  # yesterday: outside the window
    for _ in range(3):
        gateway.create_transfer(
            account_id=account, amount_minor=100, currency="usd", key=key(), metadata={}
        )
    fake.clock_offset = 0
    start = int(time.time())
    made = [
        gateway.create_transfer(
            account_id=account, amount_minor=100 + n, currency="usd", key=key(), metadata={}
        )["balance_transaction"]
        for n in range(230)
    ]
    got = list(gateway.balance_transactions(created_gte=start - 1, created_lt=start + 3600))
    assert [t["id"] for t in got] == made[::-1]  # newest first, every page, nothing else
    assert all(t["object"] == "balance_transaction" and t["type"] == "transfer" for t in got)
    pages = [r for r in fake.requests if r[1] == "/v1/balance_transactions"]
    assert len(pages) == 3 and "starting_after" in pages[1][2]
    assert pages[0][2]["limit"] == "100" and set(pages[0][2]["created"]) == {"gte", "lt"}
    assert list(gateway.balance_transactions(created_gte=0, created_lt=start - 3600)) != []
    assert (
        list(gateway.balance_transactions(created_gte=start + 3600, created_lt=start + 7200)) == []
    )


def test_the_wire_speaks_stripes_envelopes(fake: FakeStripe) -> None:
    auth = {"Authorization": "Bearer sk_test_jewelia"}
    with httpx.Client(base_url=fake.url) as http:
        bad = http.get("/v1/balance", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401 and bad.json()["error"]["type"] == "invalid_request_error"
        unknown = http.get("/v1/nothing", headers=auth)
        assert unknown.status_code == 404 and "Unrecognized request URL" in unknown.text
        missing = http.get("/v1/transfers/tr_missing", headers=auth)
        assert missing.json()["error"]["code"] == "resource_missing"
        listing = http.get("/v1/transfers", params={"limit": 3}, headers=auth).json()
        assert listing == {"object": "list", "data": [], "has_more": False, "url": "/v1/transfers"}
        form = {"amount": "-5", "currency": "usd", "destination": "acct_x"}
        headers = {**auth, "Idempotency-Key": "neg"}
        negative = http.post("/v1/transfers", data=form, headers=headers)
        assert negative.status_code == 400 and negative.json()["error"]["param"] == "amount"
        wrong = http.post(
            "/v1/payment_intents", data={"amount": "500", "currency": "USD"}, headers=auth
        )
        assert wrong.json()["error"]["param"] == "currency"
        customer = http.post("/v1/customers", data={"email": "a@b.c"}, headers=headers)
        # a validation failure saved nothing: the same key now runs, then replays
        assert customer.status_code == 200
        replay = http.post("/v1/customers", data={"email": "a@b.c"}, headers=headers)
        assert replay.json()["id"] == customer.json()["id"]
        assert replay.headers["Idempotent-Replayed"] == "true"
        other_path = http.post("/v1/accounts", data={"type": "express"}, headers=headers)
        assert other_path.json()["error"]["type"] == "idempotency_error"
    events = json.loads(json.dumps(fake.events))
    assert all({"id", "object", "type", "data", "created"} <= set(e) for e in events)


def test_test_mode_is_offline_and_deterministic(fake: FakeStripe) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.delenv("STRIPE_API_KEY")
        env.delenv("STRIPE_WEBHOOK_SECRET")
        env.setenv("JEWELIA_DEV_MODE", "1")
        reset_settings()
        try:
            assert gateway.test_mode()
            before = len(fake.requests)
            sid, url = gateway.create_app_checkout(
                mode="subscription",
                customer=None,
                amount_minor=500,
                currency="USD",
                name="App",
                interval="annual",
                trial_days=7,
                metadata={"charge_id": "c"},
                success_url="https://app.test/ok/{CHECKOUT_SESSION_ID}",
                cancel_url="https://app.test/no",
                key="checkout:c",
            )
            assert sid.startswith("cs_test_") and url == f"https://app.test/ok/{sid}"
            again = gateway.create_app_checkout(
                mode="payment",
                customer="cus_x",
                amount_minor=500,
                currency="usd",
                name="App",
                metadata={},
                success_url="https://app.test/ok",
                cancel_url="https://app.test/no",
                key="checkout:c",
            )
            assert again[0] == sid
            t1 = gateway.create_transfer(
                account_id="acct_test_1", amount_minor=2500, currency="USD", key="p:1", metadata={}
            )
            t2 = gateway.create_transfer(
                account_id="acct_test_1", amount_minor=2500, currency="USD", key="p:1", metadata={}
            )
            t3 = gateway.create_transfer(
                account_id="acct_test_1", amount_minor=2500, currency="USD", key="p:2", metadata={}
            )
            assert t1["id"] == t2["id"] != t3["id"] and t1["id"].startswith("tr_test_")
            assert t1["currency"] == "usd" and t1["amount"] == 2500
            account = gateway.create_express_account(email="d@x.com", org_id="o", key="acct:o")
            assert account.startswith("acct_test_")
            assert gateway.account_link(account, refresh_url="r", return_url="https://b") == (
                "https://b"
            )
            assert gateway.retrieve_account(account)["payouts_enabled"] is True
            pi = gateway.charge_usage(
                customer="cus_x",
                amount_minor=700,
                currency="usd",
                description="u",
                metadata={},
                key="usage:1",
            )
            assert pi["status"] == "succeeded" and pi["id"].startswith("pi_test_")
            details = gateway.payment_details(pi["id"])
            assert (
                details["amount"]
                == 700
                == gateway.payment_details(pi["id"], amount_minor=700)["amount"]
            )
            assert details["fee"] == stripe_fee(700) and details["net"] == 700 - stripe_fee(700)
            assert (
                gateway.refund(payment_intent=pi["id"], amount_minor=100, key="r:1")["id"]
                == (gateway.refund(payment_intent=pi["id"], amount_minor=100, key="r:1")["id"])
            )
            assert (
                gateway.reverse_transfer(t1["id"], amount_minor=5, key="rv:1")["transfer"]
                == (t1["id"])
            )
            sub = gateway.update_app_subscription(
                "sub_t", amount_minor=900, interval="monthly", key="u"
            )
            assert sub["items"]["data"][0]["price"]["unit_amount"] == 900
            assert gateway.cancel_app_subscription("sub_t", key="c")["status"] == "canceled"
            assert list(gateway.balance_transactions(created_gte=0, created_lt=2**31)) == []
            assert len(fake.requests) == before  # nothing went over the network
            with pytest.raises(ValueError):
                gateway.create_transfer(
                    account_id="a", amount_minor=-1, currency="usd", key="x", metadata={}
                )
            with pytest.raises(ValueError):
                gateway.charge_usage(
                    customer="c",
                    amount_minor=1,
                    currency="dollars",
                    description="",
                    metadata={},
                    key="x",
                )
            with pytest.raises(ValueError):
                gateway.refund(payment_intent="pi", amount_minor=5, key="")
        finally:
            env.undo()
            reset_settings()


def test_session_fixture_leaves_the_environment_alone(fake_stripe: FakeStripe) -> None:
    import os

    assert os.environ.get("STRIPE_API_BASE") != fake_stripe.url
    assert gateway.test_mode()
    with fake_stripe.configured():
        assert not gateway.test_mode()
        assert gateway.create_express_account(email="a@b.c", org_id="o", key=key())
    assert gateway.test_mode()
    assert fake_stripe.env()["STRIPE_API_BASE"] == fake_stripe.url


def test_a_request_in_flight_answers_409_and_the_client_retries(fake: FakeStripe) -> None:
    account = gateway.create_express_account(email="d@example.com", org_id="o", key=key())
    fake.onboard(account)
    form = {"amount": "700", "currency": "usd", "destination": account}
    headers = {"Authorization": "Bearer sk_test_jewelia", "Idempotency-Key": key()}
    fake.slow_next("/v1/transfers", 0.6)
    answers: list[httpx.Response] = []
    first = threading.Thread(
        target=lambda: answers.append(
            httpx.post(f"{fake.url}/v1/transfers", data=form, headers=headers)
        )
    )
    first.start()
    time.sleep(0.2)
    busy = httpx.post(f"{fake.url}/v1/transfers", data=form, headers=headers)
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "idempotency_key_in_use"
    first.join()
    assert answers[0].status_code == 200
    replay = httpx.post(f"{fake.url}/v1/transfers", data=form, headers=headers)
    assert replay.json()["id"] == answers[0].json()["id"]

    # Through the gateway: the second caller is told 409, retries with the same key, and gets
    # the transfer the first one made.
    payout = key()
    fake.slow_next("/v1/transfers", 0.6)
    made: list[str] = []

    def pay() -> None:
        made.append(
            gateway.create_transfer(
                account_id=account, amount_minor=800, currency="usd", key=payout, metadata={}
            )["id"]
        )

    threads = [threading.Thread(target=pay) for _ in range(2)]
    threads[0].start()
    time.sleep(0.1)
    threads[1].start()
    for thread in threads:
        thread.join()
    assert len(made) == 2 and made[0] == made[1] and len(fake.transfers[payout]) == 1
