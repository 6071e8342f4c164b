"""Limits found in review: a receiver that trickles its answer, uploads with Idempotency-Key,
huge header rows, giant integers, and signed links kept out of the access log."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jewelia.core.logs import redacted_path as _redacted
from jewelia.tenants.transfer.formats.readers import MAX_COLUMNS, SourceError, _dedupe


def _trickling_server() -> tuple[str, threading.Event]:
    """Answers 200 with a 100-byte body, one byte every 0.3 s."""
    done = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            if done.is_set():
                break
            try:
                conn.sendall(b"x")
            except OSError:
                break
            time.sleep(0.3)
        conn.close()
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}/hook", done


async def test_a_trickling_receiver_hits_the_overall_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jewelia.tenants.webhooks import signing
    from jewelia.tenants.webhooks.outbound import delivery

    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 1.0)
    url, done = _trickling_server()
    row = {
        "body": '{"event": "webhook.test"}',
        "event_id": uuid.uuid4(),
        "url": url,
        "secret_encrypted": __import__(
            "jewelia.core.security", fromlist=["encrypt_secret"]
        ).encrypt_secret(signing.new_secret()),
        "previous_secret_encrypted": None,
        "previous_secret_expires_at": None,
    }
    start = time.monotonic()
    out = await delivery.attempt(row, datetime.now(UTC))
    done.set()
    assert time.monotonic() - start < 3
    assert out.error == "Timed out after 1 s" and not out.ok


async def test_idempotency_key_on_a_streamed_upload(api: Any) -> None:
    """A keyed chunked upload (no Content-Length) is fingerprinted as it streams: the route's
    own answer is stored and replayed (the large-body cases are in test_review_api_edge)."""

    async def chunks() -> Any:
        for _ in range(64):
            yield b"x" * 65536

    key = {"Idempotency-Key": f"upload-{uuid.uuid4()}", "content-type": "application/json"}
    r = await api.post("/import-export?action=import", content=chunks(), headers=key)
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR", r.text
    again = await api.post("/import-export?action=import", content=chunks(), headers=key)
    assert again.json() == r.json() and again.headers["idempotent-replayed"] == "true"
    r = await api.post(
        "/customers",
        json={"full_name": "Idem Potent"},
        headers={"Idempotency-Key": f"small-{uuid.uuid4()}"},
    )
    assert r.status_code == 201


def test_header_rows_are_bounded_and_deduplicated_fast() -> None:
    start = time.monotonic()
    names = _dedupe(["a"] * MAX_COLUMNS)
    assert len(set(names)) == MAX_COLUMNS and names[:3] == ["a", "a_2", "a_3"]
    assert time.monotonic() - start < 1
    with pytest.raises(SourceError):
        _dedupe(["a"] * (MAX_COLUMNS + 1))


async def test_giant_integer_in_incoming_webhook_is_a_clean_400(api: Any, client: Any) -> None:
    r = await api.post("/webhooks/inbound", json={"name": "Big numbers"})
    source = r.json()["data"]
    body = b'{"event": "order.created", "data": {"n": ' + b"9" * 5000 + b"}}"
    r = await client.post(
        f"/api/v1/webhooks/{source['id']}",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code in (400, 401) and r.json()["success"] is False


def test_signed_links_are_not_logged(tmp_path: Path) -> None:
    assert _redacted("/api/v1/import-export/download/eyJ0.secret") == (
        "/api/v1/import-export/download/***"
    )
    assert _redacted("/api/v1/customers") == "/api/v1/customers"
