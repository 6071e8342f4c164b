"""Settings > Installed integrations: each installed app with its scopes, who installed it and
when, the version, the last API use; owners and admins can uninstall (asked first)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, NotFound
from jewelia.platform.marketplace import installs
from jewelia.platform.oauth import scopes as oauth_scopes
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import page_context, redirect_with, render

Req = Request[Any, Any, Any]
PAGE = "/settings/integrations"


@get(PAGE, name="installed_integrations")
async def integrations(request: Req) -> Template:
    ctx = await page_context(request)
    listed = await installs.tenant_installs(ctx.tenant.id)
    for item in listed:
        item["scope_words"] = oauth_scopes.describe(item["scopes"])
    return render(
        "integrations/installed.html",
        ctx,
        installs=listed,
        can_manage=ctx.current.can_manage_team,
    )


@post(PAGE + "/{install_id:uuid}/uninstall")
async def uninstall(request: Req, install_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    if not ctx.current.can_manage_team:
        return redirect_with(request, PAGE, "Only owners and admins can uninstall apps", "error")
    try:
        found = await installs.get_install(install_id)
        if found["tenant_id"] != ctx.tenant.id:
            raise NotFound("Install not found")
    except AppError as exc:
        return redirect_with(request, PAGE, exc.message, "error")
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Uninstall this app? It loses access to your business; it may read for 15"
            " more minutes to clean up, and is asked to delete your data after 48 hours.",
            label="Uninstall",
            yes="Yes, uninstall",
            back=PAGE,
        )
    try:
        await installs.uninstall(install_id, ctx.user.id)
    except AppError as exc:
        return redirect_with(request, PAGE, exc.message, "error")
    return redirect_with(request, PAGE, "The app was uninstalled.")


router = Router(path="/", route_handlers=[integrations, uninstall], include_in_schema=False)
