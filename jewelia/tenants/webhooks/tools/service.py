"""Webhook testing tools: send a test request, render and check templates, make and check
signatures. Plain values in, plain values out; the API and the pages both call these.

A test request goes through the SSRF guard (`guarded_client`) like every delivery: the host is
resolved and checked, the checked address is the one connected to, redirects are not followed.
Each attempt is bounded by its timeout (DNS included) and the whole call by 60 seconds.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any

import httpx
import msgspec

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.core.outbound import BlockedDestination, check_url_shape, guarded_client
from jewelia.core.validation import Checker
from jewelia.tenants.webhooks import signing
from jewelia.tenants.webhooks.tools.templates import (
    CATEGORIES,
    TEMPLATES,
    coerce,
    get_template,
    list_templates,
    render,
    validate,
)

__all__ = [
    "CATEGORIES",
    "TEMPLATES",
    "coerce",
    "generate_signature",
    "get_template",
    "list_templates",
    "render",
    "send_test",
    "validate",
    "verify_signature",
]

METHODS = ("POST", "PUT", "PATCH")
MAX_TIMEOUT_MS = 30_000
MAX_RETRIES = 5
MAX_URL = 2048
MAX_BODY = 256 * 1024
MAX_HEADERS = 30
RESPONSE_LIMIT = 20 * 1024
TOTAL_BUDGET_S = 60.0
BACKOFF_S = 0.1  # doubled per retry, at most 2 s
RETRY_STATUSES = frozenset({408, 425, 429})
USER_AGENT = "Jewelia-Webhooks/1.0 (test)"
TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$")
HOP_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "expect",
        "proxy-authorization",
        "proxy-connection",
    }
)
SIGNATURE_HEADERS = frozenset(
    {"x-webhook-signature", "webhook-id", "webhook-timestamp", "webhook-signature"}
)
NO_PAYLOAD: Any = msgspec.UNSET
DEFAULT_PAYLOAD = {"event": "test", "data": {"message": "Test webhook"}}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_headers(check: Checker, headers: dict[str, str], signed: bool) -> dict[str, str]:
    if len(headers) > MAX_HEADERS:
        check.add("headers", f"At most {MAX_HEADERS} headers", "TOO_LONG")
        return {}
    clean = {}
    for name, value in headers.items():
        field = f"headers.{name[:100]}"
        lower = name.lower()
        if not TOKEN.match(name):
            check.add(field, "Header names are letters, digits and - _ . only", "INVALID_HEADER")
        elif lower in HOP_HEADERS:
            check.add(field, f"{name} is set by the HTTP client", "FORBIDDEN_HEADER")
        elif signed and lower in SIGNATURE_HEADERS:
            check.add(field, f"{name} is computed from the secret", "FORBIDDEN_HEADER")
        elif not isinstance(value, str) or len(value) > 4000 or any(c in value for c in "\r\n\0"):
            check.add(field, "Header values are one line of at most 4000 characters", "INVALID")
        else:
            clean[name] = value
    return clean


def _encode(check: Checker, field: str, payload: Any) -> bytes:
    body = msgspec.json.encode(payload)
    if len(body) > MAX_BODY:
        check.add(field, f"{field} must be at most {MAX_BODY // 1024} KB as JSON", "TOO_LONG")
    return body


def _check_url(check: Checker, url: str) -> None:
    if not url:
        check.add("webhookUrl", "webhookUrl is required", "REQUIRED")
    elif len(url) > MAX_URL:
        check.add("webhookUrl", f"webhookUrl must be at most {MAX_URL} characters", "TOO_LONG")
    else:
        try:
            check_url_shape(url, "webhookUrl")
            httpx.URL(url)
        except BlockedDestination as exc:
            check.add("webhookUrl", exc.message, "INVALID_URL")
        except (httpx.InvalidURL, UnicodeError):
            check.add("webhookUrl", "Not a valid URL", "INVALID_URL")


def _response_data(raw: bytes, truncated: bool) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if not truncated:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


async def _read_capped(response: httpx.Response) -> tuple[bytes, bool]:
    """At most RESPONSE_LIMIT bytes of the (decoded) body; whether there was more."""
    buf = bytearray()
    async for chunk in response.aiter_bytes():
        buf += chunk
        if len(buf) > RESPONSE_LIMIT:
            return bytes(buf[:RESPONSE_LIMIT]), True
    return bytes(buf), False


def _transport_error(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"Could not connect: {exc}" if str(exc) else "Could not connect"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "Timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def send_test(
    url: str,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    payload: Any = NO_PAYLOAD,
    timeout_ms: int = 10_000,
    retries: int = 0,
    secret: str | None = None,
) -> dict[str, Any]:
    """Send one test request (retrying connection failures, timeouts, 5xx, 408/425/429)."""
    check = Checker()
    _check_url(check, url)
    method = (method or "").upper()
    check.choice("method", method, METHODS, "method")
    if not _whole(timeout_ms) or not 1 <= timeout_ms <= MAX_TIMEOUT_MS:
        check.add("timeout", f"timeout must be 1-{MAX_TIMEOUT_MS} ms", "OUT_OF_RANGE")
    if not _whole(retries) or not 0 <= retries <= MAX_RETRIES:
        check.add("retries", f"retries must be 0-{MAX_RETRIES}", "OUT_OF_RANGE")
    if secret:
        try:
            signing.check_secret(secret, min_length=1)
        except ValidationFailed as exc:
            check.errors.extend(exc.errors)
    extra = _check_headers(check, headers or {}, bool(secret))
    body = _encode(check, "payload", DEFAULT_PAYLOAD if payload is NO_PAYLOAD else payload)
    check.raise_if_any()

    sent = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if secret:
        sent = {
            **sent,
            **signing.signed_headers([secret], str(uuid.uuid4()), int(time.time()), body),
        }
    for name, value in extra.items():
        sent = {k: v for k, v in sent.items() if k.lower() != name.lower()}
        sent[name] = value

    timeout = timeout_ms / 1000
    deadline = time.monotonic() + TOTAL_BUDGET_S
    log: list[dict[str, Any]] = []
    result: dict[str, Any] = {"statusCode": None, "responseData": None, "truncated": False}
    async with guarded_client(timeout=timeout) as client:
        for attempt in range(1, retries + 2):
            budget = min(timeout, deadline - time.monotonic())
            if budget <= 0:
                break
            status, error, started = None, None, time.perf_counter()
            try:
                async with asyncio.timeout(budget):
                    async with client.stream(method, url, content=body, headers=sent) as response:
                        raw, truncated = await _read_capped(response)
                status = response.status_code
                result.update(
                    statusCode=status,
                    responseData=_response_data(raw, truncated),
                    truncated=truncated,
                )
            except BlockedDestination as exc:
                raise BlockedDestination(exc.message, "webhookUrl") from exc
            except (httpx.InvalidURL, UnicodeError) as exc:  # e.g. a host label over 63 chars
                raise ValidationFailed(
                    [FieldError("webhookUrl", "Not a valid URL", "INVALID_URL")]
                ) from exc
            except (httpx.TransportError, httpx.StreamError, TimeoutError) as exc:
                error = _transport_error(exc)
                result.update(statusCode=None, responseData=None, truncated=False)
            elapsed = round((time.perf_counter() - started) * 1000)
            if status is not None and not 200 <= status < 300:
                error = f"HTTP {status}"
            log.append(
                {"attempt": attempt, "statusCode": status, "responseTime": elapsed, "error": error}
            )
            retryable = status is None or status >= 500 or status in RETRY_STATUSES
            if error is None or not retryable or attempt > retries:
                break
            pause = min(BACKOFF_S * 2 ** (attempt - 1), 2.0, max(0.0, deadline - time.monotonic()))
            await asyncio.sleep(pause)
    last = log[-1]
    return {
        "success": last["error"] is None,
        "statusCode": result["statusCode"],
        "responseTime": last["responseTime"],
        "responseData": result["responseData"],
        "attempts": len(log),
        "error": last["error"],
        "truncated": result["truncated"],
        "requestHeaders": sent,
        "attemptLog": log,
    }


def _check_body_input(check: Checker, body: str | None, payload: Any) -> bytes:
    if (body is None) == (payload is NO_PAYLOAD):
        check.add("body", "Send either body (the exact text) or payload (JSON)", "REQUIRED")
        return b""
    if body is not None:
        raw = body.encode()
        if len(raw) > MAX_BODY:
            check.add("body", f"body must be at most {MAX_BODY // 1024} KB", "TOO_LONG")
        return raw
    return _encode(check, "payload", payload)


def _secret(check: Checker, secret: str) -> None:
    try:
        signing.check_secret(secret, min_length=1)
    except ValidationFailed as exc:
        check.errors.extend(exc.errors)


def generate_signature(
    secret: str,
    body: str | None = None,
    payload: Any = NO_PAYLOAD,
    msg_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, Any]:
    """Both header styles for a body (given as exact text, or as JSON we serialise compactly)."""
    check = Checker()
    _secret(check, secret)
    raw = _check_body_input(check, body, payload)
    msg_id = msg_id if msg_id is not None else f"msg_{uuid.uuid4().hex}"
    if (
        not 0 < len(msg_id) <= 200
        or not msg_id.isascii()
        or not msg_id.isprintable()
        or " " in msg_id
    ):
        check.add("id", "id must be 1-200 printable ASCII characters without spaces", "INVALID")
    timestamp = int(time.time()) if timestamp is None else timestamp
    if not _whole(timestamp) or not 0 <= timestamp <= 99_999_999_999:
        check.add("timestamp", "timestamp must be Unix seconds", "OUT_OF_RANGE")
    check.raise_if_any()
    headers = signing.signed_headers([secret], msg_id, timestamp, raw)
    return {
        "id": msg_id,
        "timestamp": timestamp,
        "body": raw.decode(),
        "signedContent": signing.signed_content(msg_id, timestamp, raw).decode(),
        "legacySignature": headers[signing.LEGACY_HEADER],
        "standardSignature": headers["webhook-signature"],
        "headers": headers,
    }


def verify_signature(
    secret: str,
    body: str,
    headers: dict[str, str],
    tolerance_seconds: int = signing.DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """Check whichever signature headers are present; valid when there is one and all match."""
    check = Checker()
    _secret(check, secret)
    raw = _check_body_input(check, body, NO_PAYLOAD)
    if len(headers) > 50:
        check.add("headers", "At most 50 headers", "TOO_LONG")
    if not _whole(tolerance_seconds) or not 1 <= tolerance_seconds <= 7 * 86400:
        check.add("tolerance", "tolerance must be 1-604800 seconds", "OUT_OF_RANGE")
    check.raise_if_any()
    lower = {k.lower(): v for k, v in headers.items()}
    checks = []
    if signing.LEGACY_HEADER.lower() in lower:
        verdict = signing.verify_legacy(secret, raw, lower[signing.LEGACY_HEADER.lower()])
        checks.append({"scheme": signing.LEGACY_HEADER, **_verdict(verdict)})
    if {"webhook-signature", "webhook-id", "webhook-timestamp"} & lower.keys():
        verdict = signing.verify_standard(secret, lower, raw, tolerance_seconds, now)
        checks.append({"scheme": "Standard Webhooks", **_verdict(verdict)})
    if not checks:
        reason = "No X-Webhook-Signature or webhook-signature header to check"
        return {"valid": False, "reason": reason, "checks": []}
    valid = all(c["valid"] for c in checks)
    failed = [c["reason"] for c in checks if not c["valid"]]
    reason = "; ".join(failed) if failed else "; ".join(c["reason"] for c in checks)
    return {"valid": valid, "reason": reason, "checks": checks}


def _verdict(verdict: signing.Verdict) -> dict[str, Any]:
    return {"valid": verdict.valid, "reason": verdict.reason}
