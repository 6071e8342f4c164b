"""/staff/payouts: monthly payout runs (counts, totals, progress while running), payouts that
failed, and open reconciliation exceptions to resolve with a note. Staff only."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, ValidationFailed
from jewelia.platform.billing import stripe_gateway
from jewelia.platform.commerce import payouts, payouts_staff, reconcile
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, redirect_with, render
from jewelia.web.staff.queue import staff_context

Req = Request[Any, Any, Any]
PAGE = "/staff/payouts"


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    values = {"errors": {}, "error_for": None, "values": {}, **extra}
    runs = await payouts_staff.runs()
    return render(
        "staff/payouts.html",
        ctx,
        runs=runs,
        running=any(r["status"] == "running" for r in runs),
        failed=await payouts_staff.failed_payouts(),
        days=await payouts_staff.recent_days(),
        exceptions=await payouts_staff.open_exceptions(),
        previous=payouts.previous_period(dt.datetime.now(dt.UTC)),
        status_code=status_code,
        **values,
    )


@get(PAGE, name="staff_payouts")
async def page(request: Req) -> Template:
    ctx = await staff_context(request)
    return await _page(ctx)


@post("/staff/payouts/close")
async def close(request: Req) -> Template | Redirect:
    ctx = await staff_context(request)
    period = payouts.previous_period(dt.datetime.now(dt.UTC))
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question=f"Close {period} and pay every developer's available balance now? The"
            " scheduler does this on its own on the first of the month.",
            label="Close period",
            yes="Yes, close and pay",
            back=PAGE,
        )
    try:
        summary = await payouts.close_period(period)
    except AppError as exc:
        return redirect_with(request, PAGE, exc.message, "error")
    return redirect_with(
        request, PAGE, f"{period} closed: {summary.get('to_pay', 0)} payout(s) to send."
    )


@post("/staff/payouts/reconcile")
async def reconcile_day(request: Req) -> Redirect:
    await staff_context(request)
    if not stripe_gateway.configured():
        return redirect_with(
            request,
            PAGE,
            "Stripe is not configured (test mode has no balance transactions).",
            "error",
        )
    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    try:
        done = await reconcile.run(day)
    except AppError as exc:
        return redirect_with(request, PAGE, exc.message, "error")
    return redirect_with(
        request,
        PAGE,
        f"{day} reconciled: {done['matched']} matched, {done['exceptions']} exceptions.",
    )


@post("/staff/payouts/exceptions/{exception_id:uuid}/resolve")
async def resolve(request: Req, exception_id: uuid.UUID) -> Template | Redirect:
    ctx = await staff_context(request)
    note = str((await request.form()).get("note", "") or "")
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Mark this reconciliation exception resolved? It leaves the open list.",
            label="Resolve exception",
            yes="Yes, resolve",
            back=PAGE,
        )
    try:
        await payouts_staff.resolve_exception(exception_id, ctx.user.id, note)
    except ValidationFailed as exc:
        return await _page(ctx, 422, errors=exc.by_field(), error_for=exception_id)
    except AppError as exc:
        return redirect_with(request, PAGE, exc.message, "error")
    return redirect_with(request, PAGE, "Exception resolved.")


router = Router(
    path="/",
    route_handlers=[page, close, reconcile_day, resolve],
    include_in_schema=False,
)
