"""App charges: what a business agreed to pay for an app (one-time, subscription, usage cap).

A paid listing is installed only after its owner or admin accepted a charge on the
confirmation page and Stripe (or, in development, the test checkout) reported it paid or
trialing; `installs.install` refuses otherwise (APP_CHARGE_REQUIRED). The Stripe events that
move a charge and post its journals are in charge_events.py; the calls to Stripe are in
billing.stripe_gateway (idempotency keys from our ids, so a retried click charges once).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from jewelia.core.db import DB, execute, fetch, tenant_scope
from jewelia.core.errors import AppError, FieldError, NotFound, PermissionDenied, ValidationFailed
from jewelia.core.settings import get_settings
from jewelia.platform.billing import service as billing
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.billing.service import BillingNotConfigured
from jewelia.platform.commerce import charge_events, ledger
from jewelia.platform.marketplace import installs
from jewelia.platform.tenancy.registry import TenantInfo
from jewelia.tenants.audit.service import Actor, record

OPEN = ("pending", "confirmed", "active", "trialing", "past_due")
PAID = ("active", "trialing")  # what lets the business install the app
REFUND_DAYS = 30
MAX_CAP = Decimal("100000")  # a month's usage cap, in major units
DEFAULT_CAP = Decimal("100")
KINDS = {"one_time": "one_time", "subscription": "subscription", "usage_based": "usage"}
INTERVALS = {"monthly": "month", "annual": "year"}
STRIPE_MAX_MINOR = 99_999_999  # Stripe's largest amount for a charge (e.g. USD 999,999.99)


class AppChargeState(AppError):
    """The charge is not in a state that allows this (409), e.g. refunding a subscription."""

    status_code = 409
    code = "APP_CHARGE_STATE"


class AppChargeInvalid(AppError):
    """The listing's price cannot be charged (zero, over Stripe's maximum) (422)."""

    status_code = 422
    code = "APP_CHARGE_INVALID"


def _row(row: Any) -> dict[str, Any]:
    out = dict(row)
    currency = out["currency"].strip()
    out["currency"] = currency
    out["amount"] = ledger.from_minor(out["amount_minor"], currency)
    out["cap"] = ledger.from_minor(out["cap_minor"], currency) if out["cap_minor"] else None
    out["refunded"] = ledger.from_minor(out["refunded_minor"], currency)
    out["refundable"] = _refundable(out)
    out["terms"] = describe(out)
    out["cancellable"] = out["kind"] in ("subscription", "usage") and out["status"] in (
        "active",
        "trialing",
        "past_due",
    )
    return out


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,}"


def describe(charge: dict[str, Any]) -> str:
    """The charge in plain words, e.g. "USD 9.00 a month, after a 14-day free trial"."""
    price = _money(charge["amount"], charge["currency"])
    if charge["kind"] == "one_time":
        return f"{price} once"
    if charge["kind"] == "usage":
        cap = _money(charge["cap"], charge["currency"]) if charge["cap"] else "the cap"
        return f"{price} per unit used, at most {cap} a month"
    every = "a year" if charge["interval"] == "year" else "a month"
    trial = charge["trial_days"]
    after = f", after a {trial}-day free trial" if trial else ""
    return f"{price} {every}{after}"


def _refundable(charge: dict[str, Any]) -> bool:
    paid = charge.get("paid_at")
    return bool(
        charge["kind"] == "one_time"
        and charge["status"] == "active"
        and charge["refunded_minor"] == 0
        and paid is not None
        and datetime.now(UTC) - paid <= timedelta(days=REFUND_DAYS)
    )


def price_of(listing: dict[str, Any]) -> dict[str, Any]:
    """The charge a listing's pricing asks for: kind, amount_minor, currency, interval, trial."""
    model = listing["pricing_model"]
    if model not in KINDS:
        raise AppChargeState("This integration is free: there is nothing to pay")
    currency = (listing["pricing_currency"] or "USD").strip().upper()
    try:
        amount = ledger.to_minor(Decimal(listing["pricing_amount"] or 0), currency)
    except (ValueError, InvalidOperation, AppError) as exc:
        raise AppChargeInvalid(
            f"The integration's price cannot be charged in {currency}",
            [FieldError("pricing.currency", str(exc), "INVALID")],
        ) from None
    if amount <= 0 or amount > STRIPE_MAX_MINOR:
        raise AppChargeInvalid(
            "The integration's price cannot be charged",
            [
                FieldError(
                    "pricing.amount", "Must be above zero and within Stripe's limit", "OUT_OF_RANGE"
                )
            ],
        )
    kind = KINDS[model]
    return {
        "kind": kind,
        "amount_minor": amount,
        "currency": currency,
        "interval": INTERVALS.get(listing["billing_cycle"] or "monthly", "month")
        if kind == "subscription"
        else None,
        "trial_days": int(listing["trial_days"] or 0) if kind == "subscription" else 0,
    }


async def _listing(listing_id: uuid.UUID) -> dict[str, Any]:
    rows = await fetch("SELECT * FROM public.listing WHERE id = $1", listing_id)
    if not rows or rows[0]["status"] not in installs.INSTALLABLE:
        raise NotFound("Integration not found")
    return dict(rows[0])


async def _require_manager(user_id: uuid.UUID, tenant: TenantInfo) -> str:
    role = await installs.manager_role(user_id, tenant.id)
    if role is None:
        raise PermissionDenied("Only owners and admins can accept or change app charges")
    return role


async def _actor(user_id: uuid.UUID) -> Actor:
    rows = await fetch("SELECT email FROM public.app_user WHERE id = $1", user_id)
    return Actor("user", user_id, rows[0]["email"] if rows else str(user_id))


async def create_pending(
    tenant: TenantInfo,
    listing_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    return_to: str | None = None,
) -> dict[str, Any]:
    """A pending charge for the listing's price (or the business's open one for the app)."""
    await _require_manager(user_id, tenant)
    listing = await _listing(listing_id)
    price = price_of(listing)
    async with DB.transaction():
        rows = await fetch(
            "SELECT * FROM public.app_charge WHERE tenant_id = $1 AND listing_id = $2"
            " AND status = ANY($3::text[]) FOR UPDATE",
            tenant.id,
            listing_id,
            list(OPEN),
        )
        if rows:
            if rows[0]["status"] in ("pending", "confirmed") and return_to:
                rows = await fetch(
                    "UPDATE public.app_charge SET return_to = $2, updated_at = now()"
                    " WHERE id = $1 RETURNING *",
                    rows[0]["id"],
                    return_to,
                )
            return _row(rows[0])
        rows = await fetch(
            "INSERT INTO public.app_charge (id, tenant_id, listing_id, kind, amount_minor,"
            " currency, interval, trial_days, cap_minor, created_by, return_to)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
            uuid.uuid4(),
            tenant.id,
            listing_id,
            price["kind"],
            price["amount_minor"],
            price["currency"],
            price["interval"],
            price["trial_days"],
            ledger.to_minor(DEFAULT_CAP, price["currency"]) if price["kind"] == "usage" else None,
            user_id,
            return_to,
        )
    return _row(rows[0])


def parse_cap(value: Any, currency: str) -> int:
    """A usage cap typed by the jeweler, in minor units; ValidationFailed when not sensible."""
    try:
        cap = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        cap = Decimal("NaN")
    if not cap.is_finite() or cap <= 0 or cap > MAX_CAP or cap != cap.quantize(Decimal("0.01")):
        raise ValidationFailed(
            [
                FieldError(
                    "cap",
                    f"Enter an amount between 0.01 and {MAX_CAP:,} {currency}",
                    "OUT_OF_RANGE",
                )
            ]
        )
    return ledger.to_minor(cap.quantize(Decimal("0.01"), ROUND_HALF_UP), currency)


async def _locked(charge_id: uuid.UUID, tenant: TenantInfo) -> dict[str, Any]:
    rows = await fetch(
        "SELECT * FROM public.app_charge WHERE id = $1 AND tenant_id = $2 FOR UPDATE",
        charge_id,
        tenant.id,
    )
    if not rows:
        raise NotFound("Charge not found")
    return dict(rows[0])


def _urls(charge_id: uuid.UUID) -> tuple[str, str]:
    base = get_settings().base_url.rstrip("/")
    return (
        f"{base}/settings/billing/apps/{charge_id}/done",
        f"{base}/settings/billing/apps/confirm/{charge_id}",
    )


def metadata(charge: dict[str, Any]) -> dict[str, str]:
    """What Stripe carries back on the checkout, subscription and payment of a charge."""
    return {
        "app_charge_id": str(charge["id"]),
        "tenant_id": str(charge["tenant_id"]),
        "listing_id": str(charge["listing_id"]),
    }


async def accept(
    charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID, *, cap: Any = None
) -> str:
    """The owner/admin accepts: returns where to go next (Stripe Checkout, or in development
    the test checkout page)."""
    await _require_manager(user_id, tenant)
    current = await get(charge_id, tenant)
    if current["status"] not in ("pending", "confirmed"):
        raise AppChargeState(f"This charge is {current['status']}: there is nothing to accept")
    cap_minor = current["cap_minor"]
    if current["kind"] == "usage":
        cap_minor = parse_cap(cap if cap is not None else current["cap"], current["currency"])
    if not gateway.configured() and not gateway.test_mode():
        raise BillingNotConfigured(
            "Billing is not configured on this server, so apps cannot be paid for yet."
        )
    listing = await _listing(current["listing_id"])
    checkout_id: str | None = None
    target = f"/settings/billing/apps/test-checkout/{charge_id}"
    if not gateway.test_mode():
        customer = await fetch(
            "SELECT stripe_customer_id FROM public.tenant WHERE id = $1", tenant.id
        )
        success, back = _urls(charge_id)
        mode = {"one_time": "payment", "subscription": "subscription", "usage": "setup"}
        checkout_id, target = await asyncio.to_thread(
            gateway.create_app_checkout,
            mode=mode[current["kind"]],
            customer=current["stripe_customer"] or customer[0]["stripe_customer_id"],
            amount_minor=current["amount_minor"],
            currency=current["currency"],
            name=str(listing["name"])[:250],
            interval=current["interval"],
            trial_days=current["trial_days"],
            metadata=metadata(current),
            success_url=success,
            cancel_url=back,
            key=f"app_checkout:{charge_id}:{cap_minor or 0}",
        )
    async with tenant_scope(tenant.ref):
        charge = await _locked(charge_id, tenant)
        if charge["status"] not in ("pending", "confirmed"):
            raise AppChargeState(f"This charge is {charge['status']}: there is nothing to accept")
        await execute(
            "UPDATE public.app_charge SET status = 'confirmed', accepted_by = $2,"
            " accepted_at = coalesce(accepted_at, now()), cap_minor = $3,"
            " stripe_checkout_id = coalesce($4, stripe_checkout_id), updated_at = now()"
            " WHERE id = $1",
            charge_id,
            user_id,
            cap_minor,
            checkout_id,
        )
        await record(
            await _actor(user_id),
            "billing.app_charge_accepted",
            "app_charge",
            charge_id,
            None,
            {
                "listing_id": str(charge["listing_id"]),
                "kind": charge["kind"],
                "amount_minor": charge["amount_minor"],
                "currency": charge["currency"].strip(),
                "cap_minor": cap_minor,
            },
        )
    return target


async def cancel(charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID) -> dict[str, Any]:
    """Cancel a subscription (or a usage cap) now; the app is uninstalled and told
    app.charge.cancelled when Stripe confirms (in test mode at once)."""
    await _require_manager(user_id, tenant)
    charge = await get(charge_id, tenant)
    if not charge["cancellable"]:
        raise AppChargeState(f"This {charge['kind'].replace('_', '-')} charge cannot be cancelled")
    if charge["kind"] == "usage":  # a usage cap holds no Stripe subscription: it ends here
        async with billing.after_commit_scope():
            async with DB.transaction():
                await charge_events.mark_cancelled(charge_id)
    elif gateway.test_mode():
        await charge_events.test_mode_events(charge, "cancel")
    else:
        await asyncio.to_thread(
            gateway.cancel_app_subscription,
            charge["stripe_subscription_id"],
            key=f"app_cancel:{charge_id}",
        )
    async with tenant_scope(tenant.ref):
        await record(await _actor(user_id), "billing.app_charge_cancelled", "app_charge", charge_id)
    return await get(charge_id, tenant)


async def refund(charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID) -> dict[str, Any]:
    """Refund a one-time charge within 30 days (owners only); the ledger reverses on
    Stripe's charge.refunded event, which also uninstalls the app and tells it."""
    if await installs.manager_role(user_id, tenant.id) != "owner":
        raise PermissionDenied("Only owners can refund app charges")
    charge = await get(charge_id, tenant)
    if not charge["refundable"]:
        raise AppChargeState(
            f"Only a paid one-time charge can be refunded, within {REFUND_DAYS} days, once"
        )
    if gateway.test_mode():
        await charge_events.test_mode_events(charge, "refund")
    else:
        await asyncio.to_thread(
            gateway.refund,
            payment_intent=charge["stripe_payment_intent"],
            amount_minor=charge["amount_minor"],
            key=f"app_refund:{charge_id}",
        )
    async with tenant_scope(tenant.ref):
        await record(
            await _actor(user_id),
            "billing.app_charge_refunded",
            "app_charge",
            charge_id,
            None,
            {"amount_minor": charge["amount_minor"], "currency": charge["currency"]},
        )
    return await get(charge_id, tenant)


def interval_price(listing: dict[str, Any], interval: str) -> int:
    """The listing's subscription price for a billing interval (a year is 12 months)."""
    price = price_of(listing)
    if price["interval"] == interval:
        return int(price["amount_minor"])
    if interval == "year":
        return int(price["amount_minor"]) * 12
    return int((Decimal(price["amount_minor"]) / 12).quantize(Decimal(1), ROUND_HALF_UP))


async def change_interval(
    charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID, interval: str
) -> dict[str, Any]:
    """Switch a subscription between monthly and annual billing (Stripe prorates; during a
    free trial nothing is charged and the trial keeps its end)."""
    await _require_manager(user_id, tenant)
    if interval not in ("month", "year"):
        raise ValidationFailed([FieldError("interval", "Choose month or year", "INVALID_CHOICE")])
    charge = await get(charge_id, tenant)
    if charge["kind"] != "subscription" or charge["status"] not in PAID:
        raise AppChargeState("Only an active subscription can change its billing cycle")
    if charge["interval"] == interval:
        return charge
    amount = interval_price(await _listing(charge["listing_id"]), interval)
    trialing = charge["status"] == "trialing"  # the trial goes on; nothing is charged now
    if gateway.test_mode():
        if not trialing:
            await charge_events.test_mode_events(charge, "change", interval=interval, amount=amount)
    else:
        stamp = int(charge["updated_at"].timestamp())
        await asyncio.to_thread(
            gateway.update_app_subscription,
            charge["stripe_subscription_id"],
            amount_minor=amount,
            interval=interval,
            key=f"app_interval:{charge_id}:{interval}:{stamp}",
            trialing=trialing,
        )
    async with tenant_scope(tenant.ref):
        await execute(
            "UPDATE public.app_charge SET interval = $2, amount_minor = $3, updated_at = now()"
            " WHERE id = $1",
            charge_id,
            interval,
            amount,
        )
        await record(
            await _actor(user_id),
            "billing.app_charge_changed",
            "app_charge",
            charge_id,
            {"interval": charge["interval"], "amount_minor": charge["amount_minor"]},
            {"interval": interval, "amount_minor": amount},
        )
    return await get(charge_id, tenant)


async def get(charge_id: uuid.UUID, tenant: TenantInfo) -> dict[str, Any]:
    """One of the business's charges with its app's name (NotFound for another business's)."""
    rows = await fetch(
        "SELECT c.*, l.name AS listing_name, l.slug AS listing_slug,"
        " l.developer_name FROM public.app_charge c JOIN public.listing l ON l.id = c.listing_id"
        " WHERE c.id = $1 AND c.tenant_id = $2",
        charge_id,
        tenant.id,
    )
    if not rows:
        raise NotFound("Charge not found")
    return _row(rows[0])


async def tenant_charges(tenant: TenantInfo) -> list[dict[str, Any]]:
    """The business's app charges (not abandoned pending ones) with their payments, newest
    first (Billing > Apps)."""
    rows = await fetch(
        "SELECT c.*, l.name AS listing_name, l.slug AS listing_slug, l.developer_name"
        " FROM public.app_charge c JOIN public.listing l ON l.id = c.listing_id"
        " WHERE c.tenant_id = $1 AND c.status <> 'pending' ORDER BY c.created_at DESC LIMIT 200",
        tenant.id,
    )
    payments = await fetch(
        "SELECT * FROM public.app_charge_payment WHERE tenant_id = $1"
        " ORDER BY created_at DESC LIMIT 500",
        tenant.id,
    )
    by_charge: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for p in payments:
        item = dict(p)
        item["currency"] = item["currency"].strip()
        item["amount"] = ledger.from_minor(item["amount_minor"], item["currency"])
        by_charge.setdefault(p["charge_id"], []).append(item)
    return [{**_row(r), "payments": by_charge.get(r["id"], [])} for r in rows]


async def accepted_charge(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any] | None:
    """The business's paid charge that lets it install the app (active, trialing), or None."""
    rows = await fetch(
        "SELECT * FROM public.app_charge WHERE tenant_id = $1 AND listing_id = $2"
        " AND status = ANY($3::text[])",
        tenant_id,
        listing_id,
        list(PAID),
    )
    return _row(rows[0]) if rows else None
