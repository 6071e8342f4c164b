"""Developers > Alerts in a real browser: reach it from the side navigation, add a rule (a field
error first), opt in to the weekly report, delete the rule through its confirmation."""

from __future__ import annotations

import shutil
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up

pytestmark = pytest.mark.e2e


def test_alerts_page(page: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Alert Gems", "Ada Alert", f"alert-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav.sidenav >> text=Alerts")
    page.wait_for_url(f"{base}/developers/alerts")
    assert page.locator("#no-rules").is_visible() and page.locator("#no-incidents").is_visible()

    form = page.locator("#rule-form")
    form.locator("input[name=name]").fill("Checkout errors")
    form.locator("select[name=metric]").select_option("error_rate")
    form.locator("input[name=threshold]").fill("250")
    form.locator("button[type=submit]").click()
    page.locator(".error[data-field=threshold]").wait_for()
    assert "between 0 and 100" in page.inner_text(".error[data-field=threshold]")

    form = page.locator("#rule-form")
    form.locator("input[name=threshold]").fill("5")
    form.locator("input[name=window_minutes]").fill("10")
    form.locator("input[name=channels][value=webhook]").uncheck()
    form.locator("button[type=submit]").click()
    page.locator("text=Alert rule “Checkout errors” added").wait_for()
    row = page.locator("#rules tbody tr")
    assert row.count() == 1
    assert "Error rate (5xx) above 5%" in row.inner_text()
    assert "email, in-app" in row.inner_text()

    page.locator("#weekly-report input[name=weekly_report]").check()
    page.locator("#weekly-report button[type=submit]").click()
    page.locator(".flash", has_text="each Monday").wait_for()
    assert page.locator("#weekly-report input[name=weekly_report]").is_checked()

    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        path = ARTIFACTS / f"alerts{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, f"/tmp/alerts{suffix}.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("#rules summary", has_text="Delete").click()
    page.locator("#rules button", has_text="Yes, delete").click()
    page.locator("text=Alert rule “Checkout errors” deleted").wait_for()
    assert page.locator("#no-rules").is_visible()
