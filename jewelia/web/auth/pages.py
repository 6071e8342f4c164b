"""Landing, sign-up, log-in (with two-factor), log-out and password reset pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import (
    AppError,
    AuthenticationFailed,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from jewelia.platform.accounts import service as accounts
from jewelia.web.context import client_ip, redirect_with, render, sign_in
from jewelia.web.sessions import rotate_session

Req = Request[Any, Any, Any]


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so `next` cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/app"


@get("/", name="landing")
async def landing(request: Req) -> Template:
    signed_in = bool((request.session or {}).get("uid"))
    return render("landing.html", signed_in=signed_in)


@get("/signup", name="signup")
async def signup_form() -> Template:
    return render("auth/signup.html", values={}, errors={})


@post("/signup")
async def signup(request: Req) -> Template | Redirect:
    form = dict(await request.form())
    values = {k: str(form.get(k, "")) for k in ("business_name", "full_name", "email")}
    try:
        # The same answer whether or not the address already has an account (no enumeration),
        # so nobody is signed in here: the new owner logs in, or proves the address first.
        await accounts.request_signup(
            values["business_name"],
            values["full_name"],
            values["email"],
            str(form.get("password", "")),
            ip=client_ip(request),
        )
    except ValidationFailed as exc:
        return render("auth/signup.html", values=values, errors=exc.by_field(), status_code=422)
    except RateLimited as exc:
        return render(
            "auth/signup.html", values=values, errors={"email": exc.message}, status_code=429
        )
    return redirect_with(
        request,
        "/login",
        f"Welcome to Jewelia! We sent a link to {values['email'].strip()} to confirm the"
        " address. Log in to start using your business.",
    )


@get("/login", name="login")
async def login_form(next: str | None = None) -> Template:
    return render("auth/login.html", values={}, error=None, next=_safe_next(next))


@post("/login")
async def login(request: Req) -> Template | Redirect:
    form = dict(await request.form())
    email = str(form.get("email", ""))
    target = _safe_next(str(form.get("next", "")))
    try:
        user = await accounts.authenticate(email, str(form.get("password", "")), client_ip(request))
    except (AuthenticationFailed, RateLimited) as exc:
        status = 429 if isinstance(exc, RateLimited) else 401
        return render(
            "auth/login.html",
            values={"email": email},
            error=exc.message,
            next=target,
            status_code=status,
        )
    if user.totp_enabled:
        rotate_session(
            request, {"pending_uid": str(user.id), "next": target, "ep": user.session_epoch}
        )
        return Redirect(path="/login/2fa")
    mine = await accounts.memberships(user.id)
    sign_in(request, user, mine[0].tenant.id if mine else None)
    return Redirect(path=target)


@get("/login/2fa", name="login_2fa")
async def second_factor_form(request: Req) -> Template | Redirect:
    if not (request.session or {}).get("pending_uid"):
        return Redirect(path="/login")
    return render("auth/two_factor.html", error=None)


@post("/login/2fa")
async def second_factor(request: Req) -> Template | Redirect:
    session = request.session or {}
    pending = session.get("pending_uid")
    if not pending:
        return Redirect(path="/login")
    try:  # a reset or "sign out everywhere" since the password step ends this log-in too
        user = await accounts.session_user(pending, session.get("ep", 0))
    except AppError:
        rotate_session(request, {})
        return Redirect(path="/login")
    form = dict(await request.form())
    try:
        await accounts.verify_second_factor(user.id, str(form.get("code", "")), client_ip(request))
    except (AuthenticationFailed, RateLimited) as exc:
        status = 429 if isinstance(exc, RateLimited) else 401
        return render("auth/two_factor.html", error=exc.message, status_code=status)
    mine = await accounts.memberships(user.id)
    target = _safe_next(session.get("next"))
    sign_in(request, user, mine[0].tenant.id if mine else None)
    return Redirect(path=target)


@post("/logout", name="logout")
async def logout(request: Req) -> Redirect:
    rotate_session(request, {})
    return redirect_with(request, "/login", "You have been logged out.")


@get("/password/forgot", name="password_forgot")
async def forgot_form() -> Template:
    return render("auth/forgot.html", sent=False, error=None)


@post("/password/forgot")
async def forgot(request: Req) -> Template:
    form = dict(await request.form())
    try:
        await accounts.request_password_reset(str(form.get("email", "")), client_ip(request))
    except RateLimited as exc:
        return render("auth/forgot.html", sent=False, error=exc.message, status_code=429)
    return render("auth/forgot.html", sent=True, error=None)


@get("/password/reset/{token:str}", name="password_reset")
async def reset_form(token: str) -> Template:
    try:
        await accounts.check_reset_token(token)
    except NotFound as exc:
        return render(
            "auth/reset.html", token=token, invalid=exc.message, errors={}, status_code=404
        )
    return render("auth/reset.html", token=token, invalid=None, errors={})


@post("/password/reset/{token:str}")
async def reset(request: Req, token: str) -> Template | Redirect:
    form = dict(await request.form())
    try:
        await accounts.reset_password(token, str(form.get("password", "")))
    except NotFound as exc:
        return render(
            "auth/reset.html", token=token, invalid=exc.message, errors={}, status_code=404
        )
    except ValidationFailed as exc:
        return render(
            "auth/reset.html", token=token, invalid=None, errors=exc.by_field(), status_code=422
        )
    rotate_session(request, {})
    return redirect_with(request, "/login", "Your password has been changed. Log in with it now.")


router = Router(
    path="/",
    route_handlers=[
        landing,
        signup_form,
        signup,
        login_form,
        login,
        second_factor_form,
        second_factor,
        logout,
        forgot_form,
        forgot,
        reset_form,
        reset,
    ],
    include_in_schema=False,
)
