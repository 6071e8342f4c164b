"""Account security: two-factor set-up with recovery codes, and turning it off."""

from __future__ import annotations

from typing import Any

import segno
from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.web.context import PageContext, page_context, redirect_with, render

Req = Request[Any, Any, Any]


async def _security_page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    left = await accounts.recovery_codes_left(ctx.user.id) if ctx.user.totp_enabled else 0
    return render(
        "account/security.html",
        ctx,
        codes_left=left,
        status_code=status_code,
        **{"setup": None, "errors": {}, "recovery_codes": None, **extra},
    )


def _setup_view(secret: str, email: str) -> dict[str, str]:
    uri = accounts.totp_uri(secret, email)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return {"secret": secret, "uri": uri, "qr": qr}


@get("/account/security", name="security")
async def security(request: Req) -> Template:
    return await _security_page(await page_context(request))


@post("/account/security/2fa/start")
async def start(request: Req) -> Template:
    ctx = await page_context(request)
    secret = accounts.new_totp_secret()
    request.set_session({**(request.session or {}), "totp_setup": secret})
    return await _security_page(ctx, setup=_setup_view(secret, ctx.user.email))


@post("/account/security/2fa/confirm")
async def confirm(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    secret = (request.session or {}).get("totp_setup")
    if not secret:
        return redirect_with(
            request, "/account/security", "Start two-factor set-up again.", "error"
        )
    form = dict(await request.form())
    try:
        codes = await accounts.enable_totp(ctx.user.id, secret, str(form.get("code", "")))
    except ValidationFailed as exc:
        return await _security_page(
            ctx, 422, setup=_setup_view(secret, ctx.user.email), errors=exc.by_field()
        )
    session = dict(request.session or {})
    session.pop("totp_setup", None)
    request.set_session(session)
    ctx = await page_context(request)
    return await _security_page(ctx, recovery_codes=codes)


@post("/account/security/2fa/disable")
async def disable(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    form = dict(await request.form())
    try:
        await accounts.disable_totp(ctx.user.id, str(form.get("password", "")))
    except ValidationFailed as exc:
        return await _security_page(ctx, 422, errors=exc.by_field())
    return redirect_with(request, "/account/security", "Two-factor authentication is off.")


router = Router(
    path="/", route_handlers=[security, start, confirm, disable], include_in_schema=False
)
