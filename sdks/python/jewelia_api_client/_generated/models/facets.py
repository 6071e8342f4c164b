from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.facet_count import FacetCount





T = TypeVar("T", bound="Facets")



@_attrs_define
class Facets:
    """ 
        Attributes:
            category (list[FacetCount]):
            pricing_model (list[FacetCount]):
     """

    category: list[FacetCount]
    pricing_model: list[FacetCount]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.facet_count import FacetCount # noqa: PLC0415
        category = []
        for category_item_data in self.category:
            category_item = category_item_data.to_dict()
            category.append(category_item)



        pricing_model = []
        for pricing_model_item_data in self.pricing_model:
            pricing_model_item = pricing_model_item_data.to_dict()
            pricing_model.append(pricing_model_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category": category,
            "pricingModel": pricing_model,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.facet_count import FacetCount # noqa: PLC0415
        d = dict(src_dict)
        category = []
        _category = d.pop("category")
        for category_item_data in (_category):
            category_item = FacetCount.from_dict(category_item_data)



            category.append(category_item)


        pricing_model = []
        _pricing_model = d.pop("pricingModel")
        for pricing_model_item_data in (_pricing_model):
            pricing_model_item = FacetCount.from_dict(pricing_model_item_data)



            pricing_model.append(pricing_model_item)


        facets = cls(
            category=category,
            pricing_model=pricing_model,
        )


        facets.additional_properties = d
        return facets

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
