"""Webhook signatures: the contract's receiver accepts ours, the Standard Webhooks reference
library agrees with us both ways, rotation signs with two secrets, replays are refused."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from jewelia.core.errors import ValidationFailed
from jewelia.tenants.webhooks import signing
from tests.webhook_receiver import seed_signature_ok

BODY = b'{"event":"order.created","data":{"order_id":"7f3e","total_amount":2500.0}}'
SEED_SECRET = "your-webhook-secret"


def test_new_secrets_are_whsec_base64_of_24_random_bytes() -> None:
    secrets = {signing.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret[6:], validate=True)) == 24
        signing.check_secret(secret)


@pytest.mark.parametrize("secret", [SEED_SECRET, signing.new_secret(), "ünïcode-secret-ключ"])
def test_the_seed_receiver_accepts_our_legacy_signature(secret: str) -> None:
    headers = signing.signed_headers([secret], "msg_1", int(time.time()), BODY)
    assert seed_signature_ok(secret, headers, BODY)
    assert headers["X-Webhook-Signature"] == signing.legacy_signature(secret, BODY)
    assert signing.verify_legacy(secret, BODY, headers["X-Webhook-Signature"])
    assert not seed_signature_ok(secret, headers, BODY + b" ")
    assert not seed_signature_ok(secret + "x", headers, BODY)


def test_legacy_signature_is_hex_hmac_of_the_raw_body() -> None:
    # Computed independently: echo -n BODY | openssl dgst -sha256 -hmac your-webhook-secret
    import hashlib
    import hmac

    expected = hmac.new(SEED_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert signing.legacy_signature(SEED_SECRET, BODY) == f"sha256={expected}"


def test_legacy_verification_failures_say_why() -> None:
    good = signing.legacy_signature(SEED_SECRET, BODY)
    assert not signing.verify_legacy(SEED_SECRET, BODY, None)
    assert "Missing" in signing.verify_legacy(SEED_SECRET, BODY, "").reason
    assert "sha256=" in signing.verify_legacy(SEED_SECRET, BODY, good[7:]).reason
    assert not signing.verify_legacy(SEED_SECRET, BODY + b"x", good)
    assert not signing.verify_legacy(SEED_SECRET, BODY, "sha256=é")  # non-ASCII: no exception


def test_the_reference_library_verifies_our_standard_headers() -> None:
    secret = signing.new_secret()
    headers = signing.signed_headers([secret], "msg_2", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) is not None
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"2500", b"25"), headers)
    # A plain secret is keyed with its own bytes: the library takes them as bytes.
    headers = signing.signed_headers([SEED_SECRET], "msg_3", int(time.time()), BODY)
    Webhook(SEED_SECRET.encode()).verify(BODY, headers)


def test_we_verify_what_the_reference_library_signs() -> None:
    secret = signing.new_secret()
    now = datetime.now(UTC)
    signature = Webhook(secret).sign("msg_4", now, BODY.decode())
    headers = {
        "webhook-id": "msg_4",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    assert signing.standard_signature(secret, "msg_4", int(now.timestamp()), BODY) == signature
    verdict = signing.verify_standard(secret, headers, BODY)
    assert verdict.valid, verdict.reason
    assert not signing.verify_standard(signing.new_secret(), headers, BODY)


def test_rotation_signs_with_every_live_secret() -> None:
    new, old, other = signing.new_secret(), signing.new_secret(), signing.new_secret()
    headers = signing.signed_headers([new, old], "msg_5", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert signing.verify_standard(new, headers, BODY)
    assert signing.verify_standard(old, headers, BODY)
    assert not signing.verify_standard(other, headers, BODY)
    Webhook(old).verify(BODY, headers)  # a receiver still on the old secret keeps working
    # The contract's single-value header carries the current secret's signature.
    assert seed_signature_ok(new, headers, BODY) and not seed_signature_ok(old, headers, BODY)


def test_stale_future_and_replayed_timestamps_are_refused() -> None:
    secret = signing.new_secret()
    now = int(time.time())
    stale = signing.signed_headers([secret], "msg_6", now - 301, BODY)
    verdict = signing.verify_standard(secret, stale, BODY)
    assert not verdict and "too old" in verdict.reason
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, stale)  # the reference refuses it too
    future = signing.signed_headers([secret], "msg_7", now + 301, BODY)
    assert "too new" in signing.verify_standard(secret, future, BODY).reason
    fresh = signing.signed_headers([secret], "msg_8", now, BODY)
    assert signing.verify_standard(secret, fresh, BODY)
    # The same request captured and sent again ten minutes later:
    assert not signing.verify_standard(secret, fresh, BODY, now=now + 600)
    assert signing.verify_standard(secret, fresh, BODY, tolerance_seconds=900, now=now + 600)
    # Moving the timestamp forward breaks the signature.
    moved = {**fresh, "webhook-timestamp": str(now + 1)}
    assert "No v1 signature" in signing.verify_standard(secret, moved, BODY).reason


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-id": ""},
        {"webhook-timestamp": "yesterday"},
        {"webhook-timestamp": "1e9"},
        {"webhook-timestamp": "-5"},
        {"webhook-signature": "v1"},
        {"webhook-signature": "v2,abc v1,@@@"},
        {"webhook-signature": "v1,not base64!"},
        {"webhook-signature": ""},
    ],
)
def test_malformed_standard_headers_are_invalid_not_errors(change: dict[str, str]) -> None:
    secret = signing.new_secret()
    headers = {**signing.signed_headers([secret], "msg_9", int(time.time()), BODY), **change}
    assert not signing.verify_standard(secret, headers, BODY)


def test_header_names_are_case_insensitive() -> None:
    secret = signing.new_secret()
    headers = signing.signed_headers([secret], "msg_10", int(time.time()), BODY)
    assert signing.verify_standard(secret, {k.upper(): v for k, v in headers.items()}, BODY)


@pytest.mark.parametrize(
    ("secret", "code"),
    [
        ("", "REQUIRED"),
        ("short", "TOO_SHORT"),
        ("whsec_" + base64.b64encode(b"8 bytes!").decode(), "TOO_SHORT"),
        ("whsec_not*base64*at*all", "INVALID_SECRET"),
        ("whsec_", "INVALID_SECRET"),
        (" padded-secret-value ", "INVALID"),
        ("line\nbreak-in-the-secret", "INVALID"),
        ("x" * 300, "TOO_LONG"),
    ],
)
def test_bad_secrets_are_refused(secret: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        signing.check_secret(secret)
    assert caught.value.errors[0]["code"] == code
    assert caught.value.errors[0]["field"] == "secret"


def test_acceptable_secrets() -> None:
    assert signing.check_secret(SEED_SECRET) == SEED_SECRET
    unpadded = "whsec_" + base64.b64encode(b"k" * 20).decode().rstrip("=")
    assert signing.standard_key(unpadded) == b"k" * 20
    assert signing.check_secret("short", min_length=1) == "short"


def test_signing_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        signing.signed_headers([], "msg", 0, BODY)
