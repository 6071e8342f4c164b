from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ApiUsageEndpoint")



@_attrs_define
class ApiUsageEndpoint:
    """ 
        Attributes:
            avg_response_time (float):
            endpoint (str): Route template, e.g. /customers/{id}
            failed (int):
            method (str):
            requests (int):
            successful (int):
     """

    avg_response_time: float
    endpoint: str
    failed: int
    method: str
    requests: int
    successful: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        avg_response_time = self.avg_response_time

        endpoint = self.endpoint

        failed = self.failed

        method = self.method

        requests = self.requests

        successful = self.successful


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "avgResponseTime": avg_response_time,
            "endpoint": endpoint,
            "failed": failed,
            "method": method,
            "requests": requests,
            "successful": successful,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        avg_response_time = d.pop("avgResponseTime")

        endpoint = d.pop("endpoint")

        failed = d.pop("failed")

        method = d.pop("method")

        requests = d.pop("requests")

        successful = d.pop("successful")

        api_usage_endpoint = cls(
            avg_response_time=avg_response_time,
            endpoint=endpoint,
            failed=failed,
            method=method,
            requests=requests,
            successful=successful,
        )


        api_usage_endpoint.additional_properties = d
        return api_usage_endpoint

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
