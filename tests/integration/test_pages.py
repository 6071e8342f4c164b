"""The pages over HTTP: forms, CSRF, sessions, headers, errors and suspension."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from jewelia.core.db import fetch
from jewelia.platform.tenancy import registry
from tests.conftest import STRONG_PASSWORD, unique_email

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def form_post(client: Any, page: str, data: dict[str, str], action: str | None = None) -> Any:
    """GET the page for its CSRF token, then POST the form like a browser would."""
    got = await client.get(page)
    token = CSRF.search(got.text)
    assert token, f"no CSRF token on {page}"
    return await client.post(action or page, data={**data, "_csrf_token": token.group(1)})


async def signup(client: Any, email: str | None = None, business: str = "Pearl & Co") -> str:
    email = email or unique_email()
    r = await form_post(
        client,
        "/signup",
        {
            "business_name": business,
            "full_name": "Pat Pearl",
            "email": email,
            "password": STRONG_PASSWORD,
        },
    )
    assert r.status_code == 200, r.text
    assert "Welcome to Jewelia" in r.text
    # Sign-up answers the same for every address, so it signs nobody in: log in now.
    r = await form_post(client, "/login", {"email": email, "password": STRONG_PASSWORD})
    assert r.status_code == 200 and 'action="/logout"' in r.text, r.text
    return email


async def _count(table: str) -> int:
    return int((await fetch(f"SELECT count(*) AS n FROM public.{table}"))[0]["n"])


async def test_health_and_ready(client: Any) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
    assert "fail_open_count" in ready.json()["rate_limiter"]


async def test_security_headers(client: Any) -> None:
    r = await client.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "strict-transport-security" not in r.headers  # only over https
    assert r.headers["x-request-id"]
    assert "<script>" not in r.text.replace("<script src", "")


async def test_signup_logout_login(client: Any) -> None:
    email = await signup(client)
    assert (await client.get("/app")).status_code == 200
    r = await form_post(client, "/app", {}, action="/logout")
    assert r.status_code == 200 and "logged out" in r.text
    r = await client.get("/app", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")
    r = await form_post(client, "/login", {"email": email, "password": "wrong-password-x"})
    assert r.status_code == 401 and "Invalid email or password" in r.text
    r = await form_post(client, "/login", {"email": email, "password": STRONG_PASSWORD})
    assert r.status_code == 200 and "Pearl &amp; Co" in r.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"business_name": "", "full_name": "", "email": "", "password": ""},
            "Business name is required",
        ),
        ({"business_name": "x" * 200}, "at most 120 characters"),
        ({"email": "jeweler-at-example"}, "Invalid email format"),
        ({"password": "short"}, "at least 10 characters"),
        ({"password": "password123"}, "too common"),
    ],
)
async def test_signup_form_errors_create_nothing(client: Any, fields: dict, message: str) -> None:
    data = {
        "business_name": "Opal",
        "full_name": "Oz",
        "email": unique_email(),
        "password": STRONG_PASSWORD,
    }
    data.update(fields)
    before = (await _count("tenant"), await _count("app_user"))
    r = await form_post(client, "/signup", data)
    assert r.status_code == 422
    assert message in r.text
    assert 'aria-invalid="true"' in r.text
    assert (await _count("tenant"), await _count("app_user")) == before


async def test_duplicate_email_on_signup(client: Any) -> None:
    email = await signup(client)
    client.cookies.clear()
    before = await _count("tenant")
    r = await form_post(
        client,
        "/signup",
        {"business_name": "Again", "full_name": "Pat", "email": email, "password": STRONG_PASSWORD},
    )
    # The same answer as for a new address (no enumeration); nothing is created.
    assert r.status_code == 200 and "Welcome to Jewelia" in r.text
    assert "already exists" not in r.text
    assert await _count("tenant") == before


async def test_forms_without_csrf_are_refused(client: Any) -> None:
    await client.get("/signup")
    before = await _count("tenant")
    r = await client.post(
        "/signup",
        data={
            "business_name": "Sneaky",
            "full_name": "S",
            "email": unique_email(),
            "password": STRONG_PASSWORD,
        },
        headers={"accept": "text/html"},
    )
    assert r.status_code == 403
    assert "CSRF" in r.text or "Not allowed" in r.text
    assert await _count("tenant") == before
    for path in ("/login", "/password/forgot", "/logout"):
        assert (await client.post(path, data={"email": "a@example.com"})).status_code == 403


async def test_two_factor_login_flow(client: Any) -> None:
    email = await signup(client)
    r = await form_post(client, "/account/security", {}, action="/account/security/2fa/start")
    secret = re.search(r'id="totp-secret" class="secret">([A-Z2-7]+)<', r.text).group(1)
    assert 'src="data:image/svg+xml' in r.text
    r = await form_post(
        client, "/account/security", {"code": "000000"}, action="/account/security/2fa/confirm"
    )
    assert r.status_code == 422 and "not valid" in r.text
    token = CSRF.search(r.text)
    r = await client.post(
        "/account/security/2fa/confirm",
        data={"code": pyotp.TOTP(secret).now(), "_csrf_token": token.group(1) if token else ""},
    )
    assert "recovery-codes" in r.text
    await form_post(client, "/app", {}, action="/logout")
    r = await form_post(client, "/login", {"email": email, "password": STRONG_PASSWORD})
    assert "Enter your code" in r.text
    token = CSRF.search(r.text).group(1)
    bad = await client.post("/login/2fa", data={"code": "111111", "_csrf_token": token})
    assert bad.status_code == 401 and "Invalid authentication code" in bad.text
    # Each code works once, and the one that turned two-factor on is spent: use the next.
    ok = await client.post(
        "/login/2fa",
        data={"code": pyotp.TOTP(secret).at(time.time() + 30), "_csrf_token": token},
    )
    assert ok.status_code == 200 and "Pearl" in ok.text


async def test_team_invite_form_errors(client: Any) -> None:
    await signup(client)
    before = await _count("invite")
    for data, message in [
        ({"email": "", "role": "member"}, "Email is required"),
        ({"email": "nope", "role": "member"}, "Invalid email format"),
        ({"email": unique_email(), "role": "emperor"}, "Role must be one of"),
        ({"email": "x" * 250 + "@example.com", "role": "member"}, "at most 254"),
    ]:
        r = await form_post(client, "/app/team", data, action="/app/team/invite")
        assert r.status_code == 422 and message in r.text, message
    assert await _count("invite") == before
    r = await form_post(
        client,
        "/app/team",
        {"email": unique_email("new"), "role": "member"},
        action="/app/team/invite",
    )
    assert r.status_code == 200 and "Invitation sent" in r.text
    assert await _count("invite") == before + 1


async def test_new_business_and_switch(client: Any) -> None:
    await signup(client, business="First Gems")
    r = await form_post(client, "/app/businesses/new", {"business_name": ""})
    assert r.status_code == 422 and "Business name is required" in r.text
    r = await form_post(client, "/app/businesses/new", {"business_name": "Second Gems"})
    assert "Second Gems is ready" in r.text
    first_id = re.search(r'<option value="([0-9a-f-]+)">First Gems</option>', r.text).group(1)
    r = await form_post(client, "/app", {"tenant_id": first_id}, action="/app/switch")
    assert "Switched to First Gems" in r.text
    # A business you do not belong to cannot be switched to.
    other = (
        await fetch(
            "SELECT id FROM public.tenant WHERE name <> 'First Gems' AND name <> 'Second Gems' LIMIT 1"
        )
    )[0]["id"]
    r = await form_post(client, "/app", {"tenant_id": str(other)}, action="/app/switch")
    assert r.status_code == 403


async def test_suspended_business_is_refused(client: Any) -> None:
    await signup(client, business="Paused Gems")
    tenant = (
        await fetch(
            "SELECT id FROM public.tenant WHERE name = 'Paused Gems' ORDER BY created_at DESC LIMIT 1"
        )
    )[0]
    await registry.set_status(tenant["id"], "suspended")
    r = await client.get("/app", headers={"accept": "text/html"})
    assert r.status_code == 403 and "suspended" in r.text
    await registry.set_status(tenant["id"], "active")
    assert (await client.get("/app")).status_code == 200


async def test_error_envelope_and_pages(client: Any) -> None:
    r = await client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    body = r.json()
    assert body["success"] is False and body["code"] == "NOT_FOUND" and "timestamp" in body
    r = await client.delete("/health")
    assert r.status_code == 405 and r.json()["code"] == "METHOD_NOT_ALLOWED"
    r = await client.get("/no-such-page", headers={"accept": "text/html"})
    assert r.status_code == 404 and "Page not found" in r.text and "Traceback" not in r.text


async def test_huge_body_is_refused(client: Any) -> None:
    r = await client.post(
        "/login",
        content=b"x" * 2_000_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert r.json()["code"] == "PAYLOAD_TOO_LARGE"


async def test_login_next_cannot_leave_the_site(client: Any) -> None:
    email = await signup(client)
    await form_post(client, "/app", {}, action="/logout")
    got = await client.get("/login?next=//evil.example.com/x")
    assert "//evil" not in got.text
    token = CSRF.search(got.text).group(1)
    r = await client.post(
        "/login",
        data={
            "email": email,
            "password": STRONG_PASSWORD,
            "next": "https://evil.example.com",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/app"


async def test_html_is_escaped(client: Any) -> None:
    await signup(client, business="<script>alert(1)</script> Gems")
    r = await client.get("/app")
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gems" in r.text


async def test_dev_mail_and_password_reset_pages(client: Any) -> None:
    email = await signup(client)
    await form_post(client, "/app", {}, action="/logout")
    r = await form_post(client, "/password/forgot", {"email": email})
    assert "If an account exists" in r.text
    box = await client.get(f"/dev/mail?to={email}")
    link = re.search(r'href="(/dev/mail/[0-9a-f-]+)"', box.text).group(1)
    msg = await client.get(link)
    reset_path = re.search(r"http://[^/]+(/password/reset/[\w-]+)", msg.text).group(1)
    r = await form_post(client, reset_path, {"password": "tiny"})
    assert r.status_code == 422 and "at least 10 characters" in r.text
    r = await form_post(client, reset_path, {"password": "Freshly-Chosen-Passphrase"})
    assert "password has been changed" in r.text
    r = await client.get(reset_path)
    assert r.status_code == 404 and "invalid or has expired" in r.text
    r = await form_post(client, "/login", {"email": email, "password": "Freshly-Chosen-Passphrase"})
    assert r.status_code == 200 and "Pearl" in r.text


async def test_api_keys_page_shows_a_key_once(client: Any) -> None:
    await signup(client, business="Keyed Gems")
    r = await form_post(client, "/settings/api-keys", {"name": "", "permissions": "read"})
    assert r.status_code == 422 and "Name is required" in r.text
    page = await client.get("/settings/api-keys")
    token = CSRF.search(page.text).group(1)
    r = await client.post(
        "/settings/api-keys",
        data={"name": "Shop sync", "permissions": ["read", "write"], "_csrf_token": token},
    )
    assert r.status_code == 201
    secret = re.search(r'id="new-api-key" class="secret">(jw_live_[\w-]+)<', r.text).group(1)
    stored = await fetch("SELECT key_hash FROM public.api_key WHERE prefix = $1", secret[:14])
    assert stored and secret not in str(stored)
    again = await client.get("/settings/api-keys")
    assert secret not in again.text and secret[:14] in again.text
    api = await client.get("/api/v1/customers", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


async def test_signup_is_throttled_per_ip(client: Any) -> None:
    for n in range(20):
        r = await form_post(
            client,
            "/signup",
            {"business_name": "", "full_name": "", "email": f"t{n}@example.com", "password": ""},
        )
        assert r.status_code == 422
    r = await form_post(
        client,
        "/signup",
        {
            "business_name": "Late",
            "full_name": "L",
            "email": "late@example.com",
            "password": STRONG_PASSWORD,
        },
    )
    assert r.status_code == 429 and "Too many attempts" in r.text


async def test_crm_pages_stay_inside_the_business(client: Any, api: Any) -> None:
    other = (await api.post("/customers", json={"full_name": "Elsewhere"})).json()["data"]
    item = (
        await api.post(
            "/inventory", json={"sku": "ELSE-1", "name": "Else", "category": "c", "price": 1}
        )
    ).json()["data"]
    await signup(client, business="Own Gems")
    for path in (
        f"/app/customers/{other['id']}",
        f"/app/inventory/{item['id']}",
        f"/app/customers/{other['id']}/edit",
    ):
        r = await client.get(path, headers={"accept": "text/html"})
        assert r.status_code == 404, path
    r = await client.get("/app/customers?q=Elsewhere")
    assert "0 customers" in r.text and f"/app/customers/{other['id']}" not in r.text


async def test_read_only_members_cannot_write_pages(client: Any) -> None:
    from jewelia.platform.accounts import service as accounts

    owner, tenant = await accounts.signup("Ro Gems", "Owner", unique_email("ro"), STRONG_PASSWORD)
    token = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email("reader"), "read-only"
    )
    reader, _ = await accounts.register_and_accept(token, "Reader", STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": reader.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200
    page = await client.get("/app/customers")
    assert page.status_code == 200 and "New customer" not in page.text
    r = await form_post(
        client, "/app/customers", {"full_name": "Sneaky"}, action="/app/customers/new"
    )
    assert r.status_code == 403
    assert (
        await client.get("/app/customers/new", headers={"accept": "text/html"})
    ).status_code == 403
