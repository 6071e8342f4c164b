"""The real-time stream over a real server (uvicorn) with the real worker's dispatcher
publishing committed events: tenant isolation, resume from a cursor with nothing lost, a slow
client cut off with a gap notice while another keeps receiving, SSE with Last-Event-ID, and
credentials refused or filtered."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from jewelia.core.db import TenantRef, tenant_scope
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys.service import create_key
from jewelia.tenants.webhooks import outbox
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_marketplace_installs import _tenant_ref
from tests.integration.test_marketplace_oauth import seed_listing, tokens_for
from tests.integration.test_pages import signup

WAIT = 30.0


async def _business(permissions: tuple[str, ...] = ("read", "write")) -> tuple[TenantRef, str]:
    _, tenant = await accounts.signup(
        f"Live Gems {uuid.uuid4().hex[:6]}", "Lia Live", unique_email("live"), STRONG_PASSWORD
    )
    key = await create_key(tenant.id, "stream key", list(permissions))
    return tenant.ref, key.secret


async def _emit(tenant: TenantRef, event_type: str, n: int = 1, pad: int = 0) -> list[str]:
    """Commit n events of one type (as a bulk import does); their data ids, in order."""
    items = [{"id": str(uuid.uuid4()), "n": i, "pad": "x" * pad} for i in range(n)]
    async with tenant_scope(tenant):
        await outbox.emit_many(event_type, items)
    return [i["id"] for i in items]


def _ws_url(live_server: str) -> str:
    return live_server.replace("http://", "ws://") + "/api/v1/stream"


async def _open(
    live_server: str,
    key: str,
    events: list[str] | None = None,
    last: str | None = None,
    header: bool = True,
    **options: Any,
) -> ClientConnection:
    headers = {"Authorization": f"Bearer {key}"} if header else {}
    ws = await connect(_ws_url(live_server), additional_headers=headers, **options)
    if not header:
        await ws.send(json.dumps({"type": "auth", "token": key}))
    await ws.send(
        json.dumps({"type": "subscribe", "events": events or ["*"], "last_event_id": last})
    )
    first = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    assert first["type"] == "subscribed", first
    return ws


async def _next(ws: ClientConnection, seconds: float = WAIT) -> dict[str, Any]:
    """The next message other than a heartbeat."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), seconds))
        if message["type"] != "ping":
            return message  # type: ignore[no-any-return]


async def _collect(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [await _next(ws) for _ in range(count)]


async def _quiet(ws: ClientConnection, seconds: float = 1.5) -> None:
    """Nothing but heartbeats arrives for a while."""
    try:
        message = await _next(ws, seconds)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message {message}")


async def test_a_business_receives_only_its_own_events(live_server: str, worker: Any) -> None:
    _, a_key = await _business()
    b, b_key = await _business()
    wa = await _open(live_server, a_key)
    wb = await _open(live_server, b_key, ["customer.*"], header=False)  # browser-style auth
    async with httpx.AsyncClient(base_url=f"{live_server}/api/v1", timeout=WAIT) as http:
        ra = await http.post(
            "/customers", json={"full_name": "Ada A"}, headers={"Authorization": f"Bearer {a_key}"}
        )
        rb = await http.post(
            "/customers", json={"full_name": "Bo B"}, headers={"Authorization": f"Bearer {b_key}"}
        )
    assert ra.status_code == 201 and rb.status_code == 201, (ra.text, rb.text)
    got_a, got_b = await _next(wa), await _next(wb)
    assert got_a["event"] == "customer.created" and got_a["data"]["id"] == ra.json()["data"]["id"]
    assert got_b["event"] == "customer.created" and got_b["data"]["id"] == rb.json()["data"]["id"]
    assert got_a["id"] != got_b["id"] and got_a["timestamp"] and got_a["event_id"]
    # B's inventory event is not one B asked for; A hears nothing of B's.
    await _emit(b, "inventory.created")
    await _emit(b, "customer.created", 3)
    assert [m["event"] for m in await _collect(wb, 3)] == ["customer.created"] * 3
    await _quiet(wa)
    await wa.close()
    await wb.close()


async def test_reconnect_with_the_last_id_replays_missed_events_in_order(
    live_server: str, worker: Any
) -> None:
    tenant, key = await _business()
    watcher = await _open(live_server, key)  # stays connected: tells us when events are out
    ws = await _open(live_server, key)
    first = await _emit(tenant, "customer.created")
    got = await _next(ws)
    assert got["data"]["id"] == first[0] and (await _next(watcher))["id"] == got["id"]
    await ws.close()

    missed = []
    for _ in range(5):  # separate commits, while the client is away
        missed += await _emit(tenant, "order.created", 2)
    assert [m["data"]["id"] for m in await _collect(watcher, 10)] == missed

    # Resume while more events keep committing: replayed, then live, none lost or repeated.
    async def more() -> list[str]:
        made = []
        for _ in range(10):
            made += await _emit(tenant, "customer.updated")
            await asyncio.sleep(0.02)
        return made

    task = asyncio.create_task(more())
    ws = await _open(live_server, key, last=got["id"])
    later = await task
    received = await _collect(ws, len(missed) + len(later))
    assert [m["data"]["id"] for m in received] == missed + later
    ids = [m["id"] for m in received]
    assert len(set(ids)) == len(ids) and ids == sorted(
        ids, key=lambda c: tuple(map(int, c.split("-")))
    )
    await _quiet(ws, 1.0)

    # A cursor older than the kept history starts with a gap notice.
    old = await _open(live_server, key, ["customer.*"], last="1-0")
    assert (await _next(old))["type"] == "gap"
    for w in (ws, old, watcher):
        await w.close()


def _small_socket(live_server: str) -> socket.socket:
    """A client socket with a tiny receive buffer, so a client that stops reading soon fills
    the server's send path."""
    host, port = live_server.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.setblocking(False)
    return sock


async def test_a_client_that_stops_reading_is_cut_off_while_others_keep_receiving(
    live_server: str, worker: Any
) -> None:
    tenant, key = await _business()
    fast = await _open(live_server, key)
    slow = await _open(
        live_server, key, sock=_small_socket(live_server), max_queue=1, compression=None
    )
    batches, per_batch = 18, 300
    made: list[str] = []
    received: list[dict[str, Any]] = []

    async def read_fast() -> None:
        while len(received) < batches * per_batch:
            received.append(await _next(fast))

    reading = asyncio.create_task(read_fast())
    for _ in range(batches):  # ~16 MB the slow client never reads
        made += await _emit(tenant, "inventory.updated", per_batch, pad=3000)
        await asyncio.sleep(0.2)
    await asyncio.wait_for(reading, 120)
    assert [m["data"]["id"] for m in received] == made
    assert all(m["type"] == "event" for m in received)

    # The slow client now reads what the server had already sent, then the gap notice.
    notices = []
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(60):
            while True:
                message = json.loads(await slow.recv())
                if message["type"] not in ("event", "ping"):
                    notices.append(message)
    assert notices == [{"type": "gap", "reason": "slow_consumer"}]
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4008
    # The business's other client was not touched.
    await _emit(tenant, "customer.created")
    assert (await _next(fast))["event"] == "customer.created"
    await fast.close()


async def _sse_events(response: httpx.Response) -> AsyncIterator[dict[str, str]]:
    event: dict[str, str] = {}
    async for line in response.aiter_lines():
        if not line:
            if event:
                yield event
            event = {}
            continue
        name, _, value = line.partition(":")
        event[name or "comment"] = value[1:] if value.startswith(" ") else value


async def _sse_take(response: httpx.Response, count: int) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    async for event in _sse_events(response):
        if "data" in event:
            out.append(event)
            if len(out) == count:
                break
    return out


async def test_sse_stream_resumes_from_last_event_id(live_server: str, worker: Any) -> None:
    tenant, key = await _business()
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=f"{live_server}/api/v1", timeout=WAIT) as http:
        async with http.stream("GET", "/stream/sse?events=order.*", headers=auth) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith(
                "text/event-stream"
            )
            await asyncio.sleep(0.3)  # subscribed
            await _emit(tenant, "customer.created")  # not asked for
            first = await _emit(tenant, "order.created")
            [event] = await asyncio.wait_for(_sse_take(r, 1), WAIT)
        body = json.loads(event["data"])
        assert body["data"]["id"] == first[0] and body["id"] == event["id"]
        missed = await _emit(tenant, "order.updated", 3)
        await asyncio.sleep(1.0)  # dispatched while nobody listens
        headers = {**auth, "Last-Event-ID": event["id"]}
        async with http.stream("GET", "/stream/sse?events=order.*", headers=headers) as r:
            events = await asyncio.wait_for(_sse_take(r, 3), WAIT)
        assert [json.loads(e["data"])["data"]["id"] for e in events] == missed
        assert all(json.loads(e["data"])["event"] == "order.updated" for e in events)

        refused = await http.get("/stream/sse")
        assert refused.status_code == 401 and refused.json()["code"] == "AUTHENTICATION_ERROR"
        bad = await http.get("/stream/sse?events=nope.*", headers=auth)
        assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "events"
        bad = await http.get("/stream/sse", headers={**auth, "Last-Event-ID": "x"})
        assert bad.status_code == 422


async def _refused(ws: ClientConnection) -> tuple[dict[str, Any], int]:
    message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), WAIT)
    assert closed.value.rcvd is not None
    return message, closed.value.rcvd.code


async def test_credentials_are_checked(live_server: str, worker: Any, client: Any) -> None:
    url = _ws_url(live_server)
    subscribe = json.dumps({"type": "subscribe", "events": ["*"]})
    async with connect(url) as ws:  # no credentials: the first message must authenticate
        await ws.send(subscribe)
        message, code = await _refused(ws)
    assert message["code"] == "AUTHENTICATION_ERROR" and code == 4401
    async with connect(url, additional_headers={"Authorization": "Bearer jwl_nope"}) as ws:
        message, code = await _refused(ws)
    assert message["code"] == "AUTHENTICATION_ERROR" and code == 4401

    _, writer = await _business(("write",))
    async with connect(url, additional_headers={"Authorization": f"Bearer {writer}"}) as ws:
        message, code = await _refused(ws)
    assert message["code"] == "AUTHORIZATION_ERROR" and code == 4403

    # Each connection is one request of the key's hourly budget, like any API call.
    limited, _ = await _business()
    budget = (await create_key(limited.id, "one an hour", ["read"], hourly_limit=1)).secret
    first = await _open(live_server, budget)
    async with connect(url, additional_headers={"Authorization": f"Bearer {budget}"}) as ws:
        message, code = await _refused(ws)
    assert message["code"] == "RATE_LIMIT_EXCEEDED" and code == 4429
    await first.close()

    _, key = await _business()
    async with connect(url, additional_headers={"Authorization": f"Bearer {key}"}) as ws:
        await ws.send(json.dumps({"type": "subscribe", "events": ["nope.created"]}))
        message, code = await _refused(ws)
    assert message["code"] == "VALIDATION_ERROR" and message["details"][0]["field"] == "events"

    # An app token sees only the categories its scopes cover.
    listing = await seed_listing(scopes=["customers:read"])
    email = await signup(client, business=f"Stream App Gems {uuid.uuid4().hex[:4]}")
    tenant = await _tenant_ref(email)
    token = (await tokens_for(client, listing))["access_token"]
    app_auth = {"Authorization": f"Bearer {token}"}
    async with connect(url, additional_headers=app_auth) as ws:
        await ws.send(json.dumps({"type": "subscribe", "events": ["order.*"]}))
        message, code = await _refused(ws)
    assert message["code"] == "AUTHORIZATION_ERROR" and code == 4403
    assert message["details"] == {"required_scope": "orders:read"}
    app_ws = await _open(live_server, token)
    await _emit(tenant, "order.created")
    seen = await _emit(tenant, "customer.created")
    got = await _next(app_ws)
    assert got["event"] == "customer.created" and got["data"]["id"] == seen[0]
    await _quiet(app_ws, 1.0)
    await app_ws.close()
