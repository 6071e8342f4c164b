from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="FlowTemplateConfiguration")



@_attrs_define
class FlowTemplateConfiguration:
    """ `{triggers: [{type, config}], actions: [{type, config}]}`. Trigger types: webhook, schedule ({cron, timezone}),
    database_change ({resource, operations}), api_call. A step (an element of actions) is {id?, name?, type, config,
    if?, retry?, onError?}; types: http_request, database, file, notification, transform, delay, and the containers
    branch and for_each. Problems are reported with their path, e.g. configuration.actions[1].config.url.

     """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        flow_template_configuration = cls(
        )


        flow_template_configuration.additional_properties = d
        return flow_template_configuration

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
