from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.ring_size_in import RingSizeIn





T = TypeVar("T", bound="CustomerUpdate")



@_attrs_define
class CustomerUpdate:
    """ 
        Attributes:
            anniversary (datetime.date | None | Unset):
            birthday (datetime.date | None | Unset):
            company (None | str | Unset):
            email (None | str | Unset):
            full_name (str | Unset):
            marketing_consent (bool | Unset):
            notes (str | Unset):
            phone (None | str | Unset):
            ring_size (None | RingSizeIn | Unset):
            tags (list[str] | Unset):
     """

    anniversary: datetime.date | None | Unset = UNSET
    birthday: datetime.date | None | Unset = UNSET
    company: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    full_name: str | Unset = UNSET
    marketing_consent: bool | Unset = UNSET
    notes: str | Unset = UNSET
    phone: None | str | Unset = UNSET
    ring_size: None | RingSizeIn | Unset = UNSET
    tags: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ring_size_in import RingSizeIn # noqa: PLC0415
        anniversary: None | str | Unset
        if isinstance(self.anniversary, Unset):
            anniversary = UNSET
        elif isinstance(self.anniversary, datetime.date):
            anniversary = self.anniversary.isoformat()
        else:
            anniversary = self.anniversary

        birthday: None | str | Unset
        if isinstance(self.birthday, Unset):
            birthday = UNSET
        elif isinstance(self.birthday, datetime.date):
            birthday = self.birthday.isoformat()
        else:
            birthday = self.birthday

        company: None | str | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        else:
            company = self.company

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        full_name: str | Unset
        if isinstance(self.full_name, Unset):
            full_name = UNSET
        else:
            full_name = self.full_name

        marketing_consent: bool | Unset
        if isinstance(self.marketing_consent, Unset):
            marketing_consent = UNSET
        else:
            marketing_consent = self.marketing_consent

        notes: str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        ring_size: dict[str, Any] | None | Unset
        if isinstance(self.ring_size, Unset):
            ring_size = UNSET
        elif isinstance(self.ring_size, RingSizeIn):
            ring_size = self.ring_size.to_dict()
        else:
            ring_size = self.ring_size

        tags: list[str] | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags





        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if anniversary is not UNSET:
            field_dict["anniversary"] = anniversary
        if birthday is not UNSET:
            field_dict["birthday"] = birthday
        if company is not UNSET:
            field_dict["company"] = company
        if email is not UNSET:
            field_dict["email"] = email
        if full_name is not UNSET:
            field_dict["full_name"] = full_name
        if marketing_consent is not UNSET:
            field_dict["marketing_consent"] = marketing_consent
        if notes is not UNSET:
            field_dict["notes"] = notes
        if phone is not UNSET:
            field_dict["phone"] = phone
        if ring_size is not UNSET:
            field_dict["ring_size"] = ring_size
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ring_size_in import RingSizeIn # noqa: PLC0415
        d = dict(src_dict)
        def _parse_anniversary(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                anniversary_type_0 = datetime.date.fromisoformat(data)



                return anniversary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        anniversary = _parse_anniversary(d.pop("anniversary", UNSET))


        def _parse_birthday(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                birthday_type_0 = datetime.date.fromisoformat(data)



                return birthday_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        birthday = _parse_birthday(d.pop("birthday", UNSET))


        def _parse_company(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        company = _parse_company(d.pop("company", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_full_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        full_name = _parse_full_name(d.pop("full_name", UNSET))


        def _parse_marketing_consent(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        marketing_consent = _parse_marketing_consent(d.pop("marketing_consent", UNSET))


        def _parse_notes(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))


        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        def _parse_ring_size(data: object) -> None | RingSizeIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ring_size_type_0 = RingSizeIn.from_dict(data)



                return ring_size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RingSizeIn | Unset, data)

        ring_size = _parse_ring_size(d.pop("ring_size", UNSET))


        def _parse_tags(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            tags_type_0 = cast(list[str], data)

            return tags_type_0

        tags = _parse_tags(d.pop("tags", UNSET))


        customer_update = cls(
            anniversary=anniversary,
            birthday=birthday,
            company=company,
            email=email,
            full_name=full_name,
            marketing_consent=marketing_consent,
            notes=notes,
            phone=phone,
            ring_size=ring_size,
            tags=tags,
        )


        customer_update.additional_properties = d
        return customer_update

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
