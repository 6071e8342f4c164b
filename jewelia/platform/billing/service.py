"""Billing rules: upgrades through Checkout, Stripe events stored once and applied, grace periods."""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import DB, execute, fetch, tenant_scope
from jewelia.core.errors import AppError, FieldError, NotFound, ValidationFailed
from jewelia.platform.apikeys.grant_cache import GRANTS
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.billing.plans import all_plans
from jewelia.platform.mail.service import queue_email
from jewelia.platform.tenancy.registry import TenantInfo, get_tenant
from jewelia.tenants.audit.service import Actor, record

log = logging.getLogger("jewelia.billing")
GRACE = timedelta(days=7)
PAID_PLANS = ("professional", "enterprise")
STRIPE = Actor("system", None, "stripe")
NOT_CONFIGURED = (
    "Billing is not configured on this server, so the plan cannot be changed yet."
    " Please contact the site's operator."
)


class BillingNotConfigured(AppError):
    """No Stripe keys outside development: there is no way to take a payment (503)."""

    status_code = 503
    code = "BILLING_NOT_CONFIGURED"


def _require_billing() -> None:
    """Refuse plan changes when neither Stripe nor (in development) test mode is available."""
    if not gateway.configured() and not gateway.test_mode():
        log.warning("billing not configured: set STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET")
        raise BillingNotConfigured(NOT_CONFIGURED)


async def checkout_url(tenant: TenantInfo, plan: str, base_url: str) -> str:
    """Where to send an owner who picked a paid plan: Stripe Checkout, or our test-mode page."""
    if plan not in PAID_PLANS:
        raise ValidationFailed(
            [FieldError("plan", "Choose professional or enterprise", "INVALID_CHOICE")]
        )
    _require_billing()
    if gateway.test_mode():
        return f"/billing/test-checkout?plan={plan}"
    rows = await fetch("SELECT stripe_customer_id FROM public.tenant WHERE id = $1", tenant.id)
    return gateway.create_checkout_session(
        str(tenant.id),
        plan,
        rows[0]["stripe_customer_id"],
        f"{base_url}/settings/billing?checkout=done",
        f"{base_url}/settings/billing?checkout=cancelled",
    )


async def portal_url(tenant: TenantInfo, return_url: str) -> str:
    """Stripe's customer portal for managing or cancelling the subscription."""
    _require_billing()
    rows = await fetch("SELECT stripe_customer_id FROM public.tenant WHERE id = $1", tenant.id)
    customer = rows[0]["stripe_customer_id"] if rows else None
    if gateway.test_mode() or not customer:
        raise ValidationFailed(
            [FieldError("plan", "There is no Stripe subscription to manage", "INVALID")]
        )
    return gateway.create_portal_session(customer, return_url)


# Handlers other packages register (commerce: app charges, Connect) take the whole event and
# return NOT_MINE when it is not theirs (a plan subscription's invoice, say); billing's own
# HANDLERS get what nobody claimed. The modules are imported by name when the first event
# arrives: billing cannot import commerce (commerce imports billing), and a web process or a
# test that never imported them must not ignore their events.
NOT_MINE = "not mine"
EventHandler = Callable[[dict[str, Any]], Awaitable[str | None]]
HANDLER_MODULES = [
    "jewelia.platform.commerce.charge_events",
    "jewelia.platform.commerce.connect",
    "jewelia.platform.commerce.payouts",
    "jewelia.platform.commerce.usage",
]
_REGISTERED: dict[str, list[EventHandler]] = {}
_CONNECT: set[EventHandler] = set()  # handlers of connected accounts' events (`account` set)
_AFTER_COMMIT: ContextVar[list[Callable[[], Awaitable[None]]] | None] = ContextVar(
    "stripe_after_commit", default=None
)
_loaded = False


def register(event_type: str, handler: EventHandler, *, connect: bool = False) -> None:
    """Dispatch `event_type` to `handler` (before billing's own; first claimer wins); only
    `connect` handlers see events of connected accounts (those carrying `account`)."""
    handlers = _REGISTERED.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)
    if connect:
        _CONNECT.add(handler)


def after_commit(job: Callable[[], Awaitable[None]]) -> None:
    """Run `job` once the event's transaction committed (e.g. tell an app by webhook)."""
    jobs = _AFTER_COMMIT.get()
    if jobs is None:
        raise RuntimeError("after_commit outside a Stripe event handler")
    jobs.append(job)


@asynccontextmanager
async def after_commit_scope() -> AsyncIterator[None]:
    """Collect after_commit jobs of the enclosed code (which commits its own transaction) and
    run them at the end; for changes made outside a Stripe event (e.g. a usage cap ended)."""
    jobs: list[Callable[[], Awaitable[None]]] = []
    token = _AFTER_COMMIT.set(jobs)
    try:
        yield
    finally:
        _AFTER_COMMIT.reset(token)
    await _run_jobs(jobs, "after-commit job failed")


async def _run_jobs(jobs: list[Callable[[], Awaitable[None]]], what: str) -> None:
    for job in jobs:
        try:
            await job()
        except Exception:  # the change is committed; a lost notice must not undo it
            log.exception(what)


def _load_handlers() -> None:
    global _loaded
    if not _loaded:
        for name in HANDLER_MODULES:
            importlib.import_module(name)
        _loaded = True


async def _dispatch(event: dict[str, Any]) -> str | None:
    connected = bool(event.get("account"))
    for handler in _REGISTERED.get(event["type"], []):
        if connected and handler not in _CONNECT:
            continue
        result = await handler(event)
        if result != NOT_MINE:
            return result
    if connected:
        return "a connected account's event no Connect handler takes"
    own = HANDLERS.get(event["type"])
    if own is None:
        return "event type not handled"
    return await own(event["data"]["object"])


async def handle_webhook(payload: bytes, signature: str | None) -> str:
    """Verify, store once by id and apply in ONE transaction; returns processed, duplicate,
    ignored or failed. A failed event's effects roll back (savepoint), it is stored as failed
    and the webhook answers 500, so Stripe's redelivery applies it (failed rows re-process)."""
    event = gateway.verify_event(payload, signature)
    _load_handlers()
    jobs: list[Callable[[], Awaitable[None]]] = []
    token = _AFTER_COMMIT.set(jobs)
    try:
        async with DB.transaction() as txn:
            stored = await fetch(
                "INSERT INTO public.stripe_event AS e (id, type, payload) VALUES ($1, $2, $3::jsonb)"
                " ON CONFLICT (id) DO UPDATE SET received_at = now()"
                " WHERE e.status IN ('received', 'failed') RETURNING e.id",
                event["id"],
                event["type"],
                payload.decode(),
            )
            if not stored:
                return "duplicate"
            savepoint = await txn.savepoint()
            try:
                detail = await _dispatch(event)
                status = "processed" if detail is None else "ignored"
                await savepoint.release()
            except Exception as exc:  # stored for the staff; the 500 makes Stripe redeliver it
                await savepoint.rollback_to()
                jobs.clear()
                log.exception("stripe event failed", extra={"fields": {"event": event["id"]}})
                status, detail = "failed", f"{type(exc).__name__}: {exc}"[:500]
            await execute(
                "UPDATE public.stripe_event SET status = $2, detail = $3 WHERE id = $1",
                event["id"],
                status,
                detail,
            )
    finally:
        _AFTER_COMMIT.reset(token)
    await _run_jobs(jobs, f"after-commit job failed (event {event['id']})")
    return status


async def _tenant_by_customer(customer: str | None) -> TenantInfo | None:
    rows = await fetch("SELECT id FROM public.tenant WHERE stripe_customer_id = $1", customer)
    return await get_tenant(rows[0]["id"]) if rows else None


async def _set_plan(tenant: TenantInfo, plan: str, **fields: Any) -> None:
    sets = ", ".join(f"{k} = ${n}" for n, k in enumerate(fields, start=3))
    await execute(
        f"UPDATE public.tenant SET plan = $2{', ' + sets if sets else ''} WHERE id = $1",
        tenant.id,
        plan,
        *fields.values(),
    )
    GRANTS.clear()
    if plan != tenant.plan:
        async with tenant_scope(tenant.ref):
            await record(
                STRIPE,
                "billing.plan_changed",
                "tenant",
                tenant.id,
                {"plan": tenant.plan},
                {"plan": plan},
            )


def _epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


async def on_checkout_completed(session: dict[str, Any]) -> str | None:
    tenant_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "tenant_id"
    )
    plan = (session.get("metadata") or {}).get("plan")
    try:
        tenant = await get_tenant(uuid.UUID(str(tenant_id)))
    except (ValueError, AppError):
        return "unknown tenant"
    if plan not in PAID_PLANS:
        return "unknown plan"
    await _set_plan(
        tenant,
        plan,
        stripe_customer_id=session.get("customer"),
        stripe_subscription_id=session.get("subscription"),
        subscription_status="active",
        payment_grace_until=None,
        cancel_at_period_end=False,
    )
    return None


async def on_subscription(sub: dict[str, Any]) -> str | None:
    tenant = await _tenant_by_customer(sub.get("customer"))
    if tenant is None:
        return "unknown customer"
    items = (sub.get("items") or {}).get("data") or [{}]
    price = (items[0].get("price") or {}).get("id", "")
    plan = gateway.plan_for_price(price) or (sub.get("metadata") or {}).get("plan") or tenant.plan
    period_end = sub.get("current_period_end") or items[0].get("current_period_end")
    status = sub.get("status", "active")
    if status in ("canceled", "unpaid", "incomplete_expired"):
        plan = "free"
    await _set_plan(
        tenant,
        plan,
        stripe_subscription_id=sub.get("id"),
        subscription_status=status,
        current_period_end=_epoch(period_end),
        cancel_at_period_end=bool(sub.get("cancel_at_period_end")),
    )
    return None


async def on_subscription_deleted(sub: dict[str, Any]) -> str | None:
    tenant = await _tenant_by_customer(sub.get("customer"))
    if tenant is None:
        return "unknown customer"
    await _set_plan(
        tenant,
        "free",
        subscription_status="canceled",
        cancel_at_period_end=False,
        payment_grace_until=None,
    )
    return None


async def _invoice(inv: dict[str, Any], status: str) -> TenantInfo | None:
    tenant = await _tenant_by_customer(inv.get("customer"))
    if tenant is None:
        return None
    lines = ((inv.get("lines") or {}).get("data") or [{}])[0].get("period") or {}
    await execute(
        "INSERT INTO public.invoice (id, tenant_id, amount_cents, currency, status, period_start,"
        " period_end, hosted_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status",
        inv["id"],
        tenant.id,
        int(inv.get("amount_paid") or inv.get("amount_due") or 0),
        str(inv.get("currency", "usd")).upper()[:3],
        status,
        _epoch(lines.get("start")),
        _epoch(lines.get("end")),
        inv.get("hosted_invoice_url"),
    )
    return tenant


async def on_invoice_paid(inv: dict[str, Any]) -> str | None:
    tenant = await _invoice(inv, "paid")
    if tenant is None:
        return "unknown customer"
    await execute("UPDATE public.tenant SET payment_grace_until = NULL WHERE id = $1", tenant.id)
    return None


async def on_payment_failed(inv: dict[str, Any]) -> str | None:
    tenant = await _invoice(inv, "failed")
    if tenant is None:
        return "unknown customer"
    until = datetime.now(UTC) + GRACE
    await execute(
        "UPDATE public.tenant SET payment_grace_until = coalesce(payment_grace_until, $2)"
        " WHERE id = $1",
        tenant.id,
        until,
    )
    await _email_owners(
        tenant,
        "Your Jewelia payment failed",
        f"We could not charge your card for {tenant.name}. Please update your payment "
        f"method within 7 days, or {tenant.name} moves to the Free plan.",
    )
    return None


async def _email_owners(tenant: TenantInfo, subject: str, body: str) -> None:
    owners = await fetch(
        "SELECT u.email FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND m.role = 'owner'",
        tenant.id,
    )
    for owner in owners:
        await queue_email(owner["email"], subject, body)


async def enforce_grace_periods() -> int:
    """Move tenants whose payment grace has run out back to Free (scheduler); return how many."""
    rows = await fetch(
        "SELECT id FROM public.tenant WHERE payment_grace_until < now() AND plan <> 'free'"
    )
    for row in rows:
        async with DB.transaction():
            tenant = await get_tenant(row["id"])
            await _set_plan(tenant, "free", payment_grace_until=None, subscription_status="unpaid")
            await _email_owners(
                tenant,
                "Your Jewelia plan is now Free",
                f"Payment for {tenant.name} did not go through, so it is on the Free plan now.",
            )
    return len(rows)


HANDLERS = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription,
    "customer.subscription.updated": on_subscription,
    "customer.subscription.deleted": on_subscription_deleted,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_payment_failed,
}


async def overview(tenant: TenantInfo) -> dict[str, Any]:
    """Plan, subscription state and invoices for the billing page."""
    row = (await fetch("SELECT * FROM public.tenant WHERE id = $1", tenant.id))[0]
    invoices = await fetch(
        "SELECT * FROM public.invoice WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 24",
        tenant.id,
    )
    plans = await all_plans()
    return {
        "tenant": row,
        "plan": plans.get(row["plan"]),
        "plans": list(plans.values()),
        "invoices": invoices,
        "test_mode": gateway.test_mode(),
        "configured": gateway.configured() or gateway.test_mode(),
    }


def test_event(kind: str, obj: dict[str, Any]) -> bytes:
    """A Stripe-shaped event of `kind` about `obj`, encoded (test mode feeds it, signed, through
    handle_webhook)."""
    return gateway.encode(
        {
            "id": f"evt_test_{uuid.uuid4().hex}",
            "object": "event",
            "type": kind,
            "created": int(datetime.now(UTC).timestamp()),
            "data": {"object": obj},
        }
    )


async def test_mode_events(
    tenant: TenantInfo, action: str, plan: str = "professional"
) -> list[str]:
    """Produce and deliver, signed, the events Stripe would send for a test-mode action."""
    if not gateway.test_mode():  # never a free upgrade outside development
        raise NotFound("Test checkout exists only in development (jewelia dev)")
    plan = plan if action == "checkout" else tenant.plan
    customer = f"cus_test_{tenant.id.hex[:16]}"
    sub_id = f"sub_test_{tenant.id.hex[:16]}"
    period_end = int((datetime.now(UTC) + timedelta(days=30)).timestamp())
    price = {"id": gateway.price_id(plan)}
    sub = {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "cancel_at_period_end": False,
        "current_period_end": period_end,
        "metadata": {"tenant_id": str(tenant.id), "plan": plan},
        "items": {"data": [{"price": price}]},
    }
    amount = (await all_plans())[plan].monthly_price_cents if plan in PAID_PLANS else 0
    bodies: list[bytes] = []
    if action == "checkout":
        bodies = [
            test_event(
                "checkout.session.completed",
                {
                    "id": f"cs_test_{uuid.uuid4().hex[:12]}",
                    "object": "checkout.session",
                    "client_reference_id": str(tenant.id),
                    "customer": customer,
                    "subscription": sub_id,
                    "metadata": {"tenant_id": str(tenant.id), "plan": plan},
                },
            ),
            test_event("customer.subscription.created", sub),
            test_event(
                "invoice.paid",
                {
                    "id": f"in_test_{uuid.uuid4().hex[:12]}",
                    "object": "invoice",
                    "customer": customer,
                    "amount_paid": amount,
                    "currency": "usd",
                    "hosted_invoice_url": None,
                    "lines": {
                        "data": [
                            {
                                "period": {
                                    "start": int(datetime.now(UTC).timestamp()),
                                    "end": period_end,
                                }
                            }
                        ]
                    },
                },
            ),
        ]
    elif action == "cancel":
        bodies = [
            test_event("customer.subscription.updated", {**sub, "cancel_at_period_end": True})
        ]
    elif action == "end_period":
        bodies = [test_event("customer.subscription.deleted", {**sub, "status": "canceled"})]
    else:
        raise ValidationFailed([FieldError("action", "Unknown test action", "INVALID_CHOICE")])
    return [await handle_webhook(body, gateway.sign(body)) for body in bodies]
