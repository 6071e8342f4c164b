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
  from ..models.item_specifications import ItemSpecifications





T = TypeVar("T", bound="Item")



@_attrs_define
class Item:
    """ 
        Attributes:
            category (str):
            created_at (datetime.datetime):
            id (UUID):
            name (str):
            price (float):
            quantity (int):
            sku (str):
            specifications (ItemSpecifications):
            status (str):
            updated_at (datetime.datetime):
     """

    category: str
    created_at: datetime.datetime
    id: UUID
    name: str
    price: float
    quantity: int
    sku: str
    specifications: ItemSpecifications
    status: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.item_specifications import ItemSpecifications # noqa: PLC0415
        category = self.category

        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        price = self.price

        quantity = self.quantity

        sku = self.sku

        specifications = self.specifications.to_dict()

        status = self.status

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category": category,
            "created_at": created_at,
            "id": id,
            "name": name,
            "price": price,
            "quantity": quantity,
            "sku": sku,
            "specifications": specifications,
            "status": status,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_specifications import ItemSpecifications # noqa: PLC0415
        d = dict(src_dict)
        category = d.pop("category")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = UUID(d.pop("id"))




        name = d.pop("name")

        price = d.pop("price")

        quantity = d.pop("quantity")

        sku = d.pop("sku")

        specifications = ItemSpecifications.from_dict(d.pop("specifications"))




        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        item = cls(
            category=category,
            created_at=created_at,
            id=id,
            name=name,
            price=price,
            quantity=quantity,
            sku=sku,
            specifications=specifications,
            status=status,
            updated_at=updated_at,
        )


        item.additional_properties = d
        return item

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
