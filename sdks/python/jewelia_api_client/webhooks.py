"""Verify the signature of a webhook Jewelia sent you, before trusting its body.

Every delivery is signed twice. The Standard Webhooks headers (`webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64>`) are checked, timestamp included, which
stops replays: the HMAC-SHA256 of `<id>.<timestamp>.<raw body>`, keyed with the base64 bytes
after `whsec_` (or the secret's UTF-8 bytes for any other secret). A delivery without them is
refused unless `allow_legacy=True`, which checks `X-Webhook-Signature: sha256=<hex>` instead
(HMAC-SHA256 of the raw body keyed with the secret's UTF-8 bytes): it has no timestamp, so it
cannot stop a replay; use it only where the timestamped headers cannot reach you.

    from jewelia_api_client import webhooks

    webhooks.verify_signature(request.get_data(), request.headers, WEBHOOK_SECRET)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from .errors import WebhookSignatureError

__all__ = ["DEFAULT_TOLERANCE", "WebhookSignatureError", "construct_event", "verify_signature"]

DEFAULT_TOLERANCE = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
NO_TIMESTAMP = (
    "no webhook-timestamp: pass allow_legacy=True only for receivers that cannot get the"
    " timestamped headers; it cannot stop replays"
)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}


def _standard_key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookSignatureError("The secret is not a valid whsec_ secret") from exc


def _verify_standard(
    body: bytes, headers: dict[str, str], secret: str, tolerance: int, now: float
) -> None:
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "").strip()
    signatures = headers.get("webhook-signature", "")
    if not (msg_id and stamp and signatures):
        raise WebhookSignatureError("Missing webhook-id, webhook-timestamp or webhook-signature")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise WebhookSignatureError("webhook-timestamp must be Unix seconds")
    timestamp = int(stamp)
    if timestamp < now - tolerance:
        raise WebhookSignatureError(f"Timestamp is more than {tolerance} s old (a replay?)")
    if timestamp > now + tolerance:
        raise WebhookSignatureError(f"Timestamp is more than {tolerance} s in the future")
    content = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(
        hmac.new(_standard_key(secret), content, hashlib.sha256).digest()
    ).decode()
    for entry in signatures.split():
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return
    raise WebhookSignatureError("No webhook-signature matches this secret and body")


def _verify_legacy(body: bytes, headers: dict[str, str], secret: str) -> None:
    header = headers.get("x-webhook-signature")
    if not header:
        raise WebhookSignatureError("Missing webhook-signature and X-Webhook-Signature headers")
    if not header.startswith("sha256="):
        raise WebhookSignatureError("X-Webhook-Signature must look like sha256=<hex>")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(header.encode(), expected.encode()):
        raise WebhookSignatureError("X-Webhook-Signature does not match this secret and body")


def verify_signature(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
    allow_legacy: bool = False,
) -> None:
    """Check a delivery's signature against the raw body; WebhookSignatureError when it fails.

    Pass the body exactly as received (bytes; not re-serialized JSON), the request headers
    and the endpoint's signing secret. `tolerance` is the accepted clock skew in seconds.
    `allow_legacy=True` accepts a delivery with only `X-Webhook-Signature` (replayable).
    """
    if not secret:
        raise WebhookSignatureError("The signing secret is empty")
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    lowered = _lower(headers)
    if any(name in lowered for name in STANDARD_HEADERS):
        _verify_standard(body, lowered, secret, tolerance, time.time())
    elif allow_legacy:
        _verify_legacy(body, lowered, secret)
    else:
        raise WebhookSignatureError(NO_TIMESTAMP)


def construct_event(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
    allow_legacy: bool = False,
) -> dict[str, Any]:
    """The verified event (`{"id", "event", "timestamp", "data"}`) from a delivery."""
    verify_signature(payload, headers, secret, tolerance, allow_legacy)
    event = json.loads(payload)
    if not isinstance(event, dict):
        raise WebhookSignatureError("The webhook body is not a JSON object")
    return event
