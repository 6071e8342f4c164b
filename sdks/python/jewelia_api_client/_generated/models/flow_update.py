from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.flow_update_configuration_type_0 import FlowUpdateConfigurationType0





T = TypeVar("T", bound="FlowUpdate")



@_attrs_define
class FlowUpdate:
    """ 
        Attributes:
            id (UUID):
            alert_after_failures (int | Unset): Consecutive failed runs before the owners and admins are emailed
                (alertAfterFailures, default 3) or the flow is switched off (pauseAfterFailures, default 10; pausedReason and
                pausedAt then say why and when)
            configuration (FlowUpdateConfigurationType0 | Unset): `{triggers: [{type, config}], actions: [{type, config}]}`.
                Trigger types: webhook, schedule ({cron, timezone}), database_change ({resource, operations}), api_call. A step
                (an element of actions) is {id?, name?, type, config, if?, retry?, onError?}; types: http_request, database,
                file, notification, transform, delay, and the containers branch and for_each. Problems are reported with their
                path, e.g. configuration.actions[1].config.url.
            description (None | str | Unset):
            is_active (bool | Unset):
            name (str | Unset):
            pause_after_failures (int | Unset): Consecutive failed runs before the owners and admins are emailed
                (alertAfterFailures, default 3) or the flow is switched off (pauseAfterFailures, default 10; pausedReason and
                pausedAt then say why and when)
            template (None | str | Unset):
     """

    id: UUID
    alert_after_failures: int | Unset = UNSET
    configuration: FlowUpdateConfigurationType0 | Unset = UNSET
    description: None | str | Unset = UNSET
    is_active: bool | Unset = UNSET
    name: str | Unset = UNSET
    pause_after_failures: int | Unset = UNSET
    template: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flow_update_configuration_type_0 import FlowUpdateConfigurationType0 # noqa: PLC0415
        id = str(self.id)

        alert_after_failures: int | Unset
        if isinstance(self.alert_after_failures, Unset):
            alert_after_failures = UNSET
        else:
            alert_after_failures = self.alert_after_failures

        configuration: dict[str, Any] | Unset
        if isinstance(self.configuration, Unset):
            configuration = UNSET
        else:
            configuration = self.configuration.to_dict()


        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        is_active: bool | Unset
        if isinstance(self.is_active, Unset):
            is_active = UNSET
        else:
            is_active = self.is_active

        name: str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        pause_after_failures: int | Unset
        if isinstance(self.pause_after_failures, Unset):
            pause_after_failures = UNSET
        else:
            pause_after_failures = self.pause_after_failures

        template: None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        else:
            template = self.template


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
        })
        if alert_after_failures is not UNSET:
            field_dict["alertAfterFailures"] = alert_after_failures
        if configuration is not UNSET:
            field_dict["configuration"] = configuration
        if description is not UNSET:
            field_dict["description"] = description
        if is_active is not UNSET:
            field_dict["isActive"] = is_active
        if name is not UNSET:
            field_dict["name"] = name
        if pause_after_failures is not UNSET:
            field_dict["pauseAfterFailures"] = pause_after_failures
        if template is not UNSET:
            field_dict["template"] = template

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flow_update_configuration_type_0 import FlowUpdateConfigurationType0 # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        def _parse_alert_after_failures(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        alert_after_failures = _parse_alert_after_failures(d.pop("alertAfterFailures", UNSET))


        def _parse_configuration(data: object) -> FlowUpdateConfigurationType0 | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, dict):
                raise TypeError()
            configuration_type_0 = FlowUpdateConfigurationType0.from_dict(data)



            return configuration_type_0

        configuration = _parse_configuration(d.pop("configuration", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_is_active(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        is_active = _parse_is_active(d.pop("isActive", UNSET))


        def _parse_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_pause_after_failures(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        pause_after_failures = _parse_pause_after_failures(d.pop("pauseAfterFailures", UNSET))


        def _parse_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))


        flow_update = cls(
            id=id,
            alert_after_failures=alert_after_failures,
            configuration=configuration,
            description=description,
            is_active=is_active,
            name=name,
            pause_after_failures=pause_after_failures,
            template=template,
        )


        flow_update.additional_properties = d
        return flow_update

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
