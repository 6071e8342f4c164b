"""The demo marketplace `jewelia dev` seeds: the reference app published and verified under
"Jewelia Labs" (owned by the demo user), published listings in every category and pricing
model, reviews whose rating and counts match the listing, and nothing doubled on a restart."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import STRONG_PASSWORD, unique_email

APP_URL = "http://127.0.0.1:8010"


@pytest.fixture
async def seeded(db: None) -> AsyncIterator[tuple[Any, dict[str, str], dict[str, str]]]:
    from jewelia.core.db import execute
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.marketplace import demo

    user, _tenant = await accounts.signup(
        f"Demo {uuid.uuid4().hex[:6]}", "Avery Demo", unique_email("demo"), STRONG_PASSWORD
    )
    first = await demo.seed_marketplace(user.id, APP_URL)
    second = await demo.seed_marketplace(user.id, APP_URL)
    yield user, first, second
    # Other tests in the session browse the marketplace: leave it as it was.
    await execute(
        "DELETE FROM public.developer_org WHERE slug = ANY($1::text[])"
        " OR id IN (SELECT org_id FROM public.listing WHERE slug = $2)",
        list(demo.SAMPLE_ORGS),
        demo.REFERENCE_SLUG,
    )


async def test_reference_app_is_published_verified_and_owned_by_the_demo_user(
    seeded: tuple[Any, dict[str, str], dict[str, str]],
) -> None:
    from jewelia.core.db import fetch
    from jewelia.platform.marketplace import listings, orgs

    user, first, second = seeded
    assert first == second  # a restart finds the same listing and the same credentials
    listing = await listings.get_by_client_id(first["client_id"])
    assert listing is not None
    assert listing["status"] == "published" and listing["is_verified"]
    assert listings.check_client_secret(listing, first["client_secret"])
    assert listing["redirect_uris"] == [f"{APP_URL}/callback"]
    assert listing["webhook_url"] == f"{APP_URL}/webhooks"
    assert listing["app_url"] == f"{APP_URL}/"
    assert listing["scopes"] == ["customers:read"]
    assert await orgs.org_role(user.id, listing["org_id"]) == "owner"
    assert (await orgs.get_org(listing["org_id"]))["name"] == "Jewelia Labs"
    steps = await fetch(
        "SELECT from_status, to_status FROM public.listing_event WHERE listing_id = $1 ORDER BY at",
        listing["id"],
    )
    assert [(s["from_status"], s["to_status"]) for s in steps] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("approved", "published"),
    ]


async def test_sample_listings_cover_categories_and_pricing_with_consistent_ratings(
    seeded: tuple[Any, dict[str, str], dict[str, str]],
) -> None:
    from jewelia.core.db import fetch
    from jewelia.platform.marketplace import demo

    rows = await fetch(
        "SELECT * FROM public.listing WHERE slug = ANY($1::text[]) AND status = 'published'",
        [s["slug"] for s in demo.SAMPLES],
    )
    assert len(rows) == len(demo.SAMPLES) >= 6
    assert {r["pricing_model"] for r in rows} == {"free", "one_time", "subscription", "usage_based"}
    assert len({r["category"] for r in rows}) >= 6
    assert all(r["description"] and r["features"] for r in rows)
    reviewed = 0
    for row in rows:
        stars = [
            r["rating"]
            for r in await fetch(
                "SELECT rating FROM public.review WHERE listing_id = $1 AND status = 'visible'",
                row["id"],
            )
        ]
        reviewed += bool(stars)
        assert row["review_count"] == len(stars)
        assert list(row["rating_counts"]) == [stars.count(n) for n in range(1, 6)]
        expected = round(Decimal(sum(stars)) / len(stars), 2) if stars else Decimal(0)
        assert row["rating"] == expected
        installs = await fetch(
            "SELECT tenant_id, installed_at FROM public.app_install WHERE listing_id = $1",
            row["id"],
        )
        assert row["download_count"] == len(installs)
        assert row["active_installs"] == len(installs)
        assert len(installs) >= len(stars)  # every review comes from a business that installed
    assert reviewed >= 4
    # The seed ran twice: one review per reviewer and listing, no doubled installs.
    doubled = await fetch(
        "SELECT listing_id, tenant_id FROM public.app_install WHERE listing_id = ANY($1::uuid[])"
        " GROUP BY 1, 2 HAVING count(*) > 1",
        [r["id"] for r in rows],
    )
    assert doubled == []
