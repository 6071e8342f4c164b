"""Customer request and response structs (the contract's field names)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination
from jewelia.core.schemas import Money, OptionalMoney


class RingSizeIn(msgspec.Struct, forbid_unknown_fields=True):
    """A ring size by label as jewelers write it (`US 5.75`, `5.75`, `UK R`, `R½`, `EU 52`; a
    system in the label must match `system`) or by inner circumference in mm."""

    system: str | None = None
    label: str | None = None
    circumference_mm: OptionalMoney = None


class RingSize(msgspec.Struct):
    circumference_mm: Money
    system: str | None
    label: str | None


class CustomerCreate(msgspec.Struct, forbid_unknown_fields=True):
    full_name: str
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    birthday: date | None = None
    anniversary: date | None = None
    ring_size: RingSizeIn | None = None
    notes: str = ""
    tags: list[str] = msgspec.field(default_factory=list)
    marketing_consent: bool = False


class CustomerUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Every field optional; only those sent change (PUT and PATCH alike)."""

    full_name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType | None = msgspec.UNSET
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    company: str | msgspec.UnsetType | None = msgspec.UNSET
    birthday: date | msgspec.UnsetType | None = msgspec.UNSET
    anniversary: date | msgspec.UnsetType | None = msgspec.UNSET
    ring_size: RingSizeIn | msgspec.UnsetType | None = msgspec.UNSET
    notes: str | msgspec.UnsetType = msgspec.UNSET
    tags: list[str] | msgspec.UnsetType = msgspec.UNSET
    marketing_consent: bool | msgspec.UnsetType = msgspec.UNSET


class Customer(msgspec.Struct):
    id: UUID
    full_name: str
    email: str | None
    phone: str | None
    company: str | None
    birthday: date | None
    anniversary: date | None
    ring_size: RingSize | None
    notes: str
    tags: list[str]
    marketing_consent: bool
    created_at: datetime
    updated_at: datetime


class CustomerEnvelope(msgspec.Struct):
    success: bool
    data: Customer


class CustomerList(msgspec.Struct):
    success: bool
    data: list[Customer]
    pagination: Pagination


class Deleted(msgspec.Struct):
    id: UUID
    deleted: bool


class DeletedEnvelope(msgspec.Struct):
    success: bool
    data: Deleted
