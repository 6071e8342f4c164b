"""The OAuth authorization server for marketplace apps over HTTP: the code + PKCE flow through
the consent page, tokens on the API, and every error the RFCs name (PKCE, codes, redirect
URIs, client secrets, refresh reuse, scopes, tenants, revocation, metadata)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from jewelia.core.db import execute, fetch
from jewelia.core.security import encrypt_secret
from tests.integration.test_pages import CSRF, signup

REDIRECT = "https://app.example.com/oauth/callback"
TENANT_RADIO = re.compile(r'name="tenant_id" value="([0-9a-f-]{36})"')


async def seed_listing(
    scopes: list[str] | None = None,
    webhook_url: str = "",
    events: list[str] | None = None,
    status: str = "published",
) -> dict[str, Any]:
    """A listing of a fresh developer org, by SQL; with its plain client secret."""
    org_id, listing_id = uuid.uuid4(), uuid.uuid4()
    tag = uuid.uuid4().hex[:8]
    secret = "jws_" + secrets.token_urlsafe(24)
    client_id = "jwc_" + tag + secrets.token_hex(4)
    await execute(
        "INSERT INTO public.developer_org (id, name, slug) VALUES ($1, $2, $3)",
        org_id,
        f"Dev {tag}",
        f"dev-{tag}",
    )
    await execute(
        "INSERT INTO public.listing (id, org_id, slug, name, description, developer_name,"
        " category, scopes, webhook_events, webhook_url, redirect_uris, app_url, status,"
        " is_verified, client_id, client_secret_hash, client_secret_enc)"
        " VALUES ($1, $2, $3, $4, 'An app', $5, 'analytics', $6, $7, $8, $9, $10, $11, true,"
        " $12, $13, $14)",
        listing_id,
        org_id,
        f"app-{tag}",
        f"Gem Ledger {tag}",
        f"Dev {tag}",
        scopes if scopes is not None else ["customers:write", "orders:read"],
        events or [],
        webhook_url,
        [REDIRECT, "http://127.0.0.1:9/cb"],
        "https://app.example.com",
        status,
        client_id,
        hashlib.sha256(secret.encode()).hexdigest(),
        encrypt_secret(secret),
    )
    rows = await fetch("SELECT * FROM public.listing WHERE id = $1", listing_id)
    return {**rows[0], "secret": secret}


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(listing: dict[str, Any], challenge: str | None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": listing["client_id"],
        "redirect_uri": REDIRECT,
        "scope": " ".join(listing["scopes"]),
        "state": "st@te/ünchanged",
        "code_challenge_method": "S256",
        **extra,
    }
    if challenge is not None:
        params["code_challenge"] = challenge
    return "/oauth/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def query(location: str) -> dict[str, str]:
    parts = urlsplit(location)
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


async def consent(
    client: Any, listing: dict[str, Any], challenge: str, decision: str = "approve", **extra: str
) -> Any:
    """Open the consent page and answer it; the redirect response (not followed)."""
    page = await client.get(authorize_url(listing, challenge, **extra))
    assert page.status_code == 200, page.text
    token = CSRF.search(page.text)
    tenant = TENANT_RADIO.search(page.text)
    assert token and tenant, page.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    form = {k: html.unescape(v) for k, v in hidden.items() if k != "_csrf_token"}
    form.update({"_csrf_token": token.group(1), "tenant_id": tenant.group(1), "decision": decision})
    return await client.post("/oauth/authorize", data=form, follow_redirects=False)


async def get_code(client: Any, listing: dict[str, Any], challenge: str, **extra: str) -> str:
    r = await consent(client, listing, challenge, **extra)
    assert r.status_code == 302, r.text
    location = r.headers["location"]
    assert location.startswith(REDIRECT + "?")
    got = query(location)
    assert got["state"] == extra.get("state", "st@te/ünchanged")
    return got["code"]


async def exchange(client: Any, listing: dict[str, Any], code: str, verifier: str) -> Any:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(listing["client_id"], listing["secret"]),
    )


async def tokens_for(client: Any, listing: dict[str, Any]) -> dict[str, Any]:
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    r = await exchange(client, listing, code, verifier)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def tenant_of(email: str) -> dict[str, Any]:
    rows = await fetch(
        "SELECT t.* FROM public.tenant t JOIN public.membership m ON m.tenant_id = t.id"
        " JOIN public.app_user u ON u.id = m.user_id WHERE u.email = $1",
        email,
    )
    return rows[0]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- the flow -------------------------------------------------------------------------------


async def test_metadata(client: Any) -> None:
    r = await client.get("/.well-known/oauth-authorization-server")
    assert r.status_code == 200
    meta = r.json()
    issuer = meta["issuer"]
    assert not issuer.endswith("/")
    assert meta["authorization_endpoint"] == issuer + "/oauth/authorize"
    assert meta["token_endpoint"] == issuer + "/oauth/token"
    assert meta["revocation_endpoint"] == issuer + "/oauth/revoke"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["response_types_supported"] == ["code"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert "customers:read" in meta["scopes_supported"]
    assert "import_export:write" in meta["scopes_supported"]


async def test_consent_needs_a_login_and_comes_back(client: Any) -> None:
    listing = await seed_listing()
    _, challenge = pkce()
    r = await client.get(authorize_url(listing, challenge), follow_redirects=False)
    assert r.status_code in (302, 303)
    assert r.headers["location"].startswith("/login?next=%2Foauth%2Fauthorize%3F")


async def test_full_code_pkce_flow_and_refresh_rotation(client: Any) -> None:
    email = await signup(client, business="Flow Gems")
    tenant = await tenant_of(email)
    listing = await seed_listing()
    _, challenge = pkce()
    page = await client.get(authorize_url(listing, challenge))
    assert listing["name"] in page.text and "Verified" in page.text
    assert "Create and change your customers" in page.text and "See your orders" in page.text
    assert "Flow Gems" in page.text

    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    r = await exchange(client, listing, code, verifier)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "tenant_id",
    }
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"].startswith("jwa_") and body["refresh_token"].startswith("jwr_")
    assert body["scope"] == "customers:write orders:read"
    assert body["tenant_id"] == str(tenant["id"])
    stored = await fetch(
        "SELECT token_hash FROM public.oauth_token WHERE listing_id = $1", listing["id"]
    )
    assert len(stored) == 2 and all(len(r["token_hash"]) == 64 for r in stored)
    assert body["access_token"] not in {r["token_hash"] for r in stored}

    # The token works on the API its scopes allow, as the app, in its own business.
    made = await client.post(
        "/api/v1/customers",
        json={"full_name": "Ada App", "email": "ada@example.com"},
        headers=bearer(body["access_token"]),
    )
    assert made.status_code == 201, made.text
    listed = await client.get("/api/v1/customers", headers=bearer(body["access_token"]))
    assert listed.status_code == 200 and listed.json()["pagination"]["total"] == 1
    assert "x-ratelimit-limit" in listed.headers
    orders = await client.get("/api/v1/orders", headers=bearer(body["access_token"]))
    assert orders.status_code == 200
    used = await fetch(
        "SELECT last_api_use_at FROM public.app_install WHERE listing_id = $1", listing["id"]
    )
    assert used[0]["last_api_use_at"] is not None

    # Refresh rotates; the spent refresh token shown again revokes the whole family.
    r = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": listing["client_id"],
            "client_secret": listing["secret"],  # client_secret_post
        },
    )
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != body["refresh_token"]
    assert second["access_token"] != body["access_token"]
    ok = await client.get("/api/v1/customers", headers=bearer(second["access_token"]))
    assert ok.status_code == 200
    again = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    for token in (body["access_token"], second["access_token"]):
        refused = await client.get("/api/v1/customers", headers=bearer(token))
        assert refused.status_code == 401
    refused = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert refused.json()["error"] == "invalid_grant"

    # A narrower scope on refresh is fine, a wider one is invalid_scope.
    fresh = await tokens_for(client, listing)
    wider = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": fresh["refresh_token"],
            "scope": "inventory:read",
        },
        auth=(listing["client_id"], listing["secret"]),
    )
    assert wider.json()["error"] == "invalid_scope"
    narrower = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": fresh["refresh_token"],
            "scope": "customers:read",
        },
        auth=(listing["client_id"], listing["secret"]),
    )
    assert narrower.status_code == 200 and narrower.json()["scope"] == "customers:read"


async def test_deny_redirects_with_access_denied_and_state(client: Any) -> None:
    await signup(client, business="Deny Gems")
    listing = await seed_listing()
    _, challenge = pkce()
    r = await consent(client, listing, challenge, decision="deny", state="abc 123")
    assert r.status_code == 302
    got = query(r.headers["location"])
    assert got["error"] == "access_denied" and got["state"] == "abc 123"
    assert "code" not in got
    assert not await fetch("SELECT 1 FROM public.app_install WHERE listing_id = $1", listing["id"])


# --- authorization endpoint errors ----------------------------------------------------------


async def test_pkce_is_required_and_plain_refused(client: Any) -> None:
    await signup(client, business="Pkce Gems")
    listing = await seed_listing()
    _, challenge = pkce()
    for url in (
        authorize_url(listing, None),  # no challenge
        authorize_url(listing, challenge, code_challenge_method="plain"),
        authorize_url(listing, challenge, code_challenge_method=""),
        authorize_url(listing, "short"),
    ):
        r = await client.get(url, follow_redirects=False)
        assert r.status_code == 302, (url, r.text)
        got = query(r.headers["location"])
        assert r.headers["location"].startswith(REDIRECT + "?")
        assert got["error"] == "invalid_request" and got["state"] == "st@te/ünchanged"
    r = await client.get(
        authorize_url(listing, challenge, response_type="token"), follow_redirects=False
    )
    assert query(r.headers["location"])["error"] == "unsupported_response_type"
    r = await client.get(
        authorize_url(listing, challenge, scope="inventory:write"), follow_redirects=False
    )
    assert query(r.headers["location"])["error"] == "invalid_scope"
    r = await client.get(authorize_url(listing, challenge, scope="nope"), follow_redirects=False)
    assert query(r.headers["location"])["error"] == "invalid_scope"


async def test_unregistered_redirect_or_client_shows_a_page_never_redirects(client: Any) -> None:
    await signup(client, business="Redirect Gems")
    listing = await seed_listing()
    _, challenge = pkce()
    for url in (
        authorize_url(listing, challenge, redirect_uri="https://evil.example.com/cb"),
        authorize_url(listing, challenge, redirect_uri=REDIRECT + "/"),  # exact match only
        authorize_url(listing, challenge, redirect_uri=""),
        authorize_url({**listing, "client_id": "nobody"}, challenge),
        authorize_url(listing, None, redirect_uri="https://evil.example.com/cb"),
    ):
        r = await client.get(url, follow_redirects=False)
        assert r.status_code == 400, url
        assert "location" not in r.headers
        assert "This app cannot be connected" in r.text
    # Posting the consent form with a swapped redirect_uri is refused the same way.
    page = await client.get(authorize_url(listing, challenge))
    token = CSRF.search(page.text)
    tenant = TENANT_RADIO.search(page.text)
    assert token and tenant
    r = await client.post(
        "/oauth/authorize",
        data={
            "_csrf_token": token.group(1),
            "tenant_id": tenant.group(1),
            "decision": "approve",
            "response_type": "code",
            "client_id": listing["client_id"],
            "redirect_uri": "https://evil.example.com/cb",
            "scope": "customers:read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        follow_redirects=False,
    )
    assert r.status_code == 400 and "location" not in r.headers


async def test_consent_needs_csrf(client: Any) -> None:
    await signup(client, business="Csrf Gems")
    listing = await seed_listing()
    _, challenge = pkce()
    page = await client.get(authorize_url(listing, challenge))
    tenant = TENANT_RADIO.search(page.text)
    assert tenant
    r = await client.post(
        "/oauth/authorize",
        data={
            "tenant_id": tenant.group(1),
            "decision": "approve",
            "response_type": "code",
            "client_id": listing["client_id"],
            "redirect_uri": REDIRECT,
            "scope": "customers:read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        follow_redirects=False,
    )
    assert r.status_code == 403 and "location" not in r.headers


# --- token endpoint errors ------------------------------------------------------------------


async def test_wrong_or_missing_verifier(client: Any) -> None:
    await signup(client, business="Verifier Gems")
    listing = await seed_listing()
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    other, _ = pkce()
    r = await exchange(client, listing, code, other)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert r.headers["cache-control"] == "no-store"
    r = await exchange(client, listing, code, "")
    assert r.json()["error"] == "invalid_request"
    r = await exchange(client, listing, code, "too-short")
    assert r.json()["error"] == "invalid_request"
    # A failed attempt does not burn the code: the right verifier still works, once.
    r = await exchange(client, listing, code, verifier)
    assert r.status_code == 200, r.text


async def test_reused_code_fails_and_revokes_its_tokens(client: Any) -> None:
    await signup(client, business="Reuse Gems")
    listing = await seed_listing()
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    first = await exchange(client, listing, code, verifier)
    assert first.status_code == 200
    access = first.json()["access_token"]
    assert (await client.get("/api/v1/customers", headers=bearer(access))).status_code == 200
    second = await exchange(client, listing, code, verifier)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert (await client.get("/api/v1/customers", headers=bearer(access))).status_code == 401
    refresh = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert refresh.json()["error"] == "invalid_grant"


async def test_expired_code(client: Any) -> None:
    await signup(client, business="Expired Gems")
    listing = await seed_listing()
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    row = await fetch(
        "SELECT expires_at - created_at AS ttl FROM public.oauth_code WHERE listing_id = $1",
        listing["id"],
    )
    assert row[0]["ttl"].total_seconds() == 60
    await execute(
        "UPDATE public.oauth_code SET expires_at = now() - interval '1 second'"
        " WHERE listing_id = $1",
        listing["id"],
    )
    r = await exchange(client, listing, code, verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


async def test_code_bound_to_client_and_redirect(client: Any) -> None:
    await signup(client, business="Bound Gems")
    listing, other = await seed_listing(), await seed_listing()
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    r = await exchange(client, other, code, verifier)
    assert r.json()["error"] == "invalid_grant"
    r = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/cb",  # registered, but not the one authorized
            "code_verifier": verifier,
        },
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.json()["error"] == "invalid_grant"
    assert (await exchange(client, listing, code, verifier)).status_code == 200


async def test_client_authentication_errors(client: Any) -> None:
    listing = await seed_listing()
    form = {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT}
    r = await client.post("/oauth/token", data=form, auth=(listing["client_id"], "wrong"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert r.headers["www-authenticate"].startswith("Basic ")
    assert r.headers["cache-control"] == "no-store"
    r = await client.post(
        "/oauth/token",
        data={**form, "client_id": listing["client_id"], "client_secret": "wrong"},
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_client"
    assert "www-authenticate" not in r.headers
    r = await client.post("/oauth/token", data=form)
    assert r.json()["error"] == "invalid_client"
    r = await client.post("/oauth/token", data=form, auth=("nobody", listing["secret"]))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = await client.post(
        "/oauth/token",
        data={**form, "client_secret": listing["secret"]},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.json()["error"] == "invalid_request"  # two methods at once
    r = await client.post("/oauth/token", data={"code": "x"}, auth=(listing["client_id"], "x"))
    assert r.json()["error"] == "invalid_request"  # no grant_type
    r = await client.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "a", "password": "b"},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.json()["error"] == "unsupported_grant_type"
    r = await client.post(
        "/oauth/token",
        json={"grant_type": "authorization_code"},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.json()["error"] == "invalid_request"
    r = await client.post(
        "/oauth/token",
        content="grant_type=refresh_token&grant_type=refresh_token&refresh_token=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.json()["error"] == "invalid_request"  # a repeated parameter


# --- the API guard with app tokens ----------------------------------------------------------


async def test_read_scope_cannot_write_and_other_routes_are_closed(client: Any) -> None:
    await signup(client, business="Scope Gems")
    listing = await seed_listing(scopes=["customers:read"])
    body = await tokens_for(client, listing)
    token = body["access_token"]
    assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 200
    r = await client.post("/api/v1/customers", json={"full_name": "No"}, headers=bearer(token))
    assert r.status_code == 403
    assert r.json()["code"] == "AUTHORIZATION_ERROR"
    assert r.json()["details"] == {"required_scope": "customers:write"}
    assert "customers:write" in r.json()["error"]
    for path in ("/api/v1/orders", "/api/v1/inventory", "/api/v1/api-keys", "/api/v1/webhooks"):
        r = await client.get(path, headers=bearer(token))
        assert r.status_code == 403, path
    r = await client.get("/api/v1/customers", headers=bearer(token[:-2] + "xx"))
    assert r.status_code == 401


async def test_a_token_only_ever_sees_its_own_business(client: Any, api: Any) -> None:
    # Business B (the `api` fixture) has a customer; the app is installed in business A only.
    theirs = await api.post("/customers", json={"full_name": "Bea Other"})
    assert theirs.status_code == 201
    their_id = theirs.json()["data"]["id"]
    email = await signup(client, business="Own Gems")
    tenant_a = await tenant_of(email)
    listing = await seed_listing()
    token = (await tokens_for(client, listing))["access_token"]
    assert (await client.get("/api/v1/customers", headers=bearer(token))).json()["data"] == []
    r = await client.get(f"/api/v1/customers/{their_id}", headers=bearer(token))
    assert r.status_code == 404
    r = await client.put(
        f"/api/v1/customers/{their_id}", json={"full_name": "Hacked"}, headers=bearer(token)
    )
    assert r.status_code == 404
    # No header can move it to another business: the tenant is the token's.
    r = await client.get(
        "/api/v1/customers",
        headers={**bearer(token), "X-Tenant-ID": str(api.tenant.id)},
    )
    assert r.json()["data"] == []
    assert tenant_a["id"] != api.tenant.id
    got = await api.get(f"/customers/{their_id}")
    assert got.json()["data"]["full_name"] == "Bea Other"


async def test_revocation(client: Any) -> None:
    await signup(client, business="Revoke Gems")
    listing = await seed_listing()
    first = await tokens_for(client, listing)
    auth = (listing["client_id"], listing["secret"])
    r = await client.post("/oauth/revoke", data={"token": first["access_token"]}, auth=auth)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert (
        await client.get("/api/v1/customers", headers=bearer(first["access_token"]))
    ).status_code == 401
    # The refresh token was not revoked with the access token; revoking it ends the family.
    second = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        auth=auth,
    )
    assert second.status_code == 200
    fresh = second.json()
    r = await client.post(
        "/oauth/revoke",
        data={"token": fresh["refresh_token"], "token_type_hint": "refresh_token"},
        auth=auth,
    )
    assert r.status_code == 200
    assert (
        await client.get("/api/v1/customers", headers=bearer(fresh["access_token"]))
    ).status_code == 401
    # Unknown tokens: 200 all the same; another client's token is left alone.
    other = await seed_listing()
    r = await client.post("/oauth/revoke", data={"token": "jwa_unknown"}, auth=auth)
    assert r.status_code == 200
    mine = await tokens_for(client, listing)
    r = await client.post(
        "/oauth/revoke",
        data={"token": mine["access_token"]},
        auth=(other["client_id"], other["secret"]),
    )
    assert r.status_code == 200
    assert (
        await client.get("/api/v1/customers", headers=bearer(mine["access_token"]))
    ).status_code == 200
    r = await client.post("/oauth/revoke", data={"token": "x"}, auth=(listing["client_id"], "no"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = await client.post(
        "/oauth/revoke", data={"token": "x", "token_type_hint": "id_token"}, auth=auth
    )
    assert r.json()["error"] == "unsupported_token_type"
    r = await client.post("/oauth/revoke", data={}, auth=auth)
    assert r.json()["error"] == "invalid_request"


async def test_a_suspended_app_is_refused_and_its_tokens_stop(client: Any) -> None:
    await signup(client, business="Suspended Gems")
    listing = await seed_listing()
    body = await tokens_for(client, listing)
    token = body["access_token"]
    assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 200
    await execute("UPDATE public.listing SET status = 'suspended' WHERE id = $1", listing["id"])
    assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 401
    r = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.json()["error"] == "unauthorized_client"
    _, challenge = pkce()
    r = await client.get(authorize_url(listing, challenge), follow_redirects=False)
    assert r.status_code == 400 and "location" not in r.headers
    draft = await seed_listing(status="draft")
    r = await client.get(authorize_url(draft, challenge), follow_redirects=False)
    assert r.status_code == 400 and "location" not in r.headers
    unlisted = await seed_listing(status="unlisted")
    assert (await tokens_for(client, unlisted))["access_token"].startswith("jwa_")
