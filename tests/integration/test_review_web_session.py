"""Issue 10, items 9-11: CSRF tokens bound to the session, anonymous page views that store
nothing in Redis, and reset/invite/verification/download tokens kept out of the access log."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from jewelia.core.settings import get_settings
from jewelia.platform.accounts import service as accounts
from jewelia.platform.mail.service import recent_emails
from jewelia.tenants.transfer.formats import files
from tests.conftest import _DATA_DIR, STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF

ANON_MAX_AGE = 2 * 3600


def _session_keys() -> set[str]:
    with redis.Redis.from_url(get_settings().redis_url) as r:
        return {k.decode() for k in r.scan_iter("sessions:*")}


def _ttl(session_id: str) -> int:
    with redis.Redis.from_url(get_settings().redis_url) as r:
        return int(r.ttl(f"sessions:{session_id}"))


def _set_cookies(response: httpx.Response) -> str:
    return " | ".join(response.headers.get_list("set-cookie"))


async def _token(client: httpx.AsyncClient, page: str) -> str:
    got = await client.get(page)
    assert got.status_code == 200, got.text
    found = CSRF.search(got.text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)


async def _log_in(client: httpx.AsyncClient, email: str) -> None:
    token = await _token(client, "/login")
    r = await client.post(
        "/login",
        data={"email": email, "password": STRONG_PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text


@pytest.fixture
async def browsers(app: Any) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Three separate browsers (cookie jars) on the app in this process."""
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50100 + n)),
            base_url="http://testserver.local",
            follow_redirects=True,
        )
        for n in range(3)
    ]
    yield clients
    for c in clients:
        await c.aclose()


async def _owner() -> tuple[str, Any]:
    email = unique_email("csrf")
    _, tenant = await accounts.signup(
        f"Csrf Gems {uuid.uuid4().hex[:6]}", "Cass Csrf", email, STRONG_PASSWORD
    )
    return email, tenant


# Item 9: CSRF tokens bound to the session.


async def test_a_token_from_another_session_is_refused(browsers: list[httpx.AsyncClient]) -> None:
    alice, bob, _ = browsers
    alice_email, alice_tenant = await _owner()
    bob_email, bob_tenant = await _owner()
    await _log_in(alice, alice_email)
    await _log_in(bob, bob_email)
    alice_token = await _token(alice, "/app")
    bob_token = await _token(bob, "/app")
    assert alice_token != bob_token
    assert alice.cookies["jewelia_session"] not in alice_token  # the token is not the id

    switch = {"tenant_id": str(bob_tenant.id)}
    for sent in (
        {"data": {**switch, "_csrf_token": alice_token}},
        {"data": switch, "headers": {"HX-Request": "true", "x-csrftoken": alice_token}},
    ):
        r = await bob.post("/app/switch", **sent)  # type: ignore[arg-type]
        assert r.status_code == 403 and "CSRF" in r.text
    # Bob's own token works, as a form field and as the htmx header.
    r = await bob.post("/app/switch", data={**switch, "_csrf_token": bob_token})
    assert r.status_code == 200 and "Switched to" in r.text
    r = await bob.post("/app/switch", data=switch, headers={"x-csrftoken": bob_token})
    assert r.status_code == 200 and "Switched to" in r.text

    # Logging out and in again rotates the session: the old page's token is dead.
    r = await bob.post("/logout", data={"_csrf_token": bob_token})
    assert r.status_code == 200 and "logged out" in r.text
    await _log_in(bob, bob_email)
    r = await bob.post("/app/switch", data={**switch, "_csrf_token": bob_token})
    assert r.status_code == 403
    r = await bob.post("/app/switch", data={**switch, "_csrf_token": await _token(bob, "/app")})
    assert r.status_code == 200
    assert alice_tenant.id != bob_tenant.id


async def test_a_visitor_token_cannot_act_for_a_signed_in_user(
    browsers: list[httpx.AsyncClient],
) -> None:
    """An attacker's own pre-session nonce and token, planted in a victim's browser, fail."""
    victim, attacker, _ = browsers
    email, tenant = await _owner()
    await _log_in(victim, email)
    visitor_token = await _token(attacker, "/login")
    nonce = attacker.cookies["jewelia_csrf"]
    victim.cookies.set("jewelia_csrf", nonce, domain="testserver.local")
    r = await victim.post(
        "/app/switch", data={"tenant_id": str(tenant.id), "_csrf_token": visitor_token}
    )
    assert r.status_code == 403
    # And a visitor's token only works with its own nonce cookie.
    stranger = browsers[2]
    await stranger.get("/login")
    r = await stranger.post("/password/forgot", data={"email": email, "_csrf_token": visitor_token})
    assert r.status_code == 403
    r = await attacker.post("/password/forgot", data={"email": email, "_csrf_token": visitor_token})
    assert r.status_code == 200


# Item 10: anonymous page views store nothing server-side.


async def test_anonymous_page_views_store_nothing(browsers: list[httpx.AsyncClient]) -> None:
    visitor = browsers[0]
    before = _session_keys()
    for path in ("/", "/login", "/pricing", "/signup", "/password/forgot", "/login?next=/app"):
        r = await visitor.get(path)
        assert r.status_code == 200, path
        assert "jewelia_session" not in _set_cookies(r), path
    # Forms still carry a working token: a refused sign-up and a wrong password store nothing.
    r = await visitor.post(
        "/signup",
        data={"business_name": "", "email": "x", "_csrf_token": await _token(visitor, "/signup")},
    )
    assert r.status_code == 422
    r = await visitor.post(
        "/login",
        data={
            "email": unique_email(),
            "password": "Wrong-password-123",
            "_csrf_token": await _token(visitor, "/login"),
        },
    )
    assert r.status_code == 401
    assert "jewelia_session" not in visitor.cookies
    assert _session_keys() == before


async def test_sessions_are_kept_only_when_needed_and_short_while_anonymous(
    browsers: list[httpx.AsyncClient],
) -> None:
    browser = browsers[0]
    email, _ = await _owner()
    before = _session_keys()
    await _log_in(browser, email)
    signed_in = browser.cookies["jewelia_session"]
    assert _session_keys() == before | {f"sessions:{signed_in}"}
    assert _ttl(signed_in) > ANON_MAX_AGE  # the normal expiry once logged in

    r = await browser.post(
        "/logout", data={"_csrf_token": await _token(browser, "/app")}, follow_redirects=False
    )
    assert r.status_code in (302, 303)
    flash_only = browser.cookies["jewelia_session"]  # "You have been logged out" is kept
    assert flash_only != signed_in
    assert _session_keys() == before | {f"sessions:{flash_only}"}
    assert 0 < _ttl(flash_only) <= ANON_MAX_AGE
    assert re.search(r"jewelia_session=[0-9a-f]+;.*Max-Age=7200", _set_cookies(r), re.I)

    r = await browser.get("/login")  # shows the message, and nothing is left to keep
    assert "logged out" in r.text
    assert _session_keys() == before
    assert "jewelia_session" not in browser.cookies


async def test_a_planted_session_id_is_never_adopted(browsers: list[httpx.AsyncClient]) -> None:
    browser = browsers[0]
    chosen = "a" * 64
    browser.cookies.set("jewelia_session", chosen, domain="testserver.local")
    token = await _token(browser, "/password/forgot")
    r = await browser.post("/password/forgot", data={"email": unique_email(), "_csrf_token": token})
    assert r.status_code == 200
    await _log_in(browser, (await _owner())[0])
    assert browser.cookies["jewelia_session"] != chosen
    assert f"sessions:{chosen}" not in _session_keys()


# Item 11: secrets out of the access log of a real run.


def _read(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


async def _wait_for(log: Path, marker: str) -> str:
    for _ in range(100):
        text = await asyncio.to_thread(_read, log)
        if marker in text:
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"{marker} never reached {log}")


async def test_tokens_never_reach_the_access_log(live_server: str, business: Any) -> None:
    owner, tenant = business
    secrets: list[str] = []
    async with httpx.AsyncClient(base_url=live_server, timeout=20, follow_redirects=True) as web:
        # A real password reset: asked for on the page, link taken from the mail, then used.
        token = await _token(web, "/password/forgot")
        r = await web.post("/password/forgot", data={"email": owner.email, "_csrf_token": token})
        assert r.status_code == 200
        mail = await recent_emails(5, to=owner.email)
        reset = re.search(r"/password/reset/(\S+)", mail[0].body_text)
        assert reset
        secrets.append(reset.group(1))
        page = f"/password/reset/{reset.group(1)}"
        r = await web.post(
            page,
            data={"password": "A-brand-new-passphrase-7", "_csrf_token": await _token(web, page)},
        )
        assert r.status_code == 200 and "/login" in str(r.url)

        # A real invite link, and a real signed download link.
        member = await accounts.membership(owner.id, tenant.id)
        invite = await accounts.invite_member(owner, member, unique_email("inv"), "member")
        secrets.append(invite)
        assert (await web.get(f"/invite/{invite}")).status_code == 200
        link = files.download_url(tenant.id, uuid.uuid4(), "result", None)
        secrets.append(link.rsplit("/", 1)[1])
        await web.get(link.replace(get_settings().base_url, ""))

        # Verification and unlock links, and token-named query parameters.
        for path in ("/verify/{}", "/verify-email/{}", "/login/unlock/{}", "/unlock/{}"):
            made = uuid.uuid4().hex + uuid.uuid4().hex
            secrets.append(made)
            await web.get(path.format(made))
        query = {name: uuid.uuid4().hex for name in ("token", "code", "signature", "sig")}
        secrets.extend(query.values())
        await web.get("/login", params=query)
        await web.get(f"/password/reset/{reset.group(1)}", params=query)

        marker = uuid.uuid4().hex
        await web.get("/login", headers={"x-request-id": marker})
    text = await _wait_for(_DATA_DIR / "server.log", marker)
    for secret in secrets:
        assert secret not in text
    # The requests were logged, with their token segments masked.
    for masked in ("/password/reset/***", "/invite/***", "/api/v1/import-export/download/***"):
        assert masked in text, masked


async def test_a_page_that_ends_a_revoked_session_renders_a_token_that_works(
    browsers: list[httpx.AsyncClient],
) -> None:
    """The invite page drops a session revoked elsewhere; its form must still submit."""
    browser = browsers[0]
    email, _ = await _owner()
    await _log_in(browser, email)
    user = await accounts.get_user(await _session_user_id(browser))
    await accounts.sign_out_everywhere(user.id)
    owner, tenant = await accounts.signup(
        f"Invite Gems {uuid.uuid4().hex[:6]}", "Ida Owner", unique_email("own"), STRONG_PASSWORD
    )
    member = await accounts.membership(owner.id, tenant.id)
    invite = await accounts.invite_member(owner, member, unique_email("new"), "member")
    token = await _token(browser, f"/invite/{invite}")
    assert "jewelia_session" not in browser.cookies  # the revoked session is gone
    r = await browser.post(
        f"/invite/{invite}",
        data={"full_name": "Nia New", "password": STRONG_PASSWORD, "_csrf_token": token},
    )
    assert r.status_code == 200, r.text
    assert "CSRF" not in r.text


async def _session_user_id(browser: httpx.AsyncClient) -> uuid.UUID:
    import json

    with redis.Redis.from_url(get_settings().redis_url) as r:
        raw = r.get(f"sessions:{browser.cookies['jewelia_session']}")
    assert raw
    return uuid.UUID(json.loads(raw)["uid"])


def test_the_log_rule_covers_every_token_route() -> None:
    from jewelia.core.logs import redacted_path

    for path, logged in [
        ("/password/reset/abc.DEF_1", "/password/reset/***"),
        ("/invite/abc", "/invite/***"),
        ("/verify/abc", "/verify/***"),
        ("/verify-email/abc", "/verify-email/***"),
        ("/login/unlock/abc", "/login/unlock/***"),
        ("/api/v1/import-export/download/eyJ0.sig", "/api/v1/import-export/download/***"),
        ("/app/team/invites/42/revoke", "/app/team/invites/***/revoke"),
        ("/app/customers/42", "/app/customers/42"),
        ("/password/forgot", "/password/forgot"),
    ]:
        assert redacted_path(path) == logged
