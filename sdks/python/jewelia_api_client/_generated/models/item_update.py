from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.item_update_specifications_type_0 import ItemUpdateSpecificationsType0





T = TypeVar("T", bound="ItemUpdate")



@_attrs_define
class ItemUpdate:
    """ 
        Attributes:
            category (str | Unset):
            name (str | Unset):
            price (float | Unset):
            quantity (int | Unset):
            sku (str | Unset):
            specifications (ItemUpdateSpecificationsType0 | Unset):
            status (str | Unset):
     """

    category: str | Unset = UNSET
    name: str | Unset = UNSET
    price: float | Unset = UNSET
    quantity: int | Unset = UNSET
    sku: str | Unset = UNSET
    specifications: ItemUpdateSpecificationsType0 | Unset = UNSET
    status: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.item_update_specifications_type_0 import ItemUpdateSpecificationsType0 # noqa: PLC0415
        category: str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        name: str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        price: float | Unset
        if isinstance(self.price, Unset):
            price = UNSET
        else:
            price = self.price

        quantity: int | Unset
        if isinstance(self.quantity, Unset):
            quantity = UNSET
        else:
            quantity = self.quantity

        sku: str | Unset
        if isinstance(self.sku, Unset):
            sku = UNSET
        else:
            sku = self.sku

        specifications: dict[str, Any] | Unset
        if isinstance(self.specifications, Unset):
            specifications = UNSET
        else:
            specifications = self.specifications.to_dict()


        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if category is not UNSET:
            field_dict["category"] = category
        if name is not UNSET:
            field_dict["name"] = name
        if price is not UNSET:
            field_dict["price"] = price
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if sku is not UNSET:
            field_dict["sku"] = sku
        if specifications is not UNSET:
            field_dict["specifications"] = specifications
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_update_specifications_type_0 import ItemUpdateSpecificationsType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_category(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))


        def _parse_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_price(data: object) -> float | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | Unset, data)

        price = _parse_price(d.pop("price", UNSET))


        def _parse_quantity(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        quantity = _parse_quantity(d.pop("quantity", UNSET))


        def _parse_sku(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        sku = _parse_sku(d.pop("sku", UNSET))


        def _parse_specifications(data: object) -> ItemUpdateSpecificationsType0 | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, dict):
                raise TypeError()
            specifications_type_0 = ItemUpdateSpecificationsType0.from_dict(data)



            return specifications_type_0

        specifications = _parse_specifications(d.pop("specifications", UNSET))


        def _parse_status(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))


        item_update = cls(
            category=category,
            name=name,
            price=price,
            quantity=quantity,
            sku=sku,
            specifications=specifications,
            status=status,
        )


        item_update.additional_properties = d
        return item_update

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
