from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.flow_create_configuration_type_0 import FlowCreateConfigurationType0
  from ..models.flow_create_settings_type_0 import FlowCreateSettingsType0





T = TypeVar("T", bound="FlowCreate")



@_attrs_define
class FlowCreate:
    """ 
        Attributes:
            name (str):
            alert_after_failures (int | None | Unset): Consecutive failed runs before the owners and admins are emailed
                (alertAfterFailures, default 3) or the flow is switched off (pauseAfterFailures, default 10; pausedReason and
                pausedAt then say why and when)
            configuration (FlowCreateConfigurationType0 | None | Unset): `{triggers: [{type, config}], actions: [{type,
                config}]}`. Trigger types: webhook, schedule ({cron, timezone}), database_change ({resource, operations}),
                api_call. A step (an element of actions) is {id?, name?, type, config, if?, retry?, onError?}; types:
                http_request, database, file, notification, transform, delay, and the containers branch and for_each. Problems
                are reported with their path, e.g. configuration.actions[1].config.url.
            description (None | str | Unset):  Default: ''.
            is_active (bool | Unset):  Default: False.
            pause_after_failures (int | None | Unset): Consecutive failed runs before the owners and admins are emailed
                (alertAfterFailures, default 3) or the flow is switched off (pauseAfterFailures, default 10; pausedReason and
                pausedAt then say why and when)
            settings (FlowCreateSettingsType0 | None | Unset): A template's settings by key (GET
                /integrations/builder/templates lists them); those left out take their defaults
            template (None | str | Unset):
     """

    name: str
    alert_after_failures: int | None | Unset = UNSET
    configuration: FlowCreateConfigurationType0 | None | Unset = UNSET
    description: None | str | Unset = ''
    is_active: bool | Unset = False
    pause_after_failures: int | None | Unset = UNSET
    settings: FlowCreateSettingsType0 | None | Unset = UNSET
    template: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flow_create_configuration_type_0 import FlowCreateConfigurationType0 # noqa: PLC0415
        from ..models.flow_create_settings_type_0 import FlowCreateSettingsType0 # noqa: PLC0415
        name = self.name

        alert_after_failures: int | None | Unset
        if isinstance(self.alert_after_failures, Unset):
            alert_after_failures = UNSET
        else:
            alert_after_failures = self.alert_after_failures

        configuration: dict[str, Any] | None | Unset
        if isinstance(self.configuration, Unset):
            configuration = UNSET
        elif isinstance(self.configuration, FlowCreateConfigurationType0):
            configuration = self.configuration.to_dict()
        else:
            configuration = self.configuration

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        is_active = self.is_active

        pause_after_failures: int | None | Unset
        if isinstance(self.pause_after_failures, Unset):
            pause_after_failures = UNSET
        else:
            pause_after_failures = self.pause_after_failures

        settings: dict[str, Any] | None | Unset
        if isinstance(self.settings, Unset):
            settings = UNSET
        elif isinstance(self.settings, FlowCreateSettingsType0):
            settings = self.settings.to_dict()
        else:
            settings = self.settings

        template: None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        else:
            template = self.template


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
        })
        if alert_after_failures is not UNSET:
            field_dict["alertAfterFailures"] = alert_after_failures
        if configuration is not UNSET:
            field_dict["configuration"] = configuration
        if description is not UNSET:
            field_dict["description"] = description
        if is_active is not UNSET:
            field_dict["isActive"] = is_active
        if pause_after_failures is not UNSET:
            field_dict["pauseAfterFailures"] = pause_after_failures
        if settings is not UNSET:
            field_dict["settings"] = settings
        if template is not UNSET:
            field_dict["template"] = template

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flow_create_configuration_type_0 import FlowCreateConfigurationType0 # noqa: PLC0415
        from ..models.flow_create_settings_type_0 import FlowCreateSettingsType0 # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_alert_after_failures(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        alert_after_failures = _parse_alert_after_failures(d.pop("alertAfterFailures", UNSET))


        def _parse_configuration(data: object) -> FlowCreateConfigurationType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                configuration_type_0 = FlowCreateConfigurationType0.from_dict(data)



                return configuration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FlowCreateConfigurationType0 | None | Unset, data)

        configuration = _parse_configuration(d.pop("configuration", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        is_active = d.pop("isActive", UNSET)

        def _parse_pause_after_failures(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pause_after_failures = _parse_pause_after_failures(d.pop("pauseAfterFailures", UNSET))


        def _parse_settings(data: object) -> FlowCreateSettingsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                settings_type_0 = FlowCreateSettingsType0.from_dict(data)



                return settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FlowCreateSettingsType0 | None | Unset, data)

        settings = _parse_settings(d.pop("settings", UNSET))


        def _parse_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))


        flow_create = cls(
            name=name,
            alert_after_failures=alert_after_failures,
            configuration=configuration,
            description=description,
            is_active=is_active,
            pause_after_failures=pause_after_failures,
            settings=settings,
            template=template,
        )


        flow_create.additional_properties = d
        return flow_create

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
