from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from uuid import UUID






T = TypeVar("T", bound="Tokens")



@_attrs_define
class Tokens:
    """ 
        Attributes:
            access_token (str):
            expires_in (int):
            refresh_token (str):
            role (str):
            tenant_id (UUID):
            token_type (str):
     """

    access_token: str
    expires_in: int
    refresh_token: str
    role: str
    tenant_id: UUID
    token_type: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expires_in = self.expires_in

        refresh_token = self.refresh_token

        role = self.role

        tenant_id = str(self.tenant_id)

        token_type = self.token_type


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "access_token": access_token,
            "expires_in": expires_in,
            "refresh_token": refresh_token,
            "role": role,
            "tenant_id": tenant_id,
            "token_type": token_type,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        expires_in = d.pop("expires_in")

        refresh_token = d.pop("refresh_token")

        role = d.pop("role")

        tenant_id = UUID(d.pop("tenant_id"))




        token_type = d.pop("token_type")

        tokens = cls(
            access_token=access_token,
            expires_in=expires_in,
            refresh_token=refresh_token,
            role=role,
            tenant_id=tenant_id,
            token_type=token_type,
        )


        tokens.additional_properties = d
        return tokens

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
