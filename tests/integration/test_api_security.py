"""API authentication, permissions, keys, JWT, and crossing between tenants."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pyotp

from jewelia.core.db import execute
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys.service import create_key
from tests.conftest import STRONG_PASSWORD, unique_email


def client_for(app: Any, key: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50002)),
        base_url="http://testserver.local/api/v1",
        headers=headers,
    )


async def _seed(api: Any) -> dict[str, str]:
    cust = (
        await api.post("/customers", json={"full_name": "Cross Tenant", "email": unique_email()})
    ).json()["data"]
    item = (
        await api.post(
            "/inventory",
            json={
                "sku": f"X-{uuid.uuid4().hex[:6]}",
                "name": "Ring",
                "category": "rings",
                "price": 10,
                "quantity": 3,
            },
        )
    ).json()["data"]
    order = (
        await api.post(
            "/orders", json={"customer_id": cust["id"], "items": [{"inventory_id": item["id"]}]}
        )
    ).json()["data"]
    keys = (await api.get("/api-keys")).json()["data"]
    return {"customer": cust["id"], "item": item["id"], "order": order["id"], "key": keys[0]["id"]}


async def test_tenant_b_never_reaches_tenant_a(api: Any, app: Any) -> None:
    ids = await _seed(api)
    _, tenant_b = await accounts.signup("Tenant B", "Bee", unique_email("b"), STRONG_PASSWORD)
    key_b = await create_key(tenant_b.id, "b", ["read", "write", "delete", "admin"])
    async with client_for(app, key_b.secret) as b:
        for path in (
            f"/customers/{ids['customer']}",
            f"/inventory/{ids['item']}",
            f"/orders/{ids['order']}",
            f"/api-keys/{ids['key']}",
        ):
            for method in ("GET", "PUT", "PATCH", "DELETE"):
                if path.startswith("/orders") and method == "DELETE":
                    continue
                if path.startswith("/api-keys") and method in ("PUT", "PATCH"):
                    continue
                r = await b.request(method, path, json={} if method in ("PUT", "PATCH") else None)
                assert r.status_code == 404, (method, path, r.text)
                assert r.json()["code"] == "NOT_FOUND"
        r = await b.post(f"/api-keys/{ids['key']}/rotate", json={})
        assert r.status_code == 404
        r = await b.post(
            "/orders",
            json={"customer_id": ids["customer"], "items": [{"inventory_id": ids["item"]}]},
        )
        assert r.status_code == 422 and "not found" in r.text.lower()
        for listing in ("/customers", "/inventory", "/orders"):
            assert (await b.get(listing)).json()["pagination"]["total"] == 0
        assert len((await b.get("/api-keys")).json()["data"]) == 1
    # A's data is untouched.
    assert (await api.get(f"/customers/{ids['customer']}")).status_code == 200
    assert (await api.get(f"/inventory/{ids['item']}")).json()["data"]["quantity"] == 2


async def test_missing_bad_expired_revoked_keys(api: Any, app: Any) -> None:
    for key in (None, "nonsense", "jw_live_" + "x" * 43, "Bearer", "x" * 5000):
        async with client_for(app, key) as c:
            r = await c.get("/customers")
            assert r.status_code == 401, key
            assert r.json()["code"] == "AUTHENTICATION_ERROR"
    expired = await create_key(
        api.tenant.id, "old", ["read"], expires_at=datetime.now(UTC) + timedelta(seconds=1)
    )
    await execute(
        "UPDATE public.api_key SET expires_at = now() - interval '1 second' WHERE id = $1",
        expired.key.id,
    )
    async with client_for(app, expired.secret) as c:
        assert (await c.get("/customers")).status_code == 401
    revoked = await create_key(api.tenant.id, "gone", ["read"])
    assert (await api.delete(f"/api-keys/{revoked.key.id}")).json()["data"]["status"] == "revoked"
    async with client_for(app, revoked.secret) as c:
        assert (await c.get("/customers")).json()["code"] == "AUTHENTICATION_ERROR"


async def test_permissions_per_method(api: Any, app: Any) -> None:
    read_only = await create_key(api.tenant.id, "reader", ["read"])
    writer = await create_key(api.tenant.id, "writer", ["read", "write"])
    async with client_for(app, read_only.secret) as c:
        assert (await c.get("/customers")).status_code == 200
        r = await c.post("/customers", json={"full_name": "Nope"})
        assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"
        assert (await c.get("/api-keys")).status_code == 403
    async with client_for(app, writer.secret) as c:
        cust = (await c.post("/customers", json={"full_name": "Yes"})).json()["data"]
        r = await c.delete(f"/customers/{cust['id']}")
        assert r.status_code == 403
    assert (await api.get("/customers", params={"search": "Nope"})).json()["pagination"][
        "total"
    ] == 0


async def test_key_lifecycle_shown_once_hashed_rotated(api: Any, app: Any) -> None:
    r = await api.post("/api-keys", json={"name": "Shopify sync", "permissions": ["read", "write"]})
    assert r.status_code == 201
    created = r.json()["data"]
    secret = created["key"]
    assert secret.startswith("jw_live_") and created["prefix"] == secret[:14]
    listed = (await api.get(f"/api-keys/{created['id']}")).json()["data"]
    assert "key" not in listed and listed["status"] == "active"
    bad = await api.post("/api-keys", json={"name": "", "permissions": ["fly"]})
    assert {d["field"] for d in bad.json()["details"]} == {"name", "permissions"}
    rotated = (
        await api.post(f"/api-keys/{created['id']}/rotate", json={"grace_period_hours": 0})
    ).json()["data"]
    assert rotated["key"] != secret and rotated["rotated_from"] == created["id"]
    async with client_for(app, secret) as old, client_for(app, rotated["key"]) as new:
        assert (await old.get("/customers")).status_code == 401
        assert (await new.get("/customers")).status_code == 200
    grace = (await api.post(f"/api-keys/{rotated['id']}/rotate", json={})).json()["data"]
    async with client_for(app, rotated["key"]) as still, client_for(app, grace["key"]) as newest:
        assert (await still.get("/customers")).status_code == 200
        assert (await newest.get("/customers")).status_code == 200
    assert (
        await api.post(f"/api-keys/{grace['id']}/rotate", json={"grace_period_hours": 999})
    ).status_code == 422


async def test_jwt_tokens_with_two_factor(db: None, app: Any) -> None:
    email = unique_email("jwt")
    user, tenant = await accounts.signup("Jwt Gems", "Jo", email, STRONG_PASSWORD)
    async with client_for(app, None) as c:
        r = await c.post("/auth/token", json={"email": email, "password": "wrong-password-x"})
        assert r.status_code == 401
        r = await c.post("/auth/token", json={"email": email, "password": STRONG_PASSWORD})
        tokens = r.json()["data"]
        assert tokens["role"] == "owner" and tokens["tenant_id"] == str(tenant.id)
        claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        assert claims["role"] == "owner" and claims["tid"] == str(tenant.id)
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert (await c.get("/customers", headers=auth)).status_code == 200
        forged = jwt.encode(
            {**claims, "role": "owner", "tid": str(uuid.uuid4())}, "guess", algorithm="HS256"
        )
        assert (
            await c.get("/customers", headers={"Authorization": f"Bearer {forged}"})
        ).status_code == 401
        expired = jwt.encode({**claims, "exp": 1}, "x", algorithm="HS256")
        assert (
            await c.get("/customers", headers={"Authorization": f"Bearer {expired}"})
        ).status_code == 401
        r = await c.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert r.status_code == 200
        again = await c.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert again.status_code == 401  # single use
        secret = accounts.new_totp_secret()
        await accounts.enable_totp(user.id, secret, pyotp.TOTP(secret).now())
        r = await c.post("/auth/token", json={"email": email, "password": STRONG_PASSWORD})
        assert r.status_code == 401 and "totp_code" in r.json()["error"]
        r = await c.post(
            "/auth/token",
            json={
                "email": email,
                "password": STRONG_PASSWORD,
                "totp_code": pyotp.TOTP(secret).at(time.time() + 30),  # enabling spent now()
            },
        )
        assert r.status_code == 200
