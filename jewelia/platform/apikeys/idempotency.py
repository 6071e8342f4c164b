"""Idempotency-Key on POST: the first response is stored and replayed for 24 hours.

A key is looked up only after the request is authenticated, authorized and charged to the
rate limit, and a stored answer belongs to the credential that made it (the API key, or the
user of a JWT) within its tenant: another credential's key is never seen. The request is
remembered by a SHA-256 fingerprint of its path, query and body, computed as the body streams
past (uploads included, up to the route's own limit; nothing more is held in memory than the
route holds): the same key with a different fingerprint is refused, and a key whose first
request is still running answers 409. Server errors (5xx) and refusals (401, 403, 413, 429) are
not stored, so a retry runs again.
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
PENDING = ""  # request_hash while the first request runs: its fingerprint is known at the end
# Refusals (the same request may pass later) and a body over the plan's size (after an upgrade).
NOT_STORED = frozenset({401, 403, 413, 429})


async def _send_json(send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


async def _error(send: Any, status: int, code: str, message: str) -> None:
    await _send_json(send, status, json.dumps(envelope(message, code)).encode(), [])


class Fingerprint:
    """SHA-256 over the path, the query and the body chunks as the app receives them."""

    def __init__(self, scope: Any, receive: Any) -> None:
        self._hash = hashlib.sha256(
            scope["path"].encode() + b"\0" + scope.get("query_string", b"") + b"\0"
        )
        self._receive = receive
        self.complete = False  # the whole body went through
        self.broken = False  # the client went away (or past the route's ceiling) first

    async def receive(self) -> Any:
        """The app's receive: each body chunk is hashed on its way, never kept."""
        if self.complete or self.broken:
            return await self._receive()
        message = await self._receive()
        if message["type"] == "http.request":
            self._hash.update(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        else:
            self.broken = True
        return message

    async def finish(self) -> str | None:
        """Read what the app left unread; the hex digest, or None if the body never ended."""
        while not (self.complete or self.broken):
            await self.receive()
        return None if self.broken else self._hash.hexdigest()


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
        credential = _credential(auth)
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
                PENDING,
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
        fingerprint = Fingerprint(scope, receive)
        if stored is None:
            await _run_and_store(app, scope, send, fingerprint, (credential, key), auth)
            return
        if stored["status_code"] is None:
            await _error(
                send,
                409,
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key is still being processed",
            )
            return
        digest = await fingerprint.finish()  # read through, hashed, not kept
        if digest is None:
            return  # the client went away
        if stored["request_hash"] != digest:
            await _error(
                send,
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used with a different request",
            )
            return
        await _send_json(
            send,
            stored["status_code"],
            bytes(stored["response_body"]),
            [(b"idempotent-replayed", b"true")],
        )

    return middleware


def _credential(auth: ApiAuth) -> str:
    """Whose stored answers a request may see: the API key, or the user behind a JWT."""
    return f"{auth.actor.type}:{auth.actor.id}"


def _storable(status: int) -> bool:
    return status < 500 and status not in NOT_STORED


async def _run_and_store(
    app: Any, scope: Any, send: Any, fingerprint: Fingerprint, key: tuple[str, str], auth: ApiAuth
) -> None:
    status, chunks, digest = 500, [], None

    async def capture(message: dict[str, Any]) -> None:
        nonlocal status, digest
        if message["type"] == "http.response.start":
            status = message["status"]
            if _storable(status):
                # A route may answer before reading its whole body (a refusal by query
                # parameter): read the rest now, while the server still delivers it.
                digest = await fingerprint.finish()
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
        await send(message)

    try:
        await app(scope, fingerprint.receive, capture)
    finally:
        async with tenant_scope(auth.tenant.ref):
            if digest is None or not _storable(status):
                await fetch("DELETE FROM idempotency_key WHERE credential = $1 AND key = $2", *key)
            else:
                await fetch(
                    "UPDATE idempotency_key SET request_hash = $3, status_code = $4,"
                    " response_body = $5 WHERE credential = $1 AND key = $2",
                    *key,
                    digest,
                    status,
                    b"".join(chunks),
                )
