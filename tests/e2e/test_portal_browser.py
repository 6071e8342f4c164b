"""The developer portal in Chromium: every tab renders (desktop and phone width); the API
reference (vendored Scalar) renders our samples and makes no request to any other host; signed
in, try-it on GET /customers inside Scalar returns the business's own data; no key secret or
token is ever in the page's HTML."""

from __future__ import annotations

import shutil
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up
from tests.e2e.test_crm_browser import add_customer

pytestmark = pytest.mark.e2e

TABS = [
    ("/developers", "Get started"),
    ("/developers/auth", "Authentication"),
    ("/developers/reference", "API reference"),
    ("/developers/sdks", "SDKs & examples"),
    ("/developers/webhooks-guide", "Webhooks & real-time"),
    ("/developers/errors", "Errors & rate limits"),
    ("/developers/changelog", "Changelog & versioning"),
]
# Scalar parses and renders the whole document in the page: a busy machine needs time.
RENDER_MS = 60_000


def _shots(page: Any, name: str, whole: bool = True) -> None:
    """Desktop and phone-width captures (kept with the other artifacts, copied to /tmp); the
    phone one of the whole page unless `whole` is False (the reference is very long)."""
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        page.wait_for_timeout(300)  # let the layout settle after the resize
        path = ARTIFACTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=whole and width == 390)
        shutil.copy(path, f"/tmp/{name}{suffix}.png")
    page.set_viewport_size({"width": 1280, "height": 800})


def _outside_requests(page: Any, base: str) -> list[str]:
    """A list that fills with every request the page makes to another host."""
    own = urlsplit(base).netloc
    outside: list[str] = []

    def record(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != own:
            outside.append(request.url)

    page.on("request", record)
    return outside


def _reference_ready(page: Any) -> None:
    """Wait until Scalar has rendered the document: the customers operations are listed."""
    page.locator("#dev-reference .scalar-app").first.wait_for(timeout=RENDER_MS)
    page.get_by_text("List customers").first.wait_for(timeout=RENDER_MS)


def test_every_tab_renders_and_the_reference_stays_on_this_server(
    page: Any, live_server: str
) -> None:
    base = live_server
    outside = _outside_requests(page, base)
    for path, label in TABS:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        current = page.locator('nav.dev-tabs a[aria-current="page"]')
        assert current.inner_text() == label
        if path == "/developers/reference":
            _reference_ready(page)
        else:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1280
        name = "portal-" + (path.rsplit("/", 1)[-1] if path != "/developers" else "start")
        _shots(page, name, whole=path != "/developers/reference")
        if path != "/developers/reference":
            page.set_viewport_size({"width": 390, "height": 860})
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide on a phone"
            page.set_viewport_size({"width": 1280, "height": 800})
    assert outside == [], f"requests to other hosts: {outside}"


def test_reference_shows_our_samples_and_fetches_nothing_elsewhere(
    page: Any, live_server: str
) -> None:
    base = live_server
    outside = _outside_requests(page, base)
    page.goto(f"{base}/developers/reference")
    _reference_ready(page)
    page.get_by_text("List customers").first.click()
    # Our curl sample (not one Scalar generates): the key comes from the environment.
    page.get_by_text("$JEWELIA_API_KEY").first.wait_for(timeout=RENDER_MS)
    page.get_by_role("button", name="Change code sample language").first.click()
    page.get_by_role("option", name="Python (SDK)").first.click()
    page.get_by_text('client.customers.list(page=1, limit=20, search="john")').first.wait_for()
    page.wait_for_timeout(1000)  # anything lazy (fonts, icons, images) would have been asked for
    assert outside == [], f"requests to other hosts: {outside}"


def test_try_it_returns_the_signed_in_business_data(page: Any, live_server: str) -> None:
    """No token until the member sends a call; one then, another when a call answers 401
    (an expired token), none once the session has ended."""
    base = live_server
    outside = _outside_requests(page, base)
    tag = uuid.uuid4().hex[:8]
    sign_up(page, base, f"Try Gems {tag}", "Tara Try", f"try-{tag}@example.com")
    name = f"Opal Tryit {tag}"
    add_customer(page, base, name, f"opal-{tag}@example.com")
    # A key exists, so its secret must appear nowhere below.
    page.goto(f"{base}/settings/api-keys")
    form = page.locator("#create-key-form")
    form.locator("input[name=name]").fill("Shop sync")
    form.locator("button[type=submit]").click()
    secret = page.inner_text("#new-api-key").strip()
    assert secret.startswith("jw_live_")

    minted: list[str] = []
    page.on(
        "request",
        lambda r: minted.append(r.url) if r.url.endswith("/developers/reference/token") else None,
    )
    response = page.goto(f"{base}/developers/reference")
    served = response.text()
    assert secret not in served and "eyJ" not in served  # no key, no token in the HTML
    _reference_ready(page)
    assert page.get_attribute("#dev-reference", "data-try-it") == "idle"
    assert minted == []  # nothing is minted until the member sends a call
    _shots(page, "portal-try-idle", whole=False)

    # The first call's token is refused as expired (as after five minutes): the page mints
    # another and sends the call again, once.
    refused: list[str] = []

    def expire_once(route: Any) -> None:
        if refused:
            route.continue_()
            return
        refused.append(route.request.headers.get("authorization", ""))
        route.fulfill(
            status=401,
            content_type="application/json",
            body='{"success": false, "error": "Token has expired", "code": "AUTHENTICATION_ERROR"}',
        )

    page.route("**/api/v1/customers?*", expire_once)
    page.get_by_text("List customers").first.click()
    page.get_by_role("button", name="Test Request").first.click()
    page.locator('button:has-text("Send")').first.click()
    page.get_by_text(name).first.wait_for(timeout=RENDER_MS)  # in Scalar's response panel
    page.locator("#dev-reference[data-try-it=ready]").wait_for()
    assert refused and refused[0].startswith("Bearer eyJ")
    assert len(minted) == 2, minted
    page.unroute("**/api/v1/customers?*")
    _shots(page, "portal-try-it", whole=False)
    assert secret not in page.content()

    # Signed out (the cookies gone): "Use my session" finds the session over, and the page
    # asks for no more tokens, even when a call is sent.
    page.context.clear_cookies()
    page.keyboard.press("Escape")  # close Scalar's request window, which covers the page
    page.locator("#try-session").click()
    page.locator("#dev-reference[data-try-it=ended]").wait_for()
    assert "session has ended" in page.inner_text("#try-status")
    page.get_by_role("button", name="Test Request").first.click()
    page.locator('button:has-text("Send")').first.click()
    page.get_by_text("AUTHENTICATION_ERROR").first.wait_for(timeout=RENDER_MS)
    assert len(minted) == 3, minted
    assert outside == [], f"requests to other hosts: {outside}"
