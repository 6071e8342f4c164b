from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID






T = TypeVar("T", bound="AlertRuleUpdate")



@_attrs_define
class AlertRuleUpdate:
    """ 
        Attributes:
            api_key_id (None | Unset | UUID):
            channels (list[str] | Unset):
            comparison (str | Unset):
            cooldown_minutes (int | Unset):
            enabled (bool | Unset):
            metric (str | Unset):
            name (str | Unset):
            route (None | str | Unset):
            threshold (float | Unset):
            window_minutes (int | Unset):
     """

    api_key_id: None | Unset | UUID = UNSET
    channels: list[str] | Unset = UNSET
    comparison: str | Unset = UNSET
    cooldown_minutes: int | Unset = UNSET
    enabled: bool | Unset = UNSET
    metric: str | Unset = UNSET
    name: str | Unset = UNSET
    route: None | str | Unset = UNSET
    threshold: float | Unset = UNSET
    window_minutes: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        elif isinstance(self.api_key_id, UUID):
            api_key_id = str(self.api_key_id)
        else:
            api_key_id = self.api_key_id

        channels: list[str] | Unset
        if isinstance(self.channels, Unset):
            channels = UNSET
        else:
            channels = self.channels




        comparison: str | Unset
        if isinstance(self.comparison, Unset):
            comparison = UNSET
        else:
            comparison = self.comparison

        cooldown_minutes: int | Unset
        if isinstance(self.cooldown_minutes, Unset):
            cooldown_minutes = UNSET
        else:
            cooldown_minutes = self.cooldown_minutes

        enabled: bool | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        metric: str | Unset
        if isinstance(self.metric, Unset):
            metric = UNSET
        else:
            metric = self.metric

        name: str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        route: None | str | Unset
        if isinstance(self.route, Unset):
            route = UNSET
        else:
            route = self.route

        threshold: float | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        window_minutes: int | Unset
        if isinstance(self.window_minutes, Unset):
            window_minutes = UNSET
        else:
            window_minutes = self.window_minutes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if channels is not UNSET:
            field_dict["channels"] = channels
        if comparison is not UNSET:
            field_dict["comparison"] = comparison
        if cooldown_minutes is not UNSET:
            field_dict["cooldown_minutes"] = cooldown_minutes
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if metric is not UNSET:
            field_dict["metric"] = metric
        if name is not UNSET:
            field_dict["name"] = name
        if route is not UNSET:
            field_dict["route"] = route
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if window_minutes is not UNSET:
            field_dict["window_minutes"] = window_minutes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_api_key_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                api_key_id_type_0 = UUID(data)



                return api_key_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id", UNSET))


        def _parse_channels(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            channels_type_0 = cast(list[str], data)

            return channels_type_0

        channels = _parse_channels(d.pop("channels", UNSET))


        def _parse_comparison(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        comparison = _parse_comparison(d.pop("comparison", UNSET))


        def _parse_cooldown_minutes(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        cooldown_minutes = _parse_cooldown_minutes(d.pop("cooldown_minutes", UNSET))


        def _parse_enabled(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))


        def _parse_metric(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        metric = _parse_metric(d.pop("metric", UNSET))


        def _parse_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_route(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        route = _parse_route(d.pop("route", UNSET))


        def _parse_threshold(data: object) -> float | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))


        def _parse_window_minutes(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        window_minutes = _parse_window_minutes(d.pop("window_minutes", UNSET))


        alert_rule_update = cls(
            api_key_id=api_key_id,
            channels=channels,
            comparison=comparison,
            cooldown_minutes=cooldown_minutes,
            enabled=enabled,
            metric=metric,
            name=name,
            route=route,
            threshold=threshold,
            window_minutes=window_minutes,
        )


        alert_rule_update.additional_properties = d
        return alert_rule_update

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
