"""REST controller for /api/v1/billing/app-charges: the business's app charges and their
payments, read-only (accepting, cancelling and refunding happen on Settings > Billing > Apps,
where an owner or admin confirms first). Another business's charge is not found."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get
from litestar.params import Parameter

from jewelia.core.api import Pagination, ok, ok_list, parse_page
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.platform.commerce import charges

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]


class AppChargePaymentOut(msgspec.Struct):
    id: str
    kind: str
    status: str
    amount: Decimal
    currency: str
    periodStart: datetime | None
    periodEnd: datetime | None
    createdAt: datetime


class AppChargeOut(msgspec.Struct):
    id: UUID
    listingId: UUID
    listingName: str
    kind: str
    status: str
    terms: str
    amount: Decimal
    currency: str
    interval: str | None
    trialDays: int
    trialEndsAt: datetime | None
    cap: Decimal | None
    acceptedAt: datetime | None
    currentPeriodEnd: datetime | None
    cancelledAt: datetime | None
    refunded: Decimal
    createdAt: datetime
    payments: list[AppChargePaymentOut]


class AppChargeEnvelope(msgspec.Struct):
    success: bool
    data: AppChargeOut


class AppChargeList(msgspec.Struct):
    success: bool
    data: list[AppChargeOut]
    pagination: Pagination


def charge_out(c: dict[str, Any], payments: list[dict[str, Any]]) -> dict[str, Any]:
    """A charge in the API's shape (money in major units, as JSON numbers)."""
    return {
        "id": c["id"],
        "listingId": c["listing_id"],
        "listingName": c["listing_name"],
        "kind": c["kind"],
        "status": c["status"],
        "terms": c["terms"],
        "amount": c["amount"],
        "currency": c["currency"],
        "interval": c["interval"],
        "trialDays": c["trial_days"],
        "trialEndsAt": c["trial_ends_at"],
        "cap": c["cap"],
        "acceptedAt": c["accepted_at"],
        "currentPeriodEnd": c["current_period_end"],
        "cancelledAt": c["cancelled_at"],
        "refunded": c["refunded"],
        "createdAt": c["created_at"],
        "payments": [
            {
                "id": p["id"],
                "kind": p["kind"],
                "status": p["status"],
                "amount": p["amount"],
                "currency": p["currency"],
                "periodStart": p["period_start"],
                "periodEnd": p["period_end"],
                "createdAt": p["created_at"],
            }
            for p in payments
        ],
    }


class AppChargeController(Controller):
    path = "/billing/app-charges"
    tags = ["Billing"]
    opt = {"permission": "read"}

    @get(
        operation_id="listAppCharges",
        summary="List the business's marketplace app charges and their payments",
    )
    async def list_charges(
        self, auth: ApiAuth, page: PageQ = None, limit: LimitQ = None
    ) -> Response[AppChargeList]:
        paging = parse_page(page, limit, None)
        every = await charges.tenant_charges(auth.tenant)
        chosen = every[paging.offset : paging.offset + paging.limit]
        return ok_list([charge_out(c, c["payments"]) for c in chosen], paging, len(every))

    @get("/{charge_id:uuid}", operation_id="getAppCharge", summary="Get an app charge")
    async def get_charge(self, auth: ApiAuth, charge_id: UUID) -> Response[AppChargeEnvelope]:
        charge = await charges.get(charge_id, auth.tenant)
        mine = [c for c in await charges.tenant_charges(auth.tenant) if c["id"] == charge["id"]]
        return ok(charge_out(charge, mine[0]["payments"] if mine else []))
