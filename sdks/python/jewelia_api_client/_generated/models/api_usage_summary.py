from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ApiUsageSummary")



@_attrs_define
class ApiUsageSummary:
    """ 
        Attributes:
            average_response_time (float): Milliseconds
            failed_requests (int): Answered with a status >= 400
            p_50_response_time (float): Median, ms, within 1 %
            p_95_response_time (float): Milliseconds, within 1 %
            p_99_response_time (float): Milliseconds, within 1 %
            successful_requests (int):
            total_requests (int):
     """

    average_response_time: float
    failed_requests: int
    p_50_response_time: float
    p_95_response_time: float
    p_99_response_time: float
    successful_requests: int
    total_requests: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        average_response_time = self.average_response_time

        failed_requests = self.failed_requests

        p_50_response_time = self.p_50_response_time

        p_95_response_time = self.p_95_response_time

        p_99_response_time = self.p_99_response_time

        successful_requests = self.successful_requests

        total_requests = self.total_requests


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "averageResponseTime": average_response_time,
            "failedRequests": failed_requests,
            "p50ResponseTime": p_50_response_time,
            "p95ResponseTime": p_95_response_time,
            "p99ResponseTime": p_99_response_time,
            "successfulRequests": successful_requests,
            "totalRequests": total_requests,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        average_response_time = d.pop("averageResponseTime")

        failed_requests = d.pop("failedRequests")

        p_50_response_time = d.pop("p50ResponseTime")

        p_95_response_time = d.pop("p95ResponseTime")

        p_99_response_time = d.pop("p99ResponseTime")

        successful_requests = d.pop("successfulRequests")

        total_requests = d.pop("totalRequests")

        api_usage_summary = cls(
            average_response_time=average_response_time,
            failed_requests=failed_requests,
            p_50_response_time=p_50_response_time,
            p_95_response_time=p_95_response_time,
            p_99_response_time=p_99_response_time,
            successful_requests=successful_requests,
            total_requests=total_requests,
        )


        api_usage_summary.additional_properties = d
        return api_usage_summary

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
