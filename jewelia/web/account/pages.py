"""Proving the email address, changing the password, signing out everywhere, unlocking log-in."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import NotFound, RateLimited, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.mail import service as mail
from jewelia.web.account.security import _security_page
from jewelia.web.auth.pages import _safe_next
from jewelia.web.context import (
    client_ip,
    page_context,
    redirect_with,
    render,
    sign_in,
    signed_in_user,
)
from jewelia.web.sessions import rotate_session

Req = Request[Any, Any, Any]


@get("/verify/{token:str}", name="verify_email")
async def verify_form(token: str) -> Template:
    # A button, not a GET with side effects: mail scanners open links without asking.
    try:
        await accounts.check_verification_token(token)
    except NotFound as exc:
        return render("auth/verify.html", token=token, invalid=exc.message, status_code=404)
    return render("auth/verify.html", token=token, invalid=None)


@post("/verify/{token:str}")
async def verify(request: Req, token: str) -> Template | Redirect:
    before = await signed_in_user(request)  # read before the link ends every session
    try:
        user = await accounts.verify_email(token)
    except NotFound as exc:
        return render("auth/verify.html", token=token, invalid=exc.message, status_code=404)
    if before is not None and before.id == user.id:  # this browser stays; the others end
        sign_in(request, user, _uuid_or_none((request.session or {}).get("tid")))
        return redirect_with(request, "/app", "Your email address is confirmed.")
    return redirect_with(request, "/login", "Your email address is confirmed. Log in to continue.")


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@post("/account/verify/resend", name="verify_resend")
async def resend(request: Req) -> Redirect:
    user = await signed_in_user(request)
    if user is None:
        return Redirect(path="/login")
    form = dict(await request.form())
    back = _safe_next(str(form.get("next", "")) or "/account/security")
    try:
        await accounts.resend_verification(user, client_ip(request))
    except RateLimited as exc:
        return redirect_with(request, back, exc.message, "error")
    mail.send_soon()
    return redirect_with(request, back, f"We sent a new confirmation link to {user.email}.")


@post("/account/password", name="change_password")
async def change_password(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    form = dict(await request.form())
    try:
        user = await accounts.change_password(
            ctx.user.id,
            str(form.get("current_password", "")),
            str(form.get("new_password", "")),
            client_ip(request),
        )
    except ValidationFailed as exc:
        return await _security_page(ctx, 422, errors=exc.by_field())
    except RateLimited as exc:
        return await _security_page(ctx, 429, errors={"current_password": exc.message})
    sign_in(request, user, ctx.tenant.id)  # this browser stays signed in; the others end
    return redirect_with(
        request,
        "/account/security",
        "Your password has been changed. Every other device has been signed out.",
    )


@post("/account/sign-out-everywhere", name="sign_out_everywhere")
async def sign_out_everywhere(request: Req) -> Redirect:
    ctx = await page_context(request)
    await accounts.sign_out_everywhere(ctx.user.id)
    rotate_session(request, {})
    return redirect_with(request, "/login", "You have been signed out on every device.")


@get("/login/unlock/{token:str}", name="login_unlock")
async def unlock_form(token: str) -> Template:
    try:
        await accounts.check_unlock_token(token)
    except NotFound as exc:
        return render("auth/unlock.html", token=token, invalid=exc.message, status_code=404)
    return render("auth/unlock.html", token=token, invalid=None)


@post("/login/unlock/{token:str}")
async def unlock(request: Req, token: str) -> Template | Redirect:
    try:
        await accounts.unlock_login(token)
    except NotFound as exc:
        return render("auth/unlock.html", token=token, invalid=exc.message, status_code=404)
    return redirect_with(request, "/login", "Log-in is unblocked. You can log in now.")


router = Router(
    path="/",
    route_handlers=[
        verify_form,
        verify,
        resend,
        change_password,
        sign_out_everywhere,
        unlock_form,
        unlock,
    ],
    include_in_schema=False,
)
