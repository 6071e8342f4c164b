"""Page actions that do an API call's work (test sends, replays, imports, exports) are charged
like that call (see billing.limits.charge_action); over the limit the page answers 429.

The 429 keeps the page's shape: a whole error page for a plain form post, or for htmx the
message alone (swapped into the form's result area; see `htmx-config` in base.html), both with
Retry-After and the X-RateLimit-* headers the API would send.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.response import Template
from markupsafe import escape

from jewelia.core.errors import RateLimited
from jewelia.platform.billing.limits import charge_action
from jewelia.web.context import PageContext


async def charge_page_action(ctx: PageContext) -> None:
    """Charge the signed-in user's action to the business's hourly budget, or raise 429."""
    await charge_action(ctx.tenant, ctx.user.actor)


def rate_limited_page(request: Request[Any, Any, Any], exc: RateLimited) -> Response[Any]:
    """429 for a page action: the message, when to retry, and the budget headers."""
    headers = {**exc.headers, "Retry-After": str(exc.retry_after)}
    if request.headers.get("hx-request") == "true":
        return Response(
            content=f'<div class="flash flash-error" role="alert" id="rate-limited">'
            f"{escape(exc.message)}</div>",
            status_code=429,
            media_type=MediaType.HTML,
            headers=headers,
        )
    return Template(  # type: ignore[return-value]
        template_name="error.html",
        context={"status": 429, "message": exc.message, "no_flash": True},
        status_code=429,
        headers=headers,
    )


# Handler-level exception handlers for the charged routes (route handlers' `exception_handlers`).
PAGE_ACTION_ERRORS: dict[Any, Any] = {RateLimited: rate_limited_page}
