"""The team page: members, roles, invites; and accepting an invite."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, NotFound, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.billing.limits import PlanLimitExceeded
from jewelia.platform.mail import service as mail
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import (
    PageContext,
    page_context,
    redirect_with,
    render,
    sign_in,
    signed_in_user,
)

Req = Request[Any, Any, Any]


async def _team_page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    members, invites = await accounts.team(ctx.tenant.id)
    values = {"errors": {}, "values": {}, "error": None, **extra}
    return render(
        "app/team.html",
        ctx,
        members=members,
        invites=invites,
        roles=accounts.ROLES,
        status_code=status_code,
        **values,
    )


@get("/app/team", name="team")
async def team(request: Req) -> Template:
    return await _team_page(await page_context(request))


@post("/app/team/invite")
async def invite(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    form = dict(await request.form())
    email, role = str(form.get("email", "")), str(form.get("role", "member"))
    try:
        await accounts.invite_member(ctx.user, ctx.current, email, role)
    except ValidationFailed as exc:
        return await _team_page(
            ctx, 422, errors=exc.by_field(), values={"email": email, "role": role}
        )
    except PlanLimitExceeded as exc:
        return await _team_page(
            ctx, exc.status_code, error=exc.message, values={"email": email, "role": role}
        )
    mail.send_soon()
    return redirect_with(request, "/app/team", f"Invitation sent to {email.strip()}.")


@post("/app/team/{user_id:uuid}/role")
async def change_role(request: HTMXRequest, user_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    form = dict(await request.form())
    try:
        await accounts.change_role(ctx.user, ctx.current, user_id, str(form.get("role", "")))
    except AppError as exc:
        if request.htmx:
            return await _team_page(ctx, 200, error=exc.message)
        return redirect_with(request, "/app/team", exc.message, "error")
    if request.htmx:
        ctx = await page_context(request)
        return await _team_page(ctx, 200, notice="Role updated.")
    return redirect_with(request, "/app/team", "Role updated.")


@post("/app/team/{user_id:uuid}/remove")
async def remove(request: Req, user_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    if ctx.current.can_manage_team and not await confirmed(request):  # others: refused below
        return await ask_first(
            request,
            ctx,
            question=f"Remove this member from {ctx.tenant.name}? They lose access at once.",
            label="Remove member",
            yes="Yes, remove",
            back="/app/team",
        )
    try:
        await accounts.remove_member(ctx.user, ctx.current, user_id)
    except AppError as exc:
        return redirect_with(request, "/app/team", exc.message, "error")
    return redirect_with(request, "/app/team", "Member removed.")


@post("/app/team/invites/{invite_id:uuid}/revoke")
async def revoke(request: Req, invite_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    if ctx.current.can_manage_team and not await confirmed(request):  # others: refused below
        return await ask_first(
            request,
            ctx,
            question="Revoke this invitation? Its link stops working.",
            label="Revoke invitation",
            yes="Yes, revoke",
            back="/app/team",
        )
    try:
        await accounts.revoke_invite(ctx.user, ctx.current, invite_id)
    except AppError as exc:
        return redirect_with(request, "/app/team", exc.message, "error")
    return redirect_with(request, "/app/team", "Invitation revoked.")


@get("/invite/{token:str}", name="invite_accept")
async def invite_page(request: Req, token: str) -> Template:
    try:
        info = await accounts.get_invite(token)
    except NotFound as exc:
        return render("auth/invite.html", invalid=exc.message, status_code=404)
    user = await signed_in_user(request)
    return render(
        "auth/invite.html", invalid=None, invite=info, token=token, user=user, errors={}, values={}
    )


@post("/invite/{token:str}")
async def accept(request: Req, token: str) -> Template | Redirect:
    form = dict(await request.form())
    had_session = bool((request.session or {}).get("uid"))
    signed_in = await signed_in_user(request)
    if had_session and signed_in is None:  # that session was revoked: log in again first
        return Redirect(path=f"/login?next=/invite/{token}")
    try:
        if signed_in is not None:
            user = signed_in
            tenant = await accounts.accept_invite(token, user)
        else:
            user, tenant = await accounts.register_and_accept(
                token, str(form.get("full_name", "")), str(form.get("password", ""))
            )
    except ValidationFailed as exc:
        info = await accounts.get_invite(token)
        return render(
            "auth/invite.html",
            invalid=None,
            invite=info,
            token=token,
            user=None,
            errors=exc.by_field(),
            values={"full_name": form.get("full_name", "")},
            status_code=422,
        )
    except accounts.EmailNotVerified as exc:
        info = await accounts.get_invite(token)
        return render(
            "auth/invite.html",
            invalid=None,
            invite=info,
            token=token,
            user=signed_in,
            errors={},
            values={},
            status_code=exc.status_code,
        )
    except AppError as exc:
        return render("auth/invite.html", invalid=exc.message, status_code=exc.status_code)
    sign_in(request, user, tenant.id)
    return redirect_with(request, "/app", f"You have joined {tenant.name}.")


router = Router(
    path="/",
    route_handlers=[team, invite, change_role, remove, revoke, invite_page, accept],
    include_in_schema=False,
)
