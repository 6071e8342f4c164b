from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="DeveloperInfo")



@_attrs_define
class DeveloperInfo:
    """ 
        Attributes:
            name (str):
            privacy_url (None | str):
            slug (str):
            support_email (None | str):
            support_url (None | str):
            website (None | str):
     """

    name: str
    privacy_url: None | str
    slug: str
    support_email: None | str
    support_url: None | str
    website: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        privacy_url: None | str
        privacy_url = self.privacy_url

        slug = self.slug

        support_email: None | str
        support_email = self.support_email

        support_url: None | str
        support_url = self.support_url

        website: None | str
        website = self.website


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "privacyUrl": privacy_url,
            "slug": slug,
            "supportEmail": support_email,
            "supportUrl": support_url,
            "website": website,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_privacy_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        privacy_url = _parse_privacy_url(d.pop("privacyUrl"))


        slug = d.pop("slug")

        def _parse_support_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        support_email = _parse_support_email(d.pop("supportEmail"))


        def _parse_support_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        support_url = _parse_support_url(d.pop("supportUrl"))


        def _parse_website(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        website = _parse_website(d.pop("website"))


        developer_info = cls(
            name=name,
            privacy_url=privacy_url,
            slug=slug,
            support_email=support_email,
            support_url=support_url,
            website=website,
        )


        developer_info.additional_properties = d
        return developer_info

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
