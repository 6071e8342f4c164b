"""Per-key controls: an hourly limit below the plan's and an IP allow-list, over the API, the
settings page and a second server process (real PostgreSQL, Redis and NOTIFY)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from jewelia.core.db import fetch
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys import service as keys
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import form_post, signup


def _client(app: Any, secret: str, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """An API client whose requests come from `address` (the ASGI peer)."""
    transport = httpx.ASGITransport(app=app, client=(address, 50123))
    return httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
async def from_address(app: Any) -> AsyncIterator[Any]:
    """open(secret, address) -> a client; all closed at the end."""
    opened: list[httpx.AsyncClient] = []

    def open_client(secret: str, address: str = "127.0.0.1") -> httpx.AsyncClient:
        opened.append(_client(app, secret, address))
        return opened[-1]

    yield open_client
    for c in opened:
        await c.aclose()


async def _create(api: Any, **body: Any) -> Any:
    return await api.post("/api-keys", json={"name": "ctl", "permissions": ["read"], **body})


async def test_create_normalises_controls_and_get_shows_them(api: Any) -> None:
    r = await _create(
        api,
        hourly_limit=3,
        allowed_ips=[
            " 10.1.2.3/8 ",
            "2001:DB8::/32",
            "::ffff:203.0.113.9",
            "203.0.113.9/32",
            "10.0.0.0/8",
            "2001:db8:0:0::1",
        ],
    )
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["hourly_limit"] == 3
    assert data["allowed_ips"] == ["10.0.0.0/8", "2001:db8::/32", "203.0.113.9", "2001:db8::1"]
    got = (await api.get(f"/api-keys/{data['id']}")).json()["data"]
    assert got["hourly_limit"] == 3 and got["allowed_ips"] == data["allowed_ips"]
    listed = {k["id"]: k for k in (await api.get("/api-keys")).json()["data"]}
    assert listed[data["id"]]["allowed_ips"] == data["allowed_ips"]
    # A key made without controls has none.
    plain = (await _create(api)).json()["data"]
    assert plain["hourly_limit"] is None and plain["allowed_ips"] == []


async def test_key_limit_refuses_the_fourth_request_while_another_key_works(
    api: Any, from_address: Any
) -> None:
    limited = (await _create(api, hourly_limit=3)).json()["data"]
    c = from_address(limited["key"])
    seen = []
    for _ in range(3):
        r = await c.get("/customers")
        assert r.status_code == 200, r.text
        seen.append((r.headers["x-ratelimit-limit"], r.headers["x-ratelimit-remaining"]))
    assert seen == [("3", "2"), ("3", "1"), ("3", "0")]
    refused = await c.get("/customers")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "RATE_LIMIT_EXCEEDED" and body["success"] is False
    assert refused.headers["x-ratelimit-limit"] == "3"
    assert refused.headers["x-ratelimit-remaining"] == "0"
    retry = int(refused.headers["retry-after"])
    assert 3500 < retry <= 3601 and body["retryAfter"] == retry
    assert int(refused.headers["x-ratelimit-reset"]) >= int(time.time()) + retry - 1

    # The business's other key still works, on the plan's budget (which counted the three).
    other = await api.get("/customers")
    assert other.status_code == 200
    assert other.headers["x-ratelimit-limit"] == "1000"
    used = await fetch_tenant_use(api.tenant.id)
    assert other.headers["x-ratelimit-remaining"] == str(1000 - used)

    # Lifting the key's limit applies to its next request (the grant cache is dropped).
    lifted = await api.patch(f"/api-keys/{limited['id']}", json={"hourly_limit": None})
    assert lifted.status_code == 200 and lifted.json()["data"]["hourly_limit"] is None
    again = await c.get("/customers")
    assert again.status_code == 200 and again.headers["x-ratelimit-limit"] == "1000"


async def fetch_tenant_use(tenant_id: uuid.UUID) -> int:
    """Accepted requests in the tenant's hourly budget, read from Redis."""
    from jewelia.platform.billing import ratelimit

    hour, _ = await ratelimit.usage(tenant_id)
    return hour


async def test_limit_above_the_plan_and_bad_values_are_validation_errors(api: Any) -> None:
    r = await _create(api, hourly_limit=1001)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["details"] == [
        {
            "field": "hourly_limit",
            "message": "Hourly limit must be at most 1,000, the Free plan's limit",
            "code": "OUT_OF_RANGE",
        }
    ]
    zero = await _create(api, hourly_limit=0)
    assert zero.status_code == 400 and zero.json()["code"] == "VALIDATION_ERROR"
    assert zero.json()["details"][0]["field"] == "hourly_limit"
    text = await _create(api, hourly_limit="ten")
    assert text.status_code == 400 and text.json()["details"][0]["field"] == "hourly_limit"

    bad = await _create(
        api, allowed_ips=["10.0.0.0/33", "not-an-ip", "fe80::1%eth0", "127.0.0.1", "300.1.1.1"]
    )
    assert bad.status_code == 422 and bad.json()["code"] == "VALIDATION_ERROR"
    details = bad.json()["details"]
    assert [d["field"] for d in details] == ["allowed_ips"] * 4
    assert {d["code"] for d in details} == {"INVALID_CIDR"}
    assert "'10.0.0.0/33' is not an IP address or CIDR range" in details[0]["message"]
    assert "'fe80::1%eth0'" in details[2]["message"]
    many = await _create(api, allowed_ips=[f"10.0.{n}.0/24" for n in range(51)])
    assert many.status_code == 400 and many.json()["details"][0]["field"] == "allowed_ips"
    # Every problem at once, and nothing was created.
    both = await _create(api, name="", hourly_limit=5000, allowed_ips=["nope"])
    assert {d["field"] for d in both.json()["details"]} == {"name", "hourly_limit", "allowed_ips"}
    names = [k["name"] for k in (await api.get("/api-keys")).json()["data"]]
    assert names == ["test key"]


async def test_a_professional_plan_allows_a_higher_key_limit(api: Any) -> None:
    from jewelia.core.db import execute

    await execute("UPDATE public.tenant SET plan = 'professional' WHERE id = $1", api.tenant.id)
    r = await _create(api, hourly_limit=5000)
    assert r.status_code == 201 and r.json()["data"]["hourly_limit"] == 5000
    over = await api.patch(f"/api-keys/{r.json()['data']['id']}", json={"hourly_limit": 10001})
    assert over.status_code == 422
    assert "at most 10,000, the Professional plan's limit" in over.json()["details"][0]["message"]


async def test_ip_allow_list(api: Any, from_address: Any) -> None:
    local = (await _create(api, allowed_ips=["127.0.0.0/8"])).json()["data"]
    private = (await _create(api, allowed_ips=["10.0.0.0/8", "2001:db8::/32"])).json()["data"]
    assert (await from_address(local["key"]).get("/customers")).status_code == 200

    refused = await from_address(private["key"]).get("/customers")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "AUTHORIZATION_ERROR"
    assert body["error"] == "Requests from 127.0.0.1 are not allowed for this API key"
    assert body["details"] == {"ip": "127.0.0.1"}
    assert "x-ratelimit-limit" not in refused.headers  # refused before the budget is charged

    for address in ("10.9.8.7", "::ffff:10.1.1.1", "2001:db8:1::42"):
        ok = await from_address(private["key"], address).get("/customers")
        assert ok.status_code == 200, (address, ok.text)
    outside = await from_address(private["key"], "2001:db9::1").get("/customers")
    assert outside.status_code == 403
    assert outside.json()["error"] == "Requests from 2001:db9::1 are not allowed for this API key"
    assert (await from_address(local["key"], "10.9.8.7").get("/customers")).status_code == 403

    # Changing the list applies at once; [] allows any address.
    opened = await api.patch(f"/api-keys/{private['id']}", json={"allowed_ips": []})
    assert opened.status_code == 200 and opened.json()["data"]["allowed_ips"] == []
    assert (await from_address(private["key"]).get("/customers")).status_code == 200
    closed = await api.patch(f"/api-keys/{private['id']}", json={"allowed_ips": ["192.0.2.0/24"]})
    assert closed.json()["data"]["allowed_ips"] == ["192.0.2.0/24"]
    assert (await from_address(private["key"]).get("/customers")).status_code == 403


async def test_ipv4_mapped_ranges_are_ipv4_ranges(api: Any, from_address: Any) -> None:
    """::ffff:a.b.c.d/n (n >= 96) is the IPv4 range a.b.c.d/(n - 96): stored and shown so, and
    it matches clients whether the server reports them as IPv4 or IPv4-mapped IPv6."""
    from jewelia.platform.apikeys import controls

    assert str(controls.parse_network("::ffff:10.0.0.0/104")) == "10.0.0.0/8"
    assert str(controls.parse_network("::ffff:192.0.2.128/121")) == "192.0.2.128/25"
    assert str(controls.parse_network("::ffff:0:0/96")) == "0.0.0.0/0"
    assert str(controls.parse_network("::ffff:203.0.113.9")) == "203.0.113.9/32"
    assert str(controls.parse_network("::ffff:0:0/95")) == "::fffe:0:0/95"  # not only mapped
    made = await _create(api, allowed_ips=["::ffff:10.0.0.0/104", "::ffff:192.0.2.0/120"])
    assert made.status_code == 201, made.text
    key = made.json()["data"]
    assert key["allowed_ips"] == ["10.0.0.0/8", "192.0.2.0/24"]
    for address in ("10.200.1.2", "::ffff:10.200.1.2", "192.0.2.77", "::ffff:192.0.2.77"):
        ok = await from_address(key["key"], address).get("/customers")
        assert ok.status_code == 200, (address, ok.text)
    for address in ("11.0.0.1", "::ffff:11.0.0.1", "192.0.3.1"):
        refused = await from_address(key["key"], address).get("/customers")
        assert refused.status_code == 403, address


async def test_controls_do_not_touch_jwts_and_survive_rotation(
    api: Any, app: Any, from_address: Any
) -> None:
    key = (await _create(api, hourly_limit=2, allowed_ips=["10.0.0.0/8"])).json()["data"]
    rotated = await api.post(f"/api-keys/{key['id']}/rotate", json={"grace_period_hours": 0})
    assert rotated.status_code == 201
    new = rotated.json()["data"]
    assert new["hourly_limit"] == 2 and new["allowed_ips"] == ["10.0.0.0/8"]
    assert (await from_address(new["key"]).get("/customers")).status_code == 403
    assert (await from_address(new["key"], "10.0.0.1").get("/customers")).status_code == 200

    # A member's JWT from any address is on the plan's budget.
    email = unique_email("jwt")
    await accounts.signup("Jwt Gems", "Jo Jwt", email, STRONG_PASSWORD)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t.local/api/v1") as c:
        tokens = await c.post("/auth/token", json={"email": email, "password": STRONG_PASSWORD})
        access = tokens.json()["data"]["access_token"]
        r = await c.get("/customers", headers={"Authorization": f"Bearer {access}"})
    assert r.status_code == 200 and r.headers["x-ratelimit-limit"] == "1000"


async def test_update_rules(api: Any, app: Any) -> None:
    key = (await _create(api)).json()["data"]
    renamed = await api.patch(f"/api-keys/{key['id']}", json={"name": "Renamed", "hourly_limit": 7})
    assert renamed.status_code == 200
    assert renamed.json()["data"]["name"] == "Renamed"
    assert renamed.json()["data"]["hourly_limit"] == 7
    untouched = await api.patch(f"/api-keys/{key['id']}", json={})
    assert untouched.json()["data"]["hourly_limit"] == 7
    unknown = await api.patch(f"/api-keys/{key['id']}", json={"permissions": ["admin"]})
    assert unknown.status_code == 400 and unknown.json()["code"] == "VALIDATION_ERROR"

    await api.delete(f"/api-keys/{key['id']}")
    gone = await api.patch(f"/api-keys/{key['id']}", json={"hourly_limit": 1})
    assert gone.status_code == 422 and gone.json()["details"][0]["code"] == "INVALID_STATE"

    _, other = await accounts.signup("Other Gems", "Oli", unique_email("o"), STRONG_PASSWORD)
    theirs = await keys.create_key(other.id, "theirs", ["read"])
    cross = await api.patch(f"/api-keys/{theirs.key.id}", json={"hourly_limit": 1})
    assert cross.status_code == 404
    row = await fetch("SELECT hourly_limit FROM public.api_key WHERE id = $1", theirs.key.id)
    assert row[0]["hourly_limit"] is None

    reader = await keys.create_key(api.tenant.id, "reader", ["read", "write"])
    async with _client(app, reader.secret) as c:
        denied = await c.patch(f"/api-keys/{reader.key.id}", json={"hourly_limit": 1})
    assert denied.status_code == 403  # managing keys needs admin


async def test_another_server_process_hears_of_a_change(api: Any, live_server: str) -> None:
    """The grant cache in `jewelia serve` is dropped by the api_key trigger's NOTIFY."""
    key = await keys.create_key(api.tenant.id, "remote", ["read"])
    headers = {"Authorization": f"Bearer {key.secret}"}
    async with httpx.AsyncClient(base_url=f"{live_server}/api/v1", headers=headers) as c:
        assert (await c.get("/customers")).status_code == 200  # the grant is cached there now
        await keys.update_key(api.tenant.id, key.key.id, {"allowed_ips": ["10.0.0.0/8"]})
        status = 200
        for _ in range(100):  # a notice takes milliseconds; allow a busy machine 10 s
            status = (await c.get("/customers")).status_code
            if status == 403:
                break
            await _sleep(0.1)
        assert status == 403
        await keys.update_key(api.tenant.id, key.key.id, {"hourly_limit": 1, "allowed_ips": []})
        seen = []
        for _ in range(100):
            r = await c.get("/customers")
            seen.append(r.headers.get("x-ratelimit-limit"))
            if r.status_code == 429:
                break
            await _sleep(0.1)
        assert r.status_code == 429 and r.headers["x-ratelimit-limit"] == "1"


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


# --- the settings page ---------------------------------------------------------------------

PAGE = "/settings/api-keys"


async def test_settings_page_creates_and_changes_key_controls(client: Any) -> None:
    await signup(client, business="Limit Gems")
    r = await form_post(
        client,
        PAGE,
        {
            "name": "Shop sync",
            "permissions": "read",
            "hourly_limit": "1200",
            "allowed_ips": "10.0.0.1/8\nnonsense",
        },
    )
    assert r.status_code == 422
    assert "Hourly limit must be at most 1,000, the Free plan&#39;s limit" in r.text
    assert "&#39;nonsense&#39; is not an IP address or CIDR range" in r.text
    assert 'value="Shop sync"' in r.text and "10.0.0.1/8\nnonsense</textarea>" in r.text

    r = await form_post(
        client,
        PAGE,
        {"name": "Shop sync", "permissions": "read", "hourly_limit": "ten", "allowed_ips": ""},
    )
    assert r.status_code == 422 and "Hourly limit must be a whole number" in r.text

    r = await form_post(
        client,
        PAGE,
        {
            "name": "Shop sync",
            "permissions": "read",
            "hourly_limit": "50",
            "allowed_ips": "10.0.0.1/8, 2001:DB8::/32\n203.0.113.9",
        },
    )
    assert r.status_code == 201, r.text
    rows = await fetch(
        "SELECT id, hourly_limit, allowed_ips FROM public.api_key WHERE name = 'Shop sync'"
        " ORDER BY created_at DESC LIMIT 1"
    )
    key_id = rows[0]["id"]
    assert rows[0]["hourly_limit"] == 50
    assert [str(n) for n in rows[0]["allowed_ips"]] == [
        "10.0.0.0/8",
        "2001:db8::/32",
        "203.0.113.9/32",
    ]
    assert "50 / hour" in r.text
    assert "<code>10.0.0.0/8</code>, <code>2001:db8::/32</code>, <code>203.0.113.9</code>" in r.text

    action = f"{PAGE}/{key_id}/controls"
    bad = await form_post(
        client, PAGE, {"hourly_limit": "0", "allowed_ips": "1.2.3.4/40"}, action=action
    )
    assert bad.status_code == 422
    assert "Hourly limit must be at least 1" in bad.text
    assert "&#39;1.2.3.4/40&#39; is not an IP address or CIDR range" in bad.text
    assert "1.2.3.4/40</textarea>" in bad.text  # what was typed comes back in that row's form

    ok = await form_post(client, PAGE, {"hourly_limit": "", "allowed_ips": ""}, action=action)
    assert ok.status_code == 200 and "saved." in ok.text
    row = await fetch("SELECT hourly_limit, allowed_ips FROM public.api_key WHERE id = $1", key_id)
    assert row[0]["hourly_limit"] is None and row[0]["allowed_ips"] == []
    assert "any address" in ok.text and "plan (1,000 / hour)" in ok.text

    # A form without the CSRF token changes nothing.
    forged = await client.post(action, data={"hourly_limit": "5", "allowed_ips": ""})
    assert forged.status_code == 403
    row = await fetch("SELECT hourly_limit FROM public.api_key WHERE id = $1", key_id)
    assert row[0]["hourly_limit"] is None
