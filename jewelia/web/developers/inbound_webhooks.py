"""Developers > Webhooks > Incoming: sources (secret shown once), rotation, recent events."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, PermissionDenied, ValidationFailed
from jewelia.platform.billing.limits import PlanLimitExceeded
from jewelia.tenants.webhooks.inbound import service as inbound
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render

Req = Request[Any, Any, Any]
BASE = "/developers/webhooks/inbound"


def _require_admin(ctx: PageContext) -> None:
    if not ctx.current.can_manage_team:
        raise PermissionDenied("Only owners and admins can manage incoming webhooks")


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    values = {"errors": {}, "values": {}, "new_secret": None, **extra}
    return render(
        "webhooks/inbound.html",
        ctx,
        sources=await inbound.list_sources(ctx.tenant.ref),
        events=await inbound.recent_events(ctx.tenant.ref),
        can_manage=ctx.current.can_manage_team,
        status_code=status_code,
        **values,
    )


async def _ask(
    request: Req, ctx: PageContext, source_id: uuid.UUID, question: str, label: str, yes: str
) -> Template:
    source = await inbound.get_source(ctx.tenant.ref, source_id)  # another business's id: 404
    return await ask_first(
        request, ctx, question=question.format(name=source.name), label=label, yes=yes, back=BASE
    )


@get(BASE, name="inbound_webhooks")
async def inbound_page(request: Req) -> Template:
    return await _page(await page_context(request))


@post(BASE)
async def create(request: Req) -> Template:
    ctx = await page_context(request)
    _require_admin(ctx)
    name = str((await request.form()).get("name", ""))
    try:
        new = await inbound.create_source(ctx.tenant.ref, ctx.user.actor, name)
    except ValidationFailed as exc:
        return await _page(ctx, 422, errors=exc.by_field(), values={"name": name})
    except PlanLimitExceeded as exc:
        return await _page(
            ctx, exc.status_code, errors={"name": exc.message}, values={"name": name}
        )
    return await _page(ctx, 201, new_secret=new)


@post(f"{BASE}/{{source_id:uuid}}/rotate")
async def rotate(request: Req, source_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    if not await confirmed(request):
        return await _ask(
            request,
            ctx,
            source_id,
            "Rotate the secret of {name}? The old one keeps working for the grace period chosen.",
            "Rotate secret",
            "Yes, rotate",
        )
    form = await request.form()
    try:
        grace = int(str(form.get("grace_period_hours", inbound.DEFAULT_GRACE_HOURS)))
        new = await inbound.rotate_secret(ctx.tenant.ref, ctx.user.actor, source_id, grace)
    except ValueError:
        return redirect_with(request, BASE, "Grace period must be a number of hours", "error")
    except AppError as exc:
        return redirect_with(request, BASE, exc.message, "error")
    return await _page(ctx, 201, new_secret=new)


@post(f"{BASE}/{{source_id:uuid}}/delete")
async def delete(request: Req, source_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    if not await confirmed(request):
        return await _ask(
            request,
            ctx,
            source_id,
            "Delete {name}? Events it sends are refused from now on. This cannot be undone.",
            "Delete source",
            "Yes, delete",
        )
    try:
        source = await inbound.delete_source(ctx.tenant.ref, ctx.user.actor, source_id)
    except AppError as exc:
        return redirect_with(request, BASE, exc.message, "error")
    return redirect_with(request, BASE, f"{source.name} deleted.")


router = Router(
    path="/", route_handlers=[inbound_page, create, rotate, delete], include_in_schema=False
)
