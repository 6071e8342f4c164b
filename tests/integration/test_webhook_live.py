"""The live webhook dashboard stream: server-sent events from the worker's Redis announcements,
over a real server (uvicorn) and, for timing, the generator itself against real Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx

from jewelia.core.redis_client import get_redis
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.webhooks.outbound.delivery import live_channel
from jewelia.tenants.webhooks.outbound.test_event import send_test_event
from jewelia.web.developers import webhooks_live
from jewelia.web.developers.webhooks_live import live_events
from tests.integration.test_webhook_pages import _create, _signed_up
from tests.integration.test_webhooks import _wait


async def _subscribers(tenant_id: uuid.UUID) -> int:
    counts = await get_redis().pubsub_numsub(live_channel(tenant_id))
    return int(counts[0][1])


def _outcome(delivery_id: Any, endpoint_id: Any, status: str = "succeeded") -> dict[str, Any]:
    return {
        "delivery_id": str(delivery_id),
        "endpoint_id": str(endpoint_id),
        "event_type": "webhook.test",
        "status": status,
        "status_code": 200,
        "duration_ms": 3.2,
        "attempt": 1,
        "error": None,
    }


async def _publish(tenant_id: uuid.UUID, *outcomes: dict[str, Any]) -> None:
    await get_redis().publish(live_channel(tenant_id), json.dumps(list(outcomes)))


async def _sse(response: httpx.Response) -> AsyncIterator[dict[str, str]]:
    """Server-sent events as dicts (event, data, retry, comment), as a browser splits them."""
    event: dict[str, str] = {}
    async for line in response.aiter_lines():
        if not line:
            if event:
                yield event
            event = {}
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        field = field or "comment"
        event[field] = f"{event[field]}\n{value}" if field in event else value


class StubView:
    """Stands in for the page's renderer, to watch the stream's timing alone."""

    def __init__(self, endpoint_id: uuid.UUID) -> None:
        self.endpoint_id = endpoint_id
        self.allowed = True
        self.stats_sent = 0

    def wants(self, outcome: dict[str, Any]) -> bool:
        return outcome.get("endpoint_id") == str(self.endpoint_id)

    async def rows(self, ids: list[uuid.UUID]) -> str:
        return "".join(f'<tbody id="delivery-{i}"></tbody>' for i in ids)

    async def stats(self) -> str:
        self.stats_sent += 1
        return f"<p>stats {self.stats_sent}</p>"

    async def still_allowed(self) -> bool:
        return self.allowed


async def _next_event(stream: Any) -> Any:
    return await asyncio.wait_for(anext(stream), 5.0)


async def test_stream_sends_rows_stats_and_heartbeats_then_unsubscribes(db: None) -> None:
    tenant_id, endpoint_id = uuid.uuid4(), uuid.uuid4()
    view = StubView(endpoint_id)
    stream = live_events(tenant_id, view, heartbeat=0.3)  # type: ignore[arg-type]
    hello = await _next_event(stream)
    assert hello.comment == "connected" and hello.data is None and hello.retry == 3000
    assert (await _next_event(stream)).event == "stats"  # the state now, for a (re)connect
    assert await _subscribers(tenant_id) == 1
    beat = await _next_event(stream)  # nothing happens: a comment keeps the line open
    assert beat.comment == "heartbeat" and beat.data is None and beat.event is None
    assert beat.encode() == b": heartbeat\r\n\r\n"

    mine, other = uuid.uuid4(), uuid.uuid4()
    await get_redis().publish(live_channel(tenant_id), "not json")
    await _publish(tenant_id, _outcome(other, uuid.uuid4()), _outcome(mine, endpoint_id))
    got = await _next_event(stream)
    while got.event is None:  # heartbeats may come first
        got = await _next_event(stream)
    assert got.event == "delivery"
    assert got.data == f'<tbody id="delivery-{mine}"></tbody>'  # not the other endpoint's
    got = await _next_event(stream)
    assert got.event == "stats" and got.data == "<p>stats 2</p>"  # refreshed after news

    burst = [uuid.uuid4() for _ in range(3)]  # three batches while the stream is busy
    for delivery_id in burst:
        await _publish(tenant_id, _outcome(delivery_id, endpoint_id))
    got = await _next_event(stream)
    while got.event != "delivery":
        got = await _next_event(stream)
    assert all(str(d) in got.data for d in burst)  # answered together, with one query

    await stream.aclose()  # what a disconnect does (Litestar cancels the stream)
    assert await _subscribers(tenant_id) == 0


async def test_stream_ends_when_access_is_lost(db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(webhooks_live, "RECHECK_SECONDS", 0.0)
    tenant_id = uuid.uuid4()
    view = StubView(uuid.uuid4())
    stream = live_events(tenant_id, view, heartbeat=30)  # type: ignore[arg-type]
    await _next_event(stream)
    await _next_event(stream)
    view.allowed = False
    rest = [e async for e in stream]
    assert rest == []
    assert await _subscribers(tenant_id) == 0


async def test_stream_over_http_and_clean_disconnect(live_server: str) -> None:
    timeout = httpx.Timeout(10.0)
    async with httpx.AsyncClient(
        base_url=live_server, follow_redirects=True, timeout=timeout
    ) as browser:
        r = await browser.get("/developers/webhooks/stream", follow_redirects=False)
        assert r.status_code in (302, 303)  # not signed in
        tenant = await _signed_up(browser, "Live Gems")
        endpoint_id, _ = await _create(browser, "http://127.0.0.1:9/hook", ["*"])
        r = await browser.get(
            f"/developers/webhooks/stream?endpoint={uuid.uuid4()}",
            headers={"accept": "text/html"},
        )
        assert r.status_code == 404
        delivery = await send_test_event(tenant, Actor.system("test"), uuid.UUID(endpoint_id))
        path = f"/developers/webhooks/stream?endpoint={endpoint_id}"
        async with browser.stream("GET", path) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-cache"
            assert "content-security-policy" in response.headers
            events = _sse(response)
            hello = await _next_event(events)
            assert hello == {"comment": "connected", "retry": "3000"}
            stats = await _next_event(events)
            assert stats["event"] == "stats" and "Success rate (24 h)" in stats["data"]
            await _publish(tenant.id, _outcome(delivery["id"], endpoint_id))
            got = await _next_event(events)
            while got.get("event") != "delivery":
                got = await _next_event(events)
            assert f'id="delivery-{delivery["id"]}"' in got["data"]
            assert "<code>webhook.test</code>" in got["data"]
            assert 'name="_csrf_token"' in got["data"]  # the row's Replay form works without JS
            assert await _subscribers(tenant.id) == 1
        # The endpoints list listens too: its rows (with 24 h figures) come first.
        async with browser.stream("GET", "/developers/webhooks/stream") as response:
            events = _sse(response)
            await _next_event(events)
            rows = await _next_event(events)
            assert rows["event"] == "stats" and f'id="endpoint-{endpoint_id}"' in rows["data"]
        # The browser went away: the server notices, unsubscribes and frees the connection.

        async def gone() -> bool:
            return await _subscribers(tenant.id) == 0

        await _wait(gone, 10)
