from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.webhook_test_attempt import WebhookTestAttempt
  from ..models.webhook_test_result_request_headers import WebhookTestResultRequestHeaders





T = TypeVar("T", bound="WebhookTestResult")



@_attrs_define
class WebhookTestResult:
    """ 
        Attributes:
            attempt_log (list[WebhookTestAttempt]):
            attempts (int):
            error (None | str):
            request_headers (WebhookTestResultRequestHeaders):
            response_data (Any):
            response_time (int):
            status_code (int | None):
            success (bool):
            truncated (bool):
     """

    attempt_log: list[WebhookTestAttempt]
    attempts: int
    error: None | str
    request_headers: WebhookTestResultRequestHeaders
    response_data: Any
    response_time: int
    status_code: int | None
    success: bool
    truncated: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_test_attempt import WebhookTestAttempt # noqa: PLC0415
        from ..models.webhook_test_result_request_headers import WebhookTestResultRequestHeaders # noqa: PLC0415
        attempt_log = []
        for attempt_log_item_data in self.attempt_log:
            attempt_log_item = attempt_log_item_data.to_dict()
            attempt_log.append(attempt_log_item)



        attempts = self.attempts

        error: None | str
        error = self.error

        request_headers = self.request_headers.to_dict()

        response_data = self.response_data

        response_time = self.response_time

        status_code: int | None
        status_code = self.status_code

        success = self.success

        truncated = self.truncated


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attemptLog": attempt_log,
            "attempts": attempts,
            "error": error,
            "requestHeaders": request_headers,
            "responseData": response_data,
            "responseTime": response_time,
            "statusCode": status_code,
            "success": success,
            "truncated": truncated,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_test_attempt import WebhookTestAttempt # noqa: PLC0415
        from ..models.webhook_test_result_request_headers import WebhookTestResultRequestHeaders # noqa: PLC0415
        d = dict(src_dict)
        attempt_log = []
        _attempt_log = d.pop("attemptLog")
        for attempt_log_item_data in (_attempt_log):
            attempt_log_item = WebhookTestAttempt.from_dict(attempt_log_item_data)



            attempt_log.append(attempt_log_item)


        attempts = d.pop("attempts")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        request_headers = WebhookTestResultRequestHeaders.from_dict(d.pop("requestHeaders"))




        response_data = d.pop("responseData")

        response_time = d.pop("responseTime")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("statusCode"))


        success = d.pop("success")

        truncated = d.pop("truncated")

        webhook_test_result = cls(
            attempt_log=attempt_log,
            attempts=attempts,
            error=error,
            request_headers=request_headers,
            response_data=response_data,
            response_time=response_time,
            status_code=status_code,
            success=success,
            truncated=truncated,
        )


        webhook_test_result.additional_properties = d
        return webhook_test_result

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
