from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.inbound_event_out_payload import InboundEventOutPayload
  from ..models.inbound_event_out_result_type_0 import InboundEventOutResultType0





T = TypeVar("T", bound="InboundEventOut")



@_attrs_define
class InboundEventOut:
    """ 
        Attributes:
            attempts (int):
            error (None | str):
            event (str):
            external_id (str):
            id (UUID):
            payload (InboundEventOutPayload):
            processed_at (datetime.datetime | None):
            received_at (datetime.datetime):
            result (InboundEventOutResultType0 | None):
            source_id (UUID):
            status (str):
     """

    attempts: int
    error: None | str
    event: str
    external_id: str
    id: UUID
    payload: InboundEventOutPayload
    processed_at: datetime.datetime | None
    received_at: datetime.datetime
    result: InboundEventOutResultType0 | None
    source_id: UUID
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.inbound_event_out_payload import InboundEventOutPayload # noqa: PLC0415
        from ..models.inbound_event_out_result_type_0 import InboundEventOutResultType0 # noqa: PLC0415
        attempts = self.attempts

        error: None | str
        error = self.error

        event = self.event

        external_id = self.external_id

        id = str(self.id)

        payload = self.payload.to_dict()

        processed_at: None | str
        if isinstance(self.processed_at, datetime.datetime):
            processed_at = self.processed_at.isoformat()
        else:
            processed_at = self.processed_at

        received_at = self.received_at.isoformat()

        result: dict[str, Any] | None
        if isinstance(self.result, InboundEventOutResultType0):
            result = self.result.to_dict()
        else:
            result = self.result

        source_id = str(self.source_id)

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "error": error,
            "event": event,
            "external_id": external_id,
            "id": id,
            "payload": payload,
            "processed_at": processed_at,
            "received_at": received_at,
            "result": result,
            "source_id": source_id,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inbound_event_out_payload import InboundEventOutPayload # noqa: PLC0415
        from ..models.inbound_event_out_result_type_0 import InboundEventOutResultType0 # noqa: PLC0415
        d = dict(src_dict)
        attempts = d.pop("attempts")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        event = d.pop("event")

        external_id = d.pop("external_id")

        id = UUID(d.pop("id"))




        payload = InboundEventOutPayload.from_dict(d.pop("payload"))




        def _parse_processed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                processed_at_type_0 = datetime.datetime.fromisoformat(data)



                return processed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        processed_at = _parse_processed_at(d.pop("processed_at"))


        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))




        def _parse_result(data: object) -> InboundEventOutResultType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = InboundEventOutResultType0.from_dict(data)



                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InboundEventOutResultType0 | None, data)

        result = _parse_result(d.pop("result"))


        source_id = UUID(d.pop("source_id"))




        status = d.pop("status")

        inbound_event_out = cls(
            attempts=attempts,
            error=error,
            event=event,
            external_id=external_id,
            id=id,
            payload=payload,
            processed_at=processed_at,
            received_at=received_at,
            result=result,
            source_id=source_id,
            status=status,
        )


        inbound_event_out.additional_properties = d
        return inbound_event_out

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
