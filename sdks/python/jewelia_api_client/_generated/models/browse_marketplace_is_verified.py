from typing import Literal

BrowseMarketplaceIsVerified = Literal['false', 'true']

BROWSE_MARKETPLACE_IS_VERIFIED_VALUES: set[BrowseMarketplaceIsVerified] = { 'false', 'true',  }

def check_browse_marketplace_is_verified(value: str) -> BrowseMarketplaceIsVerified:
    if value in BROWSE_MARKETPLACE_IS_VERIFIED_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BROWSE_MARKETPLACE_IS_VERIFIED_VALUES!r}")
