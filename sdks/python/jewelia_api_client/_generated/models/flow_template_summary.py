from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.template_setting import TemplateSetting





T = TypeVar("T", bound="FlowTemplateSummary")



@_attrs_define
class FlowTemplateSummary:
    """ 
        Attributes:
            category (str):
            description (str):
            name (str):
            settings (list[TemplateSetting]):
            title (str):
            trigger (str):
     """

    category: str
    description: str
    name: str
    settings: list[TemplateSetting]
    title: str
    trigger: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.template_setting import TemplateSetting # noqa: PLC0415
        category = self.category

        description = self.description

        name = self.name

        settings = []
        for settings_item_data in self.settings:
            settings_item = settings_item_data.to_dict()
            settings.append(settings_item)



        title = self.title

        trigger = self.trigger


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category": category,
            "description": description,
            "name": name,
            "settings": settings,
            "title": title,
            "trigger": trigger,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_setting import TemplateSetting # noqa: PLC0415
        d = dict(src_dict)
        category = d.pop("category")

        description = d.pop("description")

        name = d.pop("name")

        settings = []
        _settings = d.pop("settings")
        for settings_item_data in (_settings):
            settings_item = TemplateSetting.from_dict(settings_item_data)



            settings.append(settings_item)


        title = d.pop("title")

        trigger = d.pop("trigger")

        flow_template_summary = cls(
            category=category,
            description=description,
            name=name,
            settings=settings,
            title=title,
            trigger=trigger,
        )


        flow_template_summary.additional_properties = d
        return flow_template_summary

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
