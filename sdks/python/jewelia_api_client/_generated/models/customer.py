from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.ring_size import RingSize





T = TypeVar("T", bound="Customer")



@_attrs_define
class Customer:
    """ 
        Attributes:
            anniversary (datetime.date | None):
            birthday (datetime.date | None):
            company (None | str):
            created_at (datetime.datetime):
            email (None | str):
            full_name (str):
            id (UUID):
            marketing_consent (bool):
            notes (str):
            phone (None | str):
            ring_size (None | RingSize):
            tags (list[str]):
            updated_at (datetime.datetime):
     """

    anniversary: datetime.date | None
    birthday: datetime.date | None
    company: None | str
    created_at: datetime.datetime
    email: None | str
    full_name: str
    id: UUID
    marketing_consent: bool
    notes: str
    phone: None | str
    ring_size: None | RingSize
    tags: list[str]
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ring_size import RingSize # noqa: PLC0415
        anniversary: None | str
        if isinstance(self.anniversary, datetime.date):
            anniversary = self.anniversary.isoformat()
        else:
            anniversary = self.anniversary

        birthday: None | str
        if isinstance(self.birthday, datetime.date):
            birthday = self.birthday.isoformat()
        else:
            birthday = self.birthday

        company: None | str
        company = self.company

        created_at = self.created_at.isoformat()

        email: None | str
        email = self.email

        full_name = self.full_name

        id = str(self.id)

        marketing_consent = self.marketing_consent

        notes = self.notes

        phone: None | str
        phone = self.phone

        ring_size: dict[str, Any] | None
        if isinstance(self.ring_size, RingSize):
            ring_size = self.ring_size.to_dict()
        else:
            ring_size = self.ring_size

        tags = self.tags



        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "anniversary": anniversary,
            "birthday": birthday,
            "company": company,
            "created_at": created_at,
            "email": email,
            "full_name": full_name,
            "id": id,
            "marketing_consent": marketing_consent,
            "notes": notes,
            "phone": phone,
            "ring_size": ring_size,
            "tags": tags,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ring_size import RingSize # noqa: PLC0415
        d = dict(src_dict)
        def _parse_anniversary(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                anniversary_type_0 = datetime.date.fromisoformat(data)



                return anniversary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        anniversary = _parse_anniversary(d.pop("anniversary"))


        def _parse_birthday(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                birthday_type_0 = datetime.date.fromisoformat(data)



                return birthday_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        birthday = _parse_birthday(d.pop("birthday"))


        def _parse_company(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        company = _parse_company(d.pop("company"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))


        full_name = d.pop("full_name")

        id = UUID(d.pop("id"))




        marketing_consent = d.pop("marketing_consent")

        notes = d.pop("notes")

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))


        def _parse_ring_size(data: object) -> None | RingSize:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ring_size_type_0 = RingSize.from_dict(data)



                return ring_size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RingSize, data)

        ring_size = _parse_ring_size(d.pop("ring_size"))


        tags = cast(list[str], d.pop("tags"))


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        customer = cls(
            anniversary=anniversary,
            birthday=birthday,
            company=company,
            created_at=created_at,
            email=email,
            full_name=full_name,
            id=id,
            marketing_consent=marketing_consent,
            notes=notes,
            phone=phone,
            ring_size=ring_size,
            tags=tags,
            updated_at=updated_at,
        )


        customer.additional_properties = d
        return customer

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
