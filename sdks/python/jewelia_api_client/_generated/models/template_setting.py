from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="TemplateSetting")



@_attrs_define
class TemplateSetting:
    """ 
        Attributes:
            default (Any):
            description (str):
            key (str):
            label (str):
            type_ (str):
            example (Any | Unset):
     """

    default: Any
    description: str
    key: str
    label: str
    type_: str
    example: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        default = self.default

        description = self.description

        key = self.key

        label = self.label

        type_ = self.type_

        example = self.example


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "default": default,
            "description": description,
            "key": key,
            "label": label,
            "type": type_,
        })
        if example is not UNSET:
            field_dict["example"] = example

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        default = d.pop("default")

        description = d.pop("description")

        key = d.pop("key")

        label = d.pop("label")

        type_ = d.pop("type")

        example = d.pop("example", UNSET)

        template_setting = cls(
            default=default,
            description=description,
            key=key,
            label=label,
            type_=type_,
            example=example,
        )


        template_setting.additional_properties = d
        return template_setting

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
