"""REST controller for /api/v1/marketplace/usage: an app reports its usage of a business.

App tokens only; the business and the install are the token's. Mounted on the unguarded
/api/v1 router with the API guard and the rate-limit headers, but without the generic
Idempotency-Key middleware: the usage table's UNIQUE (install, key) is the idempotency, for
the header and the body's idempotencyKey alike, so concurrent identical reports all get the
one report (201 first, 200 with `Idempotent-Replayed: true` after).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from jewelia.core.api import Pagination, ok, parse_page
from jewelia.core.errors import AppError, FieldError, NotFound
from jewelia.platform.apikeys.guard import (
    ApiAuth,
    api_guard,
    provide_auth,
    rate_limit_headers_middleware,
)
from jewelia.platform.commerce import usage

PATH = "/marketplace/usage"
_encoder = msgspec.json.Encoder(decimal_format="number")


class AppTokenRequired(AppError):
    """Usage is reported by an app with its OAuth token, not by a key or a user."""

    status_code = 403
    code = "APP_TOKEN_REQUIRED"


class UsageCreate(msgspec.Struct, forbid_unknown_fields=True):
    quantity: int
    description: str = ""
    idempotencyKey: str | None = None
    installId: UUID | None = None


class UsageOut(msgspec.Struct):
    id: UUID
    installId: UUID
    quantity: int
    unitPrice: Decimal
    amount: Decimal
    currency: str
    description: str
    idempotencyKey: str
    period: str
    periodTotal: Decimal
    cap: Decimal
    remaining: Decimal
    createdAt: datetime


class UsageEnvelope(msgspec.Struct):
    success: bool
    data: UsageOut


class UsageSummary(msgspec.Struct):
    period: str
    periodTotal: Decimal
    cap: Decimal
    remaining: Decimal
    currency: str


class CapDetails(msgspec.Struct):
    period: str
    amount: float
    periodTotal: float
    cap: float
    remaining: float
    currency: str


class CapExceeded(msgspec.Struct):
    """The 402 body: the error envelope with the month's figures in `details`."""

    success: bool
    error: str
    code: str
    timestamp: str
    details: CapDetails


class UsageList(msgspec.Struct):
    success: bool
    data: list[UsageOut]
    pagination: Pagination
    summary: UsageSummary


def _json(body: dict[str, Any]) -> Response[Any]:
    """A list envelope with the period's summary; Decimal money as exact JSON numbers."""
    return Response(content=_encoder.encode(body), media_type="application/json")


def _app(auth: ApiAuth) -> Any:
    if auth.app is None:
        raise AppTokenRequired(
            "Usage is reported by an installed app with its OAuth access token (jwa_…),"
            " not with an API key or a user's token"
        )
    return auth.app


def _install_of(app: Any, asked: UUID | None) -> UUID:
    """The token's install; an installId naming any other install is not found."""
    if asked is not None and asked != app.install_id:
        raise NotFound(
            "Install not found", [FieldError("installId", "Not this token's install", "NOT_FOUND")]
        )
    return app.install_id  # type: ignore[no-any-return]


async def _raw_quantity(request: Request[Any, Any, Any], parsed: int) -> int:
    """The quantity as sent: the body parser converts "5" to 5, which a report refuses with
    the 400 INVALID_TYPE the parser gives 1.5 or true (as every API body's wrong type)."""
    try:
        raw = msgspec.json.decode(await request.body())
    except msgspec.DecodeError:  # pragma: no cover - the parser refused it already
        return parsed
    quantity = raw.get("quantity", parsed) if isinstance(raw, dict) else parsed
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise AppError(
            "Validation error",
            [FieldError("quantity", "Expected `int`, got `str`", "INVALID_TYPE")],
        )
    return quantity


class UsageController(Controller):
    """Mounted on the unguarded /api/v1 router (see the module docstring)."""

    path = PATH
    tags = ["Marketplace"]
    guards = [api_guard]
    middleware = [rate_limit_headers_middleware]
    dependencies = {"auth": Provide(provide_auth, sync_to_thread=False)}

    @post(
        operation_id="reportAppUsage",
        summary="Report usage of a usage-based app (app token only; idempotent by key; refused"
        " whole over the business's monthly cap)",
        status_code=201,
        responses={
            402: ResponseSpec(
                data_container=CapExceeded,
                generate_examples=False,
                description="USAGE_CAP_EXCEEDED: the report would pass the month's cap;"
                " nothing was recorded",
            )
        },
        opt={"permission": "read"},  # any credential reaches the handler: APP_TOKEN_REQUIRED
    )
    async def report_usage(
        self,
        request: Request[Any, Any, Any],
        auth: ApiAuth,
        data: UsageCreate,
        idempotency_key: Annotated[
            str | None,
            Parameter(
                header="Idempotency-Key",
                required=False,
                max_length=255,
                description="The report's idempotency key when the body has no idempotencyKey",
            ),
        ] = None,
    ) -> Response[UsageEnvelope]:
        app = _app(auth)
        install_id = _install_of(app, data.installId)
        # The body's key wins: SDKs send a fresh Idempotency-Key header on every POST.
        key = data.idempotencyKey if data.idempotencyKey is not None else idempotency_key
        row, created = await usage.report(
            auth.tenant.id,
            install_id,
            quantity=await _raw_quantity(request, data.quantity),
            description=data.description,
            key=key,
        )
        if created:
            return ok(row, status_code=201)
        return ok(row, headers={"Idempotent-Replayed": "true"})

    @get(
        operation_id="listAppUsage",
        summary="This period's usage reports of the app in this business, with the total and"
        " what the cap leaves (app token only)",
    )
    async def list_usage(
        self,
        auth: ApiAuth,
        page: Annotated[
            int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")
        ] = None,
        limit: Annotated[
            int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")
        ] = None,
    ) -> Response[UsageList]:
        app = _app(auth)
        paging = parse_page(page, limit, None)
        rows, total, summary = await usage.list_reports(
            app.install_id, auth.tenant.id, limit=paging.limit, offset=paging.offset
        )
        body = {
            "success": True,
            "data": rows,
            "pagination": {
                "page": paging.page,
                "limit": paging.limit,
                "total": total,
                "totalPages": -(-total // paging.limit) if total else 0,
                "next_cursor": None,
            },
            "summary": summary,
        }
        return _json(body)
