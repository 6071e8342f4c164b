"""The business's in-app notifications: a page listing them (mark one or all read) and the
bell fragment the app's layout loads to show the unread count."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.api import Page
from jewelia.tenants.notifications import service
from jewelia.web.context import LoginRequired, page_context, redirect_with, render

Req = Request[Any, Any, Any]
PAGE_SIZE = 25


@get("/app/notifications", name="notifications")
async def notifications(request: Req, page: int = 1, unread: bool = False) -> Template:
    ctx = await page_context(request)
    page = max(1, min(page, 10_000))
    rows, total, _, count = await service.list_notifications(
        ctx.tenant.ref, Page(page=page, limit=PAGE_SIZE), True if unread else None
    )
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        "notifications/index.html",
        ctx,
        items=rows,
        unread_count=count,
        only_unread=unread,
        page=page,
        pages=pages,
    )


@get("/app/notifications/bell", name="notification_bell")
async def bell(request: Req) -> Template:
    try:
        ctx = await page_context(request)
    except LoginRequired:
        return Template(template_name="notifications/_bell.html", context={"bell_count": 0})
    count = await service.unread_count(ctx.tenant.ref)
    return Template(template_name="notifications/_bell.html", context={"bell_count": count})


@post("/app/notifications/{notification_id:uuid}/read", name="notification_read")
async def mark_read(request: Req, notification_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    await service.mark_read(ctx.tenant.ref, notification_id)
    return redirect_with(request, "/app/notifications", "Marked as read.")


@post("/app/notifications/read-all", name="notifications_read_all")
async def mark_all_read(request: Req) -> Redirect:
    ctx = await page_context(request)
    marked = await service.mark_all_read(ctx.tenant.ref)
    return redirect_with(request, "/app/notifications", f"{marked} marked as read.")


router = Router(
    path="/",
    route_handlers=[notifications, bell, mark_read, mark_all_read],
    include_in_schema=False,
)
