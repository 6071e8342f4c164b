from typing import Literal

BrowseMarketplaceCategory = Literal['accounting', 'analytics', 'design_software', 'e_commerce', 'inventory_management', 'marketing', 'productivity', 'quality_control', 'suppliers']

BROWSE_MARKETPLACE_CATEGORY_VALUES: set[BrowseMarketplaceCategory] = { 'accounting', 'analytics', 'design_software', 'e_commerce', 'inventory_management', 'marketing', 'productivity', 'quality_control', 'suppliers',  }

def check_browse_marketplace_category(value: str) -> BrowseMarketplaceCategory:
    if value in BROWSE_MARKETPLACE_CATEGORY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BROWSE_MARKETPLACE_CATEGORY_VALUES!r}")
