from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ApiUsageKey")



@_attrs_define
class ApiUsageKey:
    """ 
        Attributes:
            api_key (str): Key prefix, user email or app name (the credential)
            failed (int):
            id (None | str): API key, user or app listing id
            requests (int):
            successful (int):
            type_ (str): api_key, user, app or client
     """

    api_key: str
    failed: int
    id: None | str
    requests: int
    successful: int
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key

        failed = self.failed

        id: None | str
        id = self.id

        requests = self.requests

        successful = self.successful

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "apiKey": api_key,
            "failed": failed,
            "id": id,
            "requests": requests,
            "successful": successful,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        api_key = d.pop("apiKey")

        failed = d.pop("failed")

        def _parse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        id = _parse_id(d.pop("id"))


        requests = d.pop("requests")

        successful = d.pop("successful")

        type_ = d.pop("type")

        api_usage_key = cls(
            api_key=api_key,
            failed=failed,
            id=id,
            requests=requests,
            successful=successful,
            type_=type_,
        )


        api_usage_key.additional_properties = d
        return api_usage_key

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
