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
  from ..models.developer_info import DeveloperInfo
  from ..models.listing_version import ListingVersion
  from ..models.pricing_detail import PricingDetail
  from ..models.rating_counts import RatingCounts
  from ..models.scope_text import ScopeText
  from ..models.screenshot import Screenshot





T = TypeVar("T", bound="MarketplaceListingDetail")



@_attrs_define
class MarketplaceListingDetail:
    """ 
        Attributes:
            active_installs (int):
            app_url (str):
            category (str):
            description (str):
            developer (str):
            developer_info (DeveloperInfo):
            download_count (int):
            features (list[str]):
            icon_url (None | str):
            id (UUID):
            is_verified (bool):
            long_description (str):
            name (str):
            pricing (PricingDetail):
            published_at (datetime.datetime | None):
            rating (float):
            rating_counts (RatingCounts):
            review_count (int):
            scopes (list[ScopeText]):
            screenshots (list[Screenshot]):
            slug (str):
            status (str):
            updated_at (datetime.datetime):
            versions (list[ListingVersion]):
            webhook_events (list[str]):
     """

    active_installs: int
    app_url: str
    category: str
    description: str
    developer: str
    developer_info: DeveloperInfo
    download_count: int
    features: list[str]
    icon_url: None | str
    id: UUID
    is_verified: bool
    long_description: str
    name: str
    pricing: PricingDetail
    published_at: datetime.datetime | None
    rating: float
    rating_counts: RatingCounts
    review_count: int
    scopes: list[ScopeText]
    screenshots: list[Screenshot]
    slug: str
    status: str
    updated_at: datetime.datetime
    versions: list[ListingVersion]
    webhook_events: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.developer_info import DeveloperInfo # noqa: PLC0415
        from ..models.listing_version import ListingVersion # noqa: PLC0415
        from ..models.pricing_detail import PricingDetail # noqa: PLC0415
        from ..models.rating_counts import RatingCounts # noqa: PLC0415
        from ..models.scope_text import ScopeText # noqa: PLC0415
        from ..models.screenshot import Screenshot # noqa: PLC0415
        active_installs = self.active_installs

        app_url = self.app_url

        category = self.category

        description = self.description

        developer = self.developer

        developer_info = self.developer_info.to_dict()

        download_count = self.download_count

        features = self.features



        icon_url: None | str
        icon_url = self.icon_url

        id = str(self.id)

        is_verified = self.is_verified

        long_description = self.long_description

        name = self.name

        pricing = self.pricing.to_dict()

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        rating = self.rating

        rating_counts = self.rating_counts.to_dict()

        review_count = self.review_count

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item = scopes_item_data.to_dict()
            scopes.append(scopes_item)



        screenshots = []
        for screenshots_item_data in self.screenshots:
            screenshots_item = screenshots_item_data.to_dict()
            screenshots.append(screenshots_item)



        slug = self.slug

        status = self.status

        updated_at = self.updated_at.isoformat()

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)



        webhook_events = self.webhook_events




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "activeInstalls": active_installs,
            "appUrl": app_url,
            "category": category,
            "description": description,
            "developer": developer,
            "developerInfo": developer_info,
            "downloadCount": download_count,
            "features": features,
            "iconUrl": icon_url,
            "id": id,
            "isVerified": is_verified,
            "longDescription": long_description,
            "name": name,
            "pricing": pricing,
            "publishedAt": published_at,
            "rating": rating,
            "ratingCounts": rating_counts,
            "reviewCount": review_count,
            "scopes": scopes,
            "screenshots": screenshots,
            "slug": slug,
            "status": status,
            "updatedAt": updated_at,
            "versions": versions,
            "webhookEvents": webhook_events,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.developer_info import DeveloperInfo # noqa: PLC0415
        from ..models.listing_version import ListingVersion # noqa: PLC0415
        from ..models.pricing_detail import PricingDetail # noqa: PLC0415
        from ..models.rating_counts import RatingCounts # noqa: PLC0415
        from ..models.scope_text import ScopeText # noqa: PLC0415
        from ..models.screenshot import Screenshot # noqa: PLC0415
        d = dict(src_dict)
        active_installs = d.pop("activeInstalls")

        app_url = d.pop("appUrl")

        category = d.pop("category")

        description = d.pop("description")

        developer = d.pop("developer")

        developer_info = DeveloperInfo.from_dict(d.pop("developerInfo"))




        download_count = d.pop("downloadCount")

        features = cast(list[str], d.pop("features"))


        def _parse_icon_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        icon_url = _parse_icon_url(d.pop("iconUrl"))


        id = UUID(d.pop("id"))




        is_verified = d.pop("isVerified")

        long_description = d.pop("longDescription")

        name = d.pop("name")

        pricing = PricingDetail.from_dict(d.pop("pricing"))




        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)



                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("publishedAt"))


        rating = d.pop("rating")

        rating_counts = RatingCounts.from_dict(d.pop("ratingCounts"))




        review_count = d.pop("reviewCount")

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in (_scopes):
            scopes_item = ScopeText.from_dict(scopes_item_data)



            scopes.append(scopes_item)


        screenshots = []
        _screenshots = d.pop("screenshots")
        for screenshots_item_data in (_screenshots):
            screenshots_item = Screenshot.from_dict(screenshots_item_data)



            screenshots.append(screenshots_item)


        slug = d.pop("slug")

        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        versions = []
        _versions = d.pop("versions")
        for versions_item_data in (_versions):
            versions_item = ListingVersion.from_dict(versions_item_data)



            versions.append(versions_item)


        webhook_events = cast(list[str], d.pop("webhookEvents"))


        marketplace_listing_detail = cls(
            active_installs=active_installs,
            app_url=app_url,
            category=category,
            description=description,
            developer=developer,
            developer_info=developer_info,
            download_count=download_count,
            features=features,
            icon_url=icon_url,
            id=id,
            is_verified=is_verified,
            long_description=long_description,
            name=name,
            pricing=pricing,
            published_at=published_at,
            rating=rating,
            rating_counts=rating_counts,
            review_count=review_count,
            scopes=scopes,
            screenshots=screenshots,
            slug=slug,
            status=status,
            updated_at=updated_at,
            versions=versions,
            webhook_events=webhook_events,
        )


        marketplace_listing_detail.additional_properties = d
        return marketplace_listing_detail

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
