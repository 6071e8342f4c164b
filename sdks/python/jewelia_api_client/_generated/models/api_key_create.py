from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ApiKeyCreate")



@_attrs_define
class ApiKeyCreate:
    """ 
        Attributes:
            name (str):
            permissions (list[str]):
            allowed_ips (list[str] | Unset): Addresses or CIDR ranges (IPv4 or IPv6) the key may be used from; empty: any
            expires_at (datetime.datetime | None | Unset):
            hourly_limit (int | None | Unset): Requests per hour for this key, at most the plan's (null: the plan's)
     """

    name: str
    permissions: list[str]
    allowed_ips: list[str] | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    hourly_limit: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        permissions = self.permissions



        allowed_ips: list[str] | Unset = UNSET
        if not isinstance(self.allowed_ips, Unset):
            allowed_ips = self.allowed_ips



        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        hourly_limit: int | None | Unset
        if isinstance(self.hourly_limit, Unset):
            hourly_limit = UNSET
        else:
            hourly_limit = self.hourly_limit


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "permissions": permissions,
        })
        if allowed_ips is not UNSET:
            field_dict["allowed_ips"] = allowed_ips
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if hourly_limit is not UNSET:
            field_dict["hourly_limit"] = hourly_limit

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        permissions = cast(list[str], d.pop("permissions"))


        allowed_ips = cast(list[str], d.pop("allowed_ips", UNSET))


        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        def _parse_hourly_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hourly_limit = _parse_hourly_limit(d.pop("hourly_limit", UNSET))


        api_key_create = cls(
            name=name,
            permissions=permissions,
            allowed_ips=allowed_ips,
            expires_at=expires_at,
            hourly_limit=hourly_limit,
        )


        api_key_create.additional_properties = d
        return api_key_create

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
