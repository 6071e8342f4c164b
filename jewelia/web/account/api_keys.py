"""Settings > API keys: create (shown once), rotate with a grace period, revoke; each key's
hourly limit and IP allow-list; the business's browser origins (CORS)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, PermissionDenied, ValidationFailed
from jewelia.platform.apikeys import origins
from jewelia.platform.apikeys import service as keys
from jewelia.platform.billing.plans import plan_named
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render

Req = Request[Any, Any, Any]


def _require_admin(ctx: PageContext) -> None:
    if not ctx.current.can_manage_team:
        raise PermissionDenied("Only owners and admins can manage API keys")


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    listed = await keys.list_keys(ctx.tenant.id)
    values = {
        "errors": {},
        "values": {},
        "new_key": None,
        "edit_key": None,  # the key whose limits form came back with errors
        "edit_errors": {},
        "edit_values": {},
        "cors_errors": {},
        "cors_text": None,
        **extra,
    }
    if values["cors_text"] is None:
        values["cors_text"] = "\n".join(await origins.origins_of(ctx.tenant.id))
    return render(
        "account/api_keys.html",
        ctx,
        keys=listed,
        permissions=keys.PERMISSIONS,
        plan=await plan_named(ctx.tenant.plan),
        status_code=status_code,
        **values,
    )


def _lines(text: str) -> list[str]:
    """Entries typed one per line (commas and spaces also separate them)."""
    return [part for part in re.split(r"[\s,]+", text) if part]


def _messages(exc: ValidationFailed) -> dict[str, str]:
    """Every message per field (an allow-list may have several bad entries)."""
    out: dict[str, list[str]] = {}
    for err in exc.errors:
        out.setdefault(err["field"], []).append(err["message"])
    return {field: "; ".join(messages) for field, messages in out.items()}


def _hourly_limit(text: str) -> int | None:
    """The form's hourly limit: empty means the plan's; ValueError when not a whole number."""
    text = text.strip().replace(",", "").replace("_", "")
    return int(text) if text else None


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
    limit_text = str(form.get("hourly_limit", "") or "")
    ips_text = str(form.get("allowed_ips", "") or "")
    values = {
        "name": name,
        "permissions": perms,
        "expires_on": expires,
        "hourly_limit": limit_text,
        "allowed_ips": ips_text,
    }
    try:
        limit = _hourly_limit(limit_text)
    except ValueError:
        return await _page(
            ctx, 422, errors={"hourly_limit": "Hourly limit must be a whole number"}, values=values
        )
    try:
        expires_at = (
            datetime.combine(datetime.fromisoformat(expires).date(), time.max, UTC)
            if expires
            else None
        )
        new = await keys.create_key(
            ctx.tenant.id,
            name,
            perms,
            ctx.user.id,
            expires_at,
            hourly_limit=limit,
            allowed_ips=_lines(ips_text),
        )
    except ValueError:
        return await _page(ctx, 422, errors={"expires_on": "Expiry must be a date"}, values=values)
    except ValidationFailed as exc:
        return await _page(ctx, 422, errors=_messages(exc), values=values)
    return await _page(ctx, 201, new_key=new)


@post("/settings/api-keys/{key_id:uuid}/controls")
async def controls(request: Req, key_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    form = await request.form()
    limit_text = str(form.get("hourly_limit", "") or "")
    ips_text = str(form.get("allowed_ips", "") or "")

    async def again(errors: dict[str, str]) -> Template:
        values = {"hourly_limit": limit_text, "allowed_ips": ips_text}
        return await _page(ctx, 422, edit_key=key_id, edit_errors=errors, edit_values=values)

    try:
        limit = _hourly_limit(limit_text)
    except ValueError:
        return await again({"hourly_limit": "Hourly limit must be a whole number"})
    try:
        key = await keys.update_key(
            ctx.tenant.id, key_id, {"hourly_limit": limit, "allowed_ips": _lines(ips_text)}
        )
    except ValidationFailed as exc:
        return await again(_messages(exc))
    except AppError as exc:
        return redirect_with(request, "/settings/api-keys", exc.message, "error")
    return redirect_with(request, "/settings/api-keys", f"Limits of {key.prefix}… saved.")


@post("/settings/api-keys/cors")
async def cors(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    form = await request.form()
    text = str(form.get("cors_origins", "") or "")
    try:
        saved = await origins.set_origins(ctx.tenant.id, _lines(text))
    except ValidationFailed as exc:
        return await _page(ctx, 422, cors_errors=_messages(exc), cors_text=text)
    message = (
        f"Browser access allowed from {len(saved)} origin{'s' if len(saved) != 1 else ''}."
        if saved
        else "Browser access is off."
    )
    return redirect_with(request, "/settings/api-keys#cors", message)


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
    path="/",
    route_handlers=[api_keys, create, controls, cors, rotate, revoke],
    include_in_schema=False,
)
