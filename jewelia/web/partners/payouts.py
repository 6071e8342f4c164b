"""/partners/{org}/payouts: payout settings (Stripe Connect onboarding, tax profile), the
balance, the revenue-share policy and past payouts. Owners and admins of the org only."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, ValidationFailed
from jewelia.core.settings import get_settings
from jewelia.platform.commerce import connect, ledger, payouts, policy
from jewelia.platform.marketplace import orgs
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict

Req = Request[Any, Any, Any]
TAX_FIELDS = ("form", "legal_name", "tin_type", "tin", "country", "foreign_tin")


async def _manager_page(request: Req, org_slug: str) -> tuple[PageContext, dict[str, Any], str]:
    ctx = await page_context(request)
    org = await orgs.get_org_by_slug(org_slug)
    role = await orgs.require_role(ctx.user.id, org["id"], orgs.MANAGERS)
    return ctx, org, role


async def _page(
    ctx: PageContext,
    org: dict[str, Any],
    role: str,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    notice: str = "",
) -> Template:
    tax = await connect.tax_profile(org["id"])
    if values is None:
        values = {"form": tax["form"] if tax else "w9"}
        if tax:
            values.update(legal_name=tax["legal_name"], tin_type=tax["tin_type"])
            values.update(country=tax["country"] if tax["form"] == "w8ben" else "")
    current = await policy.current()
    return render(
        "partners/payouts.html",
        ctx,
        org=org,
        role=role,
        account=await connect.account(org["id"]),
        tax=tax,
        balance=await ledger.balances(org["id"], payouts.CURRENCY),
        minimum=payouts.MINIMUM_MINOR,
        policy_text=policy.describe(current),
        policy_version=current.version,
        history=await payouts.org_payouts(org["id"]),
        errors=errors or {},
        values=values,
        notice=notice,
        status_code=status_code,
    )


@get("/partners/{org_slug:str}/payouts", name="partner_payouts")
async def payouts_page(request: Req, org_slug: str, onboarding: str = "") -> Template:
    ctx, org, role = await _manager_page(request, org_slug)
    notice = ""
    if onboarding == "return" and await connect.account(org["id"]):
        try:
            acct = await connect.refresh_status(org["id"])
            notice = (
                "Stripe has enabled payouts for your account."
                if acct["payouts_enabled"]
                else "Onboarding is not finished yet: Stripe still needs some details."
            )
        except AppError as exc:
            notice = exc.message
    return await _page(ctx, org, role, notice=notice)


async def _onboard(request: Req, org_slug: str) -> Redirect:
    ctx, org, _ = await _manager_page(request, org_slug)
    try:
        url = await connect.start_onboarding(org["id"], ctx.user.id, get_settings().base_url)
    except AppError as exc:
        return redirect_with(request, f"/partners/{org_slug}/payouts", exc.message, "error")
    return Redirect(path=url)


@post("/partners/{org_slug:str}/payouts/onboard")
async def onboard(request: Req, org_slug: str) -> Redirect:
    return await _onboard(request, org_slug)


# Stripe sends the developer to the refresh URL when an account link expired or was used: a new
# link is made and they continue where they were.
@get("/partners/{org_slug:str}/payouts/onboard")
async def onboard_refresh(request: Req, org_slug: str) -> Redirect:
    return await _onboard(request, org_slug)


@post("/partners/{org_slug:str}/payouts/tax")
async def save_tax(request: Req, org_slug: str) -> Template | Redirect:
    ctx, org, role = await _manager_page(request, org_slug)
    form = await form_dict(request)
    data = {k: form.get(k, "") for k in TAX_FIELDS}
    try:
        await connect.save_tax_profile(org["id"], ctx.user.id, data)
    except ValidationFailed as exc:
        shown = {k: v for k, v in data.items() if k not in ("tin", "foreign_tin")}
        return await _page(ctx, org, role, 422, errors=exc.by_field(), values=shown)
    return redirect_with(request, f"/partners/{org_slug}/payouts", "Tax profile saved.")


router = Router(
    path="/",
    route_handlers=[payouts_page, onboard, onboard_refresh, save_tax],
    include_in_schema=False,
)
