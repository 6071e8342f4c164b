"""Stripe events for app charges, registered into billing's webhook dispatch.

Each handler runs in the transaction that stores the event (billing.service.handle_webhook),
so a charge's status, its payment rows and its ledger journal commit together or not at all.
Journal keys come from Stripe ids (`charge:<payment_intent>`, `refund:<refund id>`,
`dispute:<id>`, `dispute_won:<id>`): a replayed event is refused by the stored event id, and
the same money reported by another event (checkout.session.completed and
payment_intent.succeeded) posts nothing the second time. Apps are told after commit.
An event whose amount or currency differs from the charge the business accepted is ignored
and posts nothing (it is stored with its reason for the staff to see). A refund or dispute
of an app payment not applied yet fails (the webhook answers 500; Stripe sends it again).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import execute, fetch
from jewelia.platform.billing import service as billing
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.commerce import ledger
from jewelia.platform.marketplace import installs

log = logging.getLogger("jewelia.commerce")
NOT_MINE = billing.NOT_MINE
SUB_STATUS = {
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "canceled": "cancelled",
    "incomplete_expired": "failed",
}


def _epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def _when(event: dict[str, Any]) -> datetime:
    return _epoch(event.get("created")) or datetime.now(UTC)


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    meta = dict(obj.get("metadata") or {})
    details = ((obj.get("parent") or {}).get("subscription_details") or {}).get("metadata")
    return meta or dict(details or obj.get("subscription_details", {}).get("metadata") or {})


async def _by_id(value: Any) -> dict[str, Any] | None:
    try:
        charge_id = uuid.UUID(str(value))
    except ValueError:
        return None
    rows = await fetch("SELECT * FROM public.app_charge WHERE id = $1 FOR UPDATE", charge_id)
    return dict(rows[0]) if rows else None


async def _by(column: str, value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    assert column in ("stripe_subscription_id", "stripe_payment_intent", "stripe_checkout_id")
    rows = await fetch(f"SELECT * FROM public.app_charge WHERE {column} = $1 FOR UPDATE", value)
    return dict(rows[0]) if rows else None


def _sub_id(obj: dict[str, Any]) -> str | None:
    sub = obj.get("subscription") or (
        ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    )
    return sub.get("id") if isinstance(sub, dict) else sub


async def _listing(listing_id: uuid.UUID) -> dict[str, Any]:
    rows = await fetch("SELECT id, org_id, name FROM public.listing WHERE id = $1", listing_id)
    return dict(rows[0])


def _tell(charge: dict[str, Any], event: str, **data: Any) -> None:
    """Tell the app (signed app webhook) once the event's transaction committed."""
    body = {
        "charge_id": str(charge["id"]),
        "kind": charge["kind"],
        "amount": str(ledger.from_minor(charge["amount_minor"], charge["currency"].strip())),
        "currency": charge["currency"].strip(),
        "interval": charge["interval"],
        **data,
    }

    async def send() -> None:
        await installs.send_app_event(charge["listing_id"], charge["tenant_id"], event, body)

    billing.after_commit(send)


def _uninstall_after(charge: dict[str, Any]) -> None:
    """The business stopped paying (cancel, refund): the app goes, after commit."""

    async def go() -> None:
        current = await installs.active_install(charge["listing_id"], charge["tenant_id"])
        if current is not None:
            await installs.uninstall(current["id"], None)

    billing.after_commit(go)


async def _payment(
    charge: dict[str, Any],
    pid: str,
    kind: str,
    status: str,
    amount: int,
    *,
    payment_intent: str | None = None,
    ledger_key: str | None = None,
    period: dict[str, Any] | None = None,
    hosted_url: str | None = None,
) -> None:
    await execute(
        "INSERT INTO public.app_charge_payment (id, charge_id, tenant_id, kind, status,"
        " amount_minor, currency, payment_intent, ledger_key, period_start, period_end,"
        " hosted_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status,"
        " ledger_key = coalesce(EXCLUDED.ledger_key, app_charge_payment.ledger_key)",
        pid,
        charge["id"],
        charge["tenant_id"],
        kind,
        status,
        amount,
        charge["currency"].strip(),
        payment_intent,
        ledger_key,
        _epoch((period or {}).get("start")),
        _epoch((period or {}).get("end")),
        hosted_url,
    )


def _standard_fee(amount: int) -> int:
    """Stripe's standard card pricing (2.9 % + 30 c), what test mode reports as the fee."""
    return (amount * 29 + 500) // 1000 + 30


async def _fee(payment_intent: str, amount: int, given: Any = None) -> int:
    if given is not None:
        return int(given)
    if gateway.test_mode():
        return _standard_fee(amount)
    details = await asyncio.to_thread(gateway.payment_details, payment_intent)
    return int(details["fee"])


async def _post_payment(
    charge: dict[str, Any],
    event: dict[str, Any],
    *,
    payment_intent: str,
    amount: int,
    currency: str,
    fee: Any = None,
) -> str | None:
    """The business paid: check the amount and currency it agreed to, post the journal."""
    if currency.upper() != charge["currency"].strip():
        return f"currency {currency.upper()} differs from the charge's {charge['currency']}"
    if amount <= 0 or amount > charge["amount_minor"] * 13:
        return f"amount {amount} is not what the business agreed to"
    listing = await _listing(charge["listing_id"])
    key = f"charge:{payment_intent}"
    await ledger.post_charge(
        key=key,
        org_id=listing["org_id"],
        listing_id=listing["id"],
        currency=charge["currency"].strip(),
        gross=amount,
        fee=await _fee(payment_intent, amount, fee),
        occurred_at=_when(event),
        source=(
            "stripe_charge",
            (
                await asyncio.to_thread(
                    gateway.payment_details, payment_intent, amount_minor=amount, currency=currency
                )
            )["charge"],
        ),
    )
    return key


async def on_checkout_completed(event: dict[str, Any]) -> str | None:
    """checkout.session.completed with app_charge_id metadata: paid, trialing or card saved."""
    session = event["data"]["object"]
    meta = _meta(session)
    if "app_charge_id" not in meta:
        return NOT_MINE
    charge = await _by_id(meta["app_charge_id"])
    if charge is None or str(charge["tenant_id"]) != meta.get("tenant_id"):
        return "unknown app charge"
    if charge["status"] not in ("pending", "confirmed"):
        return None  # already applied (e.g. payment_intent.succeeded came first)
    if charge["accepted_at"] is None:
        return "the charge was never accepted on the confirmation page"
    mode = session.get("mode")
    customer = session.get("customer")
    if mode == "payment":
        if session.get("payment_status") != "paid":
            return "payment not completed"
        pi = session.get("payment_intent")
        if not pi:
            return "no payment intent"
        return await _paid_once(
            charge,
            event,
            pi,
            int(session.get("amount_total") or 0),
            str(session.get("currency") or ""),
            customer,
            session.get("fee"),
        )
    if mode == "subscription":
        status = "trialing" if charge["trial_days"] > 0 else "active"
        await execute(
            "UPDATE public.app_charge SET status = $2, stripe_subscription_id = $3,"
            " stripe_customer = $4, trial_ends_at = $5, stripe_checkout_id = $6,"
            " updated_at = now() WHERE id = $1",
            charge["id"],
            status,
            session.get("subscription"),
            customer,
            _when(event) + timedelta(days=charge["trial_days"]) if status == "trialing" else None,
            session.get("id"),
        )
        _tell({**charge, "status": status}, "app.charge.activated", status=status)
        return None
    if mode == "setup" and charge["kind"] == "usage":
        await execute(
            "UPDATE public.app_charge SET status = 'active', stripe_customer = $2,"
            " stripe_checkout_id = $3, updated_at = now() WHERE id = $1",
            charge["id"],
            customer,
            session.get("id"),
        )
        _tell(charge, "app.charge.activated", status="active", cap=str(charge["cap_minor"]))
        return None
    return f"checkout mode {mode} does not fit a {charge['kind']} charge"


async def _paid_once(
    charge: dict[str, Any],
    event: dict[str, Any],
    pi: str,
    amount: int,
    currency: str,
    customer: Any,
    fee: Any = None,
) -> str | None:
    if charge["kind"] != "one_time":
        return "not a one-time charge"
    if amount != charge["amount_minor"]:
        return f"amount {amount} differs from the accepted {charge['amount_minor']}"
    key = await _post_payment(
        charge, event, payment_intent=pi, amount=amount, currency=currency, fee=fee
    )
    if key is None or not key.startswith("charge:"):
        return key
    await execute(
        "UPDATE public.app_charge SET status = 'active', stripe_payment_intent = $2,"
        " stripe_customer = coalesce($3, stripe_customer), paid_at = $4, updated_at = now()"
        " WHERE id = $1",
        charge["id"],
        pi,
        customer,
        _when(event),
    )
    await _payment(charge, pi, "payment", "paid", amount, payment_intent=pi, ledger_key=key)
    _tell(charge, "app.charge.activated", status="active")
    return None


async def on_payment_intent_succeeded(event: dict[str, Any]) -> str | None:
    """payment_intent.succeeded of a one-time app charge (checkout's twin: posts once)."""
    pi = event["data"]["object"]
    meta = _meta(pi)
    charge = await _by_id(meta["app_charge_id"]) if "app_charge_id" in meta else None
    charge = charge or await _by("stripe_payment_intent", pi.get("id"))
    if charge is None or charge["kind"] != "one_time":
        return NOT_MINE
    if charge["status"] not in ("pending", "confirmed"):
        return None
    if charge["accepted_at"] is None:
        return "the charge was never accepted on the confirmation page"
    return await _paid_once(
        charge,
        event,
        pi["id"],
        int(pi.get("amount_received") or pi.get("amount") or 0),
        str(pi.get("currency") or ""),
        pi.get("customer"),
        pi.get("fee"),
    )


async def _sub_charge(obj: dict[str, Any]) -> dict[str, Any] | None:
    meta = _meta(obj)
    if "app_charge_id" in meta:
        return await _by_id(meta["app_charge_id"])
    return await _by("stripe_subscription_id", _sub_id(obj))


async def on_subscription(event: dict[str, Any]) -> str | None:
    """customer.subscription.* of an app subscription: its status and period (a plan
    subscription's events stay with billing, which would otherwise take it for the plan)."""
    sub = event["data"]["object"]
    charge = await _sub_charge({**sub, "subscription": sub.get("id")})
    if charge is None:
        return NOT_MINE if "app_charge_id" not in _meta(sub) else "unknown app charge"
    if charge["status"] in ("pending", "confirmed", "cancelled", "refunded"):
        return None  # before checkout completed, or over
    status = SUB_STATUS.get(str(sub.get("status")), charge["status"])
    if event["type"] == "customer.subscription.deleted":
        status = "cancelled"
    items = (sub.get("items") or {}).get("data") or [{}]
    period_end = sub.get("current_period_end") or items[0].get("current_period_end")
    if status == "cancelled":
        await mark_cancelled(charge["id"])
        return None
    await execute(
        "UPDATE public.app_charge SET status = $2, current_period_end = coalesce($3,"
        " current_period_end), cancel_at_period_end = $4, trial_ends_at = coalesce($5,"
        " trial_ends_at), updated_at = now() WHERE id = $1",
        charge["id"],
        status,
        _epoch(period_end),
        bool(sub.get("cancel_at_period_end")),
        _epoch(sub.get("trial_end")),
    )
    return None


async def mark_cancelled(charge_id: uuid.UUID) -> None:
    """The charge ended (cancelled): the app is told and uninstalled after commit."""
    rows = await fetch(
        "UPDATE public.app_charge SET status = 'cancelled', cancelled_at = now(),"
        " updated_at = now() WHERE id = $1 AND status <> 'cancelled' RETURNING *",
        charge_id,
    )
    if rows:
        _tell(dict(rows[0]), "app.charge.cancelled", status="cancelled")
        _uninstall_after(dict(rows[0]))


async def on_invoice_paid(event: dict[str, Any]) -> str | None:
    """invoice.paid for an app subscription: record the invoice, post the charge."""
    inv = event["data"]["object"]
    charge = await _sub_charge(inv)
    if charge is None:
        return NOT_MINE
    if charge["kind"] != "subscription":
        return "not a subscription charge"
    amount = int(inv.get("amount_paid") or 0)
    currency = str(inv.get("currency") or "")
    if currency.upper() != charge["currency"].strip():
        return f"currency {currency.upper()} differs from the charge's {charge['currency']}"
    period = ((inv.get("lines") or {}).get("data") or [{}])[0].get("period") or {}
    key = None
    pi = None
    if amount > 0:
        pi = inv.get("payment_intent")
        if not pi and not gateway.test_mode():
            pi = await asyncio.to_thread(gateway.invoice_payment_intent, inv["id"])
        pi = pi or inv["id"]
        key = await _post_payment(
            charge,
            event,
            payment_intent=pi,
            amount=amount,
            currency=currency,
            fee=inv.get("fee"),
        )
        if key is None or not key.startswith("charge:"):
            return key
    await _payment(
        charge,
        inv["id"],
        "invoice",
        "paid",
        amount,
        payment_intent=pi,
        ledger_key=key,
        period=period,
        hosted_url=inv.get("hosted_invoice_url"),
    )
    if amount > 0 and charge["status"] in ("trialing", "past_due", "confirmed", "pending"):
        await execute(
            "UPDATE public.app_charge SET status = 'active', paid_at = coalesce(paid_at, $2),"
            " updated_at = now() WHERE id = $1",
            charge["id"],
            _when(event),
        )
    return None


async def on_invoice_failed(event: dict[str, Any]) -> str | None:
    """invoice.payment_failed of an app subscription: past due (Stripe retries)."""
    inv = event["data"]["object"]
    charge = await _sub_charge(inv)
    if charge is None:
        return NOT_MINE
    await _payment(charge, inv["id"], "invoice", "failed", int(inv.get("amount_due") or 0))
    if charge["status"] in ("active", "trialing"):
        await execute(
            "UPDATE public.app_charge SET status = 'past_due', updated_at = now() WHERE id = $1",
            charge["id"],
        )
    return None


async def _paid_by(payment_intent: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The app charge and payment row a PaymentIntent paid, or None (not an app charge)."""
    if not payment_intent:
        return None
    rows = await fetch(
        "SELECT * FROM public.app_charge_payment WHERE payment_intent = $1"
        " AND kind IN ('payment', 'invoice') AND ledger_key IS NOT NULL",
        payment_intent,
    )
    if not rows:
        return None
    charge = await _by_id(rows[0]["charge_id"])
    return (charge, dict(rows[0])) if charge else None


class PaymentNotKnownYet(RuntimeError):
    """A refund or dispute of an app's payment that was not applied yet: the event fails
    (500) so that Stripe sends it again once the payment's own event has arrived."""


async def _not_known_yet(obj: dict[str, Any]) -> bool:
    """Is this refund or dispute of an app payment we have not applied yet (it came early)?"""
    if "app_charge_id" in _meta(obj):
        return True  # one-time and usage PaymentIntents carry the charge in their metadata
    pi = obj.get("payment_intent")
    if pi and await fetch("SELECT 1 FROM public.app_charge WHERE stripe_payment_intent = $1", pi):
        return True
    if not obj.get("invoice") or not obj.get("customer"):
        return False
    # An invoice's payment of a customer paying an app subscription and no plan: an app's.
    rows = await fetch(
        "SELECT 1 FROM public.app_charge c WHERE c.stripe_customer = $1"
        " AND c.kind = 'subscription' AND c.stripe_subscription_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM public.tenant t WHERE t.stripe_customer_id = $1"
        " AND t.stripe_subscription_id IS NOT NULL)",
        obj["customer"],
    )
    return bool(rows)


async def _paid_or_retry(obj: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    found = await _paid_by(obj.get("payment_intent"))
    if found is None and await _not_known_yet(obj):
        raise PaymentNotKnownYet(f"payment {obj.get('payment_intent')} is not known yet")
    return found


async def _refunded_on(charge_key: str) -> int:
    """What refund journals already took back of one payment's charge journal."""
    rows = await fetch(
        "SELECT coalesce(sum(r.amount), 0) AS n FROM public.ledger_journal r"
        " JOIN public.ledger_journal c ON c.id = r.parent_id"
        " WHERE c.key = $1 AND c.kind = 'charge' AND r.kind = 'refund'",
        charge_key,
    )
    return int(rows[0]["n"])


async def on_charge_refunded(event: dict[str, Any]) -> str | None:
    """charge.refunded: one reversing journal per succeeded Stripe refund id, per payment."""
    obj = event["data"]["object"]
    found = await _paid_or_retry(obj)
    if found is None:
        return NOT_MINE
    charge, paid = found
    if str(obj.get("currency") or "").upper() != charge["currency"].strip():
        return "currency differs from the charge's"
    refunds = ((obj.get("refunds") or {}).get("data")) or []
    if not refunds:  # older shape: only the cumulative amount
        refunds = [{"id": f"{obj['id']}:{obj.get('amount_refunded')}", "amount": None}]
    total = 0
    for item in refunds:
        if item.get("status") not in (None, "succeeded"):
            continue  # pending, failed or cancelled: the money has not gone back
        amount = int(item["amount"]) if item.get("amount") is not None else None
        if amount is None:  # Stripe's total for this payment less what we took back of it
            amount = int(obj.get("amount_refunded") or 0) - await _refunded_on(paid["ledger_key"])
        if amount <= 0 or amount > paid["amount_minor"]:
            continue
        _, new = await ledger.post_refund(
            key=f"refund:{item['id']}",
            charge_key=paid["ledger_key"],
            amount=amount,
            occurred_at=_when(event),
            source=("stripe_refund", str(item["id"])),
        )
        if new:
            total += amount
            await _payment(
                charge, str(item["id"]), "refund", "refunded", -amount, payment_intent=None
            )
    if total:
        refunded = charge["refunded_minor"] + total
        full = refunded >= paid["amount_minor"] and charge["kind"] == "one_time"
        await execute(
            "UPDATE public.app_charge SET refunded_minor = $2, refunded_at = now(),"
            " status = CASE WHEN $3 THEN 'refunded' ELSE status END, updated_at = now()"
            " WHERE id = $1",
            charge["id"],
            refunded,
            full,
        )
        _tell(
            charge,
            "app.charge.refunded",
            refunded=str(ledger.from_minor(total, charge["currency"].strip())),
        )
        if full:
            _uninstall_after(charge)
    return None


async def on_dispute(event: dict[str, Any]) -> str | None:
    """charge.dispute.created posts a reversal; charge.dispute.closed as won restores it."""
    dispute = event["data"]["object"]
    found = await _paid_or_retry(dispute)
    if found is None:
        return NOT_MINE
    charge, paid = found
    amount = int(dispute.get("amount") or 0)
    if amount <= 0 or amount > paid["amount_minor"]:
        return f"dispute amount {amount} does not fit the payment"
    if str(dispute.get("currency") or "").upper() != charge["currency"].strip():
        return "currency differs from the charge's"
    source = ("stripe_dispute", str(dispute["id"]))
    if event["type"] == "charge.dispute.created":
        await ledger.post_dispute(
            key=f"dispute:{dispute['id']}",
            charge_key=paid["ledger_key"],
            amount=amount,
            occurred_at=_when(event),
            source=source,
        )
        await _payment(charge, dispute["id"], "dispute", "open", -amount)
        return None
    status = str(dispute.get("status"))
    if status == "won":
        await ledger.post_dispute(  # a won dispute seen before its creation event
            key=f"dispute:{dispute['id']}",
            charge_key=paid["ledger_key"],
            amount=amount,
            occurred_at=_when(event),
            source=source,
        )
        await ledger.post_dispute_won(
            key=f"dispute_won:{dispute['id']}",
            dispute_key=f"dispute:{dispute['id']}",
            occurred_at=_when(event),
            source=source,
        )
        await _payment(charge, dispute["id"], "dispute", "won", 0)
        return None
    if status == "lost":
        await ledger.post_dispute(
            key=f"dispute:{dispute['id']}",
            charge_key=paid["ledger_key"],
            amount=amount,
            occurred_at=_when(event),
            source=source,
        )
        await _payment(charge, dispute["id"], "dispute", "lost", -amount)
        return None
    return f"dispute status {status}"


for _type, _handler in (
    ("checkout.session.completed", on_checkout_completed),
    ("payment_intent.succeeded", on_payment_intent_succeeded),
    ("customer.subscription.created", on_subscription),
    ("customer.subscription.updated", on_subscription),
    ("customer.subscription.deleted", on_subscription),
    ("invoice.paid", on_invoice_paid),
    ("invoice.payment_failed", on_invoice_failed),
    ("charge.refunded", on_charge_refunded),
    ("charge.dispute.created", on_dispute),
    ("charge.dispute.closed", on_dispute),
):
    billing.register(_type, _handler)


# --- test mode: the events Stripe would send, signed, through the same webhook handler ----


_event = billing.test_event


def test_mode_bodies(charge: dict[str, Any], action: str, **more: Any) -> list[bytes]:
    """The signed-ready bodies of the events Stripe sends for a test-mode action on a charge:
    pay, end_trial, change (interval, amount), cancel, refund, dispute, dispute_won,
    dispute_lost."""
    cid = charge["id"].hex
    now = int(datetime.now(UTC).timestamp())
    currency = charge["currency"].strip().lower()
    meta = {
        "app_charge_id": str(charge["id"]),
        "tenant_id": str(charge["tenant_id"]),
        "listing_id": str(charge["listing_id"]),
    }
    customer = charge.get("stripe_customer") or f"cus_test_{charge['tenant_id'].hex[:16]}"
    sub_id = charge.get("stripe_subscription_id") or f"sub_test_{cid[:20]}"
    pi = charge.get("stripe_payment_intent") or f"pi_test_{cid[:20]}"
    period = 365 if charge["interval"] == "year" else 30
    sub = {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": "trialing" if charge["trial_days"] else "active",
        "cancel_at_period_end": False,
        "current_period_end": now + 86400 * (charge["trial_days"] or period),
        "trial_end": now + 86400 * charge["trial_days"] if charge["trial_days"] else None,
        "metadata": meta,
    }

    def invoice(amount: int, tag: str, days: int = period) -> bytes:
        return _event(
            "invoice.paid",
            {
                "id": f"in_test_{cid[:12]}_{tag}",
                "object": "invoice",
                "customer": customer,
                "subscription": sub_id,
                "amount_paid": amount,
                "currency": currency,
                "payment_intent": f"pi_test_{cid[:12]}_{tag}" if amount else None,
                "hosted_invoice_url": None,
                "lines": {"data": [{"period": {"start": now, "end": now + 86400 * days}}]},
            },
        )

    session = {
        "id": f"cs_test_{cid[:20]}",
        "object": "checkout.session",
        "customer": customer,
        "client_reference_id": str(charge["tenant_id"]),
        "metadata": meta,
    }
    if action == "pay" and charge["kind"] == "one_time":
        return [
            _event(
                "checkout.session.completed",
                {
                    **session,
                    "mode": "payment",
                    "payment_status": "paid",
                    "payment_intent": pi,
                    "amount_total": charge["amount_minor"],
                    "currency": currency,
                },
            ),
            _event(
                "payment_intent.succeeded",
                {
                    "id": pi,
                    "object": "payment_intent",
                    "amount": charge["amount_minor"],
                    "amount_received": charge["amount_minor"],
                    "currency": currency,
                    "customer": customer,
                    "metadata": meta,
                },
            ),
        ]
    if action == "pay" and charge["kind"] == "subscription":
        first = 0 if charge["trial_days"] else charge["amount_minor"]
        # A trial's zero invoice covers the trial only; the first paid period starts at its end.
        days = charge["trial_days"] or period
        return [
            _event(
                "checkout.session.completed",
                {
                    **session,
                    "mode": "subscription",
                    "subscription": sub_id,
                    "payment_status": "paid",
                },
            ),
            _event("customer.subscription.created", sub),
            invoice(first, "first", days),
        ]
    if action == "pay" and charge["kind"] == "usage":
        return [_event("checkout.session.completed", {**session, "mode": "setup"})]
    if action == "end_trial":
        return [
            _event(
                "customer.subscription.updated",
                {
                    **sub,
                    "status": "active",
                    "trial_end": None,
                    "current_period_end": now + 86400 * period,
                },
            ),
            invoice(charge["amount_minor"], f"r{now}"),
        ]
    if action == "change":
        # Stripe, changing the interval: the billing anchor resets, the new price is invoiced
        # now less the unused part of the current period (here: all of it, just started).
        owed = int(more["amount"]) - int(charge["amount_minor"])
        return [invoice(owed, f"p{now}")] if owed > 0 else []
    if action == "cancel":
        return [_event("customer.subscription.deleted", {**sub, "status": "canceled"})]
    charge_obj = {
        "id": f"ch_test_{cid[:20]}",
        "object": "charge",
        "payment_intent": pi,
        "amount": charge["amount_minor"],
        "currency": currency,
    }
    if action == "refund":
        return [
            _event(
                "charge.refunded",
                {
                    **charge_obj,
                    "amount_refunded": charge["amount_minor"],
                    "refunds": {
                        "data": [{"id": f"re_test_{cid[:20]}", "amount": charge["amount_minor"]}]
                    },
                },
            )
        ]
    dispute = {
        "id": f"dp_test_{cid[:20]}",
        "object": "dispute",
        "charge": charge_obj["id"],
        "payment_intent": pi,
        "amount": charge["amount_minor"],
        "currency": currency,
        "status": "needs_response",
    }
    if action == "dispute":
        return [_event("charge.dispute.created", dispute)]
    if action in ("dispute_won", "dispute_lost"):
        status = "won" if action == "dispute_won" else "lost"
        return [_event("charge.dispute.closed", {**dispute, "status": status})]
    raise ValueError(f"unknown test action {action}")


async def test_mode_events(charge: dict[str, Any], action: str, **more: Any) -> list[str]:
    """Deliver, signed, the events Stripe would send for a test-mode action (development)."""
    if not gateway.test_mode():
        raise RuntimeError("test-mode events exist only in development without Stripe keys")
    bodies = test_mode_bodies(charge, action, **more)
    return [await billing.handle_webhook(body, gateway.sign(body)) for body in bodies]
