"""Issue 10, the API edge: idempotency after authorization, inbound webhook floods, nested JSON,
out-of-range pages, rate-limit headers on every answer, and the CSV content type."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from typing import Any

import httpx

from jewelia.core.redis_client import get_redis
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.platform.billing import ratelimit
from jewelia.tenants.webhooks.inbound import service as inbound
from jewelia.tenants.webhooks.inbound.verify import sign
from tests.conftest import STRONG_PASSWORD
from tests.integration.transfer_helpers import download, run_export, start_import, wait_job

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


async def _client_for(app: Any, secret: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50011)),
        base_url="http://testserver.local/api/v1",
        headers={"Authorization": f"Bearer {secret}"},
    )


async def _spend_budget(tenant_id: uuid.UUID, limit: int = 1000) -> None:
    """Fill the tenant's hourly budget in Redis, as a thousand real requests would."""
    now_ms = int(time.time() * 1000)
    await get_redis().zadd(
        f"rl:tenant:{tenant_id}", {f"{now_ms}-fill-{n}": now_ms for n in range(limit)}
    )


async def _refill_budget(tenant_id: uuid.UUID) -> None:
    await get_redis().delete(f"rl:tenant:{tenant_id}")


# -- item 4: idempotency after authorization ---------------------------------------------------


async def test_read_only_key_replaying_an_admin_key_gets_403(api: Any, app: Any) -> None:
    headers = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}
    body = {"full_name": "Idem Admin", "email": "idem@example.com"}
    first = await api.post("/customers", json=body, headers=headers)
    assert first.status_code == 201, first.text
    reader = await create_key(api.tenant.id, "reader", ["read"])
    async with await _client_for(app, reader.secret) as c:
        r = await c.post("/customers", json=body, headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR", r.text
    assert "idempotent-replayed" not in r.headers
    assert first.json()["data"]["id"] not in r.text


async def test_another_credential_with_the_same_key_does_not_see_the_response(
    api: Any, app: Any
) -> None:
    headers = {"Idempotency-Key": f"mine-{uuid.uuid4()}"}
    body = {"full_name": "Idem Twin"}
    first = await api.post("/customers", json=body, headers=headers)
    assert first.status_code == 201
    other = await create_key(api.tenant.id, "other admin", list(PERMISSIONS))
    async with await _client_for(app, other.secret) as c:
        second = await c.post("/customers", json=body, headers=headers)
        assert second.status_code == 201, second.text
        assert "idempotent-replayed" not in second.headers
        assert second.json()["data"]["id"] != first.json()["data"]["id"]
        # Each credential replays its own first answer.
        again = await c.post("/customers", json=body, headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["data"]["id"] == second.json()["data"]["id"]
    mine = await api.post("/customers", json=body, headers=headers)
    assert mine.json()["data"]["id"] == first.json()["data"]["id"]


async def test_a_429_is_not_stored(api: Any) -> None:
    headers = {"Idempotency-Key": f"limited-{uuid.uuid4()}"}
    body = {"full_name": "Idem Later"}
    await _spend_budget(api.tenant.id)
    try:
        refused = await api.post("/customers", json=body, headers=headers)
        assert refused.status_code == 429, refused.text
        for name in RATE_HEADERS:
            assert name in refused.headers
    finally:
        await _refill_budget(api.tenant.id)
    later = await api.post("/customers", json=body, headers=headers)
    assert later.status_code == 201, later.text
    assert "idempotent-replayed" not in later.headers


async def test_a_403_is_not_stored(api: Any, app: Any) -> None:
    """A refused first attempt leaves the key free for the same credential after a fix."""
    headers = {"Idempotency-Key": f"denied-{uuid.uuid4()}"}
    reader = await create_key(api.tenant.id, "reader", ["read"])
    async with await _client_for(app, reader.secret) as c:
        r = await c.post("/customers", json={"full_name": "Nope"}, headers=headers)
        assert r.status_code == 403
        unauth = await c.post(
            "/customers",
            json={"full_name": "Nope"},
            headers={**headers, "Authorization": "Bearer jw_live_wrong"},
        )
        assert unauth.status_code == 401
    from jewelia.core.db import fetch, tenant_scope

    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT count(*) AS n FROM idempotency_key WHERE key = $1", headers["Idempotency-Key"]
        )
    assert rows[0]["n"] == 0


async def _jobs(api: Any) -> int:
    r = await api.get("/import-export")
    assert r.status_code == 200, r.text
    return int(r.json()["pagination"]["total"])


def _wide_csv(tag: str, size: int) -> bytes:
    """A CSV of a few customers with long notes: `size` bytes or a little more."""
    note = "n" * 4000
    rows = [b"Full Name,Email,Notes"]
    n = 0
    while sum(len(r) + 1 for r in rows) < size:
        rows.append(f"Wide {tag} {n},wide{n}-{tag}@example.com,{note}".encode())
        n += 1
    return b"\n".join(rows) + b"\n"


async def test_idempotency_key_on_a_large_import(api: Any) -> None:
    """Bodies past 1 MiB take an Idempotency-Key (the SDKs send one on every POST): the
    fingerprint is hashed as the body streams, the answer replayed, a changed body refused."""
    tag = uuid.uuid4().hex[:8]
    csv = _wide_csv(tag, 3 << 19)  # 1.5 MiB, 2 MiB as base64 JSON
    body = {"type": "customers", "format": "csv", "data": base64.b64encode(csv).decode()}
    body["options"] = {"dryRun": True}
    raw = json.dumps(body).encode()
    assert len(raw) > 1 << 20
    headers = {"Idempotency-Key": f"big-{tag}", "content-type": "application/json"}
    before = await _jobs(api)
    first = await api.post("/import-export?action=import", content=raw, headers=headers)
    assert first.status_code == 202, first.text
    assert "idempotent-replayed" not in first.headers
    again = await api.post("/import-export?action=import", content=raw, headers=headers)
    assert again.status_code == 202 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["jobId"] == first.json()["data"]["jobId"]
    changed = raw.replace(b'"dryRun": true', b'"dryRun": false')
    assert changed != raw
    reused = await api.post("/import-export?action=import", content=changed, headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _jobs(api) == before + 1

    # Multipart streams to disk: chunked (no Content-Length), keyed, replayed the same way.
    boundary = f"b-{tag}"
    parts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in (
            ("type", "customers"),
            ("format", "csv"),
            ("options", '{"dryRun": true}'),
        )
    )
    upload = (
        parts
        + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + csv
        + f"\r\n--{boundary}--\r\n".encode()
    )

    async def chunked(data: bytes) -> Any:
        for start in range(0, len(data), 64 << 10):
            yield data[start : start + (64 << 10)]

    form = {
        "Idempotency-Key": f"form-{tag}",
        "content-type": f"multipart/form-data; boundary={boundary}",
    }
    first = await api.post("/import-export?action=import", content=chunked(upload), headers=form)
    assert first.status_code == 202, first.text
    again = await api.post("/import-export?action=import", content=chunked(upload), headers=form)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["jobId"] == first.json()["data"]["jobId"]
    other = upload.replace(b"Wide ", b"Vast ", 1)
    reused = await api.post("/import-export?action=import", content=chunked(other), headers=form)
    assert reused.status_code == 422 and reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _jobs(api) == before + 2
    from jewelia.core.db import fetch, tenant_scope

    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT request_hash, octet_length(response_body) AS size FROM idempotency_key"
            " WHERE key = ANY($1)",
            [f"big-{tag}", f"form-{tag}"],
        )
    # Only the fingerprint and the answer are kept, never the upload.
    assert len(rows) == 2 and all(len(r["request_hash"]) == 64 for r in rows)
    assert all(r["size"] < 4096 for r in rows)


# -- item 5: inbound webhook floods ---------------------------------------------------------


async def _usage_today(tenant_id: uuid.UUID) -> int:
    _hour, days = await ratelimit.usage(tenant_id)
    return days.get(int(time.strftime("%d", time.gmtime())), 0)


async def test_bad_signatures_are_throttled_apart_from_the_tenant(
    api: Any, client: httpx.AsyncClient
) -> None:
    r = await api.post("/webhooks/inbound", json={"name": "Flooded"})
    source = r.json()["data"]
    url = f"/api/v1/webhooks/{source['id']}"

    def payload(n: int) -> bytes:
        return json.dumps(
            {"id": f"ev-{n}", "event": "ping", "timestamp": int(time.time())}
        ).encode()

    usage_before = await _usage_today(api.tenant.id)
    statuses = []
    for n in range(inbound.BAD_SIGNATURE_LIMIT + 5):
        body = payload(n)
        bad = {"X-Webhook-Signature": sign("whsec_wrong", body)} if n % 2 else {}
        statuses.append((await client.post(url, content=body, headers=bad)).status_code)
    assert statuses[: inbound.BAD_SIGNATURE_LIMIT] == [401] * inbound.BAD_SIGNATURE_LIMIT
    assert statuses[inbound.BAD_SIGNATURE_LIMIT :] == [429] * 5
    throttled = await client.post(url, content=payload(0), headers={})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    # None of that is the tenant's billed usage.
    assert await _usage_today(api.tenant.id) == usage_before
    # The real integration still gets through, from the same address, and is billed.
    body = payload(999)
    good = await client.post(
        url, content=body, headers={"X-Webhook-Signature": sign(source["secret"], body)}
    )
    assert good.status_code == 202, good.text
    assert await _usage_today(api.tenant.id) == usage_before + 1
    # Another address is not throttled by this one's flood.
    transport = httpx.ASGITransport(app=client._transport.app, client=("10.9.8.7", 4000))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        assert (await c.post(url, content=payload(5), headers={})).status_code == 401


async def test_a_signed_flood_is_billed_and_limited(api: Any, client: httpx.AsyncClient) -> None:
    """Correctly signed requests still count against the plan's budget."""
    r = await api.post("/webhooks/inbound", json={"name": "Busy"})
    source = r.json()["data"]
    await get_redis().zadd(
        f"rl:inbound:{source['id']}",
        {f"fill-{n}": int(time.time() * 1000) for n in range(1000)},
    )
    body = json.dumps({"id": "x", "event": "ping", "timestamp": int(time.time())}).encode()
    r = await client.post(
        f"/api/v1/webhooks/{source['id']}",
        content=body,
        headers={"X-Webhook-Signature": sign(source["secret"], body)},
    )
    assert r.status_code == 429 and r.headers["x-ratelimit-remaining"] == "0"


# -- item 13: nested JSON and page numbers -----------------------------------------------------

DEEP = [
    b"[" * 10_000 + b"]" * 10_000,
    b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    b'{"full_name": "x", "tags": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
]


def _operations(app: Any) -> list[tuple[str, str]]:
    schema = app.openapi_schema.to_schema()
    out = []
    for path, item in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method in item:
                filled = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
                out.append((method.upper(), filled))
    return out


async def test_deeply_nested_json_is_a_400_everywhere(api: Any, app: Any) -> None:
    ops = _operations(app)
    assert ("POST", "/api/v1/customers") in ops and len(ops) > 15
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50012))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver.local",
        headers={"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"},
    ) as c:
        for method, path in ops:
            for body in DEEP:
                r = await c.request(method, path, content=body)
                assert r.status_code == 400, (method, path, r.status_code, r.text[:200])
                assert r.json()["code"] == "VALIDATION_ERROR", (method, path, r.text)
        # Without a JSON content type too, and with the import's own (streamed) route.
        r = await c.post(
            "/api/v1/customers", content=DEEP[0], headers={"Content-Type": "text/plain"}
        )
        assert r.status_code == 400
        r = await c.post("/api/v1/import-export?action=import", content=DEEP[1])
        assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR", r.text
    # Nesting that is not deep still works, brackets inside strings do not count.
    ok = {"full_name": "Brackets", "notes": "[" * 300 + '{"\\' * 100, "tags": ["a"]}
    r = await api.post("/customers", json=ok)
    assert r.status_code == 201, r.text


async def test_deep_json_in_an_import_file_is_refused_not_a_500(api: Any, worker: Any) -> None:
    job_id = await start_import(api, "customers", "json", DEEP[1])
    r = await api.get(f"/import-export/{job_id}/preview")
    assert r.status_code == 422 and "nested too deeply" in r.text, r.text
    job = await wait_job(api, job_id)
    assert job["status"] == "failed" and "nested too deeply" in json.dumps(job), job


async def test_deep_json_in_page_text_areas_is_a_field_error(
    client: httpx.AsyncClient, business: Any
) -> None:
    await _signed_in(client, business)
    page = "/developers/webhooks/tools"
    token = CSRF.search((await client.get(page)).text)
    assert token
    deep = "[" * 10_000 + "]" * 10_000
    form = {"_csrf_token": token.group(1), "category": "customer_events"}
    r = await client.post(
        f"{page}/validate", data={**form, "template": "customer_updated", "payload": deep}
    )
    assert r.status_code == 422 and "nested too deeply" in r.text, r.status_code
    r = await client.post(
        f"{page}/render",
        data={**form, "template": "customer_updated", "var.changed": deep},
    )
    assert r.status_code == 422, r.status_code


BAD_PAGES = ["999999999999999999", "9" * 40, "-5", "0", "abc", "1.5", "", "9" * 5000]


async def _signed_in(client: httpx.AsyncClient, business: Any) -> None:
    user, _tenant = business
    got = await client.get("/login")
    token = CSRF.search(got.text)
    assert token
    r = await client.post(
        "/login",
        data={"email": user.email, "password": STRONG_PASSWORD, "_csrf_token": token.group(1)},
    )
    assert r.status_code == 200, r.text


async def test_page_numbers_out_of_range_on_every_page(
    client: httpx.AsyncClient, business: Any, api: Any
) -> None:
    await _signed_in(client, business)
    _user, tenant = business
    # An endpoint, for its deliveries page.
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.webhooks.outbound import service as webhooks

    endpoint, _secret = await webhooks.create_endpoint(
        tenant.ref,
        Actor.system(),
        {"url": "https://example.com/hook", "events": ["customer.created"]},
    )
    endpoint_id = endpoint["id"]
    pages = [
        "/app/customers",
        "/app/inventory",
        "/app/orders",
        "/app/audit",
        "/developers/webhooks",
        f"/developers/webhooks/{endpoint_id}",
        "/app/data/jobs",
        "/app/data/jobs/rows",
    ]
    for path in pages:
        for value in BAD_PAGES:
            r = await client.get(path, params={"page": value})
            assert r.status_code in (200, 400), (path, value, r.status_code)
            if r.status_code == 200 and value.lstrip("-").isdigit() and len(value) > 3:
                assert "Something went wrong" not in r.text
    r = await client.get("/app/audit", params={"page": "999999999999999999"})
    assert r.status_code == 200


async def test_page_numbers_out_of_range_on_every_api_list(api: Any, app: Any) -> None:
    schema = app.openapi_schema.to_schema()
    lists = [
        re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        for path, item in schema["paths"].items()
        if "get" in item and any(p["name"] == "page" for p in item["get"].get("parameters", []))
    ]
    assert "/api/v1/customers" in lists and len(lists) >= 6
    for path in lists:
        for value in BAD_PAGES:
            r = await api.get(path.removeprefix("/api/v1"), params={"page": value})
            assert r.status_code == 400, (path, value, r.status_code, r.text[:200])
            body = r.json()
            assert body["code"] == "VALIDATION_ERROR" and body["details"][0]["field"] == "page"


# -- item 16: rate-limit headers on every answer --------------------------------------------


async def test_rate_limit_headers_on_errors(api: Any, app: Any) -> None:
    def has_headers(r: httpx.Response) -> None:
        for name in RATE_HEADERS:
            assert name in r.headers, (r.status_code, r.text[:200], dict(r.headers))

    has_headers(await api.get("/customers"))
    missing = await api.get(f"/customers/{uuid.uuid4()}")
    assert missing.status_code == 404
    has_headers(missing)
    invalid = await api.post("/customers", json={"full_name": ""})
    assert invalid.status_code == 422
    has_headers(invalid)
    malformed = await api.post(
        "/customers", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    has_headers(malformed)
    bad_page = await api.get("/customers", params={"page": 0})
    assert bad_page.status_code == 400
    has_headers(bad_page)
    # 409 from a handler: a customer with orders cannot be deleted.
    item = (
        await api.post(
            "/inventory",
            json={"sku": f"R-{uuid.uuid4().hex[:6]}", "name": "Ring", "category": "rings",
                  "price": 10, "quantity": 2},
        )
    ).json()["data"]  # fmt: skip
    cust = (await api.post("/customers", json={"full_name": "Has Orders"})).json()["data"]
    order = await api.post(
        "/orders",
        json={"customer_id": cust["id"], "items": [{"inventory_id": item["id"], "quantity": 1}]},
    )
    assert order.status_code == 201, order.text
    conflict = await api.delete(f"/customers/{cust['id']}")
    assert conflict.status_code == 409
    has_headers(conflict)
    # 403: a key without the permission.
    reader = await create_key(api.tenant.id, "reader", ["read"])
    async with await _client_for(app, reader.secret) as c:
        denied = await c.post("/customers", json={"full_name": "No"})
        assert denied.status_code == 403
        has_headers(denied)
    # A replayed idempotent answer carries them too.
    key = {"Idempotency-Key": f"h-{uuid.uuid4()}"}
    await api.post("/customers", json={"full_name": "Twice"}, headers=key)
    replay = await api.post("/customers", json={"full_name": "Twice"}, headers=key)
    assert replay.headers["idempotent-replayed"] == "true"
    has_headers(replay)
    # And the 429 itself.
    await _spend_budget(api.tenant.id)
    try:
        limited = await api.get("/customers")
        assert limited.status_code == 429
        has_headers(limited)
        assert limited.headers["x-ratelimit-remaining"] == "0"
    finally:
        await _refill_budget(api.tenant.id)
    # No credential, no headers (nothing was charged).
    async with await _client_for(app, "jw_live_nope") as c:
        unauth = await c.get("/customers")
    assert unauth.status_code == 401 and "x-ratelimit-limit" not in unauth.headers


# -- item 17: CSV downloads ----------------------------------------------------------------


async def test_csv_downloads_have_one_charset(api: Any, app: Any, worker: Any) -> None:
    await api.post("/customers", json={"full_name": "Csv Person"})
    _job, _content = await run_export(api, app, "customers", "csv")
    r = await download(app, _job["result"]["downloadUrl"])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    job = await wait_job(
        api,
        await start_import(
            api, "customers", "csv", b"full_name,email\n,not-an-email\nGood Row,good@example.com\n"
        ),
    )
    assert job["result"]["errorReportUrl"], job
    report = await download(app, job["result"]["errorReportUrl"])
    assert report.status_code == 200
    assert report.headers["content-type"] == "text/csv; charset=utf-8"
