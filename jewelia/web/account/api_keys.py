"""Settings > API keys: create (shown once), rotate with a grace period, revoke."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, PermissionDenied, ValidationFailed
from jewelia.platform.apikeys import service as keys
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render

Req = Request[Any, Any, Any]


def _require_admin(ctx: PageContext) -> None:
    if not ctx.current.can_manage_team:
        raise PermissionDenied("Only owners and admins can manage API keys")


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    listed = await keys.list_keys(ctx.tenant.id)
    values = {"errors": {}, "values": {}, "new_key": None, **extra}
    return render(
        "account/api_keys.html",
        ctx,
        keys=listed,
        permissions=keys.PERMISSIONS,
        status_code=status_code,
        **values,
    )


@get("/settings/api-keys", name="api_keys")
async def api_keys(request: Req) -> Template:
    ctx = await page_context(request)
    _require_admin(ctx)
    return await _page(ctx)


@post("/settings/api-keys")
async def create(request: Req) -> Template:
    ctx = await page_context(request)
    _require_admin(ctx)
    form = await request.form()
    name = str(form.get("name", ""))
    perms = [str(p) for p in form.getall("permissions")] if hasattr(form, "getall") else []
    expires = str(form.get("expires_on", "") or "")
    try:
        expires_at = (
            datetime.combine(datetime.fromisoformat(expires).date(), time.max, UTC)
            if expires
            else None
        )
        new = await keys.create_key(ctx.tenant.id, name, perms, ctx.user.id, expires_at)
    except ValueError:
        return await _page(
            ctx,
            422,
            errors={"expires_on": "Expiry must be a date"},
            values={"name": name, "permissions": perms, "expires_on": expires},
        )
    except ValidationFailed as exc:
        return await _page(
            ctx,
            422,
            errors=exc.by_field(),
            values={"name": name, "permissions": perms, "expires_on": expires},
        )
    return await _page(ctx, 201, new_key=new)


@post("/settings/api-keys/{key_id:uuid}/rotate")
async def rotate(request: Req, key_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Rotate this key? A new key is shown once; the old one keeps working for"
            " the grace period chosen.",
            label="Rotate key",
            yes="Yes, rotate",
            back="/settings/api-keys",
        )
    form = await request.form()
    try:
        grace = int(str(form.get("grace_period_hours", keys.DEFAULT_GRACE_HOURS)))
        new = await keys.rotate_key(ctx.tenant.id, key_id, grace, ctx.user.id)
    except ValueError:
        return redirect_with(
            request, "/settings/api-keys", "Grace period must be a number of hours", "error"
        )
    except AppError as exc:
        return redirect_with(request, "/settings/api-keys", exc.message, "error")
    return await _page(ctx, 201, new_key=new)


@post("/settings/api-keys/{key_id:uuid}/revoke")
async def revoke(request: Req, key_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Revoke this key? Anything using it is refused at once. This cannot be undone.",
            label="Revoke key",
            yes="Yes, revoke",
            back="/settings/api-keys",
        )
    try:
        key = await keys.revoke_key(ctx.tenant.id, key_id)
    except AppError as exc:
        return redirect_with(request, "/settings/api-keys", exc.message, "error")
    return redirect_with(request, "/settings/api-keys", f"Key {key.prefix}… revoked.")


router = Router(
    path="/", route_handlers=[api_keys, create, rotate, revoke], include_in_schema=False
)
