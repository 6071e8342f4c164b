from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.delivery_attempt import DeliveryAttempt
  from ..models.delivery_detail_payload import DeliveryDetailPayload





T = TypeVar("T", bound="DeliveryDetail")



@_attrs_define
class DeliveryDetail:
    """ 
        Attributes:
            attempt_count (int):
            completed_at (datetime.datetime | None):
            created_at (datetime.datetime):
            endpoint_id (UUID):
            event_id (UUID):
            event_type (str):
            id (UUID):
            last_duration_ms (float | None):
            last_error (None | str):
            last_status_code (int | None):
            next_attempt_at (datetime.datetime | None):
            status (str):
            attempts (list[DeliveryAttempt] | Unset):
            payload (DeliveryDetailPayload | Unset):
     """

    attempt_count: int
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    id: UUID
    last_duration_ms: float | None
    last_error: None | str
    last_status_code: int | None
    next_attempt_at: datetime.datetime | None
    status: str
    attempts: list[DeliveryAttempt] | Unset = UNSET
    payload: DeliveryDetailPayload | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery_attempt import DeliveryAttempt # noqa: PLC0415
        from ..models.delivery_detail_payload import DeliveryDetailPayload # noqa: PLC0415
        attempt_count = self.attempt_count

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at = self.created_at.isoformat()

        endpoint_id = str(self.endpoint_id)

        event_id = str(self.event_id)

        event_type = self.event_type

        id = str(self.id)

        last_duration_ms: float | None
        last_duration_ms = self.last_duration_ms

        last_error: None | str
        last_error = self.last_error

        last_status_code: int | None
        last_status_code = self.last_status_code

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        status = self.status

        attempts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attempts, Unset):
            attempts = []
            for attempts_item_data in self.attempts:
                attempts_item = attempts_item_data.to_dict()
                attempts.append(attempts_item)



        payload: dict[str, Any] | Unset = UNSET
        if not isinstance(self.payload, Unset):
            payload = self.payload.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempt_count": attempt_count,
            "completed_at": completed_at,
            "created_at": created_at,
            "endpoint_id": endpoint_id,
            "event_id": event_id,
            "event_type": event_type,
            "id": id,
            "last_duration_ms": last_duration_ms,
            "last_error": last_error,
            "last_status_code": last_status_code,
            "next_attempt_at": next_attempt_at,
            "status": status,
        })
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_attempt import DeliveryAttempt # noqa: PLC0415
        from ..models.delivery_detail_payload import DeliveryDetailPayload # noqa: PLC0415
        d = dict(src_dict)
        attempt_count = d.pop("attempt_count")

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)



                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        endpoint_id = UUID(d.pop("endpoint_id"))




        event_id = UUID(d.pop("event_id"))




        event_type = d.pop("event_type")

        id = UUID(d.pop("id"))




        def _parse_last_duration_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        last_duration_ms = _parse_last_duration_ms(d.pop("last_duration_ms"))


        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))


        def _parse_last_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code"))


        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))


        status = d.pop("status")

        _attempts = d.pop("attempts", UNSET)
        attempts: list[DeliveryAttempt] | Unset = UNSET
        if _attempts is not UNSET:
            attempts = []
            for attempts_item_data in _attempts:
                attempts_item = DeliveryAttempt.from_dict(attempts_item_data)



                attempts.append(attempts_item)


        _payload = d.pop("payload", UNSET)
        payload: DeliveryDetailPayload | Unset
        if isinstance(_payload,  Unset):
            payload = UNSET
        else:
            payload = DeliveryDetailPayload.from_dict(_payload)




        delivery_detail = cls(
            attempt_count=attempt_count,
            completed_at=completed_at,
            created_at=created_at,
            endpoint_id=endpoint_id,
            event_id=event_id,
            event_type=event_type,
            id=id,
            last_duration_ms=last_duration_ms,
            last_error=last_error,
            last_status_code=last_status_code,
            next_attempt_at=next_attempt_at,
            status=status,
            attempts=attempts,
            payload=payload,
        )


        delivery_detail.additional_properties = d
        return delivery_detail

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
