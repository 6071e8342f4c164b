from typing import Literal

BrowseMarketplacePricingModel = Literal['free', 'one_time', 'subscription', 'usage_based']

BROWSE_MARKETPLACE_PRICING_MODEL_VALUES: set[BrowseMarketplacePricingModel] = { 'free', 'one_time', 'subscription', 'usage_based',  }

def check_browse_marketplace_pricing_model(value: str) -> BrowseMarketplacePricingModel:
    if value in BROWSE_MARKETPLACE_PRICING_MODEL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BROWSE_MARKETPLACE_PRICING_MODEL_VALUES!r}")
