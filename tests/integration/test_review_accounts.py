"""Issue 10, accounts and sessions over HTTP: proven addresses, revocation, single-use TOTP
codes and lock-outs that cannot be aimed at someone else."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pyotp

from jewelia.core.db import fetch
from jewelia.core.redis_client import get_redis
from jewelia.core.security import hash_password
from jewelia.platform.accounts import service as accounts
from tests.conftest import STRONG_PASSWORD, prove_email, unique_email
from tests.integration.test_pages import CSRF, form_post

NEW_PASSWORD = "Another-Horse-Battery-7"


@asynccontextmanager
async def browser_at(app: Any, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client whose requests come from `ip`."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    ) as c:
        yield c


@asynccontextmanager
async def api_at(app: Any, ip: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """An API client without credentials, from `ip`."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40001))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local/api/v1"
    ) as c:
        yield c


async def mails(to: str, subject_part: str = "") -> list[str]:
    """Bodies of the emails queued for `to`, newest first."""
    rows = await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE lower(to_address) = lower($1)"
        " ORDER BY created_at DESC",
        to,
    )
    return [r["body_text"] for r in rows if subject_part in r["subject"]]


async def link(to: str, path: str) -> str:
    """The token of the newest link to `path` emailed to `to`."""
    for body in await mails(to):
        found = re.search(rf"{re.escape(path)}/([\w-]+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link for {to}")


async def log_in(c: httpx.AsyncClient, email: str, password: str = STRONG_PASSWORD) -> Any:
    return await form_post(c, "/login", {"email": email, "password": password})


async def signed_in(c: httpx.AsyncClient) -> bool:
    r = await c.get("/app", follow_redirects=False)
    assert r.status_code in (200, 302, 303), r.status_code
    return r.status_code == 200


async def tokens_for(app: Any, email: str, password: str = STRONG_PASSWORD) -> dict[str, Any]:
    async with api_at(app) as c:
        r = await c.post("/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["data"]  # type: ignore[no-any-return]


async def refresh(app: Any, token: str) -> httpx.Response:
    async with api_at(app) as c:
        return await c.post("/auth/refresh", json={"refresh_token": token})


async def api_get(app: Any, access: str) -> int:
    async with api_at(app) as c:
        return (
            await c.get("/customers", headers={"Authorization": f"Bearer {access}"})
        ).status_code


async def page_signup(c: httpx.AsyncClient, email: str, business: str) -> httpx.Response:
    return await form_post(
        c,
        "/signup",
        {
            "business_name": business,
            "full_name": "Nina New",
            "email": email,
            "password": STRONG_PASSWORD,
        },
    )


# --- 1. sign-up proves the address ----------------------------------------------------------


async def test_signup_answers_the_same_for_a_known_address_and_tells_its_owner(
    app: Any, business: Any
) -> None:
    owner, _ = business
    tenants = (await fetch("SELECT count(*) AS n FROM public.tenant"))[0]["n"]
    answers = []
    timings = []
    for email in (unique_email("fresh"), owner.email):
        async with browser_at(app, "10.60.0.1") as c:
            page = await c.get("/signup")
            token = CSRF.search(page.text)
            assert token
            started = time.perf_counter()
            r = await c.post(
                "/signup",
                data={
                    "business_name": "Copy Gems",
                    "full_name": "Eve",
                    "email": email,
                    "password": STRONG_PASSWORD,
                    "_csrf_token": token.group(1),
                },
                follow_redirects=False,
            )
            timings.append(time.perf_counter() - started)
            landed = await c.get(r.headers["location"])
            answers.append(
                (r.status_code, r.headers["location"], landed.text.replace(email, "EMAIL"))
            )
            assert not await signed_in(c)  # nobody is signed in by sign-up
    assert answers[0][:2] == answers[1][:2] == (302, "/login")
    assert "Welcome to Jewelia" in answers[0][2]
    flash = re.compile(r'<div class="flash[^>]*>(.*?)</div>', re.S)
    assert flash.findall(answers[0][2]) == flash.findall(answers[1][2])
    # One business more (the fresh address's), none for the copycat.
    assert (await fetch("SELECT count(*) AS n FROM public.tenant"))[0]["n"] == tenants + 1
    told = await mails(owner.email, "tried to sign up")
    assert len(told) == 1 and "/password/forgot" in told[0]
    # The known address costs a password hash too, so it is not the quick answer.
    started = time.perf_counter()
    hash_password(STRONG_PASSWORD)
    one_hash = time.perf_counter() - started
    assert timings[1] >= one_hash * 0.5, (timings, one_hash)


async def test_unverified_account_uses_its_business_but_joins_no_other(
    app: Any, business: Any
) -> None:
    inviter, inviter_tenant = business
    email = unique_email("unproven")
    async with browser_at(app, "10.61.0.1") as c, browser_at(app, "10.61.0.2") as other:
        await page_signup(c, email, "Own Gems")
        assert "Own Gems" in (await log_in(c, email)).text  # its own business works
        await log_in(other, email)
        first_link = await link(email, "/verify")
        token = await accounts.invite_member(
            inviter, await accounts.membership(inviter.id, inviter_tenant.id), email, "member"
        )
        page = await c.get(f"/invite/{token}")
        assert "Confirm your email address first" in page.text
        assert 'action="/account/verify/resend"' in page.text
        assert 'action="/invite/' not in page.text
        r = await form_post(c, f"/invite/{token}", {})
        assert r.status_code == 403 and "Confirm your email address first" in r.text
        assert not await fetch(
            "SELECT 1 FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
            " WHERE lower(u.email) = $1 AND m.tenant_id = $2",
            email,
            inviter_tenant.id,
        )
        # Resending from the invite page: a new link, and the older one stops working.
        r = await form_post(
            c, f"/invite/{token}", {"next": f"/invite/{token}"}, action="/account/verify/resend"
        )
        assert r.status_code == 200 and "We sent a new confirmation link" in r.text
        newer = await link(email, "/verify")
        assert newer != first_link
        assert (await c.get(f"/verify/{first_link}")).status_code == 404
        # Proving the address keeps this browser and ends the other one.
        r = await form_post(c, f"/verify/{newer}", {})
        assert r.status_code == 200 and "Your email address is confirmed" in r.text
        assert await signed_in(c)
        assert not await signed_in(other)
        assert (await c.get(f"/verify/{newer}")).status_code == 404  # used
        r = await form_post(c, f"/invite/{token}", {})
        assert r.status_code == 200 and "You have joined" in r.text


async def test_operator_and_demo_accounts_are_created_proven(db: None) -> None:
    from jewelia.cli import _create_tenant

    email = unique_email("operator")
    made = await _create_tenant("Operator Gems", email, STRONG_PASSWORD, "Op", "free")
    user = await accounts.authenticate(email, STRONG_PASSWORD, "10.69.0.1")
    assert user.email_verified and made["slug"]
    assert not await mails(email, "Confirm your email")
    # A fixture-made owner is unproven until it opens its link (tests use prove_email).
    owner, _ = await accounts.signup("Fixture Gems", "Fi", unique_email("fx"), STRONG_PASSWORD)
    assert not owner.email_verified
    assert (await prove_email(owner.email)).email_verified


async def test_reset_proves_the_address_and_ends_every_session_and_token(
    app: Any, db: None
) -> None:
    email = unique_email("victim")
    await accounts.signup("Squat Gems", "Mallory", email, STRONG_PASSWORD)  # not the owner
    async with browser_at(app, "10.62.0.1") as squatter, browser_at(app, "10.62.0.2") as victim:
        await log_in(squatter, email)
        tokens = await tokens_for(app, email)
        await form_post(victim, "/password/forgot", {"email": email})
        r = await form_post(
            victim,
            f"/password/reset/{await link(email, '/password/reset')}",
            {"password": NEW_PASSWORD},
        )
        assert "Your password has been changed" in r.text
        assert not await signed_in(squatter)
        assert (await refresh(app, tokens["refresh_token"])).status_code == 401
        assert await api_get(app, tokens["access_token"]) == 401
        assert (await accounts.authenticate(email, NEW_PASSWORD, "10.62.0.2")).email_verified


# --- 2. resets, password changes, sign out everywhere, refresh families ---------------------


async def test_a_newer_reset_link_kills_older_ones_and_a_used_link_is_dead(
    client: Any, business: Any
) -> None:
    owner, _ = business
    await form_post(client, "/password/forgot", {"email": owner.email})
    older = await link(owner.email, "/password/reset")
    client.cookies.clear()
    await form_post(client, "/password/forgot", {"email": owner.email})
    newer = await link(owner.email, "/password/reset")
    assert older != newer
    assert (await client.get(f"/password/reset/{older}")).status_code == 404
    r = await form_post(client, f"/password/reset/{newer}", {"password": NEW_PASSWORD})
    assert "Your password has been changed" in r.text
    assert (await client.get(f"/password/reset/{newer}")).status_code == 404
    token = CSRF.search((await client.get("/login")).text)
    assert token
    again = await client.post(
        f"/password/reset/{newer}",
        data={"password": "Yet-another-pass-42", "_csrf_token": token.group(1)},
    )
    assert again.status_code == 404
    await accounts.authenticate(owner.email, NEW_PASSWORD, "10.63.0.1")


async def test_changing_the_password_ends_the_other_sessions_and_tokens(
    app: Any, business: Any
) -> None:
    owner, _ = business
    async with browser_at(app, "10.64.0.1") as here, browser_at(app, "10.64.0.2") as there:
        await log_in(here, owner.email)
        await log_in(there, owner.email)
        tokens = await tokens_for(app, owner.email)
        r = await form_post(
            here,
            "/account/security",
            {"current_password": "not-my-password-1", "new_password": NEW_PASSWORD},
            action="/account/password",
        )
        assert r.status_code == 422 and "Password is not correct" in r.text
        assert await signed_in(there)
        r = await form_post(
            here,
            "/account/security",
            {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
            action="/account/password",
        )
        assert r.status_code == 200 and "Every other device has been signed out" in r.text
        assert await signed_in(here)
        assert not await signed_in(there)
        assert (await refresh(app, tokens["refresh_token"])).status_code == 401
        assert await api_get(app, tokens["access_token"]) == 401
        await log_in(there, owner.email, NEW_PASSWORD)
        assert await signed_in(there)


async def test_sign_out_everywhere(app: Any, business: Any) -> None:
    owner, _ = business
    async with browser_at(app, "10.65.0.1") as here, browser_at(app, "10.65.0.2") as there:
        await log_in(here, owner.email)
        await log_in(there, owner.email)
        tokens = await tokens_for(app, owner.email)
        assert await api_get(app, tokens["access_token"]) == 200
        page = await here.get("/account/security")
        assert 'action="/account/sign-out-everywhere"' in page.text
        assert "Sign out of all devices" in (await here.get("/app")).text  # beside Log out
        anonymous = await there.post("/account/sign-out-everywhere", data={})
        assert anonymous.status_code == 403  # no CSRF token, nothing happens
        assert await signed_in(there)
        r = await form_post(here, "/account/security", {}, action="/account/sign-out-everywhere")
        assert "signed out on every device" in r.text
        assert not await signed_in(here)
        assert not await signed_in(there)
        assert await api_get(app, tokens["access_token"]) == 401
        assert (await refresh(app, tokens["refresh_token"])).status_code == 401
        await log_in(here, owner.email)
        assert await signed_in(here)


async def test_refresh_token_reuse_revokes_the_whole_family(app: Any, business: Any) -> None:
    owner, _ = business
    first = await tokens_for(app, owner.email)
    elsewhere = await tokens_for(app, owner.email)  # another log-in: another family
    r = await refresh(app, first["refresh_token"])
    assert r.status_code == 200
    second = r.json()["data"]
    assert (await refresh(app, first["refresh_token"])).status_code == 401  # copied and replayed
    assert (await refresh(app, second["refresh_token"])).status_code == 401  # family revoked
    assert (await refresh(app, elsewhere["refresh_token"])).status_code == 200


# --- 7. TOTP codes are single-use -------------------------------------------------------------


async def test_a_totp_code_works_once(app: Any, business: Any) -> None:
    owner, _ = business
    secret = accounts.new_totp_secret()
    await accounts.enable_totp(owner.id, secret, pyotp.TOTP(secret).now())
    code = pyotp.TOTP(secret).at(time.time() + 30)
    async with browser_at(app, "10.66.0.1") as c:
        r = await log_in(c, owner.email)
        assert "Enter your code" in r.text
        r = await form_post(c, "/login/2fa", {"code": code})
        assert r.status_code == 200 and await signed_in(c)
        await form_post(c, "/app", {}, action="/logout")
        await log_in(c, owner.email)
        r = await form_post(c, "/login/2fa", {"code": code})
        assert r.status_code == 401 and "Invalid authentication code" in r.text
        # An older code than the last accepted one is refused as well.
        r = await form_post(c, "/login/2fa", {"code": pyotp.TOTP(secret).now()})
        assert r.status_code == 401
    async with api_at(app, "10.66.0.2") as api:
        r = await api.post(
            "/auth/token",
            json={"email": owner.email, "password": STRONG_PASSWORD, "totp_code": code},
        )
        assert r.status_code == 401


# --- 8. lock-out cannot be aimed at someone else ------------------------------------------------


async def test_failures_from_other_addresses_do_not_lock_the_owner_out(
    app: Any, business: Any
) -> None:
    owner, _ = business
    for n in range(3):  # 15 wrong passwords from three addresses
        async with browser_at(app, f"10.67.0.{n + 1}") as attacker:
            for _ in range(5):
                r = await log_in(attacker, owner.email, "wrong-password-1")
                assert r.status_code == 401
            r = await log_in(attacker, owner.email, STRONG_PASSWORD)
            assert r.status_code == 429  # that address waits now
    async with browser_at(app, "10.67.1.1") as own:
        r = await log_in(own, owner.email)
        assert r.status_code == 200 and await signed_in(own)
    unlock = await mails(owner.email, "Failed log-ins")
    assert len(unlock) == 1  # once, not per failure
    # The owner behind the attacker's address (shared NAT) lifts the wait with the link.
    token = await link(owner.email, "/login/unlock")
    async with browser_at(app, "10.67.0.1") as shared:
        assert (await log_in(shared, owner.email)).status_code == 429
        r = await form_post(shared, f"/login/unlock/{token}", {})
        assert "Log-in is unblocked" in r.text
        assert (await log_in(shared, owner.email)).status_code == 200
        assert (await shared.get(f"/login/unlock/{token}")).status_code == 404  # spent


async def test_backoff_grows_per_account_and_address_and_the_address_throttle_stays(
    app: Any, business: Any
) -> None:
    owner, _ = business
    async with api_at(app, "10.68.0.1") as c:
        for _ in range(5):
            r = await c.post("/auth/token", json={"email": owner.email, "password": "nope-nope-1"})
            assert r.status_code == 401
        r = await c.post("/auth/token", json={"email": owner.email, "password": STRONG_PASSWORD})
        assert r.status_code == 429 and 0 < r.json()["retryAfter"] <= 30
        # Time passes (the wait key expires); the next failure waits twice as long.
        await get_redis().delete(f"throttle:login:wait:{owner.email}:10.68.0.1")
        r = await c.post("/auth/token", json={"email": owner.email, "password": "nope-nope-1"})
        assert r.status_code == 401
        r = await c.post("/auth/token", json={"email": owner.email, "password": "nope-nope-1"})
        assert r.status_code == 429 and 30 < r.json()["retryAfter"] <= 60
    # One address spraying many accounts is still refused as a whole.
    async with api_at(app, "10.68.0.2") as c:
        for n in range(20):
            r = await c.post(
                "/auth/token",
                json={"email": f"spray-{n}-{uuid.uuid4().hex[:4]}@x.test", "password": "x" * 10},
            )
            assert r.status_code == 401
        r = await c.post("/auth/token", json={"email": owner.email, "password": STRONG_PASSWORD})
        assert r.status_code == 429
