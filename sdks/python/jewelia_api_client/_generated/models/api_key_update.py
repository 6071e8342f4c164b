from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ApiKeyUpdate")



@_attrs_define
class ApiKeyUpdate:
    """ 
        Attributes:
            allowed_ips (list[str] | Unset): Addresses or CIDR ranges (IPv4 or IPv6) the key may be used from; empty: any
            hourly_limit (int | None | Unset): Requests per hour for this key, at most the plan's (null: the plan's)
            name (str | Unset):
     """

    allowed_ips: list[str] | Unset = UNSET
    hourly_limit: int | None | Unset = UNSET
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        allowed_ips: list[str] | Unset
        if isinstance(self.allowed_ips, Unset):
            allowed_ips = UNSET
        else:
            allowed_ips = self.allowed_ips




        hourly_limit: int | None | Unset
        if isinstance(self.hourly_limit, Unset):
            hourly_limit = UNSET
        else:
            hourly_limit = self.hourly_limit

        name: str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if allowed_ips is not UNSET:
            field_dict["allowed_ips"] = allowed_ips
        if hourly_limit is not UNSET:
            field_dict["hourly_limit"] = hourly_limit
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_allowed_ips(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            allowed_ips_type_0 = cast(list[str], data)

            return allowed_ips_type_0

        allowed_ips = _parse_allowed_ips(d.pop("allowed_ips", UNSET))


        def _parse_hourly_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hourly_limit = _parse_hourly_limit(d.pop("hourly_limit", UNSET))


        def _parse_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        api_key_update = cls(
            allowed_ips=allowed_ips,
            hourly_limit=hourly_limit,
            name=name,
        )


        api_key_update.additional_properties = d
        return api_key_update

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
