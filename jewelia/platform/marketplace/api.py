"""REST controller for /api/v1/integrations/marketplace: the public catalog.

The catalog is public (like an app store): no credential is needed. A credential that is sent
is checked and charged like on every other API route (`guard.admit`); anonymous callers get an
hourly budget per address. Either way the X-RateLimit-* headers are sent.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Parameter

from jewelia.core.api import ok
from jewelia.core.errors import RateLimited
from jewelia.core.middleware import header_value
from jewelia.core.settings import get_settings
from jewelia.platform.apikeys import guard
from jewelia.platform.billing import ratelimit
from jewelia.platform.marketplace import browse, listings
from jewelia.platform.marketplace.schemas import MarketplaceList, MarketplaceListingEnvelope

ANONYMOUS_PER_HOUR = 1000  # per client address, like the Free plan's budget
_encoder = msgspec.json.Encoder(decimal_format="number")

CATEGORIES = list(listings.CATEGORIES)
PRICING_MODELS = list(listings.PRICING_MODELS)
SORT_BY = list(browse.SORTS)


async def catalog_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A credential, when sent, is admitted as on any API route; anonymous calls are
    throttled per address."""
    scope: Any = connection.scope
    if header_value(scope, b"authorization"):
        await guard.admit(scope, handler)
        return
    if not get_settings().rate_limits:
        return
    address = connection.client.host if connection.client else "unknown"
    decision = await ratelimit.check([f"anon:{address}"], ANONYMOUS_PER_HOUR, "anonymous")
    scope[guard.RATE_SCOPE_KEY] = decision
    if not decision.allowed:
        raise RateLimited("Rate limit exceeded", decision.retry_after, decision.headers())


def _json(body: dict[str, Any]) -> Response[Any]:
    """The list envelope with facets; Decimal money written as an exact JSON number."""
    return Response(content=_encoder.encode(body), media_type="application/json")


class MarketplaceController(Controller):
    path = "/integrations/marketplace"
    tags = ["Marketplace"]
    guards = [catalog_guard]
    middleware = [guard.rate_limit_headers_middleware]
    security = [{}, {"bearer": []}]  # public; a credential is optional

    @get(operation_id="browseMarketplace", summary="Browse published integrations")
    async def browse_marketplace(
        self,
        category: Annotated[
            str | None, Parameter(description="Category", schema_extra={"enum": CATEGORIES})
        ] = None,
        pricing_model: Annotated[
            str | None,
            Parameter(
                query="pricingModel",
                description="Pricing model",
                schema_extra={"enum": PRICING_MODELS},
            ),
        ] = None,
        search: Annotated[
            str | None,
            Parameter(
                max_length=browse.MAX_SEARCH,
                description="Words in name, description, developer or features; the last "
                "word matches as a prefix (search as you type)",
            ),
        ] = None,
        is_verified: Annotated[
            str | None,
            Parameter(
                query="isVerified",
                description="true: verified integrations only; false: unverified only",
                schema_extra={"enum": ["true", "false"]},
            ),
        ] = None,
        min_rating: Annotated[
            str | None,
            Parameter(
                query="minRating",
                description="Lowest rating, 0-5",
                schema_extra={"pattern": f"^({browse.MIN_RATING.pattern})$"},
            ),
        ] = None,
        sort_by: Annotated[
            str | None,
            Parameter(
                query="sortBy",
                description="rating (default), downloads, newest, name, price; relevance "
                "(default when searching, only with a search)",
                schema_extra={"enum": SORT_BY},
            ),
        ] = None,
        sort_order: Annotated[
            str | None,
            Parameter(
                query="sortOrder",
                description="asc or desc (default desc; asc for name and price)",
                schema_extra={"enum": ["asc", "desc"]},
            ),
        ] = None,
        page: Annotated[
            int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")
        ] = None,
        limit: Annotated[
            int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")
        ] = None,
        cursor: Annotated[
            str | None,
            Parameter(max_length=1000, description="next_cursor of the previous page"),
        ] = None,
    ) -> Response[MarketplaceList]:
        query = browse.parse_browse(
            category=category,
            pricing_model=pricing_model,
            search=search,
            is_verified=is_verified,
            min_rating=min_rating,
            sort_by=sort_by,
            sort_order=sort_order,
            page=page,
            limit=limit,
            cursor=cursor,
        )
        result = await browse.browse(query)
        body = {
            "success": True,
            "data": result.items,
            "pagination": {
                "page": query.page,
                "limit": query.limit,
                "total": result.total,
                "totalPages": math.ceil(result.total / query.limit) if result.total else 0,
                "next_cursor": result.next_cursor,
            },
            "facets": result.facets,
            "next_cursor": result.next_cursor,
        }
        return _json(body)

    @get(
        "/{listing:str}",
        operation_id="getMarketplaceListing",
        summary="A published integration by id or slug, with versions, scopes and reviews summary",
    )
    async def get_listing(
        self, listing: Annotated[str, Parameter(max_length=80, description="Listing id or slug")]
    ) -> Response[MarketplaceListingEnvelope]:
        return ok(await browse.get_public_listing(listing))
