"""Pricing, Settings > Billing (plan, usage chart, invoices), test-mode checkout, Stripe webhook."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, AuthenticationFailed, NotFound, PermissionDenied
from jewelia.core.settings import get_settings
from jewelia.platform.billing import limits, ratelimit
from jewelia.platform.billing import service as billing
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.billing.plans import Plan, all_plans
from jewelia.tenants.builder import monitoring
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict

Req = Request[Any, Any, Any]


def _require_owner(ctx: PageContext) -> None:
    if ctx.current.role != "owner":
        raise PermissionDenied("Only owners can change the plan")


@get("/pricing", name="pricing")
async def pricing(request: Req) -> Template:
    signed_in = bool((request.session or {}).get("uid"))
    return render(
        "billing/pricing.html",
        plans=list((await all_plans()).values()),
        signed_in=signed_in,
        limit_of=limits.limit_of,
    )


def _month_chart(days: dict[int, int]) -> dict[str, Any]:
    today = datetime.now(UTC)
    length = calendar.monthrange(today.year, today.month)[1]
    series = [(day, days.get(day, 0)) for day in range(1, length + 1)]
    return {
        "series": series,
        "peak": max([n for _, n in series] + [1]),
        "total": sum(days.values()),
        "month": today.strftime("%B %Y"),
        "today": today.day,
    }


async def _builder_usage(ctx: PageContext, plan: Plan | None) -> list[dict[str, Any]]:
    """Flows and this month's runs of the integration builder against the plan's limits."""
    if plan is None:
        return []
    flows = (await monitoring.usage(ctx.tenant.ref))["flows"]
    rows = [
        ("flows", "Builder flows", flows, limits.limit_of(plan, "flows")),
        (
            "flow-runs",
            "Flow runs this month",
            await limits.flow_runs_this_month(ctx.tenant.id),
            limits.limit_of(plan, "flow_runs_per_month"),
        ),
    ]
    return [{"id": i, "label": label, "used": used, "limit": cap} for i, label, used, cap in rows]


@get("/settings/billing", name="billing")
async def billing_page(request: Req, checkout: str | None = None) -> Template:
    ctx = await page_context(request)
    info = await billing.overview(ctx.tenant)
    hour, days = await ratelimit.usage(ctx.tenant.id)
    return render(
        "billing/settings.html",
        ctx,
        info=info,
        hour=hour,
        chart=_month_chart(days),
        builder=await _builder_usage(ctx, info["plan"]),
        checkout=checkout,
        is_owner=ctx.current.role == "owner",
    )


@post("/settings/billing/upgrade")
async def upgrade(request: Req) -> Redirect:
    ctx = await page_context(request)
    _require_owner(ctx)
    plan = (await form_dict(request)).get("plan", "")
    try:
        url = await billing.checkout_url(ctx.tenant, plan, get_settings().base_url)
    except AppError as exc:
        return redirect_with(request, "/settings/billing", exc.message, "error")
    return Redirect(path=url)


@post("/settings/billing/portal")
async def portal(request: Req) -> Redirect:
    ctx = await page_context(request)
    _require_owner(ctx)
    try:
        url = await billing.portal_url(ctx.tenant, f"{get_settings().base_url}/settings/billing")
    except AppError as exc:
        return redirect_with(request, "/settings/billing", exc.message, "error")
    return Redirect(path=url)


@get("/billing/test-checkout", name="test_checkout")
async def test_checkout(request: Req, plan: str = "professional") -> Template:
    ctx = await page_context(request)
    _require_owner(ctx)
    if not gateway.test_mode():  # the free "payment" page exists only in development
        raise NotFound("Resource not found")
    plans = await all_plans()
    if plan not in billing.PAID_PLANS:
        raise PermissionDenied("Unknown plan")
    return render("billing/test_checkout.html", ctx, plan=plans[plan])


@post("/billing/test/{action:str}")
async def test_action(request: Req, action: str) -> Template | Redirect:
    ctx = await page_context(request)
    _require_owner(ctx)
    if action == "cancel" and not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Cancel the subscription? Your plan stays until the period ends, then the"
            " business moves to the Free plan.",
            label="Cancel subscription",
            yes="Yes, cancel the subscription",
            back="/settings/billing",
        )
    plan = (await form_dict(request)).get("plan", "professional")
    try:
        await billing.test_mode_events(ctx.tenant, action, plan)
    except AppError as exc:
        return redirect_with(request, "/settings/billing", exc.message, "error")
    messages = {
        "checkout": "Payment received (test mode). Your new plan is active.",
        "cancel": "Subscription cancelled; your plan stays until the period ends.",
        "end_period": "The billing period ended (test mode).",
    }
    return redirect_with(request, "/settings/billing?checkout=done", messages.get(action, "Done."))


@post("/billing/stripe/webhook", include_in_schema=False)
async def stripe_webhook(request: Req) -> Response[dict[str, Any]]:
    """Stripe's events: verified, stored once by id, applied; a failed one answers 500."""
    payload = await request.body()
    try:
        status = await billing.handle_webhook(payload, request.headers.get("stripe-signature"))
    except AuthenticationFailed as exc:
        return Response(
            {"received": False, "error": exc.message}, status_code=400, media_type=MediaType.JSON
        )
    # A failed event (rolled back, stored as failed) answers 500 so that Stripe sends it again.
    return Response(
        {"received": status != "failed", "status": status},
        status_code=500 if status == "failed" else 200,
        media_type=MediaType.JSON,
    )


router = Router(
    path="/",
    route_handlers=[
        pricing,
        billing_page,
        upgrade,
        portal,
        test_checkout,
        test_action,
        stripe_webhook,
    ],
    include_in_schema=False,
)
