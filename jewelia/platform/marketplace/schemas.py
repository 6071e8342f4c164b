"""Browse API response structs (the contract's field names; used for the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination
from jewelia.core.schemas import Money


class Pricing(msgspec.Struct):
    model: str
    amount: Money
    currency: str
    billingCycle: str | None


class PricingDetail(Pricing):
    trialDays: int


class MarketplaceListing(msgspec.Struct):
    id: UUID
    name: str
    description: str
    developer: str
    category: str
    pricing: Pricing
    features: list[str]
    rating: Money
    reviewCount: int
    downloadCount: int
    isVerified: bool
    activeInstalls: int
    slug: str
    iconUrl: str | None


class FacetCount(msgspec.Struct):
    value: str
    label: str
    count: int


class Facets(msgspec.Struct):
    category: list[FacetCount]
    pricingModel: list[FacetCount]


class MarketplaceList(msgspec.Struct):
    success: bool
    data: list[MarketplaceListing]
    pagination: Pagination
    facets: Facets
    next_cursor: str | None


class ScopeText(msgspec.Struct):
    scope: str
    description: str


class DeveloperInfo(msgspec.Struct):
    name: str
    slug: str
    website: str | None
    supportEmail: str | None
    supportUrl: str | None
    privacyUrl: str | None


class ListingVersion(msgspec.Struct):
    version: str
    changelog: str
    publishedAt: datetime | None


class Screenshot(msgspec.Struct):
    url: str
    caption: str


class RatingCounts(msgspec.Struct, rename={f"s{n}": str(n) for n in range(1, 6)}):
    """Reviews per number of stars."""

    s5: int
    s4: int
    s3: int
    s2: int
    s1: int


class MarketplaceListingDetail(MarketplaceListing):
    pricing: PricingDetail  # in its place among the listing's fields, with trialDays
    status: str
    longDescription: str
    appUrl: str
    scopes: list[ScopeText]
    webhookEvents: list[str]
    ratingCounts: RatingCounts
    developerInfo: DeveloperInfo
    versions: list[ListingVersion]
    screenshots: list[Screenshot]
    publishedAt: datetime | None
    updatedAt: datetime


class MarketplaceListingEnvelope(msgspec.Struct):
    success: bool
    data: MarketplaceListingDetail
