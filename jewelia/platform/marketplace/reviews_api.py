"""REST routes for listing reviews under /api/v1/integrations/marketplace/{id}/reviews.

Reading is public (mounted on the unguarded /api/v1 router); writing and reporting go through
the API guard: the business is the credential's (a user's JWT or an API key with `write`).
A second POST from the same business is a 409; PUT creates or edits the business's review.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.di import Provide
from litestar.params import Parameter

from jewelia.core.api import Pagination, ok, ok_list, parse_page
from jewelia.core.errors import NotFound, PermissionDenied
from jewelia.platform.apikeys.guard import (
    ApiAuth,
    api_guard,
    provide_auth,
    rate_limit_headers_middleware,
)
from jewelia.platform.apikeys.idempotency import idempotency_middleware
from jewelia.platform.marketplace import reviews

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]
GUARDED: dict[str, Any] = {
    "guards": [api_guard],
    "middleware": [rate_limit_headers_middleware, idempotency_middleware],
}
PATH = "/integrations/marketplace/{listing_id:uuid}/reviews"


class ReviewWrite(msgspec.Struct, forbid_unknown_fields=True):
    rating: int
    body: str = ""


class ReportCreate(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class ReviewReply(msgspec.Struct):
    body: str
    repliedAt: datetime
    developer: str


class ReviewOut(msgspec.Struct):
    id: UUID
    listingId: UUID
    rating: int
    body: str
    business: str
    usedForSeconds: int
    usedFor: str
    status: str
    createdAt: datetime
    updatedAt: datetime
    edited: bool
    reply: ReviewReply | None


class ReviewEnvelope(msgspec.Struct):
    success: bool
    data: ReviewOut


class ReviewList(msgspec.Struct):
    success: bool
    data: list[ReviewOut]
    pagination: Pagination


class ReportOut(msgspec.Struct):
    id: UUID
    reviewId: UUID
    reason: str
    createdAt: datetime
    status: str


class ReportEnvelope(msgspec.Struct):
    success: bool
    data: ReportOut


class ReviewController(Controller):
    """Mounted on the unguarded /api/v1 router: GET is public; the writes carry the API guard
    and the guarded router's middleware themselves (one path cannot live on both routers)."""

    path = PATH
    tags = ["Marketplace"]
    dependencies = {"auth": Provide(provide_auth, sync_to_thread=False)}

    @get(
        operation_id="listMarketplaceReviews",
        summary="Reviews of a listing, newest first, with the developer's reply (public)",
    )
    async def list_reviews(
        self, listing_id: UUID, page: PageQ = None, limit: LimitQ = None
    ) -> Response[ReviewList]:
        paging = parse_page(page, limit, None)
        rows, total = await reviews.list_reviews(listing_id, paging.limit, paging.offset)
        return ok_list(rows, paging, total)

    @post(
        operation_id="createMarketplaceReview",
        summary="Review an app your business has used for 24 hours (one per business; 409 after)",
        status_code=201,
        **GUARDED,
    )
    async def create_review(
        self, auth: ApiAuth, listing_id: UUID, data: ReviewWrite
    ) -> Response[ReviewEnvelope]:
        review, _ = await reviews.write_review(
            listing_id, auth.tenant.ref, auth.actor, data.rating, data.body, create_only=True
        )
        return ok(review, status_code=201)

    @put(
        operation_id="putMarketplaceReview",
        summary="Create or edit your business's review (201 when created, 200 when edited)",
        **GUARDED,
    )
    async def put_review(
        self, auth: ApiAuth, listing_id: UUID, data: ReviewWrite
    ) -> Response[ReviewEnvelope]:
        review, created = await reviews.write_review(
            listing_id, auth.tenant.ref, auth.actor, data.rating, data.body
        )
        return ok(review, status_code=201 if created else 200)

    @post(
        "/{review_id:uuid}/report",
        operation_id="reportMarketplaceReview",
        summary="Report a review to staff (a user's token; one open report per user and review)",
        status_code=201,
        opt={"permission": "read"},
        **GUARDED,
    )
    async def report_review(
        self, auth: ApiAuth, listing_id: UUID, review_id: UUID, data: ReportCreate
    ) -> Response[ReportEnvelope]:
        if auth.actor.type != "user" or auth.actor.id is None:
            raise PermissionDenied("Reports are made by a signed-in user (a user's token)")
        review = await reviews.get_review(review_id)
        if review["listingId"] != listing_id:
            raise NotFound("Review not found")
        return ok(await reviews.report(review_id, auth.actor.id, data.reason), status_code=201)
