"""REST controller for /api/v1/customers: parse, call the service, wrap in the envelope."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, HttpMethod, Response, delete, get, post, route
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, operation_ids, parse_page
from jewelia.core.schemas import given
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.crm.customers import service
from jewelia.tenants.crm.customers.schemas import (
    CustomerCreate,
    CustomerEnvelope,
    CustomerList,
    CustomerUpdate,
    DeletedEnvelope,
)

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]


class CustomerController(Controller):
    path = "/customers"
    tags = ["Customers"]

    @get(operation_id="listCustomers", summary="List customers")
    async def list_customers(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        search: Annotated[
            str | None,
            Parameter(
                max_length=200, description="Words matched by prefix in name, email, phone, company"
            ),
        ] = None,
        sort: Annotated[
            str | None,
            Parameter(
                description="created_at, full_name or email; prefix - for descending (default -created_at)"
            ),
        ] = None,
        cursor: Annotated[
            str | None, Parameter(max_length=200, description="next_cursor of the previous page")
        ] = None,
    ) -> Response[CustomerList]:
        paging = parse_page(page, limit, cursor)
        rows, total, next_cursor = await service.list_customers(
            auth.tenant.ref, paging, search, sort
        )
        return ok_list(rows, paging, total, next_cursor)

    @post(operation_id="createCustomer", summary="Create a customer", status_code=201)
    async def create_customer(
        self, auth: ApiAuth, data: CustomerCreate
    ) -> Response[CustomerEnvelope]:
        row = await service.create_customer(auth.tenant.ref, auth.actor, given(data))
        return ok(row, status_code=201)

    @get("/{customer_id:uuid}", operation_id="getCustomer", summary="Get a customer")
    async def get_customer(self, auth: ApiAuth, customer_id: UUID) -> Response[CustomerEnvelope]:
        return ok(await service.get_customer(auth.tenant.ref, customer_id))

    @route(
        "/{customer_id:uuid}",
        http_method=[HttpMethod.PUT, HttpMethod.PATCH],
        operation_id=operation_ids(PUT="replaceCustomer", PATCH="updateCustomer"),
        summary="Update a customer (fields sent; PUT and PATCH alike)",
    )
    async def update_customer(
        self, auth: ApiAuth, customer_id: UUID, data: CustomerUpdate
    ) -> Response[CustomerEnvelope]:
        return ok(
            await service.update_customer(auth.tenant.ref, auth.actor, customer_id, given(data))
        )

    @delete(
        "/{customer_id:uuid}",
        operation_id="deleteCustomer",
        summary="Delete a customer",
        status_code=200,
    )
    async def delete_customer(self, auth: ApiAuth, customer_id: UUID) -> Response[DeletedEnvelope]:
        await service.delete_customer(auth.tenant.ref, auth.actor, customer_id)
        return ok({"id": customer_id, "deleted": True})
