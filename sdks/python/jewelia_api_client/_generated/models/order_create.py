from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.order_line_in import OrderLineIn





T = TypeVar("T", bound="OrderCreate")



@_attrs_define
class OrderCreate:
    """ 
        Attributes:
            customer_id (UUID):
            items (list[OrderLineIn]):
            notes (str | Unset):  Default: ''.
     """

    customer_id: UUID
    items: list[OrderLineIn]
    notes: str | Unset = ''
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.order_line_in import OrderLineIn # noqa: PLC0415
        customer_id = str(self.customer_id)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        notes = self.notes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "customer_id": customer_id,
            "items": items,
        })
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_line_in import OrderLineIn # noqa: PLC0415
        d = dict(src_dict)
        customer_id = UUID(d.pop("customer_id"))




        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = OrderLineIn.from_dict(items_item_data)



            items.append(items_item)


        notes = d.pop("notes", UNSET)

        order_create = cls(
            customer_id=customer_id,
            items=items,
            notes=notes,
        )


        order_create.additional_properties = d
        return order_create

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
