from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.delivery_attempt_request_headers import DeliveryAttemptRequestHeaders
  from ..models.delivery_attempt_response_headers_type_0 import DeliveryAttemptResponseHeadersType0





T = TypeVar("T", bound="DeliveryAttempt")



@_attrs_define
class DeliveryAttempt:
    """ 
        Attributes:
            attempt_number (int):
            created_at (datetime.datetime):
            duration_ms (float | None):
            error (None | str):
            request_body (str):
            request_headers (DeliveryAttemptRequestHeaders):
            response_body (None | str):
            response_headers (DeliveryAttemptResponseHeadersType0 | None):
            status_code (int | None):
     """

    attempt_number: int
    created_at: datetime.datetime
    duration_ms: float | None
    error: None | str
    request_body: str
    request_headers: DeliveryAttemptRequestHeaders
    response_body: None | str
    response_headers: DeliveryAttemptResponseHeadersType0 | None
    status_code: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery_attempt_request_headers import DeliveryAttemptRequestHeaders # noqa: PLC0415
        from ..models.delivery_attempt_response_headers_type_0 import DeliveryAttemptResponseHeadersType0 # noqa: PLC0415
        attempt_number = self.attempt_number

        created_at = self.created_at.isoformat()

        duration_ms: float | None
        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        request_body = self.request_body

        request_headers = self.request_headers.to_dict()

        response_body: None | str
        response_body = self.response_body

        response_headers: dict[str, Any] | None
        if isinstance(self.response_headers, DeliveryAttemptResponseHeadersType0):
            response_headers = self.response_headers.to_dict()
        else:
            response_headers = self.response_headers

        status_code: int | None
        status_code = self.status_code


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempt_number": attempt_number,
            "created_at": created_at,
            "duration_ms": duration_ms,
            "error": error,
            "request_body": request_body,
            "request_headers": request_headers,
            "response_body": response_body,
            "response_headers": response_headers,
            "status_code": status_code,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_attempt_request_headers import DeliveryAttemptRequestHeaders # noqa: PLC0415
        from ..models.delivery_attempt_response_headers_type_0 import DeliveryAttemptResponseHeadersType0 # noqa: PLC0415
        d = dict(src_dict)
        attempt_number = d.pop("attempt_number")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_duration_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms"))


        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        request_body = d.pop("request_body")

        request_headers = DeliveryAttemptRequestHeaders.from_dict(d.pop("request_headers"))




        def _parse_response_body(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_body = _parse_response_body(d.pop("response_body"))


        def _parse_response_headers(data: object) -> DeliveryAttemptResponseHeadersType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_headers_type_0 = DeliveryAttemptResponseHeadersType0.from_dict(data)



                return response_headers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeliveryAttemptResponseHeadersType0 | None, data)

        response_headers = _parse_response_headers(d.pop("response_headers"))


        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))


        delivery_attempt = cls(
            attempt_number=attempt_number,
            created_at=created_at,
            duration_ms=duration_ms,
            error=error,
            request_body=request_body,
            request_headers=request_headers,
            response_body=response_body,
            response_headers=response_headers,
            status_code=status_code,
        )


        delivery_attempt.additional_properties = d
        return delivery_attempt

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
