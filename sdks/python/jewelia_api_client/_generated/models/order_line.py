from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from uuid import UUID






T = TypeVar("T", bound="OrderLine")



@_attrs_define
class OrderLine:
    """ 
        Attributes:
            inventory_id (UUID):
            name (str):
            quantity (int):
            sku (str):
            unit_price (float):
     """

    inventory_id: UUID
    name: str
    quantity: int
    sku: str
    unit_price: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        inventory_id = str(self.inventory_id)

        name = self.name

        quantity = self.quantity

        sku = self.sku

        unit_price = self.unit_price


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "inventory_id": inventory_id,
            "name": name,
            "quantity": quantity,
            "sku": sku,
            "unit_price": unit_price,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        inventory_id = UUID(d.pop("inventory_id"))




        name = d.pop("name")

        quantity = d.pop("quantity")

        sku = d.pop("sku")

        unit_price = d.pop("unit_price")

        order_line = cls(
            inventory_id=inventory_id,
            name=name,
            quantity=quantity,
            sku=sku,
            unit_price=unit_price,
        )


        order_line.additional_properties = d
        return order_line

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
