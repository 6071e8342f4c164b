from typing import Literal

BrowseMarketplaceSortBy = Literal['downloads', 'name', 'newest', 'price', 'rating', 'relevance']

BROWSE_MARKETPLACE_SORT_BY_VALUES: set[BrowseMarketplaceSortBy] = { 'downloads', 'name', 'newest', 'price', 'rating', 'relevance',  }

def check_browse_marketplace_sort_by(value: str) -> BrowseMarketplaceSortBy:
    if value in BROWSE_MARKETPLACE_SORT_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BROWSE_MARKETPLACE_SORT_BY_VALUES!r}")
