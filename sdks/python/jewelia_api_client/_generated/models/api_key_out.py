from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="ApiKeyOut")



@_attrs_define
class ApiKeyOut:
    """ 
        Attributes:
            allowed_ips (list[str]): Addresses or CIDR ranges (IPv4 or IPv6) the key may be used from; empty: any
            created_at (datetime.datetime):
            expires_at (datetime.datetime | None):
            hourly_limit (int | None): Requests per hour for this key, at most the plan's (null: the plan's)
            id (UUID):
            last_used_at (datetime.datetime | None):
            name (str):
            permissions (list[str]):
            prefix (str):
            revoked_at (datetime.datetime | None):
            rotated_from (None | UUID):
            status (str):
     """

    allowed_ips: list[str]
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    hourly_limit: int | None
    id: UUID
    last_used_at: datetime.datetime | None
    name: str
    permissions: list[str]
    prefix: str
    revoked_at: datetime.datetime | None
    rotated_from: None | UUID
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        allowed_ips = self.allowed_ips



        created_at = self.created_at.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        hourly_limit: int | None
        hourly_limit = self.hourly_limit

        id = str(self.id)

        last_used_at: None | str
        if isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        name = self.name

        permissions = self.permissions



        prefix = self.prefix

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        rotated_from: None | str
        if isinstance(self.rotated_from, UUID):
            rotated_from = str(self.rotated_from)
        else:
            rotated_from = self.rotated_from

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "allowed_ips": allowed_ips,
            "created_at": created_at,
            "expires_at": expires_at,
            "hourly_limit": hourly_limit,
            "id": id,
            "last_used_at": last_used_at,
            "name": name,
            "permissions": permissions,
            "prefix": prefix,
            "revoked_at": revoked_at,
            "rotated_from": rotated_from,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed_ips = cast(list[str], d.pop("allowed_ips"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        def _parse_hourly_limit(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        hourly_limit = _parse_hourly_limit(d.pop("hourly_limit"))


        id = UUID(d.pop("id"))




        def _parse_last_used_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))


        name = d.pop("name")

        permissions = cast(list[str], d.pop("permissions"))


        prefix = d.pop("prefix")

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)



                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))


        def _parse_rotated_from(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rotated_from_type_0 = UUID(data)



                return rotated_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        rotated_from = _parse_rotated_from(d.pop("rotated_from"))


        status = d.pop("status")

        api_key_out = cls(
            allowed_ips=allowed_ips,
            created_at=created_at,
            expires_at=expires_at,
            hourly_limit=hourly_limit,
            id=id,
            last_used_at=last_used_at,
            name=name,
            permissions=permissions,
            prefix=prefix,
            revoked_at=revoked_at,
            rotated_from=rotated_from,
            status=status,
        )


        api_key_out.additional_properties = d
        return api_key_out

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
