"""Upgrading Free to Professional through (test-mode) checkout, then cancelling back to Free."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.test_accounts_browser import shot, sign_up

pytestmark = pytest.mark.e2e


def test_upgrade_and_cancel(page: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Tier Gems", "Tia Tier", f"tier-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav >> text=API keys")
    page.fill("input[name=name]", "Limit probe")
    page.click("button:has-text('Create key')")
    key = page.inner_text("#new-api-key")
    auth = {"Authorization": f"Bearer {key}"}
    assert (
        httpx.get(f"{base}/api/v1/customers", headers=auth).headers["x-ratelimit-limit"] == "1000"
    )
    page.click("nav >> text=Billing")
    assert page.inner_text("#current-plan") == "Free"
    page.click("button:has-text('Upgrade to Professional')")
    assert "Test mode" in page.inner_text(".page-head")
    shot(page, "test-checkout")
    page.click("button:has-text('Pay $49 (test)')")
    assert "Your new plan is active" in page.inner_text(".flash")
    assert page.inner_text("#current-plan") == "Professional"
    assert "paid" in page.inner_text("table")
    shot(page, "billing")
    assert (
        httpx.get(f"{base}/api/v1/customers", headers=auth).headers["x-ratelimit-limit"] == "10000"
    )
    page.click("summary:has-text('Cancel subscription')")
    page.click("button:has-text('Yes, cancel the subscription')")
    assert page.inner_text("#current-plan") == "Professional"
    assert "ends" in page.inner_text(".facts")
    page.click("button:has-text('End the period now')")
    assert page.inner_text("#current-plan") == "Free"
    assert (
        httpx.get(f"{base}/api/v1/customers", headers=auth).headers["x-ratelimit-limit"] == "1000"
    )
    page.goto(f"{base}/pricing")
    assert page.locator(".plan").count() == 3
