"""Settings > Billing > Apps: the confirmation page before any app charge, the test-mode
checkout, the list of app charges and their invoices, cancel, refund and billing-cycle change
(each asks first)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, NotFound
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.commerce import charge_events, charges, usage
from jewelia.platform.marketplace import installs
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict

Req = Request[Any, Any, Any]
APPS = "/settings/billing/apps"


async def _charge(ctx: PageContext, charge_id: uuid.UUID) -> dict[str, Any]:
    return await charges.get(charge_id, ctx.tenant)


def _is_manager(ctx: PageContext) -> bool:
    return ctx.current.role in installs.MANAGER_ROLES


@get(APPS, name="billing_apps")
async def apps_page(request: Req) -> Template:
    ctx = await page_context(request)
    used = {u["chargeId"]: u for u in await usage.tenant_usage(ctx.tenant.id)}
    return render(
        "billing/apps_list.html",
        ctx,
        charges=await charges.tenant_charges(ctx.tenant),
        usage=used,
        test_mode=gateway.test_mode(),
        is_manager=_is_manager(ctx),
        is_owner=ctx.current.role == "owner",
        cancel_question=cancel_question,
        interval_question=interval_question,
    )


@get(APPS + "/confirm/{charge_id:uuid}", name="billing_app_confirm")
async def confirm_page(request: Req, charge_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    charge = await _charge(ctx, charge_id)
    return render(
        "billing/apps_confirm.html",
        ctx,
        charge=charge,
        is_manager=_is_manager(ctx),
        test_mode=gateway.test_mode(),
        error=None,
    )


@post(APPS + "/confirm/{charge_id:uuid}")
async def accept(request: Req, charge_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    form = await form_dict(request)
    try:
        target = await charges.accept(charge_id, ctx.tenant, ctx.user.id, cap=form.get("cap"))
    except NotFound:
        raise
    except AppError as exc:
        charge = await _charge(ctx, charge_id)
        return render(
            "billing/apps_confirm.html",
            ctx,
            status_code=exc.status_code,
            charge=charge,
            is_manager=_is_manager(ctx),
            test_mode=gateway.test_mode(),
            error=exc.message,
            details=exc.details,
        )
    return Redirect(path=target)


@get(APPS + "/test-checkout/{charge_id:uuid}", name="billing_app_test_checkout")
async def test_checkout(request: Req, charge_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    if not gateway.test_mode():  # the free "payment" page exists only in development
        raise NotFound("Resource not found")
    charge = await _charge(ctx, charge_id)
    return render("billing/apps_test_checkout.html", ctx, charge=charge)


@post(APPS + "/test-checkout/{charge_id:uuid}")
async def test_pay(request: Req, charge_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    if not gateway.test_mode():
        raise NotFound("Resource not found")
    charge = await _charge(ctx, charge_id)
    if charge["status"] != "confirmed" or ctx.current.role not in installs.MANAGER_ROLES:
        return redirect_with(
            request, f"{APPS}/confirm/{charge_id}", "Confirm the charge first.", "error"
        )
    await charge_events.test_mode_events(charge, "pay")
    return Redirect(path=f"{APPS}/{charge_id}/done")


@get(APPS + "/{charge_id:uuid}/done", name="billing_app_done")
async def done(request: Req, charge_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    charge = await _charge(ctx, charge_id)
    return render("billing/apps_done.html", ctx, charge=charge)


async def _act(
    request: Req,
    charge_id: uuid.UUID,
    *,
    question: str | Any,
    label: str,
    yes: str,
    run: Any,
    message: str,
) -> Template | Redirect:
    ctx = await page_context(request)
    charge = await _charge(ctx, charge_id)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question=await question(charge)
            if callable(question)
            else question.format(name=charge["listing_name"]),
            label=label,
            yes=yes,
            back=APPS,
        )
    try:
        await run(ctx, charge)
    except AppError as exc:
        return redirect_with(request, APPS, exc.message, "error")
    return redirect_with(request, APPS, message.format(name=charge["listing_name"]))


async def _usage_of(charge: dict[str, Any]) -> dict[str, Any] | None:
    if charge["kind"] != "usage":
        return None
    found = [
        u for u in await usage.tenant_usage(charge["tenant_id"]) if u["chargeId"] == charge["id"]
    ]
    return found[0] if found else None


def cancel_question(charge: dict[str, Any], used: dict[str, Any] | None) -> str:
    """What cancelling does, in words (a usage app: what is still to be billed)."""
    name = charge["listing_name"]
    if charge["kind"] == "usage":
        total = used["periodTotal"] if used else 0
        cap = used["cap"] if used else charge["cap"]
        return (
            f"Cancel {name}? The app is uninstalled and loses access to your data. Usage"
            f" recorded this month, {charge['currency']} {total:,.2f} of your"
            f" {charge['currency']} {cap:,.2f} cap, is still billed at the end of the month."
        )
    return (
        f"Cancel {name}? Billing stops now, the app is uninstalled and loses access to your"
        " data; what you paid for the current period is not refunded."
    )


def interval_question(charge: dict[str, Any], interval: str) -> str:
    """What switching the billing cycle does, in words (in a trial: nothing charged now)."""
    words = {"month": "monthly", "year": "annual"}.get(interval, interval)
    if charge["status"] == "trialing":
        return (
            f"Switch {charge['listing_name']} to {words} billing? Your free trial goes on:"
            " nothing is charged now, and the first " + words + " payment is taken when the"
            " trial ends."
        )
    return (
        f"Switch {charge['listing_name']} to {words} billing? Stripe credits the unused part"
        " of the current period and charges the difference now."
    )


@post(APPS + "/{charge_id:uuid}/cancel")
async def cancel(request: Req, charge_id: uuid.UUID) -> Template | Redirect:
    async def run(ctx: PageContext, charge: dict[str, Any]) -> None:
        await charges.cancel(charge["id"], ctx.tenant, ctx.user.id)

    async def question(charge: dict[str, Any]) -> str:
        return cancel_question(charge, await _usage_of(charge))

    return await _act(
        request,
        charge_id,
        question=question,
        label="Cancel subscription",
        yes="Yes, cancel and uninstall",
        run=run,
        message="{name} is cancelled and uninstalled.",
    )


@post(APPS + "/{charge_id:uuid}/refund")
async def refund(request: Req, charge_id: uuid.UUID) -> Template | Redirect:
    async def run(ctx: PageContext, charge: dict[str, Any]) -> None:
        await charges.refund(charge["id"], ctx.tenant, ctx.user.id)

    return await _act(
        request,
        charge_id,
        question="Refund {name}? The full price goes back to your card and the app is uninstalled.",
        label="Refund",
        yes="Yes, refund and uninstall",
        run=run,
        message="{name} is refunded and uninstalled.",
    )


@post(APPS + "/{charge_id:uuid}/interval")
async def change_interval(request: Req, charge_id: uuid.UUID) -> Template | Redirect:
    interval = (await form_dict(request)).get("interval", "")
    words = {"month": "monthly", "year": "annual"}.get(interval, interval)

    async def run(ctx: PageContext, charge: dict[str, Any]) -> None:
        await charges.change_interval(charge["id"], ctx.tenant, ctx.user.id, interval)

    async def question(charge: dict[str, Any]) -> str:
        return interval_question(charge, interval)

    return await _act(
        request,
        charge_id,
        question=question,
        label="Change billing cycle",
        yes=f"Yes, bill {words}",
        run=run,
        message="{name} is now billed " + words + ".",
    )


@post(APPS + "/{charge_id:uuid}/test/end_trial")
async def test_end_trial(request: Req, charge_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    if not gateway.test_mode():
        raise NotFound("Resource not found")
    charge = await _charge(ctx, charge_id)
    if charge["status"] != "trialing" or not _is_manager(ctx):
        return redirect_with(request, APPS, "Only a subscription in its trial can end it.", "error")
    await charge_events.test_mode_events(charge, "end_trial")
    return redirect_with(request, APPS, "The trial ended and the first invoice is paid (test).")


router = Router(
    path="/",
    route_handlers=[
        apps_page,
        confirm_page,
        accept,
        test_checkout,
        test_pay,
        done,
        cancel,
        refund,
        change_interval,
        test_end_trial,
    ],
    include_in_schema=False,
)
