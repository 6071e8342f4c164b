from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ApiUsageLogged")



@_attrs_define
class ApiUsageLogged:
    """ 
        Attributes:
            api_key (None | str):
            endpoint (str):
            ip_address (None | str):
            logged_at (str):
            method (str):
            request_id (str):
            request_size (int):
            response_size (int):
            response_time (float):
            source (str):
            status_code (int):
            user_agent (str):
            user_id (None | str):
     """

    api_key: None | str
    endpoint: str
    ip_address: None | str
    logged_at: str
    method: str
    request_id: str
    request_size: int
    response_size: int
    response_time: float
    source: str
    status_code: int
    user_agent: str
    user_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        api_key: None | str
        api_key = self.api_key

        endpoint = self.endpoint

        ip_address: None | str
        ip_address = self.ip_address

        logged_at = self.logged_at

        method = self.method

        request_id = self.request_id

        request_size = self.request_size

        response_size = self.response_size

        response_time = self.response_time

        source = self.source

        status_code = self.status_code

        user_agent = self.user_agent

        user_id: None | str
        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "apiKey": api_key,
            "endpoint": endpoint,
            "ipAddress": ip_address,
            "loggedAt": logged_at,
            "method": method,
            "requestId": request_id,
            "requestSize": request_size,
            "responseSize": response_size,
            "responseTime": response_time,
            "source": source,
            "statusCode": status_code,
            "userAgent": user_agent,
            "userId": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_api_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        api_key = _parse_api_key(d.pop("apiKey"))


        endpoint = d.pop("endpoint")

        def _parse_ip_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip_address = _parse_ip_address(d.pop("ipAddress"))


        logged_at = d.pop("loggedAt")

        method = d.pop("method")

        request_id = d.pop("requestId")

        request_size = d.pop("requestSize")

        response_size = d.pop("responseSize")

        response_time = d.pop("responseTime")

        source = d.pop("source")

        status_code = d.pop("statusCode")

        user_agent = d.pop("userAgent")

        def _parse_user_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_id = _parse_user_id(d.pop("userId"))


        api_usage_logged = cls(
            api_key=api_key,
            endpoint=endpoint,
            ip_address=ip_address,
            logged_at=logged_at,
            method=method,
            request_id=request_id,
            request_size=request_size,
            response_size=response_size,
            response_time=response_time,
            source=source,
            status_code=status_code,
            user_agent=user_agent,
            user_id=user_id,
        )


        api_usage_logged.additional_properties = d
        return api_usage_logged

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
