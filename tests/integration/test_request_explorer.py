"""The request explorer (Developers > Logs): search filters and keyset paging over the raw
request log, a request's detail, isolation between two businesses, streamed CSV/JSON export,
and the X-Request-ID of a real API call found once the log is flushed."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jewelia.core.db import execute, fetch
from jewelia.core.errors import NotFound, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.analytics import explorer
from jewelia.platform.analytics.explorer import Filters
from jewelia.platform.analytics.requestlog import flush_now
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import form_post, signup

PAGE = "/developers/logs"
HX = {"HX-Request": "true"}


async def _tenant_of(email: str) -> uuid.UUID:
    rows = await fetch(
        "SELECT m.tenant_id FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE u.email = $1",
        email,
    )
    return uuid.UUID(str(rows[0]["tenant_id"]))


async def log_row(tenant_id: uuid.UUID, at: datetime, **values: Any) -> str:
    """Insert one request log row as the writer would (a test sets the clock with `at`)."""
    await execute("SELECT public.request_log_partition($1::date)", at.astimezone(UTC).date())
    row = {
        "request_id": uuid.uuid4().hex,
        "source": "server",
        "credential_type": "api_key",
        "credential_id": None,
        "credential_label": "jw_test_abc",
        "method": "GET",
        "route": "/api/v1/customers",
        "path": "/api/v1/customers",
        "status": 200,
        "duration_ms": 12.5,
        "request_size": 0,
        "response_size": 321,
        "user_agent": "pytest",
        "ip_address": "127.0.0.1",
        "error_code": None,
        **values,
    }
    cols = ["at", "tenant_id", *row]
    marks = ", ".join(f"${n}" for n in range(1, len(cols) + 1))
    await execute(
        f"INSERT INTO public.request_log ({', '.join(cols)}) VALUES ({marks})",
        at,
        tenant_id,
        *row.values(),
    )
    return str(row["request_id"])


@pytest.fixture
async def scenario(db: None) -> dict[str, Any]:
    """Two businesses' rows: A's of two keys, routes and statuses; B's with a shared id."""
    a, b = uuid.uuid4(), uuid.uuid4()
    key1, key2 = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC).replace(microsecond=0)
    ids = {
        "ok": await log_row(a, now - timedelta(minutes=5), credential_id=key1),
        "missing": await log_row(
            a,
            now - timedelta(minutes=4),
            credential_id=key1,
            route="/api/v1/customers/{customer_id}",
            path=f"/api/v1/customers/{uuid.uuid4()}",
            status=404,
            error_code="NOT_FOUND",
        ),
        "boom": await log_row(
            a,
            now - timedelta(minutes=3),
            credential_id=key2,
            credential_label="jw_test_xyz",
            method="POST",
            route="/api/v1/orders",
            path="/api/v1/orders",
            status=500,
        ),
        "old": await log_row(a, now - timedelta(days=3), credential_id=key2),
        "client": await log_row(
            a,
            now - timedelta(minutes=2),
            source="client",
            credential_type="client",
            credential_label="",
            user_id="u-1",
        ),
    }
    shared = await log_row(b, now - timedelta(minutes=1), request_id=ids["ok"], status=201)
    other = await log_row(b, now - timedelta(minutes=1))
    return {
        "a": a,
        "b": b,
        "key1": key1,
        "key2": key2,
        "now": now,
        "ids": ids,
        "other": other,
        "shared": shared,
    }


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["request_id"] for r in rows]


async def test_search_filters(scenario: dict[str, Any]) -> None:
    a, ids, now = scenario["a"], scenario["ids"], scenario["now"]
    rows, cursor = await explorer.search(a)
    assert _ids(rows) == [ids["client"], ids["boom"], ids["missing"], ids["ok"], ids["old"]]
    assert cursor is None
    day = Filters(since=now - timedelta(hours=24))
    assert ids["old"] not in _ids((await explorer.search(a, day))[0])
    old = Filters(until=now - timedelta(days=1))
    assert _ids((await explorer.search(a, old))[0]) == [ids["old"]]
    by_id = Filters(api_key=str(scenario["key2"]))
    assert _ids((await explorer.search(a, by_id))[0]) == [ids["boom"], ids["old"]]
    by_prefix = Filters(api_key="jw_test_xyz")
    assert _ids((await explorer.search(a, by_prefix))[0]) == [ids["boom"]]
    by_route = Filters(route="/api/v1/customers/{customer_id}")
    assert _ids((await explorer.search(a, by_route))[0]) == [ids["missing"]]
    assert _ids((await explorer.search(a, Filters(status="4xx")))[0]) == [ids["missing"]]
    assert _ids((await explorer.search(a, Filters(status="500")))[0]) == [ids["boom"]]
    assert _ids((await explorer.search(a, Filters(source="client")))[0]) == [ids["client"]]
    assert len((await explorer.search(a, Filters(source="server")))[0]) == 4
    rid = Filters(request_id=ids["missing"])
    assert _ids((await explorer.search(a, rid))[0]) == [ids["missing"]]
    with pytest.raises(ValidationFailed) as bad:
        await explorer.search(a, Filters(status="4x", source="disk"))
    assert {e["field"] for e in bad.value.errors} == {"status", "source"}
    with pytest.raises(ValidationFailed):
        await explorer.search(a, cursor="not-a-cursor")
    with pytest.raises(ValidationFailed):
        await explorer.search(a, Filters(since=now, until=now - timedelta(hours=1)))


async def test_keyset_paging_walks_every_row_once(db: None) -> None:
    tenant = uuid.uuid4()
    start = datetime.now(UTC) - timedelta(hours=1)
    # Pairs share a timestamp: the request id breaks the tie.
    made = [await log_row(tenant, start + timedelta(seconds=n // 2)) for n in range(45)]
    seen: list[str] = []
    cursor = None
    while True:
        rows, cursor = await explorer.search(tenant, limit=10, cursor=cursor)
        seen += _ids(rows)
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    ats = [r["at"] for r in (await explorer.search(tenant, limit=45))[0]]
    assert ats == sorted(ats, reverse=True)


async def test_detail_and_isolation(scenario: dict[str, Any]) -> None:
    a, b, ids = scenario["a"], scenario["b"], scenario["ids"]
    rows = await explorer.detail(a, ids["ok"])
    assert len(rows) == 1 and rows[0]["status"] == 200  # B's row with the same id is not A's
    assert (await explorer.detail(b, ids["ok"]))[0]["status"] == 201
    with pytest.raises(NotFound):
        await explorer.detail(a, scenario["other"])
    assert scenario["other"] not in _ids((await explorer.search(a, limit=200))[0])
    exported = b"".join([c async for c in explorer.export_csv(a)])
    assert scenario["other"].encode() not in exported


async def test_export_csv_and_json(scenario: dict[str, Any]) -> None:
    a, ids = scenario["a"], scenario["ids"]
    await log_row(a, scenario["now"], user_agent='=HYPERLINK("x")')
    text = b"".join([c async for c in explorer.export_csv(a)]).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6 and tuple(rows[0]) == explorer.FIELDS
    assert rows[0]["user_agent"].startswith("'=")  # not run as a formula
    assert {ids["boom"], ids["ok"]} <= {r["request_id"] for r in rows}
    data = json.loads(b"".join([c async for c in explorer.export_json(a, Filters(status="5xx"))]))
    assert [d["request_id"] for d in data] == [ids["boom"]]
    assert data[0]["status"] == 500 and data[0]["ip_address"] == "127.0.0.1"
    assert data[0]["credential_id"] == str(scenario["key2"])
    capped = json.loads(b"".join([c async for c in explorer.export_json(a, cap=2)]))
    assert len(capped) == 2
    empty = json.loads(b"".join([c async for c in explorer.export_json(uuid.uuid4())]))
    assert empty == []


async def test_export_streams_in_batches(db: None) -> None:
    tenant = uuid.uuid4()
    at = datetime.now(UTC) - timedelta(minutes=30)
    cols = "at, tenant_id, request_id, credential_type, method, route, path, status, duration_ms"
    await execute(
        f"INSERT INTO public.request_log ({cols}) SELECT $1::timestamptz - make_interval(secs => n), $2,"
        " 'r' || n, 'api_key', 'GET', '/api/v1/customers', '/api/v1/customers', 200, 1"
        " FROM generate_series(1, 2500) AS n",
        at,
        tenant,
    )
    chunks = [c async for c in explorer.export_csv(tenant)]
    assert len(chunks) >= 3  # one per 1,000-row batch: the whole file is never held at once
    lines = b"".join(chunks).decode().splitlines()
    assert len(lines) == 2501 and lines[1].split(",")[1] == "r1"


async def test_pages(client: Any, db: None) -> None:
    email = await signup(client, business="Log Gems")
    tenant = await _tenant_of(email)
    now = datetime.now(UTC)
    ok = await log_row(tenant, now - timedelta(minutes=2))
    bad = await log_row(
        tenant, now - timedelta(minutes=1), status=422, error_code="VALIDATION_ERROR"
    )
    stranger = await log_row(uuid.uuid4(), now)
    r = await client.get(PAGE)
    assert r.status_code == 200
    assert ok in r.text and bad in r.text and stranger not in r.text
    assert 'href="/developers/logs"' in r.text  # in the side navigation
    assert '<option value="/customers/{customer_id}">' in r.text  # routes as the log has them
    r = await client.get(PAGE, params={"status": "4xx"}, headers=HX)
    assert r.status_code == 200 and 'id="log-results"' in r.text and "<html" not in r.text
    assert bad in r.text and ok not in r.text
    assert "export.csv?range=24h&amp;status=4xx" in r.text
    assert "the newest 100,000 matching requests at most" in r.text
    r = await client.get(PAGE, params={"status": "abc"})
    assert r.status_code == 422 and "status is a code" in r.text
    r = await client.get(PAGE, params={"status": "abc"}, headers=HX)  # htmx swaps 200s only
    assert r.status_code == 200 and 'id="log-errors"' in r.text
    week_old = await log_row(tenant, now - timedelta(days=7))
    r = await client.get(PAGE, params={"range": "1h", "request_id": week_old}, headers=HX)
    assert week_old in r.text  # an id is looked up over 30 days, whatever the range
    # Pasting an X-Request-ID opens that request.
    r = await client.get(PAGE, params={"request_id": ok}, follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"] == f"{PAGE}/{ok}"
    r = await client.get(f"{PAGE}/{bad}")
    assert r.status_code == 200
    assert "VALIDATION_ERROR" in r.text and "127.0.0.1" in r.text and "pytest" in r.text
    assert "/developers/reference#tag/customers/GET/api/v1/customers" in r.text
    assert (await client.get(f"{PAGE}/{stranger}")).status_code == 404
    r = await client.get(f"{PAGE}/export.csv", params={"status": "4xx"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="requests-')
    assert "content-length" not in r.headers  # streamed
    assert bad in r.text and ok not in r.text and stranger not in r.text
    r = await client.get(f"{PAGE}/export.json", params={"range": "1h"})
    assert r.headers["content-type"].startswith("application/json")
    assert {d["request_id"] for d in r.json()} == {ok, bad}


async def test_load_more(client: Any, db: None) -> None:
    email = await signup(client, business="Busy Gems")
    tenant = await _tenant_of(email)
    start = datetime.now(UTC) - timedelta(minutes=30)
    for n in range(60):
        await log_row(tenant, start + timedelta(seconds=n), request_id=f"req-{n:03d}")
    r = await client.get(PAGE)
    assert "req-059" in r.text and "req-010" in r.text and "req-009" not in r.text
    more = r.text.split('id="load-more" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    r = await client.get(more, headers=HX)
    assert r.status_code == 200 and r.text.lstrip().startswith("<tr")
    assert "req-009" in r.text and "req-000" in r.text and "req-010" not in r.text
    assert "load-more" not in r.text  # nothing older


async def test_a_real_requests_id_finds_it(client: Any, db: None) -> None:
    email = await signup(client, business="Traced Gems")
    tenant = await _tenant_of(email)
    key = await create_key(tenant, "tracer", list(PERMISSIONS))
    answer = await client.get(
        "/api/v1/customers/" + str(uuid.uuid4()), headers={"Authorization": f"Bearer {key.secret}"}
    )
    assert answer.status_code == 404
    rid = answer.headers["x-request-id"]
    await flush_now()
    r = await client.get(PAGE, params={"request_id": rid})
    assert r.status_code == 200 and str(r.url).endswith(f"{PAGE}/{rid}")
    assert "<code>/api/v1/customers/{customer_id}" not in r.text  # shown without the prefix
    assert "NOT_FOUND" in r.text
    assert "<code>/customers/{customer_id}</code>" in r.text
    assert key.key.prefix in r.text
    other = await signup(client, business="Nosy Gems")  # now signed in to another business
    assert other
    assert (await client.get(f"{PAGE}/{rid}")).status_code == 404


async def test_read_only_members_see_their_business_logs(client: Any, db: None) -> None:
    owner, tenant = await accounts.signup(
        "Looker Gems", "Owner", unique_email("owner"), STRONG_PASSWORD
    )
    mine = await log_row(tenant.id, datetime.now(UTC) - timedelta(minutes=1))
    token = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email("ro"), "read-only"
    )
    user, _ = await accounts.register_and_accept(token, "Reader", STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": user.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200
    r = await client.get(PAGE)
    assert r.status_code == 200 and mine in r.text
    assert (await client.get(f"{PAGE}/{mine}")).status_code == 200
    assert (await client.get(f"{PAGE}/export.csv")).status_code == 200
    assert (await client.get("/developers/usage")).status_code == 200


async def test_pages_need_a_login(client: Any) -> None:
    for path in (PAGE, f"{PAGE}/abc", f"{PAGE}/export.csv", "/developers/usage"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code in (302, 303) and r.headers["location"].startswith("/login"), path
