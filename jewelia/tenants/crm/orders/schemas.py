"""Order request and response structs."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination
from jewelia.core.schemas import Money, OptionalMoney


class OrderLineIn(msgspec.Struct, forbid_unknown_fields=True):
    inventory_id: UUID
    quantity: int = 1
    unit_price: OptionalMoney = None


class OrderCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Stock is reserved when the order is created; unit_price defaults to the item's price."""

    customer_id: UUID
    items: list[OrderLineIn]
    notes: str = ""


class OrderUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """status moves pending → confirmed → in_production → ready → completed, or to cancelled
    (which releases stock)."""

    status: str | msgspec.UnsetType = msgspec.UNSET
    payment_status: str | msgspec.UnsetType = msgspec.UNSET
    notes: str | msgspec.UnsetType = msgspec.UNSET


class OrderLine(msgspec.Struct):
    inventory_id: UUID
    quantity: int
    unit_price: Money
    sku: str
    name: str


class Order(msgspec.Struct):
    id: UUID
    customer_id: UUID
    status: str
    payment_status: str
    total_amount: Money
    currency: str
    notes: str
    items: list[OrderLine]
    created_at: datetime
    updated_at: datetime


class OrderEnvelope(msgspec.Struct):
    success: bool
    data: Order


class OrderList(msgspec.Struct):
    success: bool
    data: list[Order]
    pagination: Pagination
