from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="AlertIncident")



@_attrs_define
class AlertIncident:
    """ 
        Attributes:
            acknowledged_at (datetime.datetime | None):
            acknowledged_by (None | UUID):
            comparison (str):
            id (UUID):
            last_notified_at (datetime.datetime | None):
            last_value (float): The metric when last measured
            metric (str):
            notifications (int):
            resolved_at (datetime.datetime | None):
            resolved_automatically (bool):
            resolved_by (None | UUID):
            rule_id (UUID):
            rule_name (str):
            state (str): triggered, acknowledged or resolved
            threshold (float):
            triggered_at (datetime.datetime):
            value (float): The metric when it fired
            window_minutes (int):
     """

    acknowledged_at: datetime.datetime | None
    acknowledged_by: None | UUID
    comparison: str
    id: UUID
    last_notified_at: datetime.datetime | None
    last_value: float
    metric: str
    notifications: int
    resolved_at: datetime.datetime | None
    resolved_automatically: bool
    resolved_by: None | UUID
    rule_id: UUID
    rule_name: str
    state: str
    threshold: float
    triggered_at: datetime.datetime
    value: float
    window_minutes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        acknowledged_at: None | str
        if isinstance(self.acknowledged_at, datetime.datetime):
            acknowledged_at = self.acknowledged_at.isoformat()
        else:
            acknowledged_at = self.acknowledged_at

        acknowledged_by: None | str
        if isinstance(self.acknowledged_by, UUID):
            acknowledged_by = str(self.acknowledged_by)
        else:
            acknowledged_by = self.acknowledged_by

        comparison = self.comparison

        id = str(self.id)

        last_notified_at: None | str
        if isinstance(self.last_notified_at, datetime.datetime):
            last_notified_at = self.last_notified_at.isoformat()
        else:
            last_notified_at = self.last_notified_at

        last_value = self.last_value

        metric = self.metric

        notifications = self.notifications

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        resolved_automatically = self.resolved_automatically

        resolved_by: None | str
        if isinstance(self.resolved_by, UUID):
            resolved_by = str(self.resolved_by)
        else:
            resolved_by = self.resolved_by

        rule_id = str(self.rule_id)

        rule_name = self.rule_name

        state = self.state

        threshold = self.threshold

        triggered_at = self.triggered_at.isoformat()

        value = self.value

        window_minutes = self.window_minutes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acknowledged_at": acknowledged_at,
            "acknowledged_by": acknowledged_by,
            "comparison": comparison,
            "id": id,
            "last_notified_at": last_notified_at,
            "last_value": last_value,
            "metric": metric,
            "notifications": notifications,
            "resolved_at": resolved_at,
            "resolved_automatically": resolved_automatically,
            "resolved_by": resolved_by,
            "rule_id": rule_id,
            "rule_name": rule_name,
            "state": state,
            "threshold": threshold,
            "triggered_at": triggered_at,
            "value": value,
            "window_minutes": window_minutes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_acknowledged_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_at_type_0 = datetime.datetime.fromisoformat(data)



                return acknowledged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acknowledged_at = _parse_acknowledged_at(d.pop("acknowledged_at"))


        def _parse_acknowledged_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_by_type_0 = UUID(data)



                return acknowledged_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by"))


        comparison = d.pop("comparison")

        id = UUID(d.pop("id"))




        def _parse_last_notified_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_notified_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_notified_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_notified_at = _parse_last_notified_at(d.pop("last_notified_at"))


        last_value = d.pop("last_value")

        metric = d.pop("metric")

        notifications = d.pop("notifications")

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)



                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))


        resolved_automatically = d.pop("resolved_automatically")

        def _parse_resolved_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_by_type_0 = UUID(data)



                return resolved_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by"))


        rule_id = UUID(d.pop("rule_id"))




        rule_name = d.pop("rule_name")

        state = d.pop("state")

        threshold = d.pop("threshold")

        triggered_at = datetime.datetime.fromisoformat(d.pop("triggered_at"))




        value = d.pop("value")

        window_minutes = d.pop("window_minutes")

        alert_incident = cls(
            acknowledged_at=acknowledged_at,
            acknowledged_by=acknowledged_by,
            comparison=comparison,
            id=id,
            last_notified_at=last_notified_at,
            last_value=last_value,
            metric=metric,
            notifications=notifications,
            resolved_at=resolved_at,
            resolved_automatically=resolved_automatically,
            resolved_by=resolved_by,
            rule_id=rule_id,
            rule_name=rule_name,
            state=state,
            threshold=threshold,
            triggered_at=triggered_at,
            value=value,
            window_minutes=window_minutes,
        )


        alert_incident.additional_properties = d
        return alert_incident

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
