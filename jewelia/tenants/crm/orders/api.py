"""REST controller for /api/v1/orders."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, HttpMethod, Response, get, post, route
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, operation_ids, parse_datetime, parse_page
from jewelia.core.schemas import given
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.crm.customers.api import LimitQ, PageQ
from jewelia.tenants.crm.orders import service
from jewelia.tenants.crm.orders.schemas import OrderCreate, OrderEnvelope, OrderList, OrderUpdate


class OrderController(Controller):
    path = "/orders"
    tags = ["Orders"]

    @get(operation_id="listOrders", summary="List orders, newest first")
    async def list_orders(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        status: Annotated[str | None, Parameter(description=", ".join(service.STATUSES))] = None,
        customer_id: UUID | None = None,
        payment_status: Annotated[
            str | None, Parameter(description=", ".join(service.PAYMENT_STATUSES))
        ] = None,
        created_from: Annotated[
            str | None, Parameter(description="created at or after (ISO 8601 date-time)")
        ] = None,
        created_to: Annotated[
            str | None, Parameter(description="created before (ISO 8601 date-time)")
        ] = None,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Response[OrderList]:
        paging = parse_page(page, limit, cursor)
        rows, total, nxt = await service.list_orders(
            auth.tenant.ref,
            paging,
            status=status,
            customer_id=customer_id,
            payment_status=payment_status,
            created_from=parse_datetime("created_from", created_from),
            created_to=parse_datetime("created_to", created_to),
        )
        return ok_list(rows, paging, total, nxt)

    @post(operation_id="createOrder", summary="Create an order (reserves stock)", status_code=201)
    async def create_order(self, auth: ApiAuth, data: OrderCreate) -> Response[OrderEnvelope]:
        body = {
            "customer_id": data.customer_id,
            "notes": data.notes,
            "items": [given(line) for line in data.items],
        }
        return ok(
            await service.create_order(auth.tenant.ref, auth.actor, body, auth.tenant.currency),
            status_code=201,
        )

    @get("/{order_id:uuid}", operation_id="getOrder", summary="Get an order")
    async def get_order(self, auth: ApiAuth, order_id: UUID) -> Response[OrderEnvelope]:
        return ok(await service.get_order(auth.tenant.ref, order_id))

    @route(
        "/{order_id:uuid}",
        http_method=[HttpMethod.PUT, HttpMethod.PATCH],
        operation_id=operation_ids(PUT="replaceOrder", PATCH="updateOrder"),
        summary="Update an order's status, payment status or notes (fields sent)",
    )
    async def update_order(
        self, auth: ApiAuth, order_id: UUID, data: OrderUpdate
    ) -> Response[OrderEnvelope]:
        return ok(await service.update_order(auth.tenant.ref, auth.actor, order_id, given(data)))
