"""The marketplace end to end in a real browser, against the reference app (examples/
marketplace-app) running as a real server: a developer signs up, creates an organization and a
listing, submits it (the automated checks call the app); staff approve; the developer publishes;
a jeweler finds it by search and filters, installs it through the consent page; the app shows the
jeweler's customer count; a customer created in the CRM reaches the app as a signed webhook; the
jeweler reviews it once the install is 25 hours old (clock moved in SQL); after uninstalling, the
app's token reads during the clean-up window and is refused after it (window moved in SQL)."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up
from tests.marketplace_app import ReferenceApp, free_port

pytestmark = pytest.mark.e2e


def sql(query: str, *args: Any) -> list[dict[str, Any]]:
    """One statement on the test database, from a thread of its own (Playwright's sync API
    holds this thread's event loop)."""
    import asyncpg

    async def run() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(os.environ["DATABASE_URL"])
        try:
            return [dict(r) for r in await conn.fetch(query, *args)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"marketplace-{name}.png"), full_page=True)


def wait_for(what: str, check: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        threading.Event().wait(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """More signed-in people: each call opens a page in a fresh context (own cookies)."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(15000)
        pg.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        pg.on("pageerror", lambda e: errors.append(str(e)))
        return pg

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"browser console errors: {errors}"


def add_customer(page: Any, base: str, name: str, email: str) -> None:
    page.goto(f"{base}/app/customers/new")
    page.fill("input[name=full_name]", name)
    page.fill("input[name=email]", email)
    page.click("button:has-text('Add customer')")
    assert f"{name} added." in page.inner_text(".flash")


def test_marketplace_from_developer_to_jeweler_and_back(
    page: Any, new_page: Callable[[], Any], live_server: str, worker: Any
) -> None:
    base = live_server
    tag = uuid.uuid4().hex[:8]
    app_port = free_port()
    app_url = f"http://127.0.0.1:{app_port}"

    # --- a developer signs up, creates an organization and a listing --------------------------
    dev_email = f"dev-{tag}@example.com"
    sign_up(page, base, f"Dev Shop {tag}", "Dana Developer", dev_email)
    page.goto(f"{base}/partners")
    page.fill("#create-org input[name=name]", f"Tally Works {tag}")
    page.fill("#create-org input[name=support_email]", f"help-{tag}@example.com")
    page.click("#create-org button[type=submit]")
    page.wait_for_url(f"{base}/partners/tally-works-*")
    org_url = page.url.split("?")[0].split("#")[0]
    page.goto(f"{org_url}/listings/new")
    name = f"Tally {tag}"
    page.fill("input[name=name]", name)
    page.fill("input[name=description]", "Counts the customers of your business, live.")
    page.fill(
        "textarea[name=long_description]", "## Tally\n\nShows **how many customers** you have."
    )
    page.select_option("select[name=category]", "analytics")
    page.fill("textarea[name=features]", "Customer count\nSigned webhooks")
    page.select_option("select[name=pricing_model]", "free")
    page.check("input[name=scopes][value='customers:read']")
    page.check("input[name=webhook_events][value='customer.created']")
    page.fill("input[name=webhook_url]", f"{app_url}/webhooks")
    page.fill("textarea[name=redirect_uris]", f"{app_url}/callback")
    page.fill("input[name=app_url]", f"{app_url}/")
    page.fill("input[name=support_url]", f"{app_url}/")
    page.fill("input[name=privacy_url]", f"{app_url}/")
    page.fill("textarea[name=changelog]", "First release")
    page.click("#listing-form button[type=submit]")
    secret = page.inner_text("#client-secret").strip()
    client_id = page.inner_text("#client-id").strip()
    assert secret.startswith("jws_") and client_id.startswith("jwc_")
    shot(page, "listing-created")
    listing_id = sql("SELECT id FROM public.listing WHERE client_id = $1", client_id)[0]["id"]
    slug = sql("SELECT slug FROM public.listing WHERE id = $1", listing_id)[0]["slug"]
    listing_page = f"{org_url}/listings/{slug}"

    with ReferenceApp(base, client_id, secret, port=app_port) as ref:
        # --- submit: the automated checks call the running app ---------------------------------
        page.goto(listing_page)
        page.click("button:has-text('Submit for review')")
        page.wait_for_selector("#queue-position")
        assert "1st in the queue" in page.inner_text("#queue-position") or "in the queue" in (
            page.inner_text("#queue-position")
        )
        assert page.locator("#checks li.check-failed").count() == 0, page.inner_text("#checks")
        assert page.locator("#checks li.check-ok").count() >= 4
        # The good test webhook was stored; the badly signed one was refused (401).
        assert any(e["event"] == "app.test" for e in ref.events())
        shot(page, "listing-submitted")

        # --- staff approve it as verified --------------------------------------------------
        staff = new_page()
        staff_email = f"staff-{tag}@example.com"
        sign_up(staff, base, f"Staff Desk {tag}", "Sid Staff", staff_email)
        sql("UPDATE public.app_user SET is_staff = true WHERE email = $1", staff_email)
        staff.goto(f"{base}/staff/review-queue")
        item = staff.locator(f"[data-listing='{slug}']")
        item.locator("button:has-text('Approve as verified')").click()
        staff.wait_for_load_state()
        assert (
            sql("SELECT status FROM public.listing WHERE id = $1", listing_id)[0]["status"]
            == "approved"
        )

        # --- the developer publishes ---------------------------------------------------------
        page.goto(listing_page)
        page.click("#status button:has-text('Publish')")
        page.wait_for_selector(".listing-status.status-published")

        # --- a jeweler finds it by search and filters, installs it ---------------------------
        jeweler = new_page()
        sign_up(jeweler, base, f"Opal House {tag}", "Jo Jeweler", f"jeweler-{tag}@example.com")
        add_customer(jeweler, base, "Ada Amethyst", f"ada-{tag}@example.com")
        add_customer(jeweler, base, "Bo Beryl", f"bo-{tag}@example.com")
        jeweler.goto(f"{base}/marketplace")
        jeweler.fill("input[name=q]", tag)
        card = jeweler.locator(".market-card", has_text=name)
        card.wait_for()
        jeweler.select_option(".market-filters select[name=category]", "analytics")
        jeweler.wait_for_function("() => location.search.includes('category=analytics')")
        jeweler.select_option(".market-filters select[name=pricing]", "free")
        jeweler.wait_for_function("() => location.search.includes('pricing=free')")
        card.wait_for()
        assert "Verified" in card.inner_text()
        # A filter that excludes it: the card goes.
        jeweler.select_option(".market-filters select[name=pricing]", "subscription")
        jeweler.locator(".market-card", has_text=name).wait_for(state="detached")
        jeweler.select_option(".market-filters select[name=pricing]", "free")
        card.wait_for()
        shot(jeweler, "search")
        card.click()
        jeweler.wait_for_url(f"{base}/marketplace/{slug}")
        jeweler.click("a.btn:has-text('Install')")
        jeweler.wait_for_url(f"{base}/oauth/authorize?*")
        assert "customers" in jeweler.inner_text("main").lower()
        shot(jeweler, "consent")
        jeweler.click("button[name=decision][value=approve]")
        jeweler.wait_for_url(f"{app_url}/**")
        assert "/tenants/" in jeweler.url, (jeweler.url, jeweler.inner_text("body"), ref.output())
        tenant_id = jeweler.url.rsplit("/", 1)[1]
        assert jeweler.inner_text("#customer-count") == "2 customers"
        shot(jeweler, "reference-app")
        assert (
            sql(
                "SELECT count(*) AS n FROM public.app_install WHERE listing_id = $1"
                " AND tenant_id = $2 AND uninstalled_at IS NULL",
                listing_id,
                uuid.UUID(tenant_id),
            )[0]["n"]
            == 1
        )

        # --- a customer created in the CRM reaches the app as a signed webhook -----------------
        add_customer(jeweler, base, "Cy Citrine", f"cy-{tag}@example.com")
        created = wait_for(
            "customer.created at the app",
            lambda: [
                e
                for e in ref.events()
                if e["event"] == "customer.created"
                and e["tenant_id"] == tenant_id
                and "Cy Citrine" in str(e["data"])
            ],
        )
        assert len(created) == 1
        wait_for(
            "app.installed at the app",
            lambda: [
                e
                for e in ref.events()
                if e["event"] == "app.installed" and e["tenant_id"] == tenant_id
            ],
        )
        jeweler.goto(f"{app_url}/tenants/{tenant_id}")
        assert jeweler.inner_text("#customer-count") == "3 customers"
        assert "customer.created" in jeweler.inner_text("#events")

        # --- the review waits for 24 hours of use; then it is written ------------------------
        jeweler.goto(f"{base}/marketplace/{slug}/reviews")
        assert "24 hours" in jeweler.inner_text(".review-why-not")
        sql(
            "UPDATE public.app_install SET installed_at = installed_at - interval '25 hours'"
            " WHERE listing_id = $1 AND tenant_id = $2",
            listing_id,
            uuid.UUID(tenant_id),
        )
        jeweler.goto(f"{base}/marketplace/{slug}/reviews")
        jeweler.check("input[name=rating][value='5']")
        jeweler.fill(".review-form textarea[name=body]", "Exactly the number we needed.")
        jeweler.click(".review-form button[type=submit]")
        jeweler.wait_for_selector("text=Exactly the number we needed.")
        row = sql("SELECT rating, review_count FROM public.listing WHERE id = $1", listing_id)[0]
        assert (float(row["rating"]), row["review_count"]) == (5.0, 1)
        shot(jeweler, "reviewed")

        # --- uninstall: read-only for the clean-up window, then refused -----------------------
        token = ref.data()["tenants"][tenant_id]["access_token"]
        jeweler.goto(f"{base}/settings/integrations")
        install_row = jeweler.locator(f"tr[data-listing='{slug}']")
        install_row.locator("summary:has-text('Uninstall')").click()
        install_row.locator("button:has-text('Yes, uninstall')").click()
        jeweler.wait_for_load_state()
        assert jeweler.locator(f"tr[data-listing='{slug}']").count() == 0
        tenant = wait_for(
            "the app's clean-up after app.uninstalled",
            lambda: (ref.data()["tenants"].get(tenant_id) or {}).get("cleanup_result"),
        )
        assert tenant == "HTTP 200"  # it read once with the clean-up grant
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/api/v1/customers?limit=1", headers=headers).status_code == 200
        assert (
            httpx.post(
                f"{base}/api/v1/customers",
                headers=headers,
                json={"firstName": "Not", "lastName": "Allowed", "email": f"no-{tag}@example.com"},
            ).status_code
            == 403
        )
        sql(
            "UPDATE public.app_install SET cleanup_until = now() - interval '1 second'"
            " WHERE listing_id = $1 AND tenant_id = $2",
            listing_id,
            uuid.UUID(tenant_id),
        )
        wait_for(
            "the token refused after the clean-up window",
            lambda: (
                httpx.get(f"{base}/api/v1/customers?limit=1", headers=headers).status_code == 401
            ),
            seconds=10,
        )
        jeweler.goto(f"{app_url}/tenants/{tenant_id}")
        assert "Uninstalled" in jeweler.inner_text("main")
