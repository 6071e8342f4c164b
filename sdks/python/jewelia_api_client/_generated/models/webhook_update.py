from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WebhookUpdate")



@_attrs_define
class WebhookUpdate:
    """ 
        Attributes:
            description (str | Unset):
            enabled (bool | Unset):
            events (list[str] | Unset):
            max_attempts (int | Unset):
            retry_base_seconds (float | Unset):
            url (str | Unset):
     """

    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    events: list[str] | Unset = UNSET
    max_attempts: int | Unset = UNSET
    retry_base_seconds: float | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        description: str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        enabled: bool | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        events: list[str] | Unset
        if isinstance(self.events, Unset):
            events = UNSET
        else:
            events = self.events




        max_attempts: int | Unset
        if isinstance(self.max_attempts, Unset):
            max_attempts = UNSET
        else:
            max_attempts = self.max_attempts

        retry_base_seconds: float | Unset
        if isinstance(self.retry_base_seconds, Unset):
            retry_base_seconds = UNSET
        else:
            retry_base_seconds = self.retry_base_seconds

        url: str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if events is not UNSET:
            field_dict["events"] = events
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if retry_base_seconds is not UNSET:
            field_dict["retry_base_seconds"] = retry_base_seconds
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_description(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_enabled(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))


        def _parse_events(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            events_type_0 = cast(list[str], data)

            return events_type_0

        events = _parse_events(d.pop("events", UNSET))


        def _parse_max_attempts(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        max_attempts = _parse_max_attempts(d.pop("max_attempts", UNSET))


        def _parse_retry_base_seconds(data: object) -> float | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | Unset, data)

        retry_base_seconds = _parse_retry_base_seconds(d.pop("retry_base_seconds", UNSET))


        def _parse_url(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        webhook_update = cls(
            description=description,
            enabled=enabled,
            events=events,
            max_attempts=max_attempts,
            retry_base_seconds=retry_base_seconds,
            url=url,
        )


        webhook_update.additional_properties = d
        return webhook_update

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
