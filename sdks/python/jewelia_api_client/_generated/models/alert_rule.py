from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="AlertRule")



@_attrs_define
class AlertRule:
    """ 
        Attributes:
            api_key_id (None | UUID):
            channels (list[str]):
            comparison (str):
            cooldown_minutes (int):
            created_at (datetime.datetime):
            created_by (None | UUID):
            enabled (bool):
            id (UUID):
            metric (str):
            name (str):
            route (None | str):
            threshold (float):
            updated_at (datetime.datetime):
            window_minutes (int):
     """

    api_key_id: None | UUID
    channels: list[str]
    comparison: str
    cooldown_minutes: int
    created_at: datetime.datetime
    created_by: None | UUID
    enabled: bool
    id: UUID
    metric: str
    name: str
    route: None | str
    threshold: float
    updated_at: datetime.datetime
    window_minutes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        api_key_id: None | str
        if isinstance(self.api_key_id, UUID):
            api_key_id = str(self.api_key_id)
        else:
            api_key_id = self.api_key_id

        channels = self.channels



        comparison = self.comparison

        cooldown_minutes = self.cooldown_minutes

        created_at = self.created_at.isoformat()

        created_by: None | str
        if isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        enabled = self.enabled

        id = str(self.id)

        metric = self.metric

        name = self.name

        route: None | str
        route = self.route

        threshold = self.threshold

        updated_at = self.updated_at.isoformat()

        window_minutes = self.window_minutes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "api_key_id": api_key_id,
            "channels": channels,
            "comparison": comparison,
            "cooldown_minutes": cooldown_minutes,
            "created_at": created_at,
            "created_by": created_by,
            "enabled": enabled,
            "id": id,
            "metric": metric,
            "name": name,
            "route": route,
            "threshold": threshold,
            "updated_at": updated_at,
            "window_minutes": window_minutes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_api_key_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                api_key_id_type_0 = UUID(data)



                return api_key_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id"))


        channels = cast(list[str], d.pop("channels"))


        comparison = d.pop("comparison")

        cooldown_minutes = d.pop("cooldown_minutes")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_created_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)



                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        created_by = _parse_created_by(d.pop("created_by"))


        enabled = d.pop("enabled")

        id = UUID(d.pop("id"))




        metric = d.pop("metric")

        name = d.pop("name")

        def _parse_route(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        route = _parse_route(d.pop("route"))


        threshold = d.pop("threshold")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        window_minutes = d.pop("window_minutes")

        alert_rule = cls(
            api_key_id=api_key_id,
            channels=channels,
            comparison=comparison,
            cooldown_minutes=cooldown_minutes,
            created_at=created_at,
            created_by=created_by,
            enabled=enabled,
            id=id,
            metric=metric,
            name=name,
            route=route,
            threshold=threshold,
            updated_at=updated_at,
            window_minutes=window_minutes,
        )


        alert_rule.additional_properties = d
        return alert_rule

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
