from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.template_request import TemplateRequest





T = TypeVar("T", bound="WebhookTemplate")



@_attrs_define
class WebhookTemplate:
    """ 
        Attributes:
            category (str):
            description (str):
            name (str):
            template (TemplateRequest):
     """

    category: str
    description: str
    name: str
    template: TemplateRequest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.template_request import TemplateRequest # noqa: PLC0415
        category = self.category

        description = self.description

        name = self.name

        template = self.template.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category": category,
            "description": description,
            "name": name,
            "template": template,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_request import TemplateRequest # noqa: PLC0415
        d = dict(src_dict)
        category = d.pop("category")

        description = d.pop("description")

        name = d.pop("name")

        template = TemplateRequest.from_dict(d.pop("template"))




        webhook_template = cls(
            category=category,
            description=description,
            name=name,
            template=template,
        )


        webhook_template.additional_properties = d
        return webhook_template

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
