"""CORS for /api/v1: browser pages on the origins a business allows may call the API.

A preflight (OPTIONS with Origin and Access-Control-Request-Method) carries no credential, so it
is answered here, before authentication, for any origin at least one business allows; others
get 403. An actual request from another origin is checked by the guard against the business
its credential belongs to (refused with 403 before any work); this middleware then adds the
headers that let the page read the answer, errors included. No credentials mode: cookies are
never involved, so Access-Control-Allow-Credentials is never sent.
"""

from __future__ import annotations

import json
from typing import Any

from litestar.types import ASGIApp

from jewelia.core.errors import AUTHORIZATION_ERROR, AppError, envelope
from jewelia.core.middleware import header_value
from jewelia.platform.apikeys import origins
from jewelia.platform.apikeys.guard import ADMISSION_SCOPE_KEY, CORS_SCOPE_KEY

API_PREFIX = "/api/v1/"
ALLOW_METHODS = b"GET, POST, PUT, PATCH, DELETE"
ALLOW_HEADERS = b"Authorization, Content-Type, Idempotency-Key, X-Request-ID"
EXPOSE_HEADERS = (
    b"X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-ID,"
    b" Idempotent-Replayed"
)
MAX_AGE = b"600"  # seconds a browser may reuse a preflight; removals apply within that


def cors_middleware(app: ASGIApp) -> ASGIApp:
    """Answer API preflights and add CORS headers to API answers for allowed origins."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await app(scope, receive, send)
            return
        origin = origins.foreign_origin(scope)
        if origin is not None and scope["method"] == "OPTIONS":
            if header_value(scope, b"access-control-request-method"):
                await _preflight(origin, send)
                return

        async def send_with_cors(message: Any) -> None:
            if message["type"] == "http.response.start":
                # Every API answer may differ by Origin (a shared cache must not reuse one).
                headers = with_vary_origin(list(message.get("headers") or ()))
                if origin is not None and await _may_read(scope, origin):
                    headers += [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-expose-headers", EXPOSE_HEADERS),
                    ]
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_cors)

    return middleware


def with_vary_origin(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers with Origin in Vary (added to an existing Vary, or a new one)."""
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            if b"origin" in value.lower() or value.strip() == b"*":
                return headers
            headers[index] = (name, value + b", Origin")
            return headers
    return [*headers, (b"vary", b"Origin")]


async def _may_read(scope: Any, origin: str) -> bool:
    """Whether the page at `origin` may read this answer.

    The guard decided for the business it authenticated. Without one (no or a bad credential,
    an unknown path), the preflight's rule applies: some business allows the origin.
    """
    decided = scope.get(CORS_SCOPE_KEY)
    if decided is not None:
        return bool(decided)
    admission = scope.get(ADMISSION_SCOPE_KEY)
    if admission is not None and not isinstance(admission, AppError):
        return False  # admitted without a decision: cannot happen, so say no
    return await origins.allowed_anywhere(origin)


async def _preflight(origin: str, send: Any) -> None:
    if await origins.allowed_anywhere(origin):
        headers = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-methods", ALLOW_METHODS),
            (b"access-control-allow-headers", ALLOW_HEADERS),
            (b"access-control-max-age", MAX_AGE),
            (b"vary", b"Origin"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    message = f"Origin {origin[:200]} is not allowed to call this API (Settings › API)"  # noqa: RUF001
    body = json.dumps(envelope(message, AUTHORIZATION_ERROR, {"origin": origin[:200]})).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"vary", b"Origin"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
