"""Usage-based app charges: an app reports usage; the business pays for it monthly, under the
cap its owner or admin accepted (on the app charge: kind 'usage', cap_minor).

- report: priced at the listing's per-unit amount as the business accepted it (the charge's
  amount_minor), one row per (install, idempotency key) —
  the database makes concurrent identical reports one row; the same key with another body is
  a 409. The period's counter (app_usage_period) grows by a conditional UPDATE under its row
  lock: a report that would cross the cap is refused whole and nothing is recorded.
- when the RECORDED total reaches 80 % and 100 % of the cap the business's owners and admins
  get one email each per period (queued in the same transaction); at 100 % the app is told
  `app.usage.capped`. A refused report changes nothing: only its 402 tells the app.
- bill_due: each install's previous months are charged once through Stripe (key
  `usage:<install>:<period>`), recorded on the charge and posted to the ledger when paid. The
  period is closed (bill_status 'charged', no payment intent yet) in the transaction that
  reads its total under the row lock; a report that finds its period closed is recorded in
  the period current when it is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from jewelia.core.db import DB, fetch
from jewelia.core.errors import AppError, FieldError, NotFound, ValidationFailed
from jewelia.platform.billing import service as billing
from jewelia.platform.billing import stripe_gateway
from jewelia.platform.commerce import ledger
from jewelia.platform.mail.service import queue_email, send_soon
from jewelia.platform.marketplace import installs

log = logging.getLogger("jewelia.commerce.usage")

MAX_QUANTITY = 1_000_000
MAX_DESCRIPTION = 200
MAX_KEY = 255
WARN_PERCENT = 80
CAPPED_EVENT = "app.usage.capped"
# A usage charge the business accepted and has not ended.
LIVE_STATUSES = ("confirmed", "active", "trialing")
MANAGER_ROLES = ("owner", "admin")


class UsageCapExceeded(AppError):
    """The report would take the period's usage past the cap the business accepted."""

    status_code = 402
    code = "USAGE_CAP_EXCEEDED"


class UsageKeyReused(AppError):
    """The idempotency key was already used for a different report."""

    status_code = 409
    code = "USAGE_KEY_REUSED"


class UsageChargeRequired(AppError):
    """The business has no accepted usage charge (a capped plan) for this app."""

    status_code = 409
    code = "USAGE_CHARGE_REQUIRED"


def period_of(at: datetime | None = None) -> str:
    """The billing period ('YYYY-MM', UTC) a moment falls in."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return f"{at.year:04d}-{at.month:02d}"


def previous_period(period: str) -> str:
    """The period before 'YYYY-MM'."""
    year, month = int(period[:4]), int(period[5:])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def _period_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = int(period[:4]), int(period[5:])
    start = datetime(year, month, 1, tzinfo=UTC)
    end = (
        datetime(year + 1, 1, 1, tzinfo=UTC)
        if month == 12
        else datetime(year, month + 1, 1, tzinfo=UTC)
    )
    return start, end


def check_report(quantity: Any, description: Any, key: Any) -> tuple[int, str, str]:
    """The report's fields, or ValidationFailed naming each bad one."""
    errors: list[FieldError] = []
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors.append(FieldError("quantity", "quantity must be a whole number", "INVALID_TYPE"))
    elif not 1 <= quantity <= MAX_QUANTITY:
        errors.append(
            FieldError(
                "quantity", f"quantity must be between 1 and {MAX_QUANTITY:,}", "OUT_OF_RANGE"
            )
        )
    if not isinstance(description, str):
        errors.append(FieldError("description", "description must be text", "INVALID_TYPE"))
        description = ""
    elif len(description) > MAX_DESCRIPTION:
        errors.append(
            FieldError(
                "description",
                f"description must be at most {MAX_DESCRIPTION} characters",
                "TOO_LONG",
            )
        )
    elif not description.isprintable():
        errors.append(
            FieldError("description", "description must be printable text", "INVALID_FORMAT")
        )
    if key is None or key == "":
        errors.append(
            FieldError(
                "idempotencyKey",
                "idempotencyKey (or the Idempotency-Key header) is required",
                "REQUIRED",
            )
        )
    elif not isinstance(key, str) or len(key) > MAX_KEY or not key.isprintable():
        errors.append(
            FieldError(
                "idempotencyKey",
                f"idempotencyKey must be 1-{MAX_KEY} printable characters",
                "INVALID_FORMAT",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return quantity, description.strip(), key


def _fingerprint(quantity: int, description: str) -> str:
    return hashlib.sha256(json.dumps([quantity, description]).encode()).hexdigest()


def _out(row: dict[str, Any], period: dict[str, Any]) -> dict[str, Any]:
    """A report as the API shows it, with its period's total and what the cap leaves."""
    currency = row["currency"].strip()
    return {
        "id": row["id"],
        "installId": row["install_id"],
        "quantity": row["quantity"],
        "unitPrice": ledger.from_minor(row["unit_minor"], currency),
        "amount": ledger.from_minor(row["amount_minor"], currency),
        "currency": currency,
        "description": row["description"],
        "idempotencyKey": row["idempotency_key"],
        "period": row["period"].strip(),
        "periodTotal": ledger.from_minor(period["total_minor"], currency),
        "cap": ledger.from_minor(period["cap_minor"], currency),
        "remaining": ledger.from_minor(period["cap_minor"] - period["total_minor"], currency),
        "createdAt": row["created_at"],
    }


async def usage_charge(tenant_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any] | None:
    """The business's accepted, live usage charge (with its cap) for the app, or None."""
    rows = await fetch(
        "SELECT * FROM public.app_charge WHERE tenant_id = $1 AND listing_id = $2"
        " AND kind = 'usage' AND accepted_at IS NOT NULL AND status = ANY($3::text[])"
        " ORDER BY accepted_at DESC LIMIT 1",
        tenant_id,
        listing_id,
        list(LIVE_STATUSES),
    )
    return rows[0] if rows else None


async def _install(install_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any]:
    rows = await fetch(
        "SELECT i.id, i.listing_id, i.tenant_id, i.uninstalled_at, l.name AS listing_name,"
        " l.pricing_model, l.pricing_amount, l.pricing_currency"
        " FROM public.app_install i JOIN public.listing l ON l.id = i.listing_id"
        " WHERE i.id = $1 AND i.tenant_id = $2",
        install_id,
        tenant_id,
    )
    if not rows:
        raise NotFound(
            "Install not found", [FieldError("installId", "No such install", "NOT_FOUND")]
        )
    return rows[0]


async def _open_period(
    install_id: uuid.UUID,
    period: str,
    tenant_id: uuid.UUID,
    install: dict[str, Any],
    charge: dict[str, Any],
) -> bool:
    """Create the period's row if needed and lock it for this report; False when billing
    has closed it."""
    await fetch(
        "INSERT INTO public.app_usage_period (install_id, period, tenant_id, listing_id,"
        " charge_id, currency, cap_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (install_id, period) DO NOTHING",
        install_id,
        period,
        tenant_id,
        install["listing_id"],
        charge["id"],
        charge["currency"].strip(),
        charge["cap_minor"],
    )
    rows = await fetch(
        "SELECT bill_status FROM public.app_usage_period WHERE install_id = $1 AND period = $2"
        " FOR UPDATE",
        install_id,
        period,
    )
    return bool(rows) and rows[0]["bill_status"] == "open"


async def report(
    tenant_id: uuid.UUID,
    install_id: uuid.UUID,
    *,
    quantity: Any,
    description: Any = "",
    key: Any = None,
    now: datetime | None = None,
) -> tuple[dict[str, Any], bool]:
    """Record one usage report of an install (idempotent by key); (report, created).

    Raises ValidationFailed, UsageKeyReused, UsageChargeRequired or UsageCapExceeded (then
    nothing is recorded)."""
    quantity, description, key = check_report(quantity, description, key)
    fingerprint = _fingerprint(quantity, description)
    now = now or datetime.now(UTC)
    period = period_of(now)
    capped: dict[str, Any] | None = None
    async with DB.transaction():
        install = await _install(install_id, tenant_id)
        replay = await _replay(install_id, key, fingerprint)
        if replay is not None:
            return replay, False
        if install["uninstalled_at"] is not None:
            raise UsageChargeRequired("The app is uninstalled: it cannot report usage")
        charge = await usage_charge(tenant_id, install["listing_id"])
        if charge is None:
            raise UsageChargeRequired(
                "This business has not accepted a usage charge (a monthly cap) for this app"
            )
        currency = charge["currency"].strip()
        # The per-unit price the business accepted (the listing's at the time): a later
        # price change on the listing needs a new acceptance, never a silent new price.
        unit = charge["amount_minor"]
        amount = unit * quantity
        if not await _open_period(install_id, period, tenant_id, install, charge):
            # Billing closed the period while this report waited (it began before
            # midnight): it belongs to the period it is recorded in.
            now = datetime.now(UTC)
            period = period_of(now)
            if not await _open_period(install_id, period, tenant_id, install, charge):
                raise UsageChargeRequired(  # pragma: no cover - only past months close
                    "This month's usage is already billed; retry"
                )
        inserted = await fetch(
            "INSERT INTO public.app_usage (id, install_id, tenant_id, listing_id, charge_id,"
            " period, idempotency_key, request_hash, quantity, unit_minor, amount_minor,"
            " currency, description, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            " ON CONFLICT (install_id, idempotency_key) DO NOTHING RETURNING *",
            uuid.uuid4(),
            install_id,
            tenant_id,
            install["listing_id"],
            charge["id"],
            period,
            key,
            fingerprint,
            quantity,
            unit,
            amount,
            currency,
            description,
            now,
        )
        if not inserted:  # an identical report committed while this one waited
            replay = await _replay(install_id, key, fingerprint)
            if replay is None:  # pragma: no cover - the conflicting row is committed
                raise UsageKeyReused("This idempotency key is in use; retry")
            return replay, False
        counted = await fetch(
            "UPDATE public.app_usage_period SET total_minor = total_minor + $3,"
            " reports = reports + 1, cap_minor = $4, charge_id = $5, updated_at = now()"
            " WHERE install_id = $1 AND period = $2 AND total_minor + $3 <= $4"
            " RETURNING *",
            install_id,
            period,
            amount,
            charge["cap_minor"],
            charge["id"],
        )
        if not counted:
            # Refused whole: nothing is recorded and no notice is sent (the 80 % and
            # 100 % notices follow recorded usage only); the 402 tells the app.
            raise UsageCapExceeded(
                "This report would take the month's usage past the cap the business"
                " accepted; nothing was recorded",
                await _cap_details(install_id, period, amount, charge),
            )
        totals = counted[0]
        capped = await _warn(install, totals)
    if capped is not None:
        await _tell_app(capped)
    send_soon_safe()
    return _out(inserted[0], totals), True


async def _replay(install_id: uuid.UUID, key: str, fingerprint: str) -> dict[str, Any] | None:
    """The report already stored under this key (with its period's totals as they are now);
    UsageKeyReused when it was a different report."""
    rows = await fetch(
        "SELECT u.*, p.total_minor, p.cap_minor FROM public.app_usage u"
        " JOIN public.app_usage_period p ON p.install_id = u.install_id AND p.period = u.period"
        " WHERE u.install_id = $1 AND u.idempotency_key = $2",
        install_id,
        key,
    )
    if not rows:
        return None
    row = rows[0]
    if row["request_hash"] != fingerprint:
        raise UsageKeyReused(
            "This idempotency key was already used for a different usage report",
            [FieldError("idempotencyKey", "Used for a different report", "DUPLICATE")],
        )
    return _out(row, row)


async def _cap_details(
    install_id: uuid.UUID, period: str, amount: int, charge: dict[str, Any]
) -> dict[str, Any]:
    rows = await fetch(
        "SELECT total_minor FROM public.app_usage_period WHERE install_id = $1 AND period = $2",
        install_id,
        period,
    )
    total = rows[0]["total_minor"] if rows else 0
    currency = charge["currency"].strip()
    cap = charge["cap_minor"]

    def number(minor: int) -> float:  # the error envelope's encoder writes Decimal as text
        return float(ledger.from_minor(minor, currency))

    return {
        "period": period,
        "amount": number(amount),
        "periodTotal": number(total),
        "cap": number(cap),
        "remaining": number(max(cap - total, 0)),
        "currency": currency,
    }


async def _manager_emails(tenant_id: uuid.UUID) -> list[str]:
    rows = await fetch(
        "SELECT u.email FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND m.role = ANY($2::text[]) ORDER BY u.email",
        tenant_id,
        list(MANAGER_ROLES),
    )
    return [r["email"] for r in rows]


def _money(minor: int, currency: str) -> str:
    return f"{ledger.from_minor(minor, currency):,} {currency}"


async def _email(install: dict[str, Any], totals: dict[str, Any], percent: int) -> None:
    """The 80 % or 100 % notice to the business's owners and admins (on this transaction)."""
    currency = totals["currency"].strip()
    name = install["listing_name"]
    used = _money(totals["total_minor"], currency)
    cap = _money(totals["cap_minor"], currency)
    period = totals["period"].strip()
    if percent >= 100:
        subject = f"{name} reached its monthly usage cap"
        body = (
            f"{name} has used the whole {cap} monthly usage cap you accepted for {period}."
            " Further usage is refused until next month; nothing over the cap is charged."
        )
    else:
        subject = f"{name} has used {percent}% of its monthly usage cap"
        body = (
            f"{name} has used {used} of the {cap} monthly usage cap you accepted for {period}."
            " Usage over the cap is refused, never charged."
        )
    body += " Review the app's charges under Settings > Billing."
    for address in await _manager_emails(install["tenant_id"]):
        await queue_email(address, subject, body)


async def _warn(install: dict[str, Any], totals: dict[str, Any]) -> dict[str, Any] | None:
    """Email the 80 % and 100 % notices once a period (the period row is locked by this
    transaction); the period row when the cap is reached now (to tell the app after commit)."""
    total, cap = totals["total_minor"], totals["cap_minor"]
    full = total >= cap
    if full and totals["warned_100_at"] is None:
        await fetch(
            "UPDATE public.app_usage_period SET warned_100_at = now(),"
            " warned_80_at = coalesce(warned_80_at, now())"
            " WHERE install_id = $1 AND period = $2",
            totals["install_id"],
            totals["period"],
        )
        await _email(install, totals, 100)
        return totals
    if not full and total * 100 >= cap * WARN_PERCENT and totals["warned_80_at"] is None:
        await fetch(
            "UPDATE public.app_usage_period SET warned_80_at = now()"
            " WHERE install_id = $1 AND period = $2",
            totals["install_id"],
            totals["period"],
        )
        await _email(install, totals, WARN_PERCENT)
    return None


async def _tell_app(totals: dict[str, Any]) -> None:
    currency = totals["currency"].strip()
    await installs.send_app_event(
        totals["listing_id"],
        totals["tenant_id"],
        CAPPED_EVENT,
        {
            "install_id": str(totals["install_id"]),
            "period": totals["period"].strip(),
            "period_total": str(ledger.from_minor(totals["total_minor"], currency)),
            "cap": str(ledger.from_minor(totals["cap_minor"], currency)),
            "currency": currency,
        },
    )


def send_soon_safe() -> None:
    """Wake the mail worker; the scheduler delivers anyway if Redis is away."""
    try:
        send_soon()
    except Exception:  # pragma: no cover - delivery is retried by the scheduler's beat
        log.warning("could not wake the mail worker", exc_info=True)


async def period_summary(
    install_id: uuid.UUID, tenant_id: uuid.UUID, period: str
) -> dict[str, Any]:
    """The period's total, cap and what is left for an install (the current charge's cap
    before the first report)."""
    rows = await fetch(
        "SELECT * FROM public.app_usage_period WHERE install_id = $1 AND period = $2"
        " AND tenant_id = $3",
        install_id,
        period,
        tenant_id,
    )
    if rows:
        total, cap, currency = rows[0]["total_minor"], rows[0]["cap_minor"], rows[0]["currency"]
    else:
        install = await _install(install_id, tenant_id)
        charge = await usage_charge(tenant_id, install["listing_id"])
        total, cap = 0, (charge["cap_minor"] if charge else 0)
        currency = charge["currency"] if charge else install["pricing_currency"]
    currency = currency.strip()
    return {
        "period": period,
        "periodTotal": ledger.from_minor(total, currency),
        "cap": ledger.from_minor(cap, currency),
        "remaining": ledger.from_minor(max(cap - total, 0), currency),
        "currency": currency,
    }


async def list_reports(
    install_id: uuid.UUID,
    tenant_id: uuid.UUID,
    *,
    period: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """An install's reports of a period (default this one), newest first; (rows, total,
    summary)."""
    period = period or period_of()
    summary = await period_summary(install_id, tenant_id, period)
    rows = await fetch(
        "SELECT u.*, p.total_minor, p.cap_minor, count(*) OVER () AS full_count"
        " FROM public.app_usage u JOIN public.app_usage_period p"
        " ON p.install_id = u.install_id AND p.period = u.period"
        " WHERE u.install_id = $1 AND u.tenant_id = $2 AND u.period = $3"
        " ORDER BY u.created_at DESC, u.id DESC LIMIT $4 OFFSET $5",
        install_id,
        tenant_id,
        period,
        limit,
        offset,
    )
    total = rows[0]["full_count"] if rows else 0
    if not rows and offset:
        counted = await fetch(
            "SELECT count(*) AS n FROM public.app_usage WHERE install_id = $1 AND tenant_id = $2"
            " AND period = $3",
            install_id,
            tenant_id,
            period,
        )
        total = counted[0]["n"]
    return [_out(r, r) for r in rows], total, summary


async def tenant_usage(tenant_id: uuid.UUID, period: str | None = None) -> list[dict[str, Any]]:
    """The business's usage of each usage-priced app in a period (default this one), for
    Billing > Apps: app, charge, total, cap, remaining, reports, notices and bill status."""
    period = period or period_of()
    rows = await fetch(
        "SELECT p.*, l.name AS listing_name FROM public.app_usage_period p"
        " JOIN public.listing l ON l.id = p.listing_id"
        " WHERE p.tenant_id = $1 AND p.period = $2 ORDER BY l.name",
        tenant_id,
        period,
    )
    out = []
    for r in rows:
        currency = r["currency"].strip()
        out.append(
            {
                "listingId": r["listing_id"],
                "listingName": r["listing_name"],
                "installId": r["install_id"],
                "chargeId": r["charge_id"],
                "period": period,
                "periodTotal": ledger.from_minor(r["total_minor"], currency),
                "cap": ledger.from_minor(r["cap_minor"], currency),
                "remaining": ledger.from_minor(max(r["cap_minor"] - r["total_minor"], 0), currency),
                "currency": currency,
                "reports": r["reports"],
                "capReached": r["warned_100_at"] is not None,
                "billStatus": r["bill_status"],
            }
        )
    return out


# ---- monthly billing ---------------------------------------------------------------------


def charge_key(install_id: uuid.UUID, period: str) -> str:
    """Stripe's idempotency key (and the payment's ledger source) of a month's usage."""
    return f"usage:{install_id}:{period}"


async def bill_due(now: datetime | None = None, limit: int = 500) -> int:
    """Charge every install's usage of the months before `now` not charged yet; how many
    periods were settled (charged, found empty or failed). Idempotent and safe to run
    concurrently: Stripe's idempotency key and the period row decide."""
    current = period_of(now)
    rows = await fetch(
        "SELECT install_id, period FROM public.app_usage_period"
        " WHERE (bill_status = 'open' OR (bill_status = 'charged' AND payment_intent IS NULL))"
        " AND period < $1 ORDER BY period, install_id LIMIT $2",
        current,
        limit,
    )
    done = 0
    for row in rows:
        try:
            if await bill_one(row["install_id"], row["period"].strip()) is not None:
                done += 1
        except Exception:
            log.exception("usage billing of %s %s failed", row["install_id"], row["period"])
    return done


async def bill_one(install_id: uuid.UUID, period: str) -> str | None:
    """Charge one install's usage of a closed period; its new bill status (None when it was
    billed already or the period is not over)."""
    if period >= period_of():
        return None
    async with DB.transaction():
        # Close the period under its row lock in the transaction that reads the total: a
        # report still waiting for the lock then goes to the period it is recorded in.
        # 'charged' without a payment intent = closed, Stripe not answered yet (retried).
        rows = await fetch(
            "SELECT p.*, c.stripe_customer, t.stripe_customer_id, l.name AS listing_name,"
            " l.org_id FROM public.app_usage_period p"
            " JOIN public.app_charge c ON c.id = p.charge_id"
            " JOIN public.tenant t ON t.id = p.tenant_id"
            " JOIN public.listing l ON l.id = p.listing_id"
            " WHERE p.install_id = $1 AND p.period = $2 AND (p.bill_status = 'open'"
            " OR (p.bill_status = 'charged' AND p.payment_intent IS NULL)) FOR UPDATE OF p",
            install_id,
            period,
        )
        if not rows:
            return None
        row = rows[0]
        if row["total_minor"] == 0:
            await _set_status(install_id, period, "nothing", None, None)
            return "nothing"
        if row["bill_status"] == "open":
            await _set_status(install_id, period, "charged", None, None)
    currency = row["currency"].strip()
    customer = row["stripe_customer"] or row["stripe_customer_id"]
    if not customer and not stripe_gateway.test_mode():
        await _fail(row, "there is no saved card")
        return "failed"
    key = charge_key(install_id, period)
    try:
        intent = await asyncio.to_thread(
            stripe_gateway.charge_usage,
            customer=customer or f"cus_test_{row['tenant_id'].hex[:14]}",
            amount_minor=row["total_minor"],
            currency=currency,
            description=f"{row['listing_name']} usage {period}",
            metadata={
                "app_charge_id": str(row["charge_id"]),
                "install_id": str(install_id),
                "tenant_id": str(row["tenant_id"]),
                "listing_id": str(row["listing_id"]),
                "usage_period": period,
            },
            key=key,
        )
    except stripe_gateway.StripeFailure as exc:
        if exc.retryable:  # the network, Stripe busy: the next run asks again with the key
            log.warning("usage charge %s: Stripe answered %s, retried later", key, exc.code)
            return None
        log.warning("usage charge %s refused: %s (%s)", key, exc, exc.code)
        await _fail(row, f"{exc} ({exc.code})")
        return "failed"
    return await record_payment(intent, install_id=install_id, period=period)


async def _fail(row: dict[str, Any], detail: str) -> None:
    """The month's usage could not be charged (a declined card, no card): recorded, and the
    business's owners and admins are told, in one transaction."""
    period = row["period"].strip()
    async with DB.transaction():
        await _set_status(row["install_id"], period, "failed", None, detail[:500])
        amount = _money(row["total_minor"], row["currency"].strip())
        for address in await _manager_emails(row["tenant_id"]):
            await queue_email(
                address,
                f"We could not charge {row['listing_name']} usage for {period}",
                f"{row['listing_name']} usage of {amount} for {period} could not be charged:"
                f" {detail}. Check your payment method under Settings > Billing.",
            )
    send_soon_safe()


async def _set_status(
    install_id: uuid.UUID, period: str, status: str, intent: str | None, detail: str | None
) -> None:
    await fetch(
        "UPDATE public.app_usage_period SET bill_status = $3, payment_intent = coalesce($4,"
        " payment_intent), bill_detail = $5, billed_at = now(), updated_at = now()"
        " WHERE install_id = $1 AND period = $2",
        install_id,
        period,
        status,
        intent,
        detail,
    )


async def record_payment(
    intent: dict[str, Any], *, install_id: uuid.UUID | None = None, period: str | None = None
) -> str | None:
    """Record a usage PaymentIntent on its charge and, once it succeeded, post the ledger
    journal, in one transaction (idempotent: keyed by the install and period)."""
    async with DB.transaction():
        status = await _record(intent, install_id=install_id, period=period)
    return status


async def _record(
    intent: dict[str, Any], *, install_id: uuid.UUID | None = None, period: str | None = None
) -> str | None:
    metadata = intent.get("metadata") or {}
    install_id = install_id or uuid.UUID(str(metadata["install_id"]))
    period = period or str(metadata["usage_period"])
    intent_id = str(intent["id"])
    succeeded = intent.get("status") == "succeeded"
    rows = await fetch(
        "SELECT p.*, l.org_id FROM public.app_usage_period p"
        " JOIN public.listing l ON l.id = p.listing_id"
        " WHERE p.install_id = $1 AND p.period = $2 FOR UPDATE OF p",
        install_id,
        period,
    )
    if not rows:
        return None
    row = rows[0]
    if row["bill_status"] == "paid":
        return "paid"  # posted already (the synchronous answer, then Stripe's event)
    currency = row["currency"].strip()
    paid = intent.get("amount_received") or intent.get("amount")
    amount = row["total_minor"]
    detail = None
    if isinstance(paid, int) and paid != amount:
        # Never drop money Stripe collected: post what it charged, and say so.
        detail = f"Stripe charged {paid}, the period's usage is {amount}"
        log.error("usage payment %s: %s", intent_id, detail)
        amount = paid
    start, end = _period_bounds(period)
    await fetch(
        "INSERT INTO public.app_charge_payment (id, charge_id, tenant_id, kind, status,"
        " amount_minor, currency, payment_intent, ledger_key, period_start, period_end)"
        " VALUES ($1, $2, $3, 'payment', $4, $5, $6, $1, $7, $8, $9)"
        " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status",
        intent_id,
        row["charge_id"],
        row["tenant_id"],
        "paid" if succeeded else str(intent.get("status") or "processing"),
        amount,
        currency,
        charge_key(install_id, period),
        start,
        end,
    )
    status = "paid" if succeeded else "charged"
    await _set_status(install_id, period, status, intent_id, detail)
    if succeeded:
        created = intent.get("created")
        await ledger.post_charge(
            key=charge_key(install_id, period),
            org_id=row["org_id"],
            listing_id=row["listing_id"],
            currency=currency,
            gross=amount,
            fee=await _fee(intent_id, intent),
            occurred_at=(
                datetime.fromtimestamp(created, UTC)
                if isinstance(created, int)
                else datetime.now(UTC)
            ),
            source=("stripe_charge", await _charge_id(intent_id, intent, amount, currency)),
        )
    return status


async def on_payment_event(event: dict[str, Any]) -> str | None:
    """Stripe's payment_intent.succeeded / payment_intent.payment_failed for a month's usage
    (metadata usage_period); NOT_MINE for any other PaymentIntent. Runs in the transaction
    that stores the event."""
    intent = event["data"]["object"]
    metadata = intent.get("metadata") or {}
    if "usage_period" not in metadata or "install_id" not in metadata:
        return billing.NOT_MINE
    if event["type"] == "payment_intent.payment_failed":
        error = intent.get("last_payment_error") or {}
        await _set_status(
            uuid.UUID(str(metadata["install_id"])),
            str(metadata["usage_period"]),
            "failed",
            str(intent["id"]),
            str(error.get("message") or "The payment failed")[:500],
        )
        return None
    await _record(intent)
    return None


for _event_type in ("payment_intent.succeeded", "payment_intent.payment_failed"):
    billing.register(_event_type, on_payment_event)


async def _charge_id(intent_id: str, intent: dict[str, Any], amount: int, currency: str) -> str:
    """Stripe's charge (ch_) behind the payment: reconciliation matches journals on it."""
    charge = intent.get("latest_charge")
    if isinstance(charge, dict):
        charge = charge.get("id")
    if charge:
        return str(charge)
    details = await asyncio.to_thread(
        stripe_gateway.payment_details, intent_id, amount_minor=amount, currency=currency.lower()
    )
    return str(details["charge"])


async def _fee(intent_id: str, intent: dict[str, Any]) -> int:
    """Stripe's fee on the payment (from its balance transaction)."""
    if isinstance(intent.get("fee"), int):
        return int(intent["fee"])
    details = await asyncio.to_thread(stripe_gateway.payment_details, intent_id)
    return int(details.get("fee") or 0)
