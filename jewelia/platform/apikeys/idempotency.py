"""Idempotency-Key on POST: the first response is stored and replayed for 24 hours.

A key is looked up only after the request is authenticated, authorized and charged to the
rate limit, and a stored answer belongs to the credential that made it (the API key, or the
user of a JWT) within its tenant: another credential's key is never seen. The same key with a
different request body is refused; a key whose first request is still running answers 409.
Server errors (5xx) and refusals (401, 403, 429) are not stored, so a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import fetch, tenant_scope
from jewelia.core.errors import AppError, envelope
from jewelia.core.middleware import header_value
from jewelia.platform.apikeys.guard import ApiAuth, admit

TTL = timedelta(hours=24)
HEADER = b"idempotency-key"
MAX_STORED_BODY = 1 << 20
NOT_STORED = frozenset({401, 403, 429})  # refusals: the same request may pass later


async def _send_json(send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


async def _error(send: Any, status: int, code: str, message: str) -> None:
    await _send_json(send, status, json.dumps(envelope(message, code)).encode(), [])


async def _read_body(receive: Any) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def idempotency_middleware(app: Any) -> Any:
    """Wrap the API: POSTs with an Idempotency-Key header are stored and replayed."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        key_raw = header_value(scope, HEADER)
        if key_raw is None:
            await app(scope, receive, send)
            return
        try:
            auth = await admit(scope, scope["route_handler"])
        except AppError:
            await app(scope, receive, send)  # the guard answers with this error; nothing stored
            return
        key = key_raw.decode("latin-1").strip()
        if not 1 <= len(key) <= 255 or not key.isprintable():
            await _error(
                send, 400, "VALIDATION_ERROR", "Idempotency-Key must be 1-255 printable characters"
            )
            return
        declared = header_value(scope, b"content-length") or b""
        if not declared.isdigit() or int(declared) > MAX_STORED_BODY:
            # Replays keep the request in memory to compare it: not for uploads.
            await _error(
                send,
                400,
                "VALIDATION_ERROR",
                "Idempotency-Key needs a Content-Length of at most 1 MiB (not for file uploads)",
            )
            return
        credential = _credential(auth)
        body = await _read_body(receive)
        digest = hashlib.sha256(
            b"\0".join([scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        async with tenant_scope(auth.tenant.ref):
            await fetch(
                "DELETE FROM idempotency_key WHERE credential = $1 AND key = $2"
                " AND created_at < $3",
                credential,
                key,
                datetime.now(UTC) - TTL,
            )
            claimed = await fetch(
                "INSERT INTO idempotency_key (credential, key, request_hash, method, path)"
                " VALUES ($1, $2, $3, 'POST', $4)"
                " ON CONFLICT (credential, key) DO NOTHING RETURNING key",
                credential,
                key,
                digest,
                scope["path"],
            )
            stored = (
                None
                if claimed
                else (
                    await fetch(
                        "SELECT * FROM idempotency_key WHERE credential = $1 AND key = $2",
                        credential,
                        key,
                    )
                )[0]
            )
        if stored is not None:
            if stored["request_hash"] != digest:
                await _error(
                    send,
                    422,
                    "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used with a different request",
                )
            elif stored["status_code"] is None:
                await _error(
                    send,
                    409,
                    "IDEMPOTENCY_IN_PROGRESS",
                    "A request with this Idempotency-Key is still being processed",
                )
            else:
                await _send_json(
                    send,
                    stored["status_code"],
                    bytes(stored["response_body"]),
                    [(b"idempotent-replayed", b"true")],
                )
            return
        await _run_and_store(app, scope, send, body, (credential, key), auth)

    return middleware


def _credential(auth: ApiAuth) -> str:
    """Whose stored answers a request may see: the API key, or the user behind a JWT."""
    return f"{auth.actor.type}:{auth.actor.id}"


async def _run_and_store(
    app: Any, scope: Any, send: Any, body: bytes, key: tuple[str, str], auth: ApiAuth
) -> None:
    status, chunks, fed = 500, [], False

    async def replay_receive() -> dict[str, Any]:
        nonlocal fed
        if fed:
            return {"type": "http.disconnect"}
        fed = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def capture(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
        await send(message)

    try:
        await app(scope, replay_receive, capture)
    finally:
        async with tenant_scope(auth.tenant.ref):
            if status >= 500 or status in NOT_STORED:
                await fetch("DELETE FROM idempotency_key WHERE credential = $1 AND key = $2", *key)
            else:
                await fetch(
                    "UPDATE idempotency_key SET status_code = $3, response_body = $4"
                    " WHERE credential = $1 AND key = $2",
                    *key,
                    status,
                    b"".join(chunks),
                )
