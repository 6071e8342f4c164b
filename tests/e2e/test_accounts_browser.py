"""Sign-up, log-out, log-in, two-factor, invites and switching business in a real browser."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pyotp
import pytest

from tests.conftest import STRONG_PASSWORD
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_up(page: Any, base: str, business: str, name: str, email: str) -> None:
    """Sign up (the answer is the same for every address, so it signs nobody in), then log in."""
    page.goto(f"{base}/signup")
    page.fill("input[name=business_name]", business)
    page.fill("input[name=full_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/login")
    assert "Welcome to Jewelia" in page.inner_text(".flash")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/app")


def log_in(page: Any, base: str, email: str, password: str = STRONG_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def log_out(page: Any, base: str) -> None:
    page.click("text=Log out")
    page.wait_for_url(f"{base}/login")


def latest_mail_link(page: Any, base: str, to: str, pattern: str) -> str:
    page.goto(f"{base}/dev/mail?to={to}")
    page.click("table a >> nth=0")
    body = page.inner_text(".mail-body")
    found = re.search(pattern, body)
    assert found, body
    return found.group(0)


def test_signup_logout_login_and_bad_input(page: Any, live_server: str) -> None:
    base = live_server
    page.goto(base)
    shot(page, "landing")
    page.click("text=Create your business")
    page.fill("input[name=business_name]", "")
    page.fill("input[name=email]", "not-an-email")
    page.fill("input[name=password]", "short")
    page.click("button[type=submit]")
    assert page.locator(".error[data-field=email]").inner_text() == "Invalid email format"
    assert "at least 10" in page.locator(".error[data-field=password]").inner_text()
    shot(page, "signup-errors")
    email = f"browser-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(page, base, "Sapphire Atelier", "Sam Sapphire", email)
    assert page.inner_text("h1") == "Sapphire Atelier"
    shot(page, "dashboard")
    log_out(page, base)
    log_in(page, base, email, "wrong-password-123")
    assert "Invalid email or password" in page.inner_text(".flash-error")
    log_in(page, base, email)
    page.wait_for_url(f"{base}/app")
    assert page.inner_text("h1") == "Sapphire Atelier"


def test_two_factor_login(page: Any, live_server: str) -> None:
    base = live_server
    email = f"totp-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(page, base, "Twofold Gems", "Tess Two", email)
    page.click("nav >> text=Security")
    page.click("text=Set up two-factor")
    secret = page.inner_text("#totp-secret")
    assert page.locator("img[alt^='QR code']").is_visible()
    shot(page, "security-setup")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("text=Turn on two-factor")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "recovery-codes")
    page.click("text=Done")
    log_out(page, base)
    log_in(page, base, email)
    page.wait_for_url(f"{base}/login/2fa")
    page.fill("input[name=code]", "000000")
    page.click("button[type=submit]")
    assert "Invalid authentication code" in page.inner_text(".flash-error")
    # Each code works once and turning two-factor on spent the current one: use the next.
    page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/app")
    log_out(page, base)
    log_in(page, base, email)
    page.wait_for_url(f"{base}/login/2fa")
    page.fill("input[name=code]", codes[0].strip())
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/app")


def test_invite_accept_and_switch_business(page: Any, browser: Any, live_server: str) -> None:
    base = live_server
    owner = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    invitee = f"invitee-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(page, base, "Emerald House", "Olga Owner", owner)
    page.click("nav >> text=Team")
    page.fill("input[name=email]", invitee)
    page.select_option("select[name=role]", "admin")
    page.click("text=Send invitation")
    assert f"Invitation sent to {invitee}" in page.inner_text(".flash")
    shot(page, "team")
    link = latest_mail_link(page, base, invitee, r"http://\S+/invite/[\w-]+")

    other = browser.new_context(viewport={"width": 390, "height": 844})
    guest = other.new_page()
    guest.goto(link)
    assert "Join Emerald House" in guest.inner_text("h1")
    guest.fill("input[name=full_name]", "Ivan Invitee")
    guest.fill("input[name=password]", STRONG_PASSWORD)
    guest.click("text=Accept invitation")
    guest.wait_for_url(f"{base}/app")
    assert "You have joined Emerald House" in guest.inner_text(".flash")
    shot(guest, "phone-dashboard")
    width = guest.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a phone"
    guest.click("label.menu-button")  # on a phone the menu is folded behind its button
    guest.click("text=+ Add a business")
    guest.fill("input[name=business_name]", "Ivan's Own Shop")
    guest.click("button:has-text('Create business')")
    guest.wait_for_url(f"{base}/app")
    assert guest.inner_text("h1") == "Ivan's Own Shop"
    guest.click("label.menu-button")
    guest.select_option("#tenant-switch", label="Emerald House")
    guest.click("button:has-text('Switch')")
    assert "Switched to Emerald House" in guest.inner_text(".flash")
    assert guest.inner_text("h1") == "Emerald House"
    other.close()

    page.goto(f"{base}/app/team")
    row = page.locator(f"tr[data-email='{invitee}']")
    assert row.locator("select").input_value() == "admin"
    row.locator("select").select_option("member")
    page.wait_for_selector("text=Role updated.")
    assert page.locator(f"tr[data-email='{invitee}'] select").input_value() == "member"
    page.click("nav >> text=Audit log")
    assert "member.role_changed" in page.inner_text("table")
    shot(page, "audit")
