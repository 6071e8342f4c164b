"""Integrations > Builder > a flow's secrets: set (the value is never shown again), list with
masked previews, delete after a confirmation. Owners, admins and members write; read-only
members see the names."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import ValidationFailed
from jewelia.tenants.builder import secrets, service
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import require_writer

Req = Request[Any, Any, Any]
BASE = "/integrations/builder"


async def _page(
    ctx: PageContext, flow_id: uuid.UUID, status_code: int = 200, **extra: Any
) -> Template:
    flow = await service.get_flow(ctx.tenant.ref, flow_id)
    return render(
        "builder/secrets.html",
        ctx,
        flow=flow,
        secrets=await secrets.list_secrets(ctx.tenant.ref, flow_id),
        can_write=ctx.current.can_write,
        base=f"{BASE}/{flow_id}",
        status_code=status_code,
        **{"error": None, "name": "", **extra},
    )


@get(f"{BASE}/{{flow_id:uuid}}/secrets", name="builder_secrets")
async def secrets_page(request: Req, flow_id: uuid.UUID) -> Template:
    return await _page(await page_context(request), flow_id)


@post(f"{BASE}/{{flow_id:uuid}}/secrets")
async def set_secret(request: Req, flow_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    form = await request.form()
    name = str(form.get("name") or "").strip()
    try:
        await secrets.set_secret(
            ctx.tenant.ref, ctx.user.actor, flow_id, name, str(form.get("value") or "")
        )
    except ValidationFailed as exc:
        message = "; ".join(e["message"] for e in exc.errors)
        return await _page(ctx, flow_id, 422, error=message, name=name)
    return redirect_with(request, f"{BASE}/{flow_id}/secrets", f"Secret {name} saved.")


@post(f"{BASE}/{{flow_id:uuid}}/secrets/delete")
async def delete_secret(request: Req, flow_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    name = str((await request.form()).get("name") or "")
    back = f"{BASE}/{flow_id}/secrets"
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question=f"Delete the secret {name}? Steps that use it fail until it is set again.",
            label="Delete secret",
            yes="Yes, delete",
            back=back,
        )
    await secrets.delete_secret(ctx.tenant.ref, ctx.user.actor, flow_id, name)
    return redirect_with(request, back, f"Secret {name} deleted.")


router = Router(
    path="/",
    route_handlers=[secrets_page, set_secret, delete_secret],
    include_in_schema=False,
)
