"""CRM pages in a real browser: edits and history, sort with live search, filters, delete, roles.

The basic customer → item → order → cancel flow is in test_crm_pages_browser.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.conftest import STRONG_PASSWORD
from tests.e2e.test_accounts_browser import latest_mail_link, shot, sign_up

pytestmark = pytest.mark.e2e


def add_customer(page: Any, base: str, name: str, email: str) -> str:
    page.goto(f"{base}/app/customers/new")
    page.fill("input[name=full_name]", name)
    page.fill("input[name=email]", email)
    page.click("button:has-text('Add customer')")
    assert f"{name} added." in page.inner_text(".flash")
    return str(page.url)


def fits_phone(page: Any, name: str) -> None:
    shot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a phone"


def test_edit_sort_filter_delete(page: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Beryl & Amber", "Bea Beryl", f"crm2-{uuid.uuid4().hex[:8]}@example.com")
    beatrice = add_customer(page, base, "Beatrice Beryl", "bea@example.com")
    aaron = add_customer(page, base, "Aaron Amber", "aaron@example.com")

    page.goto(beatrice)
    page.click("a:has-text('Edit')")
    page.fill("input[name=birthday]", "2999-01-01")
    page.fill("input[name=ring_label]", "Q")
    page.click("button:has-text('Save')")
    assert "between 1900 and today" in page.inner_text(".error[data-field=birthday]")
    assert "not a US ring size" in page.inner_text(".error[data-field=ring_label]")
    assert page.input_value("input[name=full_name]") == "Beatrice Beryl"
    shot(page, "crm-customer-edit-errors")
    page.fill("input[name=birthday]", "1990-04-12")
    page.select_option("select[name=ring_system]", "UK")
    page.click("button:has-text('Save')")
    assert "Beatrice Beryl saved." in page.inner_text(".flash")
    assert "UK Q" in page.inner_text(".facts")
    assert "Changed birthday, ring size" in page.inner_text(".activity")

    page.goto(f"{base}/app/customers")
    page.select_option("select[name=sort]", "-full_name")
    page.wait_for_url(re.compile(r"sort=-full_name"))
    assert page.locator("#customer-rows tbody tr").first.inner_text().startswith("Beatrice")
    page.fill("input[name=q]", "amber")
    page.wait_for_selector("#customer-rows >> text=1 customer matching")
    assert "sort=-full_name" in page.url, "live search dropped the sort"
    assert "Aaron Amber" in page.inner_text("#customer-rows tbody")
    page.goto(page.url)  # the pushed URL renders the whole page without JavaScript's help
    assert page.inner_text("h1") == "Customers" and page.input_value("input[name=q]") == "amber"

    page.goto(f"{base}/app/inventory/new")
    page.fill("input[name=sku]", "PEND-BERYL")
    page.fill("input[name=name]", "Beryl Pendant")
    page.fill("input[name=category]", "Pendants")
    page.fill("input[name=price]", "120.555")
    page.fill("input[name=quantity]", "1")
    page.fill("input[name=carat]", "-1")
    page.click("button:has-text('Add item')")
    assert "2 decimal places" in page.inner_text(".error[data-field=price]")
    assert "positive" in page.inner_text(".error[data-field=carat]")
    page.fill("input[name=price]", "120.50")
    page.fill("input[name=carat]", "0.8")
    page.select_option("select[name=shape]", "oval")
    page.click("button:has-text('Add item')")
    item = page.url
    page.goto(f"{base}/app/inventory?min_price=100&max_price=200&category=pendants")
    assert page.locator("[data-qty=PEND-BERYL]").inner_text() == "1"
    page.goto(f"{base}/app/inventory?min_price=500")
    assert "No items match" in page.inner_text("table")
    page.goto(f"{base}/app/inventory?min_price=lots")
    assert "Prices must be numbers" in page.inner_text(".flash-error")

    page.goto(beatrice)
    page.click("text=New order")
    label = "PEND-BERYL · Beryl Pendant · $120.50 (1 in stock)"
    page.select_option("select[name=item_0]", label=label)
    page.fill("input[name=qty_0]", "2")
    page.click("button:has-text('Place order')")
    assert (
        "Not enough stock for PEND-BERYL · Beryl Pendant: 2 requested, 1 left"
        in page.inner_text(".flash-error")
    )
    token = page.locator("input[name=_csrf_token]").first.input_value()
    tampered = page.request.post(
        f"{beatrice}/orders/new",
        form={"item_0": "not-an-item", "qty_0": "1", "_csrf_token": token},
    )
    assert tampered.status == 422, tampered.status
    page.select_option("select[name=item_0]", label=label)
    page.fill("input[name=qty_0]", "1")
    page.click("button:has-text('Place order')")
    assert "stock reserved" in page.inner_text(".flash")
    order = page.url
    page.goto(item)
    assert page.inner_text("#item-quantity") == "0"
    assert "sold" in page.inner_text(".item-card .badge")
    page.goto(f"{order}/print")
    page.emulate_media(media="print")
    assert not page.locator(".no-print").is_visible()
    assert "Beryl Pendant" in page.inner_text("table")
    shot(page, "crm-order-sheet-print")
    page.emulate_media(media="screen")

    page.goto(beatrice)
    assert not page.locator("button:has-text('Yes, delete')").is_visible()
    page.click("summary:has-text('Delete customer')")
    shot(page, "crm-delete-confirm")
    page.click("button:has-text('Yes, delete')")
    assert "has orders and cannot be deleted" in page.inner_text(".flash-error")
    assert page.url == beatrice
    page.goto(aaron)
    page.click("summary:has-text('Delete customer')")
    page.click("button:has-text('Yes, delete')")
    assert "Customer deleted." in page.inner_text(".flash")
    assert "Aaron Amber" not in page.inner_text("#customer-rows")


def test_read_only_member_can_look_but_not_change(
    page: Any, browser: Any, live_server: str
) -> None:
    base = live_server
    viewer = f"viewer-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(page, base, "Onyx Lane", "Olive Onyx", f"crm3-{uuid.uuid4().hex[:8]}@example.com")
    customer = add_customer(page, base, "Rita Ruby", "rita@example.com")
    page.goto(f"{base}/app/inventory/new")
    page.fill("input[name=sku]", "RUBY-STUD")
    page.fill("input[name=name]", "Ruby Studs")
    page.fill("input[name=category]", "earrings")
    page.fill("input[name=price]", "880")
    page.fill("input[name=quantity]", "3")
    page.click("button:has-text('Add item')")
    page.goto(customer)
    page.click("text=New order")
    page.select_option("select[name=item_0]", index=1)
    page.click("button:has-text('Place order')")
    order = page.url
    page.click("nav >> text=Team")
    page.fill("input[name=email]", viewer)
    page.select_option("select[name=role]", "read-only")
    page.click("text=Send invitation")
    link = latest_mail_link(page, base, viewer, r"http://\S+/invite/[\w-]+")

    other = browser.new_context(viewport={"width": 390, "height": 844})
    guest = other.new_page()
    guest.goto(link)
    guest.fill("input[name=full_name]", "Vera Viewer")
    guest.fill("input[name=password]", STRONG_PASSWORD)
    guest.click("text=Accept invitation")
    guest.wait_for_url(f"{base}/app")

    guest.goto(f"{base}/app/customers")
    assert "Rita Ruby" in guest.inner_text("#customer-rows")
    assert guest.locator("text=New customer").count() == 0
    fits_phone(guest, "crm-phone-customers")
    guest.goto(customer)
    assert "rita@example.com" in guest.inner_text(".facts")
    for hidden in ("New order", "Edit", "Delete customer"):
        assert guest.locator(f"text={hidden}").count() == 0, hidden
    guest.goto(order)
    assert guest.inner_text("#order-status") == "pending"
    assert guest.locator("button:has-text('Cancel order')").count() == 0
    fits_phone(guest, "crm-phone-order-read-only")
    guest.goto(f"{base}/app/inventory")
    assert guest.locator("text=New item").count() == 0
    fits_phone(guest, "crm-phone-inventory")

    token = guest.locator("input[name=_csrf_token]").first.input_value()
    refused = guest.request.post(
        order, form={"status": "cancelled", "_csrf_token": token}, max_redirects=0
    )
    assert refused.status == 403
    assert "read-only" in refused.text()
    new_form = guest.goto(f"{base}/app/customers/new")
    assert new_form is not None and new_form.status == 403
    guest.goto(order)
    assert guest.inner_text("#order-status") == "pending"
    other.close()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{customer}/orders/new")
    fits_phone(page, "crm-phone-order-form")
    page.goto(f"{customer}/edit")
    page.fill("input[name=email]", "rita-at-example")
    page.click("button:has-text('Save')")
    assert page.inner_text(".error[data-field=email]") == "Invalid email format"
    fits_phone(page, "crm-phone-customer-form")
