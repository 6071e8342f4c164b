"""The pre-hijacking story in a real browser: an account made with someone else's address
inherits nothing once the real owner takes the address back."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD
from tests.e2e.test_accounts_browser import latest_mail_link, log_in, shot, sign_up

pytestmark = pytest.mark.e2e

VICTIM_PASSWORD = "Victim-Owns-This-Address-1"


def test_account_pre_hijacking_is_undone_by_the_real_owner(
    page: Any, browser: Any, live_server: str
) -> None:
    base = live_server
    victim = f"victim-{uuid.uuid4().hex[:8]}@example.com"

    # The attacker signs up with the victim's address, keeps the session and gets API tokens.
    sign_up(page, base, "Squatter Gems", "Mallory", victim)
    assert page.inner_text("h1") == "Squatter Gems"
    tokens = httpx.post(
        f"{base}/api/v1/auth/token", json={"email": victim, "password": STRONG_PASSWORD}
    ).json()["data"]
    assert tokens["refresh_token"].startswith("jwr_")

    # The victim takes the address back with an emailed reset link.
    victim_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    mine = victim_ctx.new_page()
    mine.goto(f"{base}/password/forgot")
    mine.fill("input[name=email]", victim)
    mine.click("button[type=submit]")
    assert "If an account exists" in mine.inner_text(".flash-ok")
    reset = latest_mail_link(mine, base, victim, r"http://\S+/password/reset/[\w-]+")
    mine.goto(reset)
    mine.fill("input[name=password]", VICTIM_PASSWORD)
    mine.click("button[type=submit]")
    mine.wait_for_url(f"{base}/login")
    assert "Your password has been changed" in mine.inner_text(".flash")

    # Later a jeweler invites the victim to their business; the victim accepts.
    owner_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    owner = owner_ctx.new_page()
    sign_up(owner, base, "Inviting Gems", "Olga", f"inviter-{uuid.uuid4().hex[:8]}@example.com")
    owner.click("nav >> text=Team")
    owner.fill("input[name=email]", victim)
    owner.click("text=Send invitation")
    assert f"Invitation sent to {victim}" in owner.inner_text(".flash")
    owner_ctx.close()
    invite = latest_mail_link(mine, base, victim, r"http://\S+/invite/[\w-]+")
    log_in(mine, base, victim, VICTIM_PASSWORD)
    mine.wait_for_url(f"{base}/app")
    mine.goto(invite)
    assert "Join Inviting Gems" in mine.inner_text("h1")
    mine.click("text=Accept invitation")
    mine.wait_for_url(f"{base}/app")
    assert "You have joined Inviting Gems" in mine.inner_text(".flash")
    shot(mine, "prehijack-victim-joined")
    victim_ctx.close()

    # The attacker's old browser session, tokens and password get nothing.
    page.goto(f"{base}/app/team")
    page.wait_for_url(f"{base}/login?next=/app/team")
    shot(page, "prehijack-attacker-refused")
    refreshed = httpx.post(
        f"{base}/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "AUTHENTICATION_ERROR"
    customers = httpx.get(
        f"{base}/api/v1/customers",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert customers.status_code == 401
    log_in(page, base, victim, STRONG_PASSWORD)
    assert "Invalid email or password" in page.inner_text(".flash-error")
