from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.api_usage_endpoint import ApiUsageEndpoint
  from ..models.api_usage_key import ApiUsageKey
  from ..models.api_usage_point import ApiUsagePoint
  from ..models.api_usage_summary import ApiUsageSummary





T = TypeVar("T", bound="ApiUsage")



@_attrs_define
class ApiUsage:
    """ 
        Attributes:
            api_keys (list[ApiUsageKey]):
            endpoints (list[ApiUsageEndpoint]):
            summary (ApiUsageSummary):
            timeline (list[ApiUsagePoint]):
     """

    api_keys: list[ApiUsageKey]
    endpoints: list[ApiUsageEndpoint]
    summary: ApiUsageSummary
    timeline: list[ApiUsagePoint]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.api_usage_endpoint import ApiUsageEndpoint # noqa: PLC0415
        from ..models.api_usage_key import ApiUsageKey # noqa: PLC0415
        from ..models.api_usage_point import ApiUsagePoint # noqa: PLC0415
        from ..models.api_usage_summary import ApiUsageSummary # noqa: PLC0415
        api_keys = []
        for api_keys_item_data in self.api_keys:
            api_keys_item = api_keys_item_data.to_dict()
            api_keys.append(api_keys_item)



        endpoints = []
        for endpoints_item_data in self.endpoints:
            endpoints_item = endpoints_item_data.to_dict()
            endpoints.append(endpoints_item)



        summary = self.summary.to_dict()

        timeline = []
        for timeline_item_data in self.timeline:
            timeline_item = timeline_item_data.to_dict()
            timeline.append(timeline_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "apiKeys": api_keys,
            "endpoints": endpoints,
            "summary": summary,
            "timeline": timeline,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_usage_endpoint import ApiUsageEndpoint # noqa: PLC0415
        from ..models.api_usage_key import ApiUsageKey # noqa: PLC0415
        from ..models.api_usage_point import ApiUsagePoint # noqa: PLC0415
        from ..models.api_usage_summary import ApiUsageSummary # noqa: PLC0415
        d = dict(src_dict)
        api_keys = []
        _api_keys = d.pop("apiKeys")
        for api_keys_item_data in (_api_keys):
            api_keys_item = ApiUsageKey.from_dict(api_keys_item_data)



            api_keys.append(api_keys_item)


        endpoints = []
        _endpoints = d.pop("endpoints")
        for endpoints_item_data in (_endpoints):
            endpoints_item = ApiUsageEndpoint.from_dict(endpoints_item_data)



            endpoints.append(endpoints_item)


        summary = ApiUsageSummary.from_dict(d.pop("summary"))




        timeline = []
        _timeline = d.pop("timeline")
        for timeline_item_data in (_timeline):
            timeline_item = ApiUsagePoint.from_dict(timeline_item_data)



            timeline.append(timeline_item)


        api_usage = cls(
            api_keys=api_keys,
            endpoints=endpoints,
            summary=summary,
            timeline=timeline,
        )


        api_usage.additional_properties = d
        return api_usage

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
