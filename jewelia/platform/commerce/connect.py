"""Developer payout settings: the Stripe Connect Express account and the tax profile."""

from __future__ import annotations

import uuid
from typing import Any


async def start_onboarding(org_id: uuid.UUID, user_id: uuid.UUID, base_url: str) -> str:
    """The account link URL to (continue) onboarding; the Express account is created once."""
    raise NotImplementedError


async def refresh_status(org_id: uuid.UUID) -> dict[str, Any]:
    """Re-read the Connect account from Stripe and store payouts_enabled/details_submitted."""
    raise NotImplementedError


async def save_tax_profile(
    org_id: uuid.UUID, user_id: uuid.UUID, data: dict[str, str]
) -> dict[str, Any]:
    """Validate and store the W-9 / W-8BEN profile (TIN encrypted); field errors otherwise."""
    raise NotImplementedError
