"""App charges: what a business agreed to pay for an app (one-time, subscription, usage cap).

A paid listing is installed only after its owner or admin accepted a charge on the
confirmation page and Stripe (or, in development, the test checkout) reported it paid or
trialing; `installs.install` refuses otherwise (APP_CHARGE_REQUIRED).
"""

from __future__ import annotations

import uuid
from typing import Any

from jewelia.platform.tenancy.registry import TenantInfo


async def create_pending(
    tenant: TenantInfo,
    listing_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    return_to: str | None = None,
) -> dict[str, Any]:
    """A pending charge for the listing's price (or the business's open one for the app)."""
    raise NotImplementedError


async def accept(
    charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID, *, cap: Any = None
) -> str:
    """The owner/admin accepts: returns where to go next (Stripe Checkout, the test checkout,
    or, for a usage cap, the page that continues the install)."""
    raise NotImplementedError


async def cancel(charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID) -> dict[str, Any]:
    """Cancel a subscription (or usage charge) at Stripe; the app is told app.charge.cancelled."""
    raise NotImplementedError


async def refund(charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID) -> dict[str, Any]:
    """Refund a one-time charge within 30 days (owners only); the ledger reverses on the event."""
    raise NotImplementedError


async def change_interval(
    charge_id: uuid.UUID, tenant: TenantInfo, user_id: uuid.UUID, interval: str
) -> dict[str, Any]:
    """Switch a subscription between monthly and annual billing (Stripe prorates)."""
    raise NotImplementedError


async def get(charge_id: uuid.UUID, tenant: TenantInfo) -> dict[str, Any]:
    """One of the business's charges (NotFound for another business's)."""
    raise NotImplementedError


async def tenant_charges(tenant: TenantInfo) -> list[dict[str, Any]]:
    """The business's app charges with their payments, newest first (Billing > Apps)."""
    raise NotImplementedError


async def accepted_charge(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any] | None:
    """The business's accepted charge that lets it install the app (active, trialing,
    usage cap accepted), or None."""
    raise NotImplementedError
