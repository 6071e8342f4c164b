"""Reviews on a listing's page: the list (loaded by HTMX from the listing page's partial), the
write/edit form for an eligible business, and reporting a review."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from jewelia.core.api import page_of
from jewelia.core.errors import AppError, PermissionDenied, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.accounts.service import MembershipInfo, UserInfo
from jewelia.platform.marketplace import reviews
from jewelia.web.context import LoginRequired, redirect_with, render, signed_in_user
from jewelia.web.forms import form_dict, whole

PAGE_SIZE = 10


async def _viewer(request: Request[Any, Any, Any]) -> tuple[UserInfo | None, MembershipInfo | None]:
    """The signed-in user (if any) and the business they are working in."""
    user = await signed_in_user(request)
    if user is None:
        return None, None
    mine = await accounts.memberships(user.id)
    tid = (request.session or {}).get("tid")
    current = next((m for m in mine if str(m.tenant.id) == tid), mine[0] if mine else None)
    return user, current


async def _section(
    request: Request[Any, Any, Any],
    slug: str,
    page: int | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    listing = await reviews.listing_by_slug(slug)
    paging = page_of(page, PAGE_SIZE)
    rows, total = await reviews.list_reviews(listing["id"], paging.limit, paging.offset)
    user, current = await _viewer(request)
    mine = allowed = None
    if current is not None:
        mine = await reviews.review_of(listing["id"], current.tenant.id)
        allowed = await reviews.eligibility(listing["id"], current.tenant.id)
    full = not getattr(request, "htmx", False)
    if not full:
        status_code = 200  # htmx swaps only 2xx answers: errors travel in the partial
    return render(
        "marketplace/_reviews_full.html" if full else "marketplace/_reviews_list.html",
        None,
        status_code=status_code,
        listing=listing,
        reviews=rows,
        page=paging.page,
        pages=max(1, -(-total // PAGE_SIZE)),
        user=user,
        current=current,
        mine=mine,
        allowed=allowed,
        errors=extra.pop("errors", {}),
        values=extra.pop("values", {}),
        **extra,
    )


@get("/marketplace/{slug:str}/reviews", name="listing_reviews")
async def listing_reviews(request: HTMXRequest, slug: str, page: int | None = None) -> Template:
    return await _section(request, slug, page)


@post("/marketplace/{slug:str}/reviews")
async def write_review(request: HTMXRequest, slug: str) -> Template | Redirect:
    user, current = await _viewer(request)
    if user is None or current is None:
        raise LoginRequired("Please log in")
    listing = await reviews.listing_by_slug(slug)
    form = await form_dict(request)
    values = {"rating": form.get("rating", ""), "body": form.get("body", "")}
    try:
        if not current.can_write:
            raise PermissionDenied("Your role is read-only in this business")
        await reviews.write_review(
            listing["id"],
            current.tenant.ref,
            user.actor,
            whole(form.get("rating")),
            form.get("body", ""),
        )
    except ValidationFailed as exc:
        return await _section(request, slug, status_code=422, errors=exc.by_field(), values=values)
    except AppError as exc:
        return await _section(request, slug, status_code=exc.status_code, error=exc.message)
    if request.htmx:
        return await _section(request, slug, notice="Thank you: your review is saved.")
    return redirect_with(request, f"/marketplace/{slug}/reviews", "Your review is saved.")


@post("/marketplace/{slug:str}/reviews/{review_id:uuid}/report")
async def report_review(request: HTMXRequest, slug: str, review_id: uuid.UUID) -> Any:
    user = await signed_in_user(request)
    if user is None:
        raise LoginRequired("Please log in")
    form = await form_dict(request)
    try:
        await reviews.report(review_id, user.id, form.get("reason", ""))
    except ValidationFailed as exc:
        return await _section(
            request,
            slug,
            status_code=422,
            report_error=exc.by_field().get("reason"),
            report_for=review_id,
        )
    except AppError as exc:
        return await _section(request, slug, status_code=exc.status_code, error=exc.message)
    if request.htmx:
        return await _section(request, slug, notice="Thank you: staff will look at the report.")
    return redirect_with(
        request, f"/marketplace/{slug}/reviews", "Thank you: staff will look at the report."
    )


router = Router(
    path="/", route_handlers=[listing_reviews, write_review, report_review], include_in_schema=False
)
