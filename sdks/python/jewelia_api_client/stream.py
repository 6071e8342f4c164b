"""Real-time events: `client.stream(["order.*"])` yields the business's events as they commit.

Server-Sent Events from `GET /stream/sse` over the client's own httpx connection pool (no
other dependency). After a dropped connection, or when the server cut a slow reader off, it
reconnects with `Last-Event-ID` and the server replays what was missed from its history.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import APIConnectionError, error_from_response

STREAM_TIMEOUT = httpx.Timeout(30.0, read=75.0)  # the server sends a heartbeat every 20 s
FIRST_DELAY = 0.5


@dataclass(frozen=True)
class StreamEvent:
    """One message of the stream. `type` is "event", or "gap" when the server no longer had
    events after the last id (they were missed: re-read the resources you follow)."""

    type: str
    id: str | None = None  # the cursor to resume from
    event: str = ""  # the catalog name, e.g. "order.created"
    event_id: str = ""  # the event's own id (as in webhook deliveries)
    data: dict[str, Any] = field(default_factory=dict)
    timestamp: str = ""


class _Parser:
    """Server-sent event lines to StreamEvents (and the server's `retry:` hint)."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.retry: float | None = None

    def feed(self, line: str) -> StreamEvent | None:
        if line:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if not name:
                return None  # a comment (heartbeat)
            if name == "retry" and value.isdigit():
                self.retry = int(value) / 1000
            elif name == "data" and "data" in self.fields:
                self.fields["data"] += "\n" + value
            else:
                self.fields[name] = value
            return None
        fields, self.fields = self.fields, {}
        if not fields.get("data"):
            return None
        body = json.loads(fields["data"])
        if fields.get("event") == "gap":
            return StreamEvent("gap", data={"reason": body.get("reason", "")})
        return StreamEvent(
            "event",
            fields.get("id") or body.get("id"),
            body.get("event", ""),
            body.get("event_id", ""),
            body.get("data") or {},
            body.get("timestamp", ""),
        )


def _request(
    http: httpx.Client | httpx.AsyncClient, events: Iterable[str], last: str | None
) -> httpx.Request:
    headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
    if last:
        headers["Last-Event-ID"] = last
    return http.build_request(
        "GET",
        "stream/sse",
        params={"events": ",".join(events)},
        headers=headers,
        timeout=STREAM_TIMEOUT,
    )


class AsyncStreaming:
    """`stream()` for AsyncJeweliaClient."""

    _http: httpx.AsyncClient

    async def stream(
        self,
        events: Sequence[str] = ("*",),
        *,
        last_event_id: str | None = None,
        reconnect: bool = True,
        max_delay: float = 30.0,
    ) -> AsyncIterator[StreamEvent]:
        """Iterate the business's events (`order.*`, `customer.created`, `*`) as they commit,
        from after `last_event_id` when given; reconnects from the last id unless told not to."""
        last, delay = last_event_id, FIRST_DELAY
        while True:
            parser = _Parser()
            try:
                response = await self._http.send(_request(self._http, events, last), stream=True)
                try:
                    if response.status_code >= 400:
                        await response.aread()
                        raise error_from_response(response)
                    delay = FIRST_DELAY
                    async for line in response.aiter_lines():
                        item = parser.feed(line)
                        if item is None or (
                            item.type == "gap" and item.data.get("reason") == "slow_consumer"
                        ):
                            continue  # a slow reader's gap: the reconnect replays it
                        last = item.id or last
                        yield item
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                if not reconnect:
                    raise APIConnectionError(f"Stream connection error: {exc}") from exc
            if not reconnect:
                return
            await asyncio.sleep(parser.retry or delay)
            delay = min(delay * 2, max_delay)


class SyncStreaming:
    """`stream()` for JeweliaClient."""

    _http: httpx.Client

    def stream(
        self,
        events: Sequence[str] = ("*",),
        *,
        last_event_id: str | None = None,
        reconnect: bool = True,
        max_delay: float = 30.0,
    ) -> Iterator[StreamEvent]:
        """Iterate the business's events as they commit (see AsyncJeweliaClient.stream)."""
        last, delay = last_event_id, FIRST_DELAY
        while True:
            parser = _Parser()
            try:
                response = self._http.send(_request(self._http, events, last), stream=True)
                try:
                    if response.status_code >= 400:
                        response.read()
                        raise error_from_response(response)
                    delay = FIRST_DELAY
                    for line in response.iter_lines():
                        item = parser.feed(line)
                        if item is None or (
                            item.type == "gap" and item.data.get("reason") == "slow_consumer"
                        ):
                            continue
                        last = item.id or last
                        yield item
                finally:
                    response.close()
            except httpx.TransportError as exc:
                if not reconnect:
                    raise APIConnectionError(f"Stream connection error: {exc}") from exc
            if not reconnect:
                return
            time.sleep(parser.retry or delay)
            delay = min(delay * 2, max_delay)
