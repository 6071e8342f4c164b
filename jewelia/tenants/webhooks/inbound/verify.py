"""Checking an incoming webhook: its HMAC signature, its timestamp and its event id.

Two ways to sign, both HMAC-SHA256 with the source's secret (the whole `whsec_…` text, UTF-8)
as the key, written `sha256=<lower-case hex>`:

1. Header (the seed's receiver example): `X-Webhook-Signature: sha256=<hex>` over the raw
   request body, byte for byte.
2. Body field (the seed's `"signature": "sha256=..."`): the HMAC covers the raw body exactly
   as sent, except that the signature's own value is empty. The sender serialises its JSON
   with `"signature": ""`, signs those bytes, then writes `sha256=<hex>` between the empty
   quotes and sends the result. We undo that: the value must occur exactly once in the body
   as `"sha256=<hex>"`; it is replaced by `""` and the HMAC of the resulting bytes must match.

3. Standard Webhooks (what our own deliveries carry): `webhook-id`, `webhook-timestamp` and
   `webhook-signature: v1,<base64>` over `id.timestamp.body`, keyed with the base64 part of
   the `whsec_` secret (see `signing.verify_standard`); id and timestamp are then signed too.

When more than one is present the `X-Webhook-Signature` header wins, then Standard Webhooks.
Every way covers every byte of the body, so the body's `id` and `timestamp` are authenticated;
with methods 1 and 2 the `webhook-id` and `webhook-timestamp` headers are not (see
`event_key` for why that is still safe).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from jewelia.tenants.webhooks import signing

TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "x-webhook-signature"
STANDARD_HEADER = "webhook-signature"
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")
_UNIX = re.compile(r"\d{1,12}(\.\d{1,9})?")


def sign(secret: str, message: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of message, key=secret>`: what a sender puts in the header,
    or (over the body with `"signature": ""`) into the body's signature field."""
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_body_field(secret: str, body_with_blank_signature: bytes) -> bytes:
    """The body a sender using the field method sends: its `"signature": ""` filled in."""
    value = sign(secret, body_with_blank_signature)
    marker = re.search(rb'"signature"\s*:\s*""', body_with_blank_signature)
    if marker is None:
        raise ValueError('the body needs a "signature": "" member')
    filled = marker.group(0)[:-2] + b'"' + value.encode() + b'"'
    return body_with_blank_signature.replace(marker.group(0), filled, 1)


def _matches(secrets: Iterable[str], message: bytes, given: str) -> bool:
    """Constant-time comparison against every secret that may sign right now."""
    ok = False
    for secret in secrets:
        ok |= hmac.compare_digest(sign(secret, message).encode(), given.encode())
    return ok


def signed_by_header(headers: Mapping[str, str]) -> bool:
    """Whether the request carries its signature in a header (checked before the body is read)."""
    return SIGNATURE_HEADER in headers or STANDARD_HEADER in headers


def verify(
    secrets: list[str], raw_body: bytes, headers: Mapping[str, str], body_signature: Any
) -> bool:
    """True when the header or (failing a header) the body field carries a valid signature."""
    header = headers.get(SIGNATURE_HEADER)
    if header is not None:
        given = header.strip().lower()
        return bool(_SIGNATURE.fullmatch(given)) and _matches(secrets, raw_body, given)
    if STANDARD_HEADER in headers:
        return any(signing.verify_standard(s, headers, raw_body).valid for s in secrets)
    if not isinstance(body_signature, str) or not _SIGNATURE.fullmatch(body_signature):
        return False
    quoted = b'"' + body_signature.encode() + b'"'
    if raw_body.count(quoted) != 1:
        return False
    return _matches(secrets, raw_body.replace(quoted, b'""', 1), body_signature)


def parse_timestamp(value: Any) -> float | None:
    """Unix seconds from an ISO 8601 date-time with a zone, or a Unix time (number or digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _UNIX.fullmatch(text):
        return float(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None


def is_fresh(sent_at: float | None, now: float | None = None) -> bool:
    """Within five minutes either side of now."""
    if sent_at is None:
        return False
    now = time.time() if now is None else now
    return abs(now - sent_at) <= TOLERANCE_SECONDS


def event_timestamp(body: dict[str, Any], headers: Mapping[str, str]) -> float | None:
    """The body's `timestamp` (signed) if it has one, else the `webhook-timestamp` header."""
    if "timestamp" in body:
        return parse_timestamp(body["timestamp"])
    header = headers.get("webhook-timestamp")
    return parse_timestamp(header) if header is not None else None


def body_digest(raw_body: bytes) -> str:
    """SHA-256 of the raw body (hex)."""
    return hashlib.sha256(raw_body).hexdigest()


def event_key(body: dict[str, Any], headers: Mapping[str, str], raw_body: bytes) -> str:
    """The sender's event id: the body's `id`, else the `webhook-id` header, else a body hash.

    The header is not signed, so on its own it could not stop a replay with a new id; events
    are therefore also unique by the SHA-256 of the body, which a replayer cannot change.
    """
    if isinstance(body.get("id"), str | int) and not isinstance(body.get("id"), bool):
        return str(body["id"])[:255]
    header = (headers.get("webhook-id") or "").strip()
    if header and header.isprintable():
        return header[:255]
    return "sha256:" + body_digest(raw_body)
