"""GET /api/v1/stream (WebSocket) and GET /api/v1/stream/sse (Server-Sent Events).

Authenticated like the API (an API key, a user's JWT or an app token), from the
Authorization header or, for browsers that cannot set headers on a WebSocket, from a first
message `{"type": "auth", "token": …}`. The business is the credential's, never the client's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, WebSocket, get, websocket
from litestar.response import ServerSentEvent, ServerSentEventMessage

from jewelia.core.errors import AppError, AuthenticationFailed, FieldError, ValidationFailed
from jewelia.core.middleware import header_value
from jewelia.platform.apikeys.guard import ApiAuth, authenticate
from jewelia.tenants.webhooks.stream import history
from jewelia.tenants.webhooks.stream.channels import (
    Closed,
    SlowConsumer,
    StreamChannels,
    subscribe,
    unsubscribe,
)
from jewelia.tenants.webhooks.stream.feed import (
    GAP,
    PING,
    Feed,
    check_access,
    check_cursor,
    check_subscription,
)

log = logging.getLogger("jewelia.stream")
AUTH_SECONDS = 10.0  # for the first message(s): auth, subscribe
CUT_OFF_SECONDS = 10.0  # for a slow client to take its gap notice before the socket closes
CLOSE_CODES = {401: 4401, 403: 4403, 422: 4422, 429: 4429}
SLOW_CLOSE = 4008


def _error(exc: AppError) -> dict[str, Any]:
    return {"type": "error", "code": exc.code, "message": exc.message, "details": exc.details}


async def _receive_json(socket: WebSocket, seconds: float | None) -> dict[str, Any] | None:
    """The next JSON object from the client, None when it disconnected."""
    message: Any = await asyncio.wait_for(socket.receive(), seconds)
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("message", "Send a JSON object with a type")])
    return data


async def _socket_auth(socket: WebSocket) -> ApiAuth | None:
    header = (header_value(socket.scope, b"authorization") or b"").decode("latin-1")
    if not header:
        first = await _receive_json(socket, AUTH_SECONDS)
        if first is None:
            return None
        if first.get("type") != "auth" or not isinstance(first.get("token"), str):
            raise AuthenticationFailed(
                "Missing credentials: send Authorization: Bearer <API key> or a first message"
                ' {"type": "auth", "token": "<API key or token>"}'
            )
        header = "Bearer " + first["token"]
    auth = await authenticate(header)
    await check_access(auth, socket.scope)
    return auth


async def _subscription(socket: WebSocket, auth: ApiAuth) -> tuple[list[str], str | None] | None:
    message = await _receive_json(socket, AUTH_SECONDS)
    if message is None:
        return None
    if message.get("type") != "subscribe":
        raise ValidationFailed([FieldError("type", "Expected a subscribe message")])
    patterns = check_subscription(auth, message.get("events"))
    return patterns, check_cursor(message.get("last_event_id"))


async def _send_feed(socket: WebSocket, feed: Feed) -> None:
    async for item in feed.items():
        if item is PING:
            await socket.send_text('{"type":"ping"}')
        elif item is GAP:
            await socket.send_text('{"type":"gap","reason":"history"}')
        elif isinstance(item, history.Entry):
            await socket.send_text(item.message)


async def _read_commands(socket: WebSocket, feed: Feed, outbox: asyncio.Queue[str]) -> None:
    """Later messages: a subscribe changes the event types (no replay); pings are ignored."""
    while True:
        try:
            message = await _receive_json(socket, None)
        except AppError as exc:
            outbox.put_nowait(json.dumps(_error(exc)))
            continue
        if message is None:
            return
        if message.get("type") == "subscribe":
            try:
                feed.resubscribe(check_subscription(feed.auth, message.get("events")))
            except AppError as exc:
                outbox.put_nowait(json.dumps(_error(exc)))


async def _close(socket: WebSocket, code: int, message: str | None = None) -> None:
    with contextlib.suppress(Exception):
        async with asyncio.timeout(CUT_OFF_SECONDS):
            if message is not None:
                await socket.send_text(message)
            await socket.close(code)


@websocket("/api/v1/stream", opt={"stream": True})
async def stream_socket(socket: WebSocket) -> None:
    """Live events of the credential's business, resumable from a cursor."""
    channels = socket.app.plugins.get(StreamChannels)
    await socket.accept()
    try:
        auth = await _socket_auth(socket)
        wanted = None if auth is None else await _subscription(socket, auth)
    except AppError as exc:
        await _close(socket, CLOSE_CODES.get(exc.status_code, 4400), json.dumps(_error(exc)))
        return
    except TimeoutError:
        message = "No credentials and subscription within 10 seconds"
        await _close(socket, 4408, json.dumps(_error(AuthenticationFailed(message))))
        return
    if auth is None or wanted is None:
        return
    subscriber, live = await subscribe(channels, history.channel(auth.tenant.id))
    feed = Feed(subscriber, auth.tenant.id, auth, *wanted, live=live)
    replies: asyncio.Queue[str] = asyncio.Queue(maxsize=16)
    tasks: list[asyncio.Task[Any]] = []
    try:
        await socket.send_text(
            json.dumps({"type": "subscribed", "events": feed.patterns, "last_event_id": feed.last})
        )
        sender = asyncio.create_task(_send_feed(socket, feed))
        reader = asyncio.create_task(_read_commands(socket, feed, replies))
        overflow = asyncio.create_task(subscriber.overflow.wait())
        replying = asyncio.create_task(_replies(socket, replies))
        tasks = [sender, reader, overflow, replying]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        slow = overflow in done or (sender in done and isinstance(sender.exception(), SlowConsumer))
        if slow:  # let go of its queue first: the notice may wait for the client to read
            await unsubscribe(channels, subscriber)
            subscriber.discard()
            await _close(socket, SLOW_CLOSE, '{"type":"gap","reason":"slow_consumer"}')
        elif reader not in done:
            failed = sender.exception() if sender in done else None
            if failed is not None and not isinstance(failed, Closed):
                log.error("stream failed for tenant %s", auth.tenant.id, exc_info=failed)
            await _close(socket, 1011)
    finally:
        for task in tasks:
            task.cancel()
        await unsubscribe(channels, subscriber)


async def _replies(socket: WebSocket, replies: asyncio.Queue[str]) -> None:
    while True:
        await socket.send_text(await replies.get())


# Not in the OpenAPI document: an endless response suits neither the generated clients nor
# the fuzzer; the SDKs' hand-written stream() helpers and the README describe it.
@get("/api/v1/stream/sse", opt={"stream": True}, include_in_schema=False)
async def stream_sse(
    request: Request[Any, Any, Any],
    events: str = "*",
    last_event_id: str | None = None,
) -> ServerSentEvent:
    """The same stream as Server-Sent Events: `id:` lines are cursors; `Last-Event-ID` resumes."""
    channels = request.app.plugins.get(StreamChannels)
    auth = await authenticate(request.headers.get("authorization", ""))
    await check_access(auth, request.scope)
    patterns = check_subscription(auth, [p.strip() for p in events.split(",") if p.strip()])
    last = check_cursor(request.headers.get("last-event-id"), "Last-Event-ID")
    last = last or check_cursor(last_event_id)
    subscriber, live = await subscribe(channels, history.channel(auth.tenant.id))
    feed = Feed(subscriber, auth.tenant.id, auth, patterns, last, live=live)

    async def messages() -> AsyncIterator[ServerSentEventMessage]:
        try:
            yield ServerSentEventMessage(data=None, comment="subscribed", retry=2000)
            async for item in feed.items():
                if item is PING:
                    yield ServerSentEventMessage(data=None, comment="ping")
                elif item is GAP:
                    yield ServerSentEventMessage(
                        event="gap", data='{"type":"gap","reason":"history"}'
                    )
                elif isinstance(item, history.Entry):
                    yield ServerSentEventMessage(id=item.cursor, data=item.data_json)
        except SlowConsumer:
            yield ServerSentEventMessage(
                event="gap", data='{"type":"gap","reason":"slow_consumer"}'
            )
        except Closed:
            pass
        finally:
            await unsubscribe(channels, subscriber)

    return ServerSentEvent(
        messages(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )
