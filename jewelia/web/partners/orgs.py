"""/partners: my developer organizations, creating one, its dashboard and its members."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.db import fetch
from jewelia.core.errors import AppError, ValidationFailed
from jewelia.platform.marketplace import listings, orgs
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict

Req = Request[Any, Any, Any]


async def org_page(request: Req, org_slug: str) -> tuple[PageContext, dict[str, Any], str]:
    """The signed-in member, the organization and their role (404 for outsiders)."""
    ctx = await page_context(request)
    org = await orgs.get_org_by_slug(org_slug)
    role = await orgs.require_role(ctx.user.id, org["id"])
    return ctx, org, role


async def installs_by_month(org_id: uuid.UUID) -> list[dict[str, Any]]:
    """Installs per month over the last year, with a share of the busiest month (for bars)."""
    rows = await fetch(
        "SELECT to_char(date_trunc('month', i.installed_at), 'YYYY-MM') AS month,"
        " count(*) AS installs FROM public.app_install i"
        " JOIN public.listing l ON l.id = i.listing_id"
        " WHERE l.org_id = $1 AND i.installed_at > now() - interval '12 months'"
        " GROUP BY 1 ORDER BY 1",
        org_id,
    )
    top = max((int(r["installs"]) for r in rows), default=0)
    return [{**r, "top": top} for r in rows]


async def latest_reviews(org_id: uuid.UUID, limit: int = 10) -> list[dict[str, Any]]:
    """The newest visible reviews of the organization's listings."""
    return await fetch(
        "SELECT r.rating, r.body, r.created_at, r.reply_body, l.name AS listing_name,"
        " l.slug AS listing_slug FROM public.review r JOIN public.listing l ON l.id = r.listing_id"
        " WHERE l.org_id = $1 AND r.status = 'visible' ORDER BY r.created_at DESC LIMIT $2",
        org_id,
        limit,
    )


async def _index(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    values = {"errors": {}, "values": {}, **extra}
    return render(
        "partners/index.html",
        ctx,
        orgs=await orgs.my_orgs(ctx.user.id),
        status_code=status_code,
        **values,
    )


@get("/partners", name="partners")
async def index(request: Req) -> Template:
    ctx = await page_context(request)
    return await _index(ctx)


@post("/partners")
async def create(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    form = await form_dict(request)
    try:
        org = await orgs.create_org(
            ctx.user.id,
            form.get("name", ""),
            form.get("website", ""),
            form.get("support_email", ""),
        )
    except ValidationFailed as exc:
        return await _index(ctx, 422, errors=exc.by_field(), values=form)
    return redirect_with(request, f"/partners/{org['slug']}", f"{org['name']} created.")


async def _dashboard(
    ctx: PageContext, org: dict[str, Any], role: str, status_code: int = 200, **extra: Any
) -> Template:
    values = {"errors": {}, "values": org, **extra}
    return render(
        "partners/dashboard.html",
        ctx,
        org=org,
        role=role,
        listings=await listings.org_listings(org["id"]),
        months=await installs_by_month(org["id"]),
        reviews=await latest_reviews(org["id"]),
        status_code=status_code,
        **values,
    )


@get("/partners/{org_slug:str}", name="partner_org")
async def dashboard(request: Req, org_slug: str) -> Template:
    ctx, org, role = await org_page(request, org_slug)
    return await _dashboard(ctx, org, role)


@post("/partners/{org_slug:str}/settings")
async def settings(request: Req, org_slug: str) -> Template | Redirect:
    ctx, org, role = await org_page(request, org_slug)
    form = await form_dict(request)
    try:
        await orgs.update_org(
            ctx.user.id,
            org["id"],
            form.get("name", ""),
            form.get("website", ""),
            form.get("support_email", ""),
        )
    except ValidationFailed as exc:
        return await _dashboard(ctx, org, role, 422, errors=exc.by_field(), values=form)
    return redirect_with(request, f"/partners/{org_slug}", "Organization saved.")


async def _members(
    ctx: PageContext, org: dict[str, Any], role: str, status_code: int = 200, **extra: Any
) -> Template:
    values = {"errors": {}, "values": {}, **extra}
    return render(
        "partners/members.html",
        ctx,
        org=org,
        role=role,
        members=await orgs.members(org["id"]),
        roles=[(r, r) for r in orgs.ROLES],
        status_code=status_code,
        **values,
    )


@get("/partners/{org_slug:str}/members", name="partner_members")
async def members(request: Req, org_slug: str) -> Template:
    ctx, org, role = await org_page(request, org_slug)
    return await _members(ctx, org, role)


@post("/partners/{org_slug:str}/members")
async def add_member(request: Req, org_slug: str) -> Template | Redirect:
    ctx, org, role = await org_page(request, org_slug)
    form = await form_dict(request)
    try:
        added = await orgs.add_member(
            ctx.user.id, org["id"], form.get("email", ""), form.get("role", "developer")
        )
    except ValidationFailed as exc:
        return await _members(ctx, org, role, 422, errors=exc.by_field(), values=form)
    return redirect_with(
        request, f"/partners/{org_slug}/members", f"{added['email']} added as {added['role']}."
    )


@post("/partners/{org_slug:str}/members/{user_id:uuid}/remove")
async def remove_member(request: Req, org_slug: str, user_id: uuid.UUID) -> Template | Redirect:
    ctx, org, _ = await org_page(request, org_slug)
    back = f"/partners/{org_slug}/members"
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Remove this member from the organization?",
            label="Remove member",
            yes="Yes, remove",
            back=back,
        )
    try:
        await orgs.remove_member(ctx.user.id, org["id"], user_id)
    except AppError as exc:
        return redirect_with(request, back, exc.message, "error")
    return redirect_with(request, back, "Member removed.")


router = Router(
    path="/",
    route_handlers=[index, create, dashboard, settings, members, add_member, remove_member],
    include_in_schema=False,
)
