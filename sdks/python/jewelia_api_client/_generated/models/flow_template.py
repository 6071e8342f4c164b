from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.flow_template_configuration import FlowTemplateConfiguration
  from ..models.template_setting import TemplateSetting





T = TypeVar("T", bound="FlowTemplate")



@_attrs_define
class FlowTemplate:
    """ 
        Attributes:
            category (str):
            configuration (FlowTemplateConfiguration): `{triggers: [{type, config}], actions: [{type, config}]}`. Trigger
                types: webhook, schedule ({cron, timezone}), database_change ({resource, operations}), api_call. A step (an
                element of actions) is {id?, name?, type, config, if?, retry?, onError?}; types: http_request, database, file,
                notification, transform, delay, and the containers branch and for_each. Problems are reported with their path,
                e.g. configuration.actions[1].config.url.
            description (str):
            name (str):
            settings (list[TemplateSetting]):
            title (str):
            trigger (str):
     """

    category: str
    configuration: FlowTemplateConfiguration
    description: str
    name: str
    settings: list[TemplateSetting]
    title: str
    trigger: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flow_template_configuration import FlowTemplateConfiguration # noqa: PLC0415
        from ..models.template_setting import TemplateSetting # noqa: PLC0415
        category = self.category

        configuration = self.configuration.to_dict()

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
            "configuration": configuration,
            "description": description,
            "name": name,
            "settings": settings,
            "title": title,
            "trigger": trigger,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flow_template_configuration import FlowTemplateConfiguration # noqa: PLC0415
        from ..models.template_setting import TemplateSetting # noqa: PLC0415
        d = dict(src_dict)
        category = d.pop("category")

        configuration = FlowTemplateConfiguration.from_dict(d.pop("configuration"))




        description = d.pop("description")

        name = d.pop("name")

        settings = []
        _settings = d.pop("settings")
        for settings_item_data in (_settings):
            settings_item = TemplateSetting.from_dict(settings_item_data)



            settings.append(settings_item)


        title = d.pop("title")

        trigger = d.pop("trigger")

        flow_template = cls(
            category=category,
            configuration=configuration,
            description=description,
            name=name,
            settings=settings,
            title=title,
            trigger=trigger,
        )


        flow_template.additional_properties = d
        return flow_template

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
