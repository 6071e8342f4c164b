"""/staff/review-queue: submitted listings oldest first; approve, approve as verified, reject
with reasons; suspend a live listing, reinstate a suspended one. Staff only (403 for anyone else, in the app layout)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, ValidationFailed
from jewelia.platform.marketplace import listings, staff
from jewelia.platform.oauth.scopes import SCOPES
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render

Req = Request[Any, Any, Any]
QUEUE = "/staff/review-queue"


async def staff_context(request: Req) -> PageContext:
    """The signed-in staff member's page context (403 for anyone else)."""
    ctx = await page_context(request)
    await staff.require_staff(ctx.user)
    return ctx


async def _queue(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    values = {"errors": {}, "error_for": None, **extra}
    return render(
        "staff/queue.html",
        ctx,
        queue=await staff.review_queue(),
        live=await staff.live_listings(),
        suspended=await staff.suspended_listings(),
        categories=listings.CATEGORY_LABELS,
        scopes=SCOPES,
        status_code=status_code,
        **values,
    )


@get(QUEUE, name="staff_queue")
async def queue(request: Req) -> Template:
    ctx = await staff_context(request)
    return await _queue(ctx)


@post("/staff/listings/{listing_id:uuid}/approve")
async def approve(request: Req, listing_id: uuid.UUID) -> Redirect:
    ctx = await staff_context(request)
    verified = (await request.form()).get("verified") == "yes"
    try:
        done = await staff.approve(ctx.user.id, listing_id, verified)
    except AppError as exc:
        return redirect_with(request, QUEUE, exc.message, "error")
    badge = " with the verified badge" if verified else ""
    return redirect_with(request, QUEUE, f"{done['name']} approved{badge}.")


@post("/staff/listings/{listing_id:uuid}/reject")
async def reject(request: Req, listing_id: uuid.UUID) -> Template | Redirect:
    ctx = await staff_context(request)
    reasons = str((await request.form()).get("reasons", "") or "")
    try:
        done = await staff.reject(ctx.user.id, listing_id, reasons)
    except ValidationFailed as exc:
        return await _queue(ctx, 422, errors=exc.by_field(), error_for=listing_id)
    except AppError as exc:
        return redirect_with(request, QUEUE, exc.message, "error")
    return redirect_with(request, QUEUE, f"{done['name']} rejected; the developer was told why.")


@post("/staff/listings/{listing_id:uuid}/suspend")
async def suspend(request: Req, listing_id: uuid.UUID) -> Template | Redirect:
    ctx = await staff_context(request)
    reasons = str((await request.form()).get("reasons", "") or "")
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Suspend this listing? It leaves the marketplace and cannot be installed.",
            label="Suspend listing",
            yes="Yes, suspend",
            back=QUEUE,
        )
    try:
        done = await staff.suspend(ctx.user.id, listing_id, reasons)
    except ValidationFailed as exc:
        return await _queue(ctx, 422, errors=exc.by_field(), error_for=listing_id)
    except AppError as exc:
        return redirect_with(request, QUEUE, exc.message, "error")
    return redirect_with(request, QUEUE, f"{done['name']} suspended.")


@post("/staff/listings/{listing_id:uuid}/reinstate")
async def reinstate(request: Req, listing_id: uuid.UUID) -> Template | Redirect:
    ctx = await staff_context(request)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Reinstate this listing? It returns to the status it had before the"
            " suspension, and the app's tokens work again.",
            label="Reinstate listing",
            yes="Yes, reinstate",
            back=QUEUE,
        )
    try:
        done = await staff.reinstate(ctx.user.id, listing_id)
    except AppError as exc:
        return redirect_with(request, QUEUE, exc.message, "error")
    return redirect_with(request, QUEUE, f"{done['name']} reinstated ({done['status']}).")


router = Router(
    path="/",
    route_handlers=[queue, approve, reject, suspend, reinstate],
    include_in_schema=False,
)
