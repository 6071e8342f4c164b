from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="InboundSourceOut")



@_attrs_define
class InboundSourceOut:
    """ 
        Attributes:
            created_at (datetime.datetime):
            enabled (bool):
            id (UUID):
            name (str):
            previous_secret_expires_at (datetime.datetime | None):
            receive_url (str):
            updated_at (datetime.datetime):
     """

    created_at: datetime.datetime
    enabled: bool
    id: UUID
    name: str
    previous_secret_expires_at: datetime.datetime | None
    receive_url: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        enabled = self.enabled

        id = str(self.id)

        name = self.name

        previous_secret_expires_at: None | str
        if isinstance(self.previous_secret_expires_at, datetime.datetime):
            previous_secret_expires_at = self.previous_secret_expires_at.isoformat()
        else:
            previous_secret_expires_at = self.previous_secret_expires_at

        receive_url = self.receive_url

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "enabled": enabled,
            "id": id,
            "name": name,
            "previous_secret_expires_at": previous_secret_expires_at,
            "receive_url": receive_url,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        enabled = d.pop("enabled")

        id = UUID(d.pop("id"))




        name = d.pop("name")

        def _parse_previous_secret_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return previous_secret_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_expires_at = _parse_previous_secret_expires_at(d.pop("previous_secret_expires_at"))


        receive_url = d.pop("receive_url")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        inbound_source_out = cls(
            created_at=created_at,
            enabled=enabled,
            id=id,
            name=name,
            previous_secret_expires_at=previous_secret_expires_at,
            receive_url=receive_url,
            updated_at=updated_at,
        )


        inbound_source_out.additional_properties = d
        return inbound_source_out

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
