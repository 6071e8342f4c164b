from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.pricing import Pricing





T = TypeVar("T", bound="MarketplaceListing")



@_attrs_define
class MarketplaceListing:
    """ 
        Attributes:
            active_installs (int):
            category (str):
            description (str):
            developer (str):
            download_count (int):
            features (list[str]):
            icon_url (None | str):
            id (UUID):
            is_verified (bool):
            name (str):
            pricing (Pricing):
            rating (float):
            review_count (int):
            slug (str):
     """

    active_installs: int
    category: str
    description: str
    developer: str
    download_count: int
    features: list[str]
    icon_url: None | str
    id: UUID
    is_verified: bool
    name: str
    pricing: Pricing
    rating: float
    review_count: int
    slug: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pricing import Pricing # noqa: PLC0415
        active_installs = self.active_installs

        category = self.category

        description = self.description

        developer = self.developer

        download_count = self.download_count

        features = self.features



        icon_url: None | str
        icon_url = self.icon_url

        id = str(self.id)

        is_verified = self.is_verified

        name = self.name

        pricing = self.pricing.to_dict()

        rating = self.rating

        review_count = self.review_count

        slug = self.slug


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "activeInstalls": active_installs,
            "category": category,
            "description": description,
            "developer": developer,
            "downloadCount": download_count,
            "features": features,
            "iconUrl": icon_url,
            "id": id,
            "isVerified": is_verified,
            "name": name,
            "pricing": pricing,
            "rating": rating,
            "reviewCount": review_count,
            "slug": slug,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pricing import Pricing # noqa: PLC0415
        d = dict(src_dict)
        active_installs = d.pop("activeInstalls")

        category = d.pop("category")

        description = d.pop("description")

        developer = d.pop("developer")

        download_count = d.pop("downloadCount")

        features = cast(list[str], d.pop("features"))


        def _parse_icon_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        icon_url = _parse_icon_url(d.pop("iconUrl"))


        id = UUID(d.pop("id"))




        is_verified = d.pop("isVerified")

        name = d.pop("name")

        pricing = Pricing.from_dict(d.pop("pricing"))




        rating = d.pop("rating")

        review_count = d.pop("reviewCount")

        slug = d.pop("slug")

        marketplace_listing = cls(
            active_installs=active_installs,
            category=category,
            description=description,
            developer=developer,
            download_count=download_count,
            features=features,
            icon_url=icon_url,
            id=id,
            is_verified=is_verified,
            name=name,
            pricing=pricing,
            rating=rating,
            review_count=review_count,
            slug=slug,
        )


        marketplace_listing.additional_properties = d
        return marketplace_listing

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
