"""/partners/reviews: reviews of the listings of the user's developer organizations, and the
one public reply an owner or admin may post to each."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, ValidationFailed
from jewelia.platform.marketplace import reviews
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict

Req = Request[Any, Any, Any]


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    return render(
        "partners/reviews.html",
        ctx,
        status_code=status_code,
        reviews=await reviews.reviews_for_developer(ctx.user.id),
        errors=extra.pop("errors", {}),
        **extra,
    )


@get("/partners/reviews", name="partner_reviews")
async def partner_reviews(request: Req) -> Template:
    return await _page(await page_context(request))


@post("/partners/reviews/{review_id:uuid}/reply")
async def reply(request: HTMXRequest, review_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    form = await form_dict(request)
    try:
        await reviews.reply(review_id, ctx.user.id, form.get("body", ""))
    except ValidationFailed as exc:
        return await _page(
            ctx,
            422,
            errors={review_id: exc.by_field().get("body")},
            values={review_id: form.get("body", "")},
        )
    except AppError as exc:
        return await _page(ctx, exc.status_code, error=exc.message)
    return redirect_with(request, "/partners/reviews", "Your reply is public now.")


router = Router(path="/", route_handlers=[partner_reviews, reply], include_in_schema=False)
