from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ApiUsageLog")



@_attrs_define
class ApiUsageLog:
    """ 
        Attributes:
            endpoint (str): Path called, e.g. /customers
            method (str): GET, POST, PUT, PATCH, DELETE, HEAD…
            response_time (float): Milliseconds
            status_code (int):
            api_key (None | str | Unset): Key id or prefix (a full key is cut to its prefix)
            ip_address (None | str | Unset):
            request_size (int | None | Unset):
            response_size (int | None | Unset):
            user_agent (None | str | Unset):
            user_id (None | str | Unset):
     """

    endpoint: str
    method: str
    response_time: float
    status_code: int
    api_key: None | str | Unset = UNSET
    ip_address: None | str | Unset = UNSET
    request_size: int | None | Unset = UNSET
    response_size: int | None | Unset = UNSET
    user_agent: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        endpoint = self.endpoint

        method = self.method

        response_time = self.response_time

        status_code = self.status_code

        api_key: None | str | Unset
        if isinstance(self.api_key, Unset):
            api_key = UNSET
        else:
            api_key = self.api_key

        ip_address: None | str | Unset
        if isinstance(self.ip_address, Unset):
            ip_address = UNSET
        else:
            ip_address = self.ip_address

        request_size: int | None | Unset
        if isinstance(self.request_size, Unset):
            request_size = UNSET
        else:
            request_size = self.request_size

        response_size: int | None | Unset
        if isinstance(self.response_size, Unset):
            response_size = UNSET
        else:
            response_size = self.response_size

        user_agent: None | str | Unset
        if isinstance(self.user_agent, Unset):
            user_agent = UNSET
        else:
            user_agent = self.user_agent

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "method": method,
            "responseTime": response_time,
            "statusCode": status_code,
        })
        if api_key is not UNSET:
            field_dict["apiKey"] = api_key
        if ip_address is not UNSET:
            field_dict["ipAddress"] = ip_address
        if request_size is not UNSET:
            field_dict["requestSize"] = request_size
        if response_size is not UNSET:
            field_dict["responseSize"] = response_size
        if user_agent is not UNSET:
            field_dict["userAgent"] = user_agent
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        method = d.pop("method")

        response_time = d.pop("responseTime")

        status_code = d.pop("statusCode")

        def _parse_api_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key = _parse_api_key(d.pop("apiKey", UNSET))


        def _parse_ip_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip_address = _parse_ip_address(d.pop("ipAddress", UNSET))


        def _parse_request_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        request_size = _parse_request_size(d.pop("requestSize", UNSET))


        def _parse_response_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        response_size = _parse_response_size(d.pop("responseSize", UNSET))


        def _parse_user_agent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_agent = _parse_user_agent(d.pop("userAgent", UNSET))


        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))


        api_usage_log = cls(
            endpoint=endpoint,
            method=method,
            response_time=response_time,
            status_code=status_code,
            api_key=api_key,
            ip_address=ip_address,
            request_size=request_size,
            response_size=response_size,
            user_agent=user_agent,
            user_id=user_id,
        )


        api_usage_log.additional_properties = d
        return api_usage_log

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
