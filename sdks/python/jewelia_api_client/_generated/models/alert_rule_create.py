from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID






T = TypeVar("T", bound="AlertRuleCreate")



@_attrs_define
class AlertRuleCreate:
    """ 
        Attributes:
            metric (str): error_rate (% of requests answered 5xx), p95_latency (ms), request_volume (requests), or
                hourly_limit_share (% of the plan's hourly limit used in the current UTC hour)
            name (str):
            threshold (float): Percent, ms or a count, per metric
            window_minutes (int): 5-1440: measured over the last N
            api_key_id (None | Unset | UUID): Only this key's requests
            channels (list[str] | Unset): Any of email, in_app, webhook (alert.triggered)
            comparison (str | Unset): above (default) or below Default: 'above'.
            cooldown_minutes (int | Unset): 1-10080: notify again at most this often while open Default: 60.
            enabled (bool | Unset):  Default: True.
            route (None | str | Unset): Only this route template, e.g. /customers
     """

    metric: str
    name: str
    threshold: float
    window_minutes: int
    api_key_id: None | Unset | UUID = UNSET
    channels: list[str] | Unset = UNSET
    comparison: str | Unset = 'above'
    cooldown_minutes: int | Unset = 60
    enabled: bool | Unset = True
    route: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        name = self.name

        threshold = self.threshold

        window_minutes = self.window_minutes

        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        elif isinstance(self.api_key_id, UUID):
            api_key_id = str(self.api_key_id)
        else:
            api_key_id = self.api_key_id

        channels: list[str] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = self.channels



        comparison = self.comparison

        cooldown_minutes = self.cooldown_minutes

        enabled = self.enabled

        route: None | str | Unset
        if isinstance(self.route, Unset):
            route = UNSET
        else:
            route = self.route


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "metric": metric,
            "name": name,
            "threshold": threshold,
            "window_minutes": window_minutes,
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
        if route is not UNSET:
            field_dict["route"] = route

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = d.pop("metric")

        name = d.pop("name")

        threshold = d.pop("threshold")

        window_minutes = d.pop("window_minutes")

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


        channels = cast(list[str], d.pop("channels", UNSET))


        comparison = d.pop("comparison", UNSET)

        cooldown_minutes = d.pop("cooldown_minutes", UNSET)

        enabled = d.pop("enabled", UNSET)

        def _parse_route(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        route = _parse_route(d.pop("route", UNSET))


        alert_rule_create = cls(
            metric=metric,
            name=name,
            threshold=threshold,
            window_minutes=window_minutes,
            api_key_id=api_key_id,
            channels=channels,
            comparison=comparison,
            cooldown_minutes=cooldown_minutes,
            enabled=enabled,
            route=route,
        )


        alert_rule_create.additional_properties = d
        return alert_rule_create

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
