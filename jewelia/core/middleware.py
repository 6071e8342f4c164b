"""ASGI middleware: request ids, access logs, security headers and a body-size limit."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.types import ASGIApp

from jewelia.core.errors import PAYLOAD_TOO_LARGE, VALIDATION_ERROR, FieldError, envelope
from jewelia.core.json_depth import depth_message, too_deep
from jewelia.core.logs import redacted_path, request_id_var, tenant_id_var

access_log = logging.getLogger("jewelia.access")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
# The API reference (Scalar) injects its own <style> elements; scripts stay 'self' only.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_PATH = "/developers/reference"


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
CSP_HEADER = b"content-security-policy"
CACHE_CONTROL = b"cache-control"
# Pages hold the member's data and a CSRF token bound to the session or visitor cookie: only
# the browser may keep them, and it asks again before reusing one. A handler may set its own.
PAGE_CACHE = (CACHE_CONTROL, b"private, no-cache")


def header_value(scope: Any, name: bytes) -> bytes | None:
    """The first value of a request header (names are lower-case in ASGI), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return value  # type: ignore[no-any-return]
    return None


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Give each request an id, add security headers, and log it once done."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = (header_value(scope, b"x-request-id") or b"").decode("latin-1")
        rid = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        rid_token = request_id_var.set(rid)
        tid_token = tenant_id_var.set(None)
        start = time.perf_counter()
        status = 0
        path = scope["path"]
        logged_path = redacted_path(path)  # the query string is never logged
        # Appended as raw pairs: this runs on every response, so no header-object scans.
        extra = [(b"x-request-id", rid.encode("latin-1")), *SECURITY_HEADERS]
        if scope.get("scheme") == "https":
            extra.append(HSTS)

        async def send_wrapper(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or ())
                names = {k.lower() for k, _ in headers}
                if CSP_HEADER not in names:
                    docs = path == DOCS_PATH
                    headers.append((CSP_HEADER, (DOCS_CSP if docs else CSP).encode()))
                if CACHE_CONTROL not in names and _is_html(headers):
                    headers.append(PAGE_CACHE)
                message["headers"] = headers + extra
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            access_log.info(
                "%s %s %s",
                scope["method"],
                logged_path,
                status,
                extra={
                    "fields": {
                        "method": scope["method"],
                        "path": logged_path,
                        "status": status,
                        "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                    }
                },
            )
            request_id_var.reset(rid_token)
            tenant_id_var.reset(tid_token)

    return middleware


NUL_PATTERNS = (b"\x00", b"\\u0000", b"%00")


def _path_limits(limits: dict[str, int]) -> Any:
    """path -> its limit (or None): exact keys, keys ending in `/` cover every path under them,
    a `*` in a key stands for one path segment (an id)."""
    prefixes = [(p, n) for p, n in limits.items() if p.endswith("/")]
    patterns = [
        (re.compile("^" + re.escape(p).replace(r"\*", "[^/]+") + "$"), n)
        for p, n in limits.items()
        if "*" in p
    ]

    def limit_of(path: str) -> int | None:
        exact = limits.get(path)
        if exact is not None:
            return exact
        found = next((n for p, n in prefixes if path.startswith(p)), None)
        return found if found is not None else next((n for r, n in patterns if r.match(path)), None)

    return limit_of


def body_limit_middleware(
    limit: int, streamed: dict[str, int] | None = None, larger: dict[str, int] | None = None
) -> Any:
    """Refuse bodies over `limit` bytes (413) and NUL characters anywhere in the input (400).

    PostgreSQL text cannot hold NUL, so it is refused here once rather than in every field rule.
    `streamed` names POST routes that read their own body as a stream (file uploads, which may be
    binary): they are passed through unbuffered, up to their own ceiling; the handler applies
    the exact (per-plan) limit and refuses NUL in the fields it keeps. `larger` names POST routes
    checked like any other but up to their own limit (a builder run's 10 MB trigger payload).
    Keys: see `_path_limits`.
    """
    ceiling_of = _path_limits(streamed or {})
    larger_of = _path_limits(larger or {})

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            declared = header_value(scope, b"content-length")
            ceiling = ceiling_of(scope["path"]) if scope["method"] == "POST" else None
            if ceiling is not None:
                if declared is not None and declared.isdigit() and int(declared) > ceiling:
                    message = f"Request body too large (at most {ceiling >> 20} MB here)"
                    await _refuse(send, 413, message, PAYLOAD_TOO_LARGE)
                    return
                await app(scope, _counting(receive, ceiling), send)
                return
            own = larger_of(scope["path"]) if scope["method"] == "POST" else None
            allowed = own or limit
            if declared is not None and declared.isdigit() and int(declared) > allowed:
                await _refuse(send, 413, "Request body too large", PAYLOAD_TOO_LARGE)
                return
            if _has_nul(scope.get("query_string", b"")) or "\x00" in scope["path"]:
                await _refuse(send, 400, "NUL characters are not allowed", VALIDATION_ERROR)
                return
            if declared is None and header_value(scope, b"transfer-encoding") is None:
                await app(scope, receive, send)  # no body to check (GET and friends)
                return
            # Bodies are bounded (by `limit`, or a `larger` route's), so read them whole, check,
            # then replay.
            chunks, received, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return
                chunks.append(message.get("body", b""))
                received += len(chunks[-1])
                more = message.get("more_body", False)
                if received > allowed:
                    await _refuse(send, 413, "Request body too large", PAYLOAD_TOO_LARGE)
                    return
            body = b"".join(chunks)
            if _has_nul(body):
                await _refuse(send, 400, "NUL characters are not allowed", VALIDATION_ERROR)
                return
            if not _is_form(scope) and too_deep(body):  # decoders would recurse into a 500
                detail = FieldError("body", depth_message(), "TOO_DEEP")
                await _refuse(send, 400, "Validation error", VALIDATION_ERROR, [detail])
                return
            replayed = False

            async def replay() -> Any:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await app(scope, replay, send)

        return middleware

    return factory


def _counting(receive: Any, ceiling: int) -> Any:
    """A receive that ends the request (as a disconnect) once more than `ceiling` bytes came."""
    received = 0

    async def wrapped() -> Any:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > ceiling:
                return {"type": "http.disconnect"}
        return message

    return wrapped


def _has_nul(data: bytes) -> bool:
    return any(p in data for p in NUL_PATTERNS)


def _is_form(scope: Any) -> bool:
    """Form posts (pages) are not JSON; any other body may be decoded as JSON somewhere."""
    kind = (header_value(scope, b"content-type") or b"").lower()
    return kind.startswith((b"application/x-www-form-urlencoded", b"multipart/form-data"))


async def _refuse(send: Any, status: int, message: str, code: str, details: Any = None) -> None:
    import json

    body = json.dumps(envelope(message, code, details)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
