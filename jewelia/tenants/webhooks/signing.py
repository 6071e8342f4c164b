"""Webhook signatures: the contract's `X-Webhook-Signature` and the Standard Webhooks headers.

Every delivery carries both styles:

- `X-Webhook-Signature: sha256=<hex>`: HMAC-SHA256 of the raw body, keyed with the secret's
  UTF-8 bytes, exactly what the contract's Flask receiver computes
  (`hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()`). It has no timestamp,
  so it cannot stop a replayed request; that is what the second style is for.
- Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix seconds) and
  `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. During a secret
  rotation it lists one space-separated signature per live secret. The HMAC key is:
  for a secret `whsec_<base64>` (what we generate), the base64-decoded bytes, as the spec and its
  reference libraries do; for any other secret, its raw UTF-8 bytes. A receiver using the
  `standardwebhooks` library passes `Webhook("whsec_…")` for the first kind and
  `Webhook(secret.encode())` (bytes are used as the key unchanged) for the second.

We implement the scheme here rather than calling the `standardwebhooks` package at run time: the
package decodes `whsec_` secrets leniently (invalid characters are silently dropped), has a fixed
five-minute tolerance, signs only text bodies, and lets malformed header values raise arbitrary
errors. It is a test dependency instead, and the tests check both directions against it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.core.security import decrypt_secret

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SECRET_BYTES = 24
MIN_SECRET_LENGTH = 16  # characters of a plain secret, or bytes of a decoded whsec_ key
MAX_SECRET_LENGTH = 256
DEFAULT_TOLERANCE_SECONDS = 300
LEGACY_HEADER = "X-Webhook-Signature"


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a signature; truthy when valid."""

    valid: bool
    reason: str

    def __bool__(self) -> bool:
        return self.valid


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(SECRET_BYTES)).decode()


def standard_key(secret: str) -> bytes:
    """The Standard Webhooks HMAC key of a secret (ValueError for a malformed `whsec_` one)."""
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a whsec_ secret must be followed by base64") from exc
    if not key:
        raise ValueError("a whsec_ secret must not be empty")
    return key


def check_secret(secret: str, field: str = "secret", min_length: int = MIN_SECRET_LENGTH) -> str:
    """A usable secret, or ValidationFailed: printable, bounded, well-formed when `whsec_`."""
    problem = None
    if not secret:
        problem = ("secret is required", "REQUIRED")
    elif len(secret) > MAX_SECRET_LENGTH:
        problem = (f"secret must be at most {MAX_SECRET_LENGTH} characters", "TOO_LONG")
    elif not secret.isprintable() or secret != secret.strip():
        problem = ("secret must be printable, without surrounding spaces", "INVALID")
    else:
        try:
            key = standard_key(secret)
        except ValueError as exc:
            problem = (str(exc), "INVALID_SECRET")
        else:
            size = len(key) if secret.startswith(SECRET_PREFIX) else len(secret)
            if size < min_length:
                unit = "bytes after whsec_" if secret.startswith(SECRET_PREFIX) else "characters"
                problem = (f"secret is too short: at least {min_length} {unit}", "TOO_SHORT")
    if problem:
        raise ValidationFailed([FieldError(field, *problem)])
    return secret


def legacy_signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the body with the secret's UTF-8 bytes (the seed's scheme)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_content(msg_id: str, timestamp: int, body: bytes) -> bytes:
    """What a Standard Webhooks signature covers: `<id>.<timestamp>.<body>`."""
    return f"{msg_id}.{timestamp}.".encode() + body


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` for one secret."""
    digest = hmac.new(
        standard_key(secret), signed_content(msg_id, timestamp, body), hashlib.sha256
    ).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Headers for one delivery; the first secret is the current one, the others still valid."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    return {
        "Content-Type": "application/json",
        LEGACY_HEADER: legacy_signature(secrets[0], body),
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(s, msg_id, timestamp, body) for s in secrets
        ),
    }


def verify_legacy(secret: str, body: bytes, header: str | None) -> Verdict:
    """Check `X-Webhook-Signature` the way the seed's receiver does (constant-time compare)."""
    if not header:
        return Verdict(False, f"Missing {LEGACY_HEADER} header")
    expected = legacy_signature(secret, body)
    if not header.startswith("sha256="):
        return Verdict(False, f"{LEGACY_HEADER} must look like sha256=<hex>")
    if hmac.compare_digest(header.encode(), expected.encode()):
        return Verdict(True, f"{LEGACY_HEADER} matches")
    return Verdict(False, f"{LEGACY_HEADER} does not match this secret and body")


def verify_standard(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> Verdict:
    """Check the Standard Webhooks headers; stale or future timestamps are refused (replays)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id = lower.get("webhook-id", "")
    stamp = lower.get("webhook-timestamp", "").strip()
    signatures = lower.get("webhook-signature", "")
    if not (msg_id and stamp and signatures):
        return Verdict(False, "Missing webhook-id, webhook-timestamp or webhook-signature header")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        return Verdict(False, "webhook-timestamp must be Unix seconds")
    timestamp = int(stamp)
    current = time.time() if now is None else now
    if timestamp < current - tolerance_seconds:
        return Verdict(False, f"Timestamp too old (more than {tolerance_seconds} s): a replay?")
    if timestamp > current + tolerance_seconds:
        return Verdict(False, f"Timestamp too new (more than {tolerance_seconds} s ahead)")
    try:
        expected = standard_signature(secret, msg_id, timestamp, body).split(",", 1)[1].encode()
    except ValueError as exc:
        return Verdict(False, f"Secret is not usable: {exc}")
    for entry in signatures.split():
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return Verdict(True, "webhook-signature matches")
    return Verdict(False, "No v1 signature in webhook-signature matches this secret and body")


def signing_secrets(row: dict[str, Any], now: datetime) -> list[str]:
    """The secrets that sign now, from a row's encrypted columns: current first, then a
    rotated one until its overlap ends (webhook endpoints and inbound sources alike)."""
    secrets = [decrypt_secret(row["secret_encrypted"])]
    expires = row.get("previous_secret_expires_at")
    if row.get("previous_secret_encrypted") and expires and expires > now:
        secrets.append(decrypt_secret(row["previous_secret_encrypted"]))
    return secrets
