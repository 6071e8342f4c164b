"""Inventory request and response structs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination
from jewelia.core.schemas import Money, MoneyPatch


class ItemCreate(msgspec.Struct, forbid_unknown_fields=True):
    """`specifications`: metal, purity (10k…24k, 925 sterling, platinum 950 …), metal_weight_g,
    stone/color (GIA D-N, O-P … Y-Z)/clarity (FL … I3)/cut/shape/carat, stones (list), certificate
    {lab, number}; other keys are kept as given."""

    sku: str
    name: str
    category: str
    price: Money
    quantity: int = 0
    status: str = "in_stock"
    specifications: dict[str, Any] = msgspec.field(default_factory=dict)


class ItemUpdate(msgspec.Struct, forbid_unknown_fields=True):
    sku: str | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    category: str | msgspec.UnsetType = msgspec.UNSET
    price: MoneyPatch = msgspec.UNSET
    quantity: int | msgspec.UnsetType = msgspec.UNSET
    status: str | msgspec.UnsetType = msgspec.UNSET
    specifications: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class Item(msgspec.Struct):
    id: UUID
    sku: str
    name: str
    category: str
    price: Money
    quantity: int
    status: str
    specifications: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ItemEnvelope(msgspec.Struct):
    success: bool
    data: Item


class ItemList(msgspec.Struct):
    success: bool
    data: list[Item]
    pagination: Pagination
