"""Customers, inventory and orders in a real browser: stock drops on order and returns on cancel."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.test_accounts_browser import shot, sign_up

pytestmark = pytest.mark.e2e


def test_customer_item_order_cancel(page: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Opal Atelier", "Odile Opal", f"crm-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav >> text=Customers")
    page.click("text=New customer")
    page.fill("input[name=full_name]", "Margot Pearl")
    page.fill("input[name=email]", "not an email")
    page.click("button:has-text('Add customer')")
    assert page.locator(".error[data-field=email]").inner_text() == "Invalid email format"
    page.fill("input[name=email]", "margot@example.com")
    page.fill("input[name=phone]", "+1 (555) 010-2030")
    page.fill("input[name=ring_label]", "6.5")
    page.fill("input[name=tags]", "vip, wedding")
    page.click("button:has-text('Add customer')")
    assert "Margot Pearl added." in page.inner_text(".flash")
    assert "+15550102030" in page.inner_text(".facts")
    assert "US 6.5" in page.inner_text(".facts")
    customer_url = page.url
    shot(page, "customer")

    page.click("nav >> text=Inventory")
    page.click("text=New item")
    page.fill("input[name=sku]", "RING-OPAL-1")
    page.fill("input[name=name]", "Opal Halo Ring")
    page.fill("input[name=category]", "rings")
    page.fill("input[name=price]", "1450.00")
    page.fill("input[name=quantity]", "2")
    page.fill("input[name=metal]", "18k Rose Gold")
    page.select_option("select[name=purity]", "18k")
    page.fill("input[name=carat]", "1.2")
    page.select_option("select[name=color]", "F")
    page.select_option("select[name=clarity]", "VS1")
    page.select_option("select[name=cert_lab]", "GIA")
    page.fill("input[name=cert_number]", "2141438171")
    page.click("button:has-text('Add item')")
    assert page.inner_text("#item-quantity") == "2"
    item_url = page.url
    shot(page, "item")

    page.goto(customer_url)
    page.click("text=New order")
    page.select_option(
        "select[name=item_0]", label="RING-OPAL-1 · Opal Halo Ring · $1,450.00 (2 in stock)"
    )
    page.fill("input[name=qty_0]", "3")
    page.click("button:has-text('Place order')")
    assert "Not enough stock" in page.inner_text(".flash-error")
    page.select_option(
        "select[name=item_0]", label="RING-OPAL-1 · Opal Halo Ring · $1,450.00 (2 in stock)"
    )
    page.fill("input[name=qty_0]", "1")
    page.click("button:has-text('Place order')")
    assert "stock reserved" in page.inner_text(".flash")
    assert page.inner_text("#order-status") == "pending"
    order_url = page.url
    shot(page, "order")
    page.goto(item_url)
    assert page.inner_text("#item-quantity") == "1"

    page.goto(order_url)
    page.click("button:has-text('Confirmed')")
    assert page.inner_text("#order-status") == "confirmed"
    page.click("summary:has-text('Cancel order')")
    page.click("button:has-text('Yes, cancel the order')")
    assert "stock released" in page.inner_text(".flash")
    assert page.inner_text("#order-status") == "cancelled"
    page.goto(item_url)
    assert page.inner_text("#item-quantity") == "2"

    page.goto(f"{order_url}/print")
    assert "Order sheet" in page.inner_text("body")
    shot(page, "order-print")

    page.goto(f"{base}/app/customers")
    page.fill("input[name=q]", "marg")
    page.wait_for_selector("#customer-rows >> text=Margot Pearl")
    page.fill("input[name=q]", "zzzz-nobody")
    page.wait_for_selector("#customer-rows >> text=No customers match")
    shot(page, "customers-search")
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        (order_url, "phone-order"),
        (item_url, "phone-item"),
        (f"{base}/app/inventory", "phone-inventory"),
    ):
        page.goto(path)
        shot(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a phone"
