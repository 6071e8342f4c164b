"""A developer's revenue dashboard and monthly statement in a real browser: an organization
made through the partner pages, money posted through the ledger's builders (two apps, charges
last month and this month, a refund, a settlement, a payout) and installs; the dashboard's
SVG charts, balances and policy, the statement's figures and lines, at desktop and phone
width (screenshots in test-artifacts/), with no console errors."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up

pytestmark = pytest.mark.e2e

SEED = r"""
import asyncio, sys, uuid
from datetime import UTC, datetime, timedelta

from jewelia.core.db import DB, execute, fetch, start_db, stop_db
from jewelia.platform.commerce import ledger
from jewelia.platform.marketplace import listings, orgs


def complete(name: str) -> dict:
    # as tests.integration.test_marketplace_listings.complete (not imported: tests.conftest
    # would prepare a database of its own at import)
    return {
        "name": name,
        "description": "Keeps your inventory in step with your shop.",
        "long_description": "# App",
        "category": "inventory_management",
        "features": ["Two-way sync"],
        "pricing": {"model": "subscription", "amount": "49.00", "currency": "usd",
                    "billingCycle": "monthly", "trialDays": 0},
        "scopes": ["customers:read"],
        "webhook_events": [],
        "webhook_url": "https://app.example.com/webhooks",
        "redirect_uris": ["https://app.example.com/callback"],
        "app_url": "https://app.example.com/",
        "support_url": "https://app.example.com/support",
    }


async def main(slug: str) -> None:
    import os
    await start_db(os.environ["DATABASE_URL"])
    org = await orgs.get_org_by_slug(slug)
    owner = (await fetch("SELECT user_id FROM public.developer_member WHERE org_id = $1", org["id"]))[0]
    apps = []
    for name in ("Ring Sizer Pro", "Gem Ledger"):
        listing, _ = await listings.create_listing(owner["user_id"], org["id"], complete(f"{name} {uuid.uuid4().hex[:4]}"))
        apps.append(listing)
    now = datetime.now(UTC)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    prev = (start - timedelta(days=1)).replace(day=1)
    tag = uuid.uuid4().hex[:8]
    charges = [
        ("a", apps[0], 4_900, 172, prev + timedelta(days=2)),
        ("b", apps[1], 19_900, 607, prev + timedelta(days=9)),
        ("c", apps[0], 4_900, 172, start + (now - start) / 4),
        ("d", apps[1], 9_900, 317, start + (now - start) / 2),
    ]
    for name, app, gross, fee, at in charges:
        async with DB.transaction():
            await ledger.post_charge(key=f"e2e:{tag}:{name}", org_id=org["id"], listing_id=app["id"],
                                     currency="USD", gross=gross, fee=fee, occurred_at=at,
                                     source=("app_charge", f"e2e-{tag}-{name}"))
    async with DB.transaction():
        await ledger.settle_due(now)
    async with DB.transaction():
        await ledger.post_refund(key=f"e2e:{tag}:refund", charge_key=f"e2e:{tag}:c", amount=2_000,
                                 occurred_at=start + (now - start) * 3 / 4, source=("refund", tag))
    async with DB.transaction():
        await ledger.post_payout(key=f"e2e:{tag}:payout", org_id=org["id"], amount=10_000,
                                 currency="USD", transfer_id=f"tr_test_{tag}", period=prev.strftime("%Y-%m"))
    tenants = await fetch("SELECT id FROM public.tenant WHERE status = 'active' LIMIT 3")
    for i, t in enumerate(tenants):
        await execute(
            "INSERT INTO public.app_install (id, listing_id, tenant_id, scopes, installed_at, uninstalled_at)"
            " VALUES (gen_random_uuid(), $1, $2, '{}', $3, $4)",
            apps[i % 2]["id"], t["id"], prev + timedelta(days=3 + i),
            start + (now - start) / 3 if i == 2 else None,
        )
    active = sum(1 for i in range(len(tenants)) if i != 2)
    print(apps[0]["name"], "|", apps[1]["name"], "|", active)
    await stop_db()


asyncio.run(main(sys.argv[1]))
"""


def seed(slug: str) -> tuple[list[str], int]:
    """Post the org's money through the ledger builders, in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", SEED, slug],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    *names, active = (part.strip() for part in done.stdout.strip().splitlines()[-1].split("|"))
    return names, int(active)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"revenue-{name}.png"), full_page=True)


def test_revenue_dashboard_and_statement(page: Any, live_server: str) -> None:
    base = live_server
    email = f"payee-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(page, base, "Payee Studio", "Pat Payee", email)
    page.goto(f"{base}/partners")
    page.fill("#create-org input[name=name]", f"Facet Labs {uuid.uuid4().hex[:4]}")
    page.click("button:has-text('Create organization')")
    page.wait_for_url(f"{base}/partners/*")
    slug = page.url.rstrip("/").rsplit("/", 1)[1]
    app_names, active = seed(slug)

    page.goto(f"{base}/partners/{slug}")
    page.click(".page-actions >> text=Revenue")
    page.wait_for_url(f"{base}/partners/{slug}/revenue")
    assert page.locator("#earnings-chart g").count() == 12
    assert page.locator("#installs-chart g").count() == 12
    assert page.locator("#earnings-chart rect[fill='#6d4aff']").count() == 2  # two months earned
    apps = page.inner_text("#apps-table")
    assert app_names[0] in apps and app_names[1] in apps
    assert page.inner_text("#active-installs") == str(active)
    assert "15 %" in page.inner_text("#policy") or "15%" in page.inner_text("#policy")
    assert page.inner_text("#pending").startswith("$")
    shot(page, "dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard scrolls sideways at 390 px ({width})"
    chart = page.locator("#earnings-chart").bounding_box()
    assert chart and chart["width"] > 250
    shot(page, "dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.click(".page-actions >> text=Statements")
    page.wait_for_url(f"{base}/partners/{slug}/statements")
    rows = page.locator("#statements-table tbody tr")
    assert rows.count() == 2
    shot(page, "statements")
    rows.first.locator("a").first.click()
    closing = page.inner_text("#closing")
    assert closing.startswith("$")
    assert page.locator("#lines-earnings tbody tr").count() == 2
    assert page.locator("#lines-refunds tbody tr").count() == 1
    assert page.locator("#lines-payouts tbody tr").count() == 1
    shot(page, "statement")
    pdf = page.request.get(page.url + "/pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert closing.replace("$", "").encode() + b" USD" in pdf.body()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "statement-phone")
