"""/partners/{org}/listings: create and edit listings, versions, submit (with the automated
checks' results), publish/pause/unlist, client credentials (secret shown once), status history."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, ValidationFailed
from jewelia.platform.marketplace import checks, listings, media, staff
from jewelia.platform.marketplace.markdown import render_markdown
from jewelia.platform.oauth.scopes import SCOPES
from jewelia.tenants.webhooks.catalog import EVENT_TYPES
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, redirect_with, render
from jewelia.web.partners.orgs import org_page

Req = Request[Any, Any, Any]


def listing_input(form: Any) -> dict[str, Any]:
    """The listing form's fields in the service's shape."""

    def text(name: str) -> str:
        return str(form.get(name, "") or "").strip()

    def many(name: str) -> list[str]:
        return [str(v) for v in form.getall(name)] if name in form else []

    return {
        "name": text("name"),
        "slug": text("slug"),
        "description": text("description"),
        "long_description": str(form.get("long_description", "") or ""),
        "category": text("category"),
        "features": text("features"),
        "pricing": {
            "model": text("pricing_model") or "free",
            "amount": text("pricing_amount") or None,
            "currency": text("pricing_currency") or "USD",
            "billingCycle": text("pricing_billing_cycle") or None,
            "trialDays": text("pricing_trial_days") or None,
        },
        "scopes": many("scopes"),
        "webhook_events": many("webhook_events"),
        "webhook_url": text("webhook_url"),
        "redirect_uris": text("redirect_uris"),
        "app_url": text("app_url"),
        "support_url": text("support_url"),
        "privacy_url": text("privacy_url"),
        "version": text("version") or "1.0.0",
        "changelog": text("changelog"),
    }


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    """Service-shaped values as the form's fields (to fill it in again)."""
    pricing = data.get("pricing") or {}

    def joined(value: Any) -> str:
        return "\n".join(value) if isinstance(value, (list, tuple)) else str(value or "")

    return {
        **data,
        "features": joined(data.get("features")),
        "redirect_uris": joined(data.get("redirect_uris")),
        "pricing_model": pricing.get("model") or "free",
        "pricing_amount": "" if pricing.get("amount") in (None, "") else str(pricing["amount"]),
        "pricing_currency": pricing.get("currency") or "USD",
        "pricing_billing_cycle": pricing.get("billingCycle") or "",
        "pricing_trial_days": str(pricing.get("trialDays") or ""),
    }


def _form(
    ctx: PageContext,
    org: dict[str, Any],
    listing: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    return render(
        "partners/listing_form.html",
        ctx,
        org=org,
        listing=listing,
        values=values,
        errors=errors,
        categories=listings.CATEGORY_LABELS,
        pricing_models=listings.PRICING_MODEL_LABELS,
        currencies=listings.CURRENCIES,
        cycles=listings.BILLING_CYCLES,
        scopes=SCOPES,
        events=EVENT_TYPES,
        scopes_locked=listing is not None and listing["status"] not in listings.SCOPES_EDITABLE,
        status_code=status_code,
    )


async def _listing(request: Req, org_slug: str, listing_slug: str) -> tuple[Any, ...]:
    ctx, org, role = await org_page(request, org_slug)
    listing = await listings.get_by_slug(org["id"], listing_slug)
    return ctx, org, role, listing


def _base(org: dict[str, Any], listing: dict[str, Any]) -> str:
    return f"/partners/{org['slug']}/listings/{listing['slug']}"


async def listing_page(
    ctx: PageContext,
    org: dict[str, Any],
    role: str,
    listing: dict[str, Any],
    status_code: int = 200,
    **extra: Any,
) -> Template:
    """The developer's page of one listing."""
    position = await staff.queue_position(listing["id"])
    values = {"errors": {}, "values": {}, "new_secret": None, **extra}
    return render(
        "partners/listing.html",
        ctx,
        org=org,
        role=role,
        listing=listing,
        base=_base(org, listing),
        long_html=render_markdown(listing["long_description"]),
        category=listings.CATEGORY_LABELS.get(listing["category"], listing["category"]),
        queue_place=staff.ordinal(position) if position else None,
        check=await checks.latest(listing["id"]),
        versions=await listings.versions(listing["id"]),
        history=await listings.history(listing["id"]),
        icon_url=media.url(listing["icon_path"]),
        screenshots=await media.screenshots(listing["id"]),
        max_screenshots=media.MAX_SCREENSHOTS,
        scopes=SCOPES,
        events=EVENT_TYPES,
        is_manager=role in ("owner", "admin"),
        status_code=status_code,
        **values,
    )


@get("/partners/{org_slug:str}/listings/new", name="partner_listing_new")
async def new_listing(request: Req, org_slug: str) -> Template:
    ctx, org, _ = await org_page(request, org_slug)
    return _form(ctx, org, None, {"pricing_model": "free", "pricing_currency": "USD"}, {})


@post("/partners/{org_slug:str}/listings")
async def create_listing(request: Req, org_slug: str) -> Template:
    ctx, org, role = await org_page(request, org_slug)
    data = listing_input(await request.form())
    try:
        listing, secret = await listings.create_listing(ctx.user.id, org["id"], data)
    except ValidationFailed as exc:
        return _form(ctx, org, None, form_values(data), exc.by_field(), 422)
    return await listing_page(ctx, org, role, listing, 201, new_secret=secret)


@get("/partners/{org_slug:str}/listings/{listing_slug:str}", name="partner_listing")
async def show_listing(request: Req, org_slug: str, listing_slug: str) -> Template:
    ctx, org, role, listing = await _listing(request, org_slug, listing_slug)
    return await listing_page(ctx, org, role, listing)


@get("/partners/{org_slug:str}/listings/{listing_slug:str}/edit")
async def edit_listing(request: Req, org_slug: str, listing_slug: str) -> Template:
    ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
    return _form(ctx, org, listing, form_values(listings.as_input(listing)), {})


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/edit")
async def save_listing(request: Req, org_slug: str, listing_slug: str) -> Template | Redirect:
    ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
    data = listing_input(await request.form())
    data.pop("version"), data.pop("changelog")
    if listing["status"] not in listings.SCOPES_EDITABLE:
        data.pop("scopes"), data.pop("webhook_events")  # locked: changed by a new version
    try:
        saved = await listings.update_listing(ctx.user.id, listing["id"], data)
    except ValidationFailed as exc:
        return _form(ctx, org, listing, form_values(data), exc.by_field(), 422)
    except AppError as exc:
        return redirect_with(request, _base(org, listing), exc.message, "error")
    return redirect_with(request, _base(org, saved), "Listing saved.")


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/submit")
async def submit(request: Req, org_slug: str, listing_slug: str) -> Redirect:
    ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
    try:
        passed, results = await checks.submit(ctx.user.id, listing["id"])
    except AppError as exc:
        return redirect_with(request, _base(org, listing), exc.message, "error")
    if not passed:
        failed = sum(1 for r in results if not r["passed"])
        return redirect_with(
            request,
            _base(org, listing) + "#checks",
            f"Not submitted: {failed} automated check(s) failed. See below what to fix.",
            "error",
        )
    return redirect_with(request, _base(org, listing), "Submitted for review.")


async def _move(request: Req, org_slug: str, listing_slug: str, action: str) -> Redirect:
    ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
    fn = {"publish": listings.publish, "pause": listings.pause, "unlist": listings.unlist}[action]
    try:
        moved = await fn(ctx.user.id, listing["id"])
    except AppError as exc:
        return redirect_with(request, _base(org, listing), exc.message, "error")
    return redirect_with(request, _base(org, listing), f"Listing is now {moved['status']}.")


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/publish")
async def publish(request: Req, org_slug: str, listing_slug: str) -> Redirect:
    return await _move(request, org_slug, listing_slug, "publish")


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/pause")
async def pause(request: Req, org_slug: str, listing_slug: str) -> Template | Redirect:
    if not await confirmed(request):
        ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
        return await ask_first(
            request,
            ctx,
            question="Pause this listing? It leaves the marketplace and cannot be installed"
            " until you publish it again.",
            label="Pause listing",
            yes="Yes, pause",
            back=_base(org, listing),
        )
    return await _move(request, org_slug, listing_slug, "pause")


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/unlist")
async def unlist(request: Req, org_slug: str, listing_slug: str) -> Template | Redirect:
    if not await confirmed(request):
        ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
        return await ask_first(
            request,
            ctx,
            question="Unlist this listing? It leaves search and browsing; people with the link"
            " can still install it.",
            label="Unlist listing",
            yes="Yes, unlist",
            back=_base(org, listing),
        )
    return await _move(request, org_slug, listing_slug, "unlist")


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/versions")
async def add_version(request: Req, org_slug: str, listing_slug: str) -> Template | Redirect:
    ctx, org, role, listing = await _listing(request, org_slug, listing_slug)
    form = await request.form()
    values: dict[str, Any] = {
        "version": str(form.get("version", "")),
        "changelog": str(form.get("changelog", "")),
        "scopes": [str(v) for v in form.getall("scopes")] if "scopes" in form else [],
        "webhook_events": (
            [str(v) for v in form.getall("webhook_events")] if "webhook_events" in form else []
        ),
    }
    try:
        added = await listings.add_version(
            ctx.user.id,
            listing["id"],
            values["version"],
            values["changelog"],
            values["scopes"],
            values["webhook_events"],
        )
    except ValidationFailed as exc:
        return await listing_page(
            ctx, org, role, listing, 422, errors=exc.by_field(), values=values
        )
    except AppError as exc:
        return redirect_with(request, _base(org, listing), exc.message, "error")
    return redirect_with(request, _base(org, listing), f"Version {added['version']} added.")


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/rotate-secret")
async def rotate_secret(request: Req, org_slug: str, listing_slug: str) -> Template | Redirect:
    ctx, org, role, listing = await _listing(request, org_slug, listing_slug)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Rotate the client secret? The new one is shown once; the old one stops"
            " working at once (token requests and webhook signatures).",
            label="Rotate client secret",
            yes="Yes, rotate",
            back=_base(org, listing),
        )
    try:
        secret = await listings.rotate_client_secret(ctx.user.id, listing["id"])
    except AppError as exc:
        return redirect_with(request, _base(org, listing), exc.message, "error")
    return await listing_page(ctx, org, role, listing, 201, new_secret=secret)


@post("/partners/{org_slug:str}/listings/{listing_slug:str}/screenshots/{shot_id:uuid}/remove")
async def remove_screenshot(
    request: Req, org_slug: str, listing_slug: str, shot_id: uuid.UUID
) -> Template | Redirect:
    ctx, org, _, listing = await _listing(request, org_slug, listing_slug)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question="Delete this screenshot?",
            label="Delete screenshot",
            yes="Yes, delete",
            back=_base(org, listing),
        )
    try:
        await media.remove_screenshot(ctx.user.id, listing["id"], shot_id)
    except AppError as exc:
        return redirect_with(request, _base(org, listing), exc.message, "error")
    return redirect_with(request, _base(org, listing) + "#media", "Screenshot deleted.")


router = Router(
    path="/",
    route_handlers=[
        new_listing,
        create_listing,
        show_listing,
        edit_listing,
        save_listing,
        submit,
        publish,
        pause,
        unlist,
        add_version,
        rotate_secret,
        remove_screenshot,
    ],
    include_in_schema=False,
)
