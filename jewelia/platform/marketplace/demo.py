"""Demo marketplace for `jewelia dev`: a developer organization "Jewelia Labs" owned by the demo
user with the reference app (examples/marketplace-app) published and verified, sample developers
with published listings in every category and pricing model, and reviews from three reviewer
businesses that have had those apps installed (so every rating and count matches its reviews).

Idempotent: each piece is found by its slug or email on the next start and left as it is (the
reference listing's URLs follow the app's address). Listings of the sample developers are
written directly (those organizations have no members to act for them); the reference listing
and the reviews go through the services, as a person would.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.core.security import encrypt_secret, sha256_hex
from jewelia.platform.accounts import service as accounts
from jewelia.platform.marketplace import listings, orgs, reviews
from jewelia.platform.tenancy.registry import get_tenant
from jewelia.tenants.audit.service import Actor

LABS = "Jewelia Labs"
REFERENCE_SLUG = "customer-count"
SAMPLE_ORGS = {
    "facet-software": ("Facet Software", "https://facet-software.example", "help@facet-software.example"),
    "carat-labs": ("Carat Labs", "https://caratlabs.example", "support@caratlabs.example"),
    "hallmark-digital": ("Hallmark Digital", "https://hallmark.example", "care@hallmark.example"),
}  # fmt: skip


def _sample(
    org: str, slug: str, name: str, category: str, pricing: dict[str, Any], **more: Any
) -> dict[str, Any]:
    host = f"https://{slug}.example"
    return {
        "org": org,
        "slug": slug,
        "name": name,
        "category": category,
        "pricing": pricing,
        "webhook_url": f"{host}/jewelia/webhooks",
        "redirect_uris": [f"{host}/oauth/callback"],
        "app_url": f"{host}/",
        "support_url": f"{host}/support",
        "privacy_url": f"{host}/privacy",
        **more,
    }


SAMPLES = [
    _sample(
        "facet-software",
        "vault-inventory-sync",
        "Vault Inventory Sync",
        "inventory_management",
        {"model": "subscription", "amount": "29.00", "currency": "USD", "billingCycle": "monthly", "trialDays": 14},
        description="Two-way stock sync between Jewelia and your showroom safe log, per piece.",
        features=["Per-piece stock sync", "Safe check-in/out log", "Low stock alerts", "Barcode labels"],
        scopes=["inventory:write"],
        webhook_events=["inventory.updated"],
        long_description="## Every piece accounted for\n\nVault keeps your **safe log** and "
        "Jewelia's inventory in step: check a piece out for a viewing and the quantity follows.\n\n"
        "- Nightly reconciliation report\n- Labels with SKU, metal and stone",
    ),
    _sample(
        "carat-labs",
        "ledgerline",
        "Ledgerline for Jewelers",
        "accounting",
        {"model": "subscription", "amount": "240.00", "currency": "USD", "billingCycle": "annual"},
        description="Orders become invoices and journal entries, with metal and stone cost lines.",
        features=["Invoices from orders", "Metal cost lines", "VAT margin scheme", "Bank reconciliation"],
        scopes=["orders:read", "customers:read"],
        webhook_events=["order.created", "order.updated"],
        long_description="Ledgerline posts each Jewelia order to your books, splitting metal, "
        "stones and labour so margins are right.",
    ),
    _sample(
        "hallmark-digital",
        "cad-bench-connect",
        "CAD Bench Connect",
        "design_software",
        {"model": "one_time", "amount": "199.00", "currency": "USD"},
        description="Send custom commissions from Jewelia to your CAD bench and back with renders.",
        features=["Commission briefs to CAD", "Render previews", "Ring size conversion"],
        scopes=["customers:read", "orders:write"],
        webhook_events=["order.created"],
        long_description="Start a custom piece in Jewelia, design it in your CAD tool, and the "
        "renders come back onto the order.",
    ),
    _sample(
        "facet-software",
        "storefront-bridge",
        "Storefront Bridge",
        "e_commerce",
        {"model": "usage_based", "amount": "0.05", "currency": "USD"},
        description="Publish inventory to your online shop; web orders arrive in Jewelia.",
        features=["Product feed", "Web orders into Jewelia", "Stock reservations"],
        scopes=["inventory:read", "orders:write"],
        webhook_events=["inventory.updated", "order.created"],
        long_description="Pay per synced order (USD 0.05). No monthly fee.",
    ),
    _sample(
        "carat-labs",
        "loupe-qc",
        "Loupe QC",
        "quality_control",
        {"model": "free"},
        description="Inspection checklists for stones and settings, photos attached to the piece.",
        features=["Inspection checklists", "Photo evidence", "Grading notes"],
        scopes=["inventory:read"],
        long_description="Free forever for small workshops.",
    ),
    _sample(
        "hallmark-digital",
        "mill-and-mine",
        "Mill & Mine Supplier Catalog",
        "suppliers",
        {"model": "free"},
        description="Order findings, chain and certified stones from vetted suppliers.",
        features=["Supplier catalogs", "Reorder from low stock", "Certificates on file"],
        scopes=["inventory:read"],
    ),
    _sample(
        "hallmark-digital",
        "sparkle-campaigns",
        "Sparkle Campaigns",
        "marketing",
        {"model": "usage_based", "amount": "0.02", "currency": "USD"},
        description="Anniversary and birthday emails to your customers, with the pieces they love.",
        features=["Anniversary reminders", "Segment by purchase", "Open and click stats"],
        scopes=["customers:read", "orders:read"],
        webhook_events=["customer.created"],
    ),
    _sample(
        "carat-labs",
        "gem-insights",
        "Gem Insights",
        "analytics",
        {"model": "subscription", "amount": "19.00", "currency": "USD", "billingCycle": "monthly", "trialDays": 30},
        description="Sales by metal, stone and season; slow movers and best sellers at a glance.",
        features=["Sales dashboards", "Slow mover report", "Seasonal trends"],
        scopes=["orders:read", "inventory:read"],
    ),
]  # fmt: skip

REVIEWERS = [
    ("Sterling & Stone", "Rowan Sterling", "reviewer-sterling@example.com"),
    ("Lumen Goldsmiths", "Mara Lumen", "reviewer-lumen@example.com"),
    ("Harbor Gem Co.", "Theo Harbor", "reviewer-harbor@example.com"),
]
# listing slug -> (reviewer index, stars, text, days installed)
REVIEWS = {
    "vault-inventory-sync": [
        (0, 5, "Our safe log finally matches the system. Setup took an afternoon.", 120),
        (1, 4, "Solid sync; the label templates could use more sizes.", 60),
        (2, 5, "Saved us the Friday stock count.", 200),
    ],
    "ledgerline": [
        (0, 4, "Metal cost lines are exactly what our accountant wanted.", 90),
        (2, 3, "Works, but the VAT margin scheme needed support to set up.", 40),
    ],
    "storefront-bridge": [
        (1, 2, "Orders sync well; product photos do not come across.", 30),
        (2, 4, "Cheap for our volume and reliable.", 75),
    ],
    "loupe-qc": [(1, 5, "Free and better than our paper checklist.", 50)],
    "gem-insights": [
        (0, 5, "The slow mover report paid for a year in one week.", 150),
        (1, 5, "Clear dashboards, nothing to configure.", 20),
    ],
}


async def seed_marketplace(owner_id: uuid.UUID, app_url: str) -> dict[str, str]:
    """Seed (or find) the demo marketplace; the reference app's client id and secret."""
    await execute("UPDATE public.app_user SET is_staff = true WHERE id = $1", owner_id)
    reference = await _reference_listing(owner_id, app_url.rstrip("/"))
    for slug, (name, website, email) in SAMPLE_ORGS.items():
        await execute(
            "INSERT INTO public.developer_org (id, name, slug, website, support_email)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING",
            uuid.uuid4(),
            name,
            slug,
            website,
            email,
        )
    for sample in SAMPLES:
        await _sample_listing(sample, owner_id)
    await _reviews()
    return {
        "listing_id": str(reference["id"]),
        "client_id": str(reference["client_id"]),
        "client_secret": listings.client_secret(reference),
    }


async def _reference_listing(owner_id: uuid.UUID, app_url: str) -> dict[str, Any]:
    data = {
        "name": "Customer Count",
        "slug": REFERENCE_SLUG,
        "description": "The reference app: shows how many customers your business has and the "
        "events Jewelia sends it. Its source is in examples/marketplace-app.",
        "long_description": "## A sample app to learn from\n\nCustomer Count installs with "
        "OAuth 2.0 and PKCE, reads your customer count with `customers:read`, verifies every "
        "signed webhook and cleans up when you uninstall it.\n\nSource: "
        "`examples/marketplace-app` in the Jewelia repository.",
        "category": "productivity",
        "features": ["Customer count", "Signed webhooks", "OAuth 2.0 with PKCE", "Clean uninstall"],
        "pricing": {"model": "free"},
        "scopes": ["customers:read"],
        "webhook_events": ["customer.created", "customer.updated"],
        "webhook_url": f"{app_url}/webhooks",
        "redirect_uris": [f"{app_url}/callback"],
        "app_url": f"{app_url}/",
        "support_url": f"{app_url}/",
        "privacy_url": f"{app_url}/",
    }
    rows = await fetch("SELECT * FROM public.listing WHERE slug = $1", REFERENCE_SLUG)
    if rows:
        listing = rows[0]
        if listing["webhook_url"] != data["webhook_url"] or listing["app_url"] != data["app_url"]:
            await execute(
                "UPDATE public.listing SET webhook_url = $2, redirect_uris = $3, app_url = $4,"
                " support_url = $4, privacy_url = $4, updated_at = now() WHERE id = $1",
                listing["id"],
                data["webhook_url"],
                data["redirect_uris"],
                data["app_url"],
            )
        try:
            listings.client_secret(listing)
        except Exception:  # data from a run with another secret key: a new client secret
            secret = listings.new_client_secret()
            await execute(
                "UPDATE public.listing SET client_secret_hash = $2, client_secret_enc = $3"
                " WHERE id = $1",
                listing["id"],
                sha256_hex(secret),
                encrypt_secret(secret),
            )
        found = await listings.get_listing(listing["id"])
        assert found is not None
        return found
    mine = [o for o in await orgs.my_orgs(owner_id) if o["name"] == LABS]
    org = (
        mine[0]
        if mine
        else await orgs.create_org(
            owner_id, LABS, "https://jewelia.example/labs", "labs@jewelia.example"
        )
    )
    listing, _secret = await listings.create_listing(owner_id, org["id"], data)
    await _publish(listing["id"], owner_id, verified=True)
    found = await listings.get_listing(listing["id"])
    assert found is not None
    return found


async def _publish(listing_id: uuid.UUID, staff_id: uuid.UUID, verified: bool) -> None:
    """draft → submitted → approved → published, each step recorded as a listing_event (without
    the emails a real review sends: the demo inbox stays readable)."""
    async with DB.transaction():
        await execute(
            "UPDATE public.listing SET status = 'published', is_verified = $2,"
            " submitted_at = now() - interval '3 days', reviewed_at = now() - interval '2 days',"
            " reviewed_by = $3, published_at = now() - interval '2 days', updated_at = now()"
            " WHERE id = $1",
            listing_id,
            verified,
            staff_id,
        )
        await execute(
            "UPDATE public.listing_version SET published_at = now() - interval '2 days'"
            " WHERE listing_id = $1 AND published_at IS NULL",
            listing_id,
        )
        await execute(
            "UPDATE public.listing_event SET at = now() - interval '4 days'"
            " WHERE listing_id = $1 AND to_status = 'draft'",
            listing_id,
        )
        for from_status, to_status, days, actor in (
            ("draft", "submitted", 3, None),
            ("submitted", "approved", 2, staff_id),
            ("approved", "published", 2, None),
        ):
            await execute(
                "INSERT INTO public.listing_event (id, listing_id, from_status, to_status,"
                " actor_user_id, at) VALUES ($1, $2, $3, $4, $5, now() - make_interval(days => $6)"
                " + make_interval(secs => $7))",
                uuid.uuid4(),
                listing_id,
                from_status,
                to_status,
                actor,
                days,
                1 if to_status == "published" else 0,
            )


async def _sample_listing(sample: dict[str, Any], staff_id: uuid.UUID) -> None:
    if await fetch("SELECT 1 FROM public.listing WHERE slug = $1", sample["slug"]):
        return
    org = await orgs.get_org_by_slug(sample["org"])
    clean = listings.validate({k: v for k, v in sample.items() if k != "org"}, new=True)
    listing_id = uuid.uuid4()
    secret = listings.new_client_secret()  # nobody runs these apps; the secret is never shown
    async with DB.transaction():
        # the draft event is backdated by _publish
        await listings.insert_draft(listing_id, org, clean["slug"], clean, secret, None)
        await _publish(
            listing_id, staff_id, verified=sample["slug"] in ("vault-inventory-sync", "ledgerline")
        )


async def _reviewer(business: str, full_name: str, email: str) -> tuple[Any, Any]:
    rows = await fetch(
        "SELECT u.id AS user_id, m.tenant_id FROM public.app_user u"
        " JOIN public.membership m ON m.user_id = u.id AND m.role = 'owner'"
        " WHERE lower(u.email) = lower($1) LIMIT 1",
        email,
    )
    if rows:
        return await accounts.get_user(rows[0]["user_id"]), await get_tenant(rows[0]["tenant_id"])
    # Nobody signs in as a reviewer: a random password nobody knows.
    return await accounts.signup(
        business, full_name, email, secrets.token_urlsafe(24) + "-Aa1", verified=True
    )


async def _reviews() -> None:
    """Installs (backdated, still active) and reviews written through the review service, so
    eligibility is checked and the listing's rating and counts are computed by it."""
    people = [await _reviewer(*r) for r in REVIEWERS]
    for slug, entries in REVIEWS.items():
        rows = await fetch("SELECT * FROM public.listing WHERE slug = $1", slug)
        if not rows:
            continue
        listing = rows[0]
        for index, stars, text, days in entries:
            user, tenant = people[index]
            if not await fetch(
                "SELECT 1 FROM public.app_install WHERE listing_id = $1 AND tenant_id = $2",
                listing["id"],
                tenant.id,
            ):
                await execute(
                    "INSERT INTO public.app_install (id, listing_id, tenant_id, version_id,"
                    " scopes, installed_by, installed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    uuid.uuid4(),
                    listing["id"],
                    tenant.id,
                    listing["current_version_id"],
                    listing["scopes"],
                    user.id,
                    (await fetch("SELECT now() AS t"))[0]["t"] - timedelta(days=days),
                )
            if await reviews.review_of(listing["id"], tenant.id) is None:
                actor = Actor("user", user.id, user.email)
                await reviews.write_review(listing["id"], tenant.ref, actor, stars, text)
        await execute(
            "UPDATE public.listing l SET download_count = c.ever, active_installs = c.active"
            " FROM (SELECT count(*)::int AS ever,"
            "  (count(*) FILTER (WHERE uninstalled_at IS NULL))::int AS active"
            "  FROM public.app_install WHERE listing_id = $1) c WHERE l.id = $1",
            listing["id"],
        )
