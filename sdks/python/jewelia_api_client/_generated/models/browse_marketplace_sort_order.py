from typing import Literal

BrowseMarketplaceSortOrder = Literal['asc', 'desc']

BROWSE_MARKETPLACE_SORT_ORDER_VALUES: set[BrowseMarketplaceSortOrder] = { 'asc', 'desc',  }

def check_browse_marketplace_sort_order(value: str) -> BrowseMarketplaceSortOrder:
    if value in BROWSE_MARKETPLACE_SORT_ORDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BROWSE_MARKETPLACE_SORT_ORDER_VALUES!r}")
