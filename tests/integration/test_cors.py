"""CORS per business: preflights answered before authentication, actual requests checked
against the credential's business, the settings page (several real tenants)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from jewelia.core.db import fetch
from jewelia.core.errors import ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys import origins
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import form_post, signup

EXPOSED = (
    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-ID,"
    " Idempotent-Replayed"
)


async def _business(app: Any, *allowed: str, **key: Any) -> Any:
    """A business allowing `allowed` origins, with an admin key and a client for it."""
    _, tenant = await accounts.signup(
        f"Cors Gems {uuid.uuid4().hex[:6]}", "Cy Cors", unique_email("cors"), STRONG_PASSWORD
    )
    await origins.set_origins(tenant.id, list(allowed))
    new = await create_key(tenant.id, "browser", list(PERMISSIONS), **key)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    c = httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {new.secret}"},
    )
    c.tenant = tenant  # type: ignore[attr-defined]
    c.secret = new.secret  # type: ignore[attr-defined]
    return c


@pytest.fixture
async def shops(app: Any) -> Any:
    """Business A allows two shop origins; business B allows its own one."""
    tag = uuid.uuid4().hex[:8]
    a_origin, b_origin = f"https://shop-{tag}.example.com", f"https://b-{tag}.example.net:8443"
    a = await _business(app, a_origin, "http://localhost:3000")
    b = await _business(app, b_origin)
    yield a, b, a_origin, b_origin
    await a.aclose()
    await b.aclose()


def _preflight(origin: str, method: str = "GET", headers: str = "authorization") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_preflights_are_answered_before_authentication(client: Any, shops: Any) -> None:
    _, _, a_origin, b_origin = shops
    for origin, method in ((a_origin, "GET"), (b_origin, "POST")):
        r = await client.options(
            "/api/v1/customers", headers=_preflight(origin, method, "authorization,content-type")
        )
        assert r.status_code == 204, r.text
        assert r.content == b""
        assert r.headers["access-control-allow-origin"] == origin
        assert r.headers["access-control-allow-methods"] == "GET, POST, PUT, PATCH, DELETE"
        assert r.headers["access-control-allow-headers"] == (
            "Authorization, Content-Type, Idempotency-Key, X-Request-ID"
        )
        assert r.headers["access-control-max-age"] == "600"
        assert r.headers["vary"] == "Origin"
        assert "access-control-allow-credentials" not in r.headers
        assert "x-ratelimit-limit" not in r.headers  # nothing was charged

    refused = await client.options(
        "/api/v1/customers", headers=_preflight("https://evil.example.org")
    )
    assert refused.status_code == 403
    body = refused.json()
    assert body["success"] is False and body["code"] == "AUTHORIZATION_ERROR"
    assert "https://evil.example.org is not allowed" in body["error"]
    assert not [h for h in refused.headers if h.startswith("access-control-")]
    # A look-alike of an allowed origin (other scheme, port or host) is another origin.
    for near in (a_origin.replace("https", "http"), a_origin + ":444", a_origin + ".evil.io"):
        r = await client.options("/api/v1/customers", headers=_preflight(near))
        assert r.status_code == 403, near
    # Outside the API, preflights are not ours to answer.
    page = await client.options("/settings/api-keys", headers=_preflight(a_origin))
    assert "access-control-allow-origin" not in page.headers


async def test_a_removed_origin_is_refused_at_once(client: Any, shops: Any) -> None:
    a, _, a_origin, _ = shops
    assert (await client.options("/api/v1/orders", headers=_preflight(a_origin))).status_code == 204
    await origins.set_origins(a.tenant.id, ["http://localhost:3000"])
    r = await client.options("/api/v1/orders", headers=_preflight(a_origin))
    assert r.status_code == 403
    r = await a.get("/customers", headers={"Origin": a_origin})
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers


async def test_actual_requests_from_allowed_origins_read_the_answer(shops: Any) -> None:
    a, _, a_origin, _ = shops
    r = await a.get("/customers", headers={"Origin": a_origin})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == a_origin
    assert r.headers["access-control-expose-headers"] == EXPOSED
    assert "Origin" in r.headers.get_list("vary")
    assert "access-control-allow-credentials" not in r.headers
    assert r.headers["x-ratelimit-limit"] == "1000"

    created = await a.post(
        "/customers",
        json={"full_name": "Bea Browser", "email": unique_email("bea")},
        headers={"Origin": "http://localhost:3000", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert created.status_code == 201, created.text
    assert created.headers["access-control-allow-origin"] == "http://localhost:3000"

    # Errors are readable too: a 404, a validation error, a bad credential.
    missing = await a.get(f"/customers/{uuid.uuid4()}", headers={"Origin": a_origin})
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == a_origin
    invalid = await a.post("/customers", json={"full_name": ""}, headers={"Origin": a_origin})
    assert invalid.status_code in (400, 422)
    assert invalid.headers["access-control-allow-origin"] == a_origin
    bad_key = await a.get(
        "/customers", headers={"Origin": a_origin, "Authorization": "Bearer jw_live_nope"}
    )
    assert bad_key.status_code == 401
    assert bad_key.headers["access-control-allow-origin"] == a_origin
    # ... but not for an origin no business allows.
    stranger = await a.get(
        "/customers",
        headers={"Origin": "https://evil.example.org", "Authorization": "Bearer jw_live_nope"},
    )
    assert stranger.status_code == 401 and "access-control-allow-origin" not in stranger.headers


async def test_another_business_origin_is_refused_before_any_work(shops: Any) -> None:
    a, b, a_origin, b_origin = shops
    refused = await b.post(
        "/customers",
        json={"full_name": "Eve Elsewhere", "email": unique_email("eve")},
        headers={"Origin": a_origin},
    )
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "AUTHORIZATION_ERROR"
    assert body["error"] == f"Origin {a_origin} is not allowed for this business (Settings › API)"  # noqa: RUF001
    assert body["details"] == {"origin": a_origin}
    assert "access-control-allow-origin" not in refused.headers
    assert refused.headers.get_list("vary") == ["Origin"]  # caches keep it apart by Origin
    assert "x-ratelimit-limit" not in refused.headers  # not even charged
    listed = await b.get("/customers")
    assert listed.json()["data"] == []  # nothing was created
    # The same key from its own business's origin works.
    ok = await b.get("/customers", headers={"Origin": b_origin})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == b_origin
    # And A's key from B's origin is refused likewise.
    assert (await a.get("/customers", headers={"Origin": b_origin})).status_code == 403


async def test_a_business_without_origins_and_same_origin_requests(app: Any, shops: Any) -> None:
    _, _, a_origin, _ = shops
    off = await _business(app)
    try:
        r = await off.get("/customers", headers={"Origin": a_origin})
        assert r.status_code == 403
        # Its own pages (the server's origin) are not cross-origin: no check, no CORS headers.
        same = await off.post(
            "/customers",
            json={"full_name": "Sam Same", "email": unique_email("sam")},
            headers={"Origin": "http://testserver.local"},
        )
        assert same.status_code == 201 and "access-control-allow-origin" not in same.headers
        plain = await off.get("/customers")  # servers send no Origin at all
        assert plain.status_code == 200 and "access-control-allow-origin" not in plain.headers
        # Every API answer says it depends on Origin, with or without one.
        for answer in (r, same, plain):
            assert answer.headers.get_list("vary") == ["Origin"], answer.headers
    finally:
        await off.aclose()


async def test_rate_limit_and_ip_refusals_are_readable_by_an_allowed_page(
    app: Any, shops: Any
) -> None:
    _, _, a_origin, _ = shops
    c = await _business(app, a_origin, hourly_limit=1, allowed_ips=["127.0.0.0/8"])
    try:
        assert (await c.get("/customers", headers={"Origin": a_origin})).status_code == 200
        limited = await c.get("/customers", headers={"Origin": a_origin})
        assert limited.status_code == 429
        assert limited.headers["access-control-allow-origin"] == a_origin
        assert limited.headers["x-ratelimit-limit"] == "1" and limited.headers["retry-after"]
    finally:
        await c.aclose()
    far = await _business(app, a_origin, allowed_ips=["10.0.0.0/8"])
    try:
        r = await far.get("/customers", headers={"Origin": a_origin})
        assert r.status_code == 403 and "127.0.0.1" in r.json()["error"]
        assert r.headers["access-control-allow-origin"] == a_origin
    finally:
        await far.aclose()


async def test_origin_validation(db: None) -> None:
    _, tenant = await accounts.signup("Valid Gems", "Val", unique_email("v"), STRONG_PASSWORD)
    saved = await origins.set_origins(
        tenant.id,
        [
            "https://Shop.Example.com/",
            "https://shop.example.com:443",
            "http://localhost:3000",
            "https://bücher.example",
            "http://[::1]:8080",
        ],
    )
    assert saved == [
        "https://shop.example.com",
        "http://localhost:3000",
        "https://xn--bcher-kva.example",
        "http://[::1]:8080",
    ]
    bad = [
        "https://shop.example.com/path",
        "*",
        "https://*.example.com",
        "ftp://files.example.com",
        "null",
        "https://user:pw@example.com",
        "https://example.com?x=1",
        "https://example.com:99999",
        "shop.example.com",
    ]
    with pytest.raises(ValidationFailed) as caught:
        await origins.set_origins(tenant.id, bad)
    errors = caught.value.errors
    assert len(errors) == len(bad)
    assert {e["field"] for e in errors} == {"cors_origins"}
    assert {e["code"] for e in errors} == {"INVALID_ORIGIN"}
    assert "no path" in errors[0]["message"] and "wildcards" in errors[1]["message"]
    assert await origins.origins_of(tenant.id) == saved  # nothing changed
    with pytest.raises(ValidationFailed):
        await origins.set_origins(tenant.id, [f"https://s{n}.example.com" for n in range(51)])
    assert await origins.set_origins(tenant.id, []) == []


async def test_settings_page_sets_origins(client: Any) -> None:
    await signup(client, business="Browser Gems")
    page = await client.get("/settings/api-keys")
    assert "Browser access (CORS)" in page.text
    assert '<textarea class="mono" name="cors_origins"' in page.text

    r = await form_post(
        client,
        "/settings/api-keys",
        {"cors_origins": "https://shop.example.com/checkout\nhttps://ok.example.com"},
        action="/settings/api-keys/cors",
    )
    assert r.status_code == 422
    assert "Nothing was saved" in r.text
    assert "&#39;https://shop.example.com/checkout&#39;: an origin has no path" in r.text
    assert "https://shop.example.com/checkout\nhttps://ok.example.com</textarea>" in r.text
    tenant_id = (
        await fetch(
            "SELECT t.id FROM public.tenant t WHERE t.name = 'Browser Gems'"
            " ORDER BY created_at DESC LIMIT 1"
        )
    )[0]["id"]
    assert await origins.origins_of(tenant_id) == []

    r = await form_post(
        client,
        "/settings/api-keys",
        {"cors_origins": "https://Shop.Example.com, http://localhost:5173"},
        action="/settings/api-keys/cors",
    )
    assert r.status_code == 200 and "Browser access allowed from 2 origins." in r.text
    assert await origins.origins_of(tenant_id) == [
        "https://shop.example.com",
        "http://localhost:5173",
    ]
    assert "https://shop.example.com\nhttp://localhost:5173</textarea>" in r.text
    r = await client.options(
        "/api/v1/customers", headers=_preflight("http://localhost:5173", "DELETE")
    )
    assert r.status_code == 204

    r = await form_post(
        client, "/settings/api-keys", {"cors_origins": ""}, action="/settings/api-keys/cors"
    )
    assert "Browser access is off." in r.text
    assert await origins.origins_of(tenant_id) == []

    forged = await client.post("/settings/api-keys/cors", data={"cors_origins": "https://x.io"})
    assert forged.status_code == 403
    assert await origins.origins_of(tenant_id) == []


async def test_every_api_answer_varies_by_origin(client: Any, shops: Any) -> None:
    """Vary: Origin on every /api/v1 answer (a cache must not serve one origin's answer, or
    its refusal, to another), merged into a Vary the route sets itself; pages are untouched."""
    a, _, a_origin, _ = shops
    answers = [
        await client.get("/api/v1/customers"),  # 401, no Origin
        await client.get("/api/v1/customers", headers={"Origin": "https://evil.example.org"}),
        await client.options("/api/v1/customers", headers=_preflight("https://evil.example.org")),
        await a.get("/customers"),
        await a.get("/customers", headers={"Origin": a_origin}),
        await a.get("/customers", headers={"Origin": "https://evil.example.org"}),  # 403
        await client.get("/api/v1/openapi.json"),
    ]
    for r in answers:
        vary = [v.strip() for line in r.headers.get_list("vary") for v in line.split(",")]
        assert vary.count("Origin") == 1, (r.request.url, r.status_code, r.headers)
    from jewelia.platform.apikeys.cors import with_vary_origin

    assert with_vary_origin([(b"vary", b"Accept-Encoding")]) == [
        (b"vary", b"Accept-Encoding, Origin")
    ]
    assert with_vary_origin([(b"Vary", b"origin")]) == [(b"Vary", b"origin")]
