"""Incoming webhook checks: both signing methods, timestamps, event keys (no I/O)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from jewelia.tenants.webhooks.inbound import verify

SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"


def test_header_signature_is_the_seed_receivers_hmac() -> None:
    body = b'{"event":"order.created","data":{"total_amount":2500.00}}'
    # Exactly what the contract's Flask receiver computes.
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    header = {"x-webhook-signature": f"sha256={expected}"}
    assert verify.sign(SECRET, body) == f"sha256={expected}"
    assert verify.verify([SECRET], body, header, None)
    assert verify.verify(["whsec_old", SECRET], body, header, None)  # rotation: any live key
    assert not verify.verify(["whsec_other"], body, header, None)
    assert not verify.verify([SECRET], body + b" ", header, None)
    assert not verify.verify([SECRET], body, {"x-webhook-signature": expected}, None)
    assert not verify.verify([SECRET], body, {"x-webhook-signature": "sha256=zz"}, None)


def test_header_wins_over_a_body_signature() -> None:
    body = b'{"event":"x","signature":"sha256=' + b"0" * 64 + b'"}'
    header = {"x-webhook-signature": verify.sign(SECRET, body)}
    assert verify.verify([SECRET], body, header, "sha256=" + "0" * 64)


def test_body_field_signature_covers_the_body_with_an_empty_signature() -> None:
    blank = json.dumps(
        {
            "event": "order.created",
            "data": {"order_id": "o-1", "total_amount": 2500.0},
            "timestamp": "2024-01-15T10:30:00Z",
            "signature": "",
        },
        indent=2,
    ).encode()
    sent = verify.sign_body_field(SECRET, blank)
    field = json.loads(sent)["signature"]
    # Documented rule: HMAC of the body as sent with the signature's value emptied.
    assert field == "sha256=" + hmac.new(SECRET.encode(), blank, hashlib.sha256).hexdigest()
    assert sent.replace(field.encode(), b"", 1) == blank
    assert verify.verify([SECRET], sent, {}, field)
    tampered = sent.replace(b"o-1", b"o-2")
    assert not verify.verify([SECRET], tampered, {}, field)
    assert not verify.verify(["whsec_other"], sent, {}, field)
    assert not verify.verify([SECRET], sent, {}, None)
    # The value must appear once, as a JSON string: copies make the body ambiguous.
    twice = sent[:-1] + b', "copy": "' + field.encode() + b'"}'
    assert not verify.verify([SECRET], twice, {}, field)


def test_timestamps() -> None:
    now = time.time()
    assert verify.is_fresh(verify.parse_timestamp(int(now)), now)
    assert verify.is_fresh(verify.parse_timestamp(str(int(now) - 299)), now)
    assert not verify.is_fresh(verify.parse_timestamp(int(now) - 301), now)
    assert not verify.is_fresh(verify.parse_timestamp(int(now) + 301), now)
    assert verify.parse_timestamp("2024-01-15T10:30:00Z") == 1705314600.0
    assert verify.parse_timestamp("2024-01-15T10:30:00") is None  # no zone
    for bad in (None, True, "yesterday", [], {}):
        assert verify.parse_timestamp(bad) is None
    assert not verify.is_fresh(None, now)
    # The body's (signed) timestamp wins over the header.
    headers = {"webhook-timestamp": str(int(now))}
    assert verify.event_timestamp({"timestamp": "2024-01-15T10:30:00Z"}, headers) == 1705314600.0
    assert verify.event_timestamp({}, headers) == float(int(now))
    assert verify.event_timestamp({}, {}) is None


def test_event_key() -> None:
    raw = b'{"event":"x"}'
    assert verify.event_key({"id": "evt_1"}, {"webhook-id": "msg_9"}, raw) == "evt_1"
    assert verify.event_key({"id": 42}, {}, raw) == "42"
    assert verify.event_key({}, {"webhook-id": "msg_9"}, raw) == "msg_9"
    assert verify.event_key({}, {}, raw) == "sha256:" + hashlib.sha256(raw).hexdigest()
