"""Issue 10, pages, in a real browser: destructive buttons ask first (no script), a refused page
keeps the app's layout, the new-order form fits its card, and phones get a folded menu and
tables that fit the screen.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD
from tests.e2e.test_accounts_browser import latest_mail_link, shot, sign_up

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LIST_PAGES = (
    "/app",
    "/app/customers",
    "/app/inventory",
    "/app/orders",
    "/app/data/jobs",
    "/app/team",
    "/app/audit",
    "/settings/api-keys",
    "/developers/webhooks",
    "/developers/webhooks/inbound",
    "/settings/billing",
)


def _business(page: Any, base: str, name: str) -> httpx.Client:
    """Sign up a business; an API client with a key made on the API keys page."""
    sign_up(page, base, name, "Ines Owner", f"rev-{uuid.uuid4().hex[:8]}@example.com")
    page.goto(f"{base}/settings/api-keys")
    page.fill("input[name=name]", "Review key")
    for permission in ("write", "delete", "admin"):
        page.check(f"input[name=permissions][value={permission}]")
    page.click("button:has-text('Create key')")
    key = page.inner_text("#new-api-key")
    return httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {key}"})


def _created(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(path, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json()["data"])


def _ask(page: Any, scope: str, summary: str) -> Any:
    """Click a destructive button: its question opens in place; the details element."""
    details = page.locator(
        f"{scope} details.confirm", has=page.locator(f"summary:text('{summary}')")
    )
    assert not details.locator("button[type=submit]").is_visible()
    details.locator("summary").click()
    assert details.locator("p").is_visible()
    return details


def _keep(page: Any, scope: str, summary: str) -> None:
    """Open the question and answer Keep: the page comes back with the question closed."""
    details = _ask(page, scope, summary)
    details.locator("a:has-text('Keep')").click()
    page.wait_for_load_state()
    assert not page.locator(f"{scope} details.confirm[open]").count()


def _yes(page: Any, scope: str, summary: str, answer: str) -> None:
    _ask(page, scope, summary).locator(f"button:has-text('{answer}')").click()
    page.wait_for_load_state()


def test_destructive_actions_ask_first(page: Any, browser: Any, live_server: str) -> None:
    base = live_server
    api = _business(page, base, "Garnet Lane")
    customer = _created(api, "/customers", {"full_name": "Gina Garnet"})
    spare = _created(api, "/customers", {"full_name": "Sam Spare"})
    item = _created(
        api,
        "/inventory",
        {"sku": "GAR-1", "name": "Garnet Ring", "category": "rings", "price": 300, "quantity": 3},
    )
    order = _created(
        api, "/orders", {"customer_id": customer["id"], "items": [{"inventory_id": item["id"]}]}
    )

    # Cancel order: Keep changes nothing; Yes cancels and releases the stock.
    page.goto(f"{base}/app/orders/{order['id']}")
    _keep(page, "main", "Cancel order")
    assert page.inner_text("#order-status") == "pending"
    assert api.get(f"/inventory/{item['id']}").json()["data"]["quantity"] == 2
    _ask(page, "main", "Cancel order")
    shot(page, "review-confirm-cancel-order")
    page.click("button:has-text('Yes, cancel the order')")
    assert "stock released" in page.inner_text(".flash")
    assert page.inner_text("#order-status") == "cancelled"
    assert api.get(f"/inventory/{item['id']}").json()["data"]["quantity"] == 3

    # Delete customer (the pattern every other button now shares).
    page.goto(f"{base}/app/customers/{spare['id']}")
    _keep(page, "main", "Delete customer")
    assert api.get(f"/customers/{spare['id']}").status_code == 200
    _yes(page, "main", "Delete customer", "Yes, delete")
    assert "Customer deleted." in page.inner_text(".flash")
    assert api.get(f"/customers/{spare['id']}").status_code == 404

    # API keys: revoke and rotate.
    extra = _created(api, "/api-keys", {"name": "Doomed key", "permissions": ["read"]})
    row = f"tr[data-key='{extra['prefix']}']"
    page.goto(f"{base}/settings/api-keys")
    _keep(page, row, "Revoke")
    assert "active" in page.inner_text(row)
    _yes(page, row, "Revoke", "Yes, revoke")
    assert "revoked." in page.inner_text(".flash") and "revoked" in page.inner_text(row)
    first = page.locator("tr[data-key]").filter(has=page.locator("summary:text('Rotate')")).first
    prefix = first.get_attribute("data-key")
    details = _ask(page, f"tr[data-key='{prefix}']", "Rotate")
    details.locator("select[name=grace_period_hours]").select_option("1")
    shot(page, "review-confirm-rotate-key")
    details.locator("button:has-text('Yes, rotate')").click()
    assert page.locator("#new-api-key").is_visible()

    # Webhook endpoint: disable, rotate the secret, delete.
    hook = _created(api, "/webhooks", {"url": "https://hooks.example.com/garnet", "events": ["*"]})
    page.goto(f"{base}/developers/webhooks/{hook['id']}")
    _keep(page, "main", "Disable")
    assert api.get(f"/webhooks/{hook['id']}").json()["data"]["enabled"] is True
    _yes(page, "main", "Disable", "Yes, disable")
    assert api.get(f"/webhooks/{hook['id']}").json()["data"]["enabled"] is False
    _yes(page, "main", "Rotate secret", "Yes, rotate")
    assert page.locator("#new-webhook-secret").is_visible()
    page.goto(f"{base}/developers/webhooks/{hook['id']}")
    _keep(page, "main", "Delete endpoint")
    assert api.get(f"/webhooks/{hook['id']}").status_code == 200
    _yes(page, "main", "Delete endpoint", "Yes, delete")
    assert api.get(f"/webhooks/{hook['id']}").status_code == 404

    # Incoming webhook source: rotate, delete.
    source = _created(api, "/webhooks/inbound", {"name": "Etsy shop"})
    row = f"tr[data-source='{source['id']}']"
    page.goto(f"{base}/developers/webhooks/inbound")
    _yes(page, row, "Rotate secret", "Yes, rotate")
    assert page.locator("#new-inbound-secret").is_visible()
    _keep(page, row, "Delete")
    assert api.get(f"/webhooks/inbound/{source['id']}").status_code == 200
    _yes(page, row, "Delete", "Yes, delete")
    assert "Etsy shop deleted." in page.inner_text(".flash")

    # Team: remove a member, revoke an invitation.
    member = f"mem-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{base}/app/team")
    page.fill("input[name=email]", member)
    page.click("text=Send invitation")
    link = latest_mail_link(page, base, member, r"http://\S+/invite/[\w-]+")
    other = browser.new_context()
    guest = other.new_page()
    guest.goto(link)
    guest.fill("input[name=full_name]", "Milo Member")
    guest.fill("input[name=password]", STRONG_PASSWORD)
    guest.click("text=Accept invitation")
    guest.wait_for_url(f"{base}/app")
    other.close()
    row = f"tr[data-email='{member}']"
    page.goto(f"{base}/app/team")
    _keep(page, row, "Remove")
    assert page.locator(row).count() == 1
    _ask(page, row, "Remove")
    shot(page, "review-confirm-remove-member")
    page.locator(row).locator("button:has-text('Yes, remove')").click()
    assert "Member removed." in page.inner_text(".flash") and page.locator(row).count() == 0
    pending = f"pend-{uuid.uuid4().hex[:8]}@example.com"
    page.fill("input[name=email]", pending)
    page.click("text=Send invitation")
    invite = f".list li:has-text('{pending}')"
    _keep(page, invite, "Revoke")
    assert page.locator(invite).count() == 1
    _yes(page, invite, "Revoke", "Yes, revoke")
    assert "Invitation revoked." in page.inner_text(".flash") and page.locator(invite).count() == 0

    # A stray POST without the confirmation step gets the question on a page of its own.
    page.goto(f"{base}/app/customers/{customer['id']}")
    token = page.locator("input[name=_csrf_token]").first.input_value()
    page.evaluate(
        """([action, token]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = action;
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = '_csrf_token'; input.value = token;
            form.appendChild(input); document.body.appendChild(form); form.submit();
        }""",
        [f"/app/customers/{customer['id']}/delete", token],
    )
    page.wait_for_selector("#confirm-page")
    assert page.locator("#confirm-page details.confirm[open]").is_visible()
    shot(page, "review-confirm-page")
    page.click("a:has-text('Keep')")
    assert api.get(f"/customers/{customer['id']}").status_code == 200


def test_forbidden_page_keeps_the_app_layout(page: Any, browser: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Beryl Court", "Bo Beryl", f"rev-{uuid.uuid4().hex[:8]}@example.com")
    viewer = f"ro-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{base}/app/team")
    page.fill("input[name=email]", viewer)
    page.select_option("select[name=role]", "read-only")
    page.click("text=Send invitation")
    link = latest_mail_link(page, base, viewer, r"http://\S+/invite/[\w-]+")
    other = browser.new_context(viewport={"width": 1280, "height": 800})
    guest = other.new_page()
    guest.goto(link)
    guest.fill("input[name=full_name]", "Rita Reader")
    guest.fill("input[name=password]", STRONG_PASSWORD)
    guest.click("text=Accept invitation")
    guest.wait_for_url(f"{base}/app")
    for path in ("/settings/api-keys", f"/app/customers/{uuid.uuid4()}"):
        answer = guest.goto(f"{base}{path}")
        assert answer is not None and answer.status in (403, 404), path
        assert guest.locator("aside.sidebar").is_visible()
        assert guest.locator(".topbar").count() == 0
        assert "Rita Reader" in guest.inner_text(".sidebar-foot")
        assert "Beryl Court" in guest.inner_text("#tenant-switch")
    guest.goto(f"{base}/settings/api-keys")
    assert guest.inner_text("h1") == "Not allowed"
    assert "Only owners and admins can manage API keys" in guest.inner_text("#error-page")
    shot(guest, "review-403-in-layout")
    guest.set_viewport_size(PHONE)
    shot(guest, "review-403-in-layout-phone")
    other.close()


def test_new_order_form_fits_its_card(page: Any, live_server: str) -> None:
    base = live_server
    api = _business(page, base, "Topaz Row")
    customer = _created(api, "/customers", {"full_name": "Tom Topaz"})
    _created(
        api,
        "/inventory",
        {
            "sku": "TOPAZ-LONG-NAME-0001",
            "name": "Blue Topaz and Diamond Halo Cocktail Ring in 18k White Gold, Size 7",
            "category": "rings",
            "price": 4850,
            "quantity": 12,
        },
    )
    page.goto(f"{base}/app/customers/{customer['id']}/orders/new")
    card = page.locator("main .card").first.bounding_box()
    for part in ("form", "table.picker", "select[name=item_0]", "input[name=price_0]"):
        box = page.locator(f"main .card {part}").first.bounding_box()
        assert box["x"] >= card["x"], part
        assert box["x"] + box["width"] <= card["x"] + card["width"], (part, box, card)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, "review-order-form-1280")


def test_phone_menu_folds_and_tables_fit(page: Any, live_server: str) -> None:
    base = live_server
    api = _business(page, base, "Jade Wharf")
    customer = _created(
        api,
        "/customers",
        {"full_name": "Josephine Jade-Whitmore", "email": "josephine.jade-whitmore@example.com"},
    )
    item = _created(
        api,
        "/inventory",
        {
            "sku": "JADE-BANGLE-01",
            "name": "Jade Bangle",
            "category": "bracelets",
            "price": 950,
            "quantity": 2,
        },
    )
    _created(
        api, "/orders", {"customer_id": customer["id"], "items": [{"inventory_id": item["id"]}]}
    )
    _created(api, "/webhooks", {"url": "https://hooks.example.com/jade/orders", "events": ["*"]})
    _created(api, "/webhooks/inbound", {"name": "Jade web shop"})
    r = api.post(
        "/import-export", params={"action": "export"}, json={"type": "customers", "format": "csv"}
    )
    assert r.status_code == 202, r.text

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/app/customers")
    assert page.locator("label.menu-button").is_visible()
    assert not page.locator("nav.sidenav").is_visible()
    assert not page.locator("#tenant-switch").is_visible()
    shot(page, "review-phone-menu-closed")
    page.click("label.menu-button")
    assert page.locator("nav.sidenav").is_visible()
    shot(page, "review-phone-menu-open")
    page.click("nav.sidenav >> text=Orders")
    page.wait_for_url(f"{base}/app/orders")
    assert not page.locator("nav.sidenav").is_visible()  # folded again on the next page

    for path in LIST_PAGES:
        page.goto(f"{base}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a phone"
        wider = page.evaluate(
            """() => [...document.querySelectorAll('table')]
                .filter(t => t.getBoundingClientRect().right > window.innerWidth + 1
                          || t.scrollWidth > t.parentElement.clientWidth + 1)
                .map(t => t.id || t.className)"""
        )
        assert wider == [], f"{path}: tables wider than the screen: {wider}"
        shot(page, "review-phone" + path.replace("/", "-"))

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/app/customers")
    assert page.locator("nav.sidenav").is_visible()
    assert not page.locator("label.menu-button").is_visible()
