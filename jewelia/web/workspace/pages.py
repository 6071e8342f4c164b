"""The dashboard, the audit log, and switching or adding businesses."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.api import page_of
from jewelia.core.db import tenant_scope
from jewelia.core.errors import PermissionDenied, RateLimited, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.billing.limits import PlanLimitExceeded
from jewelia.tenants.audit import service as audit
from jewelia.tenants.crm import service as crm
from jewelia.web.context import page_context, redirect_with, render

Req = Request[Any, Any, Any]
AUDIT_PAGE = 25


@get("/app", name="dashboard")
async def dashboard(request: Req) -> Template:
    ctx = await page_context(request)
    stats = await crm.overview(ctx.tenant.ref)
    async with tenant_scope(ctx.tenant.ref):
        activity, _ = await audit.recent(limit=8)
    peak = max(stats.orders_by_status.values(), default=0) or 1
    return render("app/dashboard.html", ctx, stats=stats, activity=activity, peak=peak)


@get("/app/audit", name="audit_log")
async def audit_log(request: Req, page: int = 1) -> Template:
    ctx = await page_context(request)
    paging = page_of(page, AUDIT_PAGE)
    async with tenant_scope(ctx.tenant.ref):
        entries, total = await audit.recent(limit=paging.limit, offset=paging.offset)
    pages = max(1, -(-total // AUDIT_PAGE))
    return render(
        "app/audit.html", ctx, entries=entries, page=paging.page, pages=pages, total=total
    )


@post("/app/switch", name="switch_business")
async def switch(request: Req) -> Redirect:
    ctx = await page_context(request)
    form = dict(await request.form())
    try:
        target = uuid.UUID(str(form.get("tenant_id", "")))
    except ValueError as exc:
        raise PermissionDenied("Unknown business") from exc
    member = await accounts.membership(ctx.user.id, target)
    request.set_session({**(request.session or {}), "tid": str(member.tenant.id)})
    return redirect_with(request, "/app", f"Switched to {member.tenant.name}.")


@get("/app/businesses/new", name="new_business")
async def new_business_form(request: Req) -> Template:
    ctx = await page_context(request)
    return render("app/new_business.html", ctx, errors={}, values={})


@post("/app/businesses/new")
async def new_business(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    form = dict(await request.form())
    name = str(form.get("business_name", ""))
    try:
        tenant = await accounts.create_business_for(ctx.user, name)
    except ValidationFailed as exc:
        return render(
            "app/new_business.html",
            ctx,
            errors=exc.by_field(),
            values={"business_name": name},
            status_code=422,
        )
    except (PlanLimitExceeded, RateLimited) as exc:
        response = render(
            "app/new_business.html",
            ctx,
            errors={"business_name": exc.message},
            values={"business_name": name},
            status_code=exc.status_code,
        )
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    request.set_session({**(request.session or {}), "tid": str(tenant.id)})
    return redirect_with(request, "/app", f"{tenant.name} is ready.")


router = Router(
    path="/",
    route_handlers=[dashboard, audit_log, switch, new_business_form, new_business],
    include_in_schema=False,
)
