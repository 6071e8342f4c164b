"""/staff/reports: open review reports for staff; keep the review or hide it."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError
from jewelia.platform.marketplace import reviews, staff
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict

Req = Request[Any, Any, Any]


async def _staff_page(request: Req) -> PageContext:
    ctx = await page_context(request)
    await staff.require_staff(ctx.user)
    return ctx


@get("/staff/reports", name="staff_reports")
async def staff_reports(request: Req) -> Template:
    ctx = await _staff_page(request)
    return render("staff/reports.html", ctx, reports=await reviews.open_reports(ctx.user.id))


@post("/staff/reports/{report_id:uuid}")
async def resolve(request: Req, report_id: uuid.UUID) -> Template | Redirect:
    ctx = await _staff_page(request)
    action = (await form_dict(request)).get("action", "")
    if action == "hide" and not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Hide this review? It leaves the listing and its rating at once.",
            label="Hide review",
            yes="Hide review",
            back="/staff/reports",
        )
    try:
        outcome = await reviews.resolve_report(report_id, ctx.user.id, action)
    except AppError as exc:
        return redirect_with(request, "/staff/reports", exc.message, "error")
    message = "Review hidden; the rating is recomputed." if outcome == "hidden" else "Review kept."
    return redirect_with(request, "/staff/reports", message)


router = Router(path="/", route_handlers=[staff_reports, resolve], include_in_schema=False)
