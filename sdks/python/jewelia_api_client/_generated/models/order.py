from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.order_line import OrderLine





T = TypeVar("T", bound="Order")



@_attrs_define
class Order:
    """ 
        Attributes:
            created_at (datetime.datetime):
            currency (str):
            customer_id (UUID):
            id (UUID):
            items (list[OrderLine]):
            notes (str):
            payment_status (str):
            status (str):
            total_amount (float):
            updated_at (datetime.datetime):
     """

    created_at: datetime.datetime
    currency: str
    customer_id: UUID
    id: UUID
    items: list[OrderLine]
    notes: str
    payment_status: str
    status: str
    total_amount: float
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.order_line import OrderLine # noqa: PLC0415
        created_at = self.created_at.isoformat()

        currency = self.currency

        customer_id = str(self.customer_id)

        id = str(self.id)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        notes = self.notes

        payment_status = self.payment_status

        status = self.status

        total_amount = self.total_amount

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "currency": currency,
            "customer_id": customer_id,
            "id": id,
            "items": items,
            "notes": notes,
            "payment_status": payment_status,
            "status": status,
            "total_amount": total_amount,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_line import OrderLine # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        currency = d.pop("currency")

        customer_id = UUID(d.pop("customer_id"))




        id = UUID(d.pop("id"))




        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = OrderLine.from_dict(items_item_data)



            items.append(items_item)


        notes = d.pop("notes")

        payment_status = d.pop("payment_status")

        status = d.pop("status")

        total_amount = d.pop("total_amount")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        order = cls(
            created_at=created_at,
            currency=currency,
            customer_id=customer_id,
            id=id,
            items=items,
            notes=notes,
            payment_status=payment_status,
            status=status,
            total_amount=total_amount,
            updated_at=updated_at,
        )


        order.additional_properties = d
        return order

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
