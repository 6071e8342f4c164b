from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="UsageOut")



@_attrs_define
class UsageOut:
    """ 
        Attributes:
            amount (str):
            cap (str):
            created_at (datetime.datetime):
            currency (str):
            description (str):
            id (UUID):
            idempotency_key (str):
            install_id (UUID):
            period (str):
            period_total (str):
            quantity (int):
            remaining (str):
            unit_price (str):
     """

    amount: str
    cap: str
    created_at: datetime.datetime
    currency: str
    description: str
    id: UUID
    idempotency_key: str
    install_id: UUID
    period: str
    period_total: str
    quantity: int
    remaining: str
    unit_price: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        cap = self.cap

        created_at = self.created_at.isoformat()

        currency = self.currency

        description = self.description

        id = str(self.id)

        idempotency_key = self.idempotency_key

        install_id = str(self.install_id)

        period = self.period

        period_total = self.period_total

        quantity = self.quantity

        remaining = self.remaining

        unit_price = self.unit_price


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "cap": cap,
            "createdAt": created_at,
            "currency": currency,
            "description": description,
            "id": id,
            "idempotencyKey": idempotency_key,
            "installId": install_id,
            "period": period,
            "periodTotal": period_total,
            "quantity": quantity,
            "remaining": remaining,
            "unitPrice": unit_price,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        cap = d.pop("cap")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        currency = d.pop("currency")

        description = d.pop("description")

        id = UUID(d.pop("id"))




        idempotency_key = d.pop("idempotencyKey")

        install_id = UUID(d.pop("installId"))




        period = d.pop("period")

        period_total = d.pop("periodTotal")

        quantity = d.pop("quantity")

        remaining = d.pop("remaining")

        unit_price = d.pop("unitPrice")

        usage_out = cls(
            amount=amount,
            cap=cap,
            created_at=created_at,
            currency=currency,
            description=description,
            id=id,
            idempotency_key=idempotency_key,
            install_id=install_id,
            period=period,
            period_total=period_total,
            quantity=quantity,
            remaining=remaining,
            unit_price=unit_price,
        )


        usage_out.additional_properties = d
        return usage_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
