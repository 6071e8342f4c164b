"""REST controller for /api/v1/inventory."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from litestar import Controller, HttpMethod, Response, delete, get, post, route
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, operation_ids, parse_page
from jewelia.core.schemas import given
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.crm.customers.api import LimitQ, PageQ
from jewelia.tenants.crm.customers.schemas import DeletedEnvelope
from jewelia.tenants.crm.inventory import service
from jewelia.tenants.crm.inventory.schemas import ItemCreate, ItemEnvelope, ItemList, ItemUpdate

Text = Annotated[str | None, Parameter(max_length=200)]


class InventoryController(Controller):
    path = "/inventory"
    tags = ["Inventory"]

    @get(operation_id="listInventory", summary="List inventory items")
    async def list_items(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        category: Text = None,
        status: Annotated[
            str | None,
            Parameter(description="in_stock, reserved, sold, on_memo, consignment, discontinued"),
        ] = None,
        search: Text = None,
        min_price: Decimal | None = None,
        max_price: Decimal | None = None,
        sort: Annotated[
            str | None,
            Parameter(description="created_at, name, sku, price, quantity; - for descending"),
        ] = None,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Response[ItemList]:
        paging = parse_page(page, limit, cursor)
        rows, total, nxt = await service.list_items(
            auth.tenant.ref,
            paging,
            category=category,
            status=status,
            search=search,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
        )
        return ok_list(rows, paging, total, nxt)

    @post(operation_id="createInventoryItem", summary="Create an inventory item", status_code=201)
    async def create_item(self, auth: ApiAuth, data: ItemCreate) -> Response[ItemEnvelope]:
        return ok(
            await service.create_item(auth.tenant.ref, auth.actor, given(data)), status_code=201
        )

    @get("/{item_id:uuid}", operation_id="getInventoryItem", summary="Get an inventory item")
    async def get_item(self, auth: ApiAuth, item_id: UUID) -> Response[ItemEnvelope]:
        return ok(await service.get_item(auth.tenant.ref, item_id))

    @route(
        "/{item_id:uuid}",
        http_method=[HttpMethod.PUT, HttpMethod.PATCH],
        operation_id=operation_ids(PUT="replaceInventoryItem", PATCH="updateInventoryItem"),
        summary="Update an item (fields sent; PUT and PATCH alike)",
    )
    async def update_item(
        self, auth: ApiAuth, item_id: UUID, data: ItemUpdate
    ) -> Response[ItemEnvelope]:
        return ok(await service.update_item(auth.tenant.ref, auth.actor, item_id, given(data)))

    @delete(
        "/{item_id:uuid}",
        operation_id="deleteInventoryItem",
        summary="Delete an item",
        status_code=200,
    )
    async def delete_item(self, auth: ApiAuth, item_id: UUID) -> Response[DeletedEnvelope]:
        await service.delete_item(auth.tenant.ref, auth.actor, item_id)
        return ok({"id": item_id, "deleted": True})
