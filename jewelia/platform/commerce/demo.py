"""Demo money for `jewelia dev` (issue 15), seeded after the demo marketplace so every money
page has something to show.

The demo business pays for three sample apps the way a jeweler would (confirmation accepted,
then the test-mode checkout's Stripe-shaped events through the webhook handler): a one-time
app (active), a subscription in its trial, and a usage-priced app with reports using part of
its monthly cap. The demo developer org (Jewelia Labs, owned by the demo user) sells a paid app
of its own, "Appraisal Studio", to the three reviewer businesses: its earnings over the last
months are posted through the ledger's builders (charges and a refund, backdated), it has a
Connect account (test mode: onboarded at once) and a W-9 tax profile, and last month is closed
with its payout paid and statement ready. All of it in billing's test mode only: with real
Stripe keys only the listing is made (the ledger then holds only what Stripe did).

Idempotent: listings and installs are found by slug and tenant, journals by key, charges by
their status, usage reports by idempotency key, the payout run by period, so a second start
adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import execute, fetch
from jewelia.platform.billing import stripe_gateway as gateway
from jewelia.platform.commerce import charge_events, charges, connect, ledger, payouts, usage
from jewelia.platform.marketplace import demo as marketplace_demo
from jewelia.platform.marketplace import listings
from jewelia.platform.tenancy.registry import get_tenant

LABS_APP = "appraisal-studio"
LABS_PRICE_MINOR = 1500  # USD 15.00 a month
MONTHS = 4  # months of earnings before the current one
# The demo business's apps (sample listings of marketplace/demo.py).
ONE_TIME, SUBSCRIPTION, USAGE = "cad-bench-connect", "vault-inventory-sync", "storefront-bridge"
USAGE_CAP = "10.00"
# (units, description, idempotency key): 130 x USD 0.05 = USD 6.50 of the USD 10.00 cap
USAGE_REPORTS = (
    (50, "Web orders synced", "demo-usage-1"),
    (45, "Web orders synced", "demo-usage-2"),
    (35, "Stock reservations", "demo-usage-3"),
)
TAX_PROFILE = {
    "form": "w9",
    "legal_name": "Jewelia Labs LLC",
    "tin_type": "ein",
    "tin": "12-3456789",
}


async def seed_commerce(owner_id: uuid.UUID, now: datetime | None = None) -> dict[str, Any]:
    """Seed (or find) the demo money; what was seeded (ids and the closed period)."""
    now = now or datetime.now(UTC)
    rows = await fetch(
        "SELECT org_id FROM public.listing WHERE slug = $1", marketplace_demo.REFERENCE_SLUG
    )
    if not rows:
        return {}
    org_id = rows[0]["org_id"]
    app = await _labs_app(owner_id, org_id)
    out: dict[str, Any] = {"org_id": org_id, "listing_id": app["id"]}
    if not gateway.test_mode():
        return out  # real Stripe keys: the ledger holds only what Stripe did
    await _payout_settings(org_id, owner_id)
    await _earnings(org_id, app, now)
    out["period"] = await _close_last_month(org_id, now)
    tenants = await fetch(
        "SELECT tenant_id FROM public.membership WHERE user_id = $1 AND role = 'owner'"
        " ORDER BY created_at LIMIT 1",
        owner_id,
    )
    if tenants:
        out["charges"] = await _jeweler_apps(tenants[0]["tenant_id"], owner_id)
    return out


async def _labs_app(owner_id: uuid.UUID, org_id: uuid.UUID) -> dict[str, Any]:
    """Jewelia Labs' paid app, published and verified."""
    rows = await fetch("SELECT * FROM public.listing WHERE slug = $1", LABS_APP)
    if rows:
        return dict(rows[0])
    host = f"https://{LABS_APP}.example"
    data = {
        "name": "Appraisal Studio",
        "slug": LABS_APP,
        "description": "Insurance appraisals from your inventory: photos, grading and "
        "replacement values on a signed PDF.",
        "long_description": "## Appraisals in minutes\n\nPick a piece, check the grading notes "
        "and Appraisal Studio writes the insurance appraisal with today's metal prices.",
        "category": "productivity",
        "features": ["Appraisal PDFs", "Metal price feed", "Grading notes", "Customer copies"],
        "pricing": {
            "model": "subscription",
            "amount": f"{LABS_PRICE_MINOR / 100:.2f}",
            "currency": "USD",
            "billingCycle": "monthly",
        },
        "scopes": ["inventory:read", "customers:read"],
        "webhook_events": [],
        "webhook_url": f"{host}/jewelia/webhooks",
        "redirect_uris": [f"{host}/oauth/callback"],
        "app_url": f"{host}/",
        "support_url": f"{host}/support",
        "privacy_url": f"{host}/privacy",
    }
    listing, _secret = await listings.create_listing(owner_id, org_id, data)
    await marketplace_demo._publish(listing["id"], owner_id, verified=True)
    return dict((await fetch("SELECT * FROM public.listing WHERE id = $1", listing["id"]))[0])


async def _payout_settings(org_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    """A Connect Express account (test mode: onboarded at once) and a W-9 tax profile."""
    await connect._ensure_account(org_id, owner_id)
    await connect.refresh_status(org_id)
    if await connect.tax_profile(org_id) is None:
        await connect.save_tax_profile(org_id, owner_id, TAX_PROFILE)


def _month_start(now: datetime, back: int) -> datetime:
    y, m = now.year, now.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return datetime(y, m, 1, tzinfo=UTC)


def _fee(gross: int) -> int:
    """Stripe's card fee, 2.9 % + 30 c."""
    return 30 + round(gross * 0.029)


async def _earnings(org_id: uuid.UUID, app: dict[str, Any], now: datetime) -> None:
    """The reviewer businesses subscribe to Appraisal Studio: one charge a month each (the
    third joined later, was refunded its last month and uninstalled), through the ledger."""
    people = []
    for _business, _name, email in marketplace_demo.REVIEWERS:
        rows = await fetch(
            "SELECT u.id AS user_id, m.tenant_id FROM public.app_user u"
            " JOIN public.membership m ON m.user_id = u.id AND m.role = 'owner'"
            " WHERE lower(u.email) = lower($1) LIMIT 1",
            email,
        )
        if rows:
            people.append(rows[0])
    for index, person in enumerate(people):
        first = MONTHS if index < 2 else 3
        last = 0 if index < 2 else 1  # months back: 0 = this month
        await _install(app, person, _month_start(now, first) + timedelta(days=1), index, now)
        for back in range(first, last - 1, -1):
            start = _month_start(now, back)
            at = min(start + timedelta(days=2, hours=10 + index), now - timedelta(hours=1))
            key = f"demo:labs:{person['tenant_id']}:{start:%Y-%m}"
            await ledger.post_charge(
                key=key,
                org_id=org_id,
                listing_id=app["id"],
                currency="USD",
                gross=LABS_PRICE_MINOR,
                fee=_fee(LABS_PRICE_MINOR),
                occurred_at=at,
                source=("demo", key),
            )
            if index == 2 and back == last:
                await ledger.post_refund(
                    key=f"{key}:refund",
                    charge_key=key,
                    amount=LABS_PRICE_MINOR,
                    occurred_at=at + timedelta(days=3),
                    source=("demo", f"{key}:refund"),
                )
    await execute(
        "UPDATE public.listing l SET download_count = c.ever, active_installs = c.active"
        " FROM (SELECT count(*)::int AS ever,"
        "  (count(*) FILTER (WHERE uninstalled_at IS NULL))::int AS active"
        "  FROM public.app_install WHERE listing_id = $1) c WHERE l.id = $1",
        app["id"],
    )


async def _install(
    app: dict[str, Any], person: Any, at: datetime, index: int, now: datetime
) -> None:
    """A backdated install (as the marketplace demo's reviewers'); the third ends last month."""
    if await fetch(
        "SELECT 1 FROM public.app_install WHERE listing_id = $1 AND tenant_id = $2",
        app["id"],
        person["tenant_id"],
    ):
        return
    ended = _month_start(now, 0) - timedelta(days=10) if index == 2 else None
    await execute(
        "INSERT INTO public.app_install (id, listing_id, tenant_id, version_id, scopes,"
        " installed_by, installed_at, uninstalled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        uuid.uuid4(),
        app["id"],
        person["tenant_id"],
        app["current_version_id"],
        app["scopes"],
        person["user_id"],
        at,
        ended,
    )


async def _close_last_month(org_id: uuid.UUID, now: datetime) -> str:
    """Close last month (settling what is due) and pay the org's payout now (test mode)."""
    period = payouts.previous_period(now)
    await payouts.close_period(period, now)
    if await fetch(
        "SELECT 1 FROM public.payout WHERE key = $1 AND status = 'pending'",
        payouts.payout_key(period, org_id),
    ):
        await payouts.pay_one(period, org_id)
    return period


async def _jeweler_apps(tenant_id: uuid.UUID, owner_id: uuid.UUID) -> dict[str, Any]:
    """The demo business accepts and pays (test checkout) for three sample apps, each
    installed; the usage app reports part of its cap."""
    tenant = await get_tenant(tenant_id)
    out: dict[str, Any] = {}
    for slug in (ONE_TIME, SUBSCRIPTION, USAGE):
        rows = await fetch("SELECT * FROM public.listing WHERE slug = $1", slug)
        if not rows:
            continue
        listing = rows[0]
        found = await fetch(
            "SELECT * FROM public.app_charge WHERE tenant_id = $1 AND listing_id = $2"
            " AND status IN ('active', 'trialing') ORDER BY created_at DESC LIMIT 1",
            tenant_id,
            listing["id"],
        )
        if found:
            charge_id = found[0]["id"]
        else:
            pending = await charges.create_pending(tenant, listing["id"], owner_id)
            charge_id = pending["id"]
            cap = USAGE_CAP if pending["kind"] == "usage" else None
            await charges.accept(charge_id, tenant, owner_id, cap=cap)
            await charge_events.test_mode_events(await charges.get(charge_id, tenant), "pay")
        install_id = await _jeweler_install(listing, tenant_id, owner_id, charge_id)
        out[slug] = {"charge_id": charge_id, "install_id": install_id}
        if slug == USAGE:
            for quantity, description, key in USAGE_REPORTS:
                await usage.report(
                    tenant_id, install_id, quantity=quantity, description=description, key=key
                )
    return out


async def _jeweler_install(
    listing: Any, tenant_id: uuid.UUID, owner_id: uuid.UUID, charge_id: uuid.UUID
) -> uuid.UUID:
    """The business's install of a paid sample app (written directly, as the marketplace
    demo's: nobody runs these apps, so no webhook endpoint is made for them)."""
    rows = await fetch(
        "SELECT id FROM public.app_install WHERE listing_id = $1 AND tenant_id = $2"
        " AND uninstalled_at IS NULL",
        listing["id"],
        tenant_id,
    )
    if rows:
        return rows[0]["id"]  # type: ignore[no-any-return]
    install_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.app_install (id, listing_id, tenant_id, version_id, scopes,"
        " installed_by) VALUES ($1, $2, $3, $4, $5, $6)",
        install_id,
        listing["id"],
        tenant_id,
        listing["current_version_id"],
        listing["scopes"],
        owner_id,
    )
    await execute(
        "UPDATE public.app_charge SET install_id = $2 WHERE id = $1 AND install_id IS NULL",
        charge_id,
        install_id,
    )
    await execute(
        "UPDATE public.listing SET download_count = download_count + 1,"
        " active_installs = active_installs + 1 WHERE id = $1",
        listing["id"],
    )
    return install_id
