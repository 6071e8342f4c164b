from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.item_create_specifications import ItemCreateSpecifications





T = TypeVar("T", bound="ItemCreate")



@_attrs_define
class ItemCreate:
    """ 
        Attributes:
            category (str):
            name (str):
            price (float):
            sku (str):
            quantity (int | Unset):  Default: 0.
            specifications (ItemCreateSpecifications | Unset):
            status (str | Unset):  Default: 'in_stock'.
     """

    category: str
    name: str
    price: float
    sku: str
    quantity: int | Unset = 0
    specifications: ItemCreateSpecifications | Unset = UNSET
    status: str | Unset = 'in_stock'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.item_create_specifications import ItemCreateSpecifications # noqa: PLC0415
        category = self.category

        name = self.name

        price = self.price

        sku = self.sku

        quantity = self.quantity

        specifications: dict[str, Any] | Unset = UNSET
        if not isinstance(self.specifications, Unset):
            specifications = self.specifications.to_dict()

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category": category,
            "name": name,
            "price": price,
            "sku": sku,
        })
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if specifications is not UNSET:
            field_dict["specifications"] = specifications
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_create_specifications import ItemCreateSpecifications # noqa: PLC0415
        d = dict(src_dict)
        category = d.pop("category")

        name = d.pop("name")

        price = d.pop("price")

        sku = d.pop("sku")

        quantity = d.pop("quantity", UNSET)

        _specifications = d.pop("specifications", UNSET)
        specifications: ItemCreateSpecifications | Unset
        if isinstance(_specifications,  Unset):
            specifications = UNSET
        else:
            specifications = ItemCreateSpecifications.from_dict(_specifications)




        status = d.pop("status", UNSET)

        item_create = cls(
            category=category,
            name=name,
            price=price,
            sku=sku,
            quantity=quantity,
            specifications=specifications,
            status=status,
        )


        item_create.additional_properties = d
        return item_create

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
