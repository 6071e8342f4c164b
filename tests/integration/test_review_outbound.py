"""Issue 10, item 14: one URL check for saving an endpoint and for sending to it, and an attempt
that fails in an unexpected way is recorded as a failed attempt with its reason.

Real API, real worker, real receivers on 127.0.0.1 (the suite admits loopback for them).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from jewelia.core.db import execute, tenant_scope
from tests.webhook_receiver import Receiver

NUMERIC_FORMS = ["0177.0.0.1", "0x7f.1", "2130706433", "127.1", "0x7f000001", "127.0.0.1."]
# IPv6 addresses carrying the metadata address 169.254.169.254 (refused even in development).
EMBEDDED_METADATA = [
    "2002:a9fe:a9fe::1",  # 6to4
    "2001:0:a9fe:a9fe::1",  # Teredo server
    "2001:0:4136:e378:8000:63bf:5601:5601",  # Teredo client (bits inverted)
    "64:ff9b::a9fe:a9fe",  # NAT64
    "64:ff9b:1::a9fe:a9fe",  # NAT64, local use
    "::ffff:a9fe:a9fe",  # IPv4-mapped
    "::a9fe:a9fe",  # IPv4-compatible
]


async def _wait(predicate: Any, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


def _refused(r: Any) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["success"] is False and body["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in body["details"]] == ["url"], body
    return body["details"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("host", NUMERIC_FORMS)
async def test_ambiguous_ipv4_forms_are_refused_when_saved(api: Any, host: str) -> None:
    r = await api.post("/webhooks", json={"url": f"http://{host}:8080/hook", "events": ["*"]})
    assert "four decimal numbers" in _refused(r)["message"]
    hook = (
        await api.post("/webhooks", json={"url": "https://example.com/x", "events": ["*"]})
    ).json()["data"]
    r = await api.patch(f"/webhooks/{hook['id']}", json={"url": f"https://{host}/x"})
    _refused(r)
    assert (await api.get("/webhooks")).json()["pagination"]["total"] == 1


@pytest.mark.parametrize("address", EMBEDDED_METADATA)
async def test_ipv6_carrying_a_refused_ipv4_is_refused(api: Any, address: str) -> None:
    r = await api.post("/webhooks", json={"url": f"http://[{address}]/hook", "events": ["*"]})
    detail = _refused(r)
    assert detail["code"] == "BLOCKED_DESTINATION" and "not allowed" in detail["message"]


@pytest.mark.parametrize(
    "address", ["2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "::ffff:7f00:1"]
)
async def test_ipv6_carrying_loopback_is_refused_outside_development(
    api: Any, address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JEWELIA_WEBHOOK_ALLOW_PRIVATE", raising=False)
    r = await api.post("/webhooks", json={"url": f"http://[{address}]/hook", "events": ["*"]})
    assert "127.0.0.1" in _refused(r)["message"]


async def test_public_addresses_and_names_are_still_accepted(api: Any) -> None:
    hook = (
        await api.post("/webhooks", json={"url": "https://hooks.example.com/in", "events": ["*"]})
    ).json()["data"]
    for url in (
        "http://93.184.215.14:8080/in",
        "http://[2002:5db8:d70e::1]/in",  # 6to4 of a public address
        "https://bücher.example/in",
    ):
        r = await api.patch(f"/webhooks/{hook['id']}", json={"url": url})
        assert r.status_code == 200, r.text


async def _point_at(api: Any, hook_id: str, sql_set: str, *args: Any) -> None:
    """Change a stored endpoint behind the API's back: rows saved before this check existed."""
    async with tenant_scope(api.tenant.ref):
        await execute(
            f"UPDATE webhook_endpoint SET {sql_set} WHERE id = $1", uuid.UUID(hook_id), *args
        )


async def _finished(api: Any, hook_id: str) -> dict[str, Any]:
    async def done() -> Any:
        rows = (await api.get(f"/webhooks/{hook_id}/deliveries")).json()["data"]
        return rows if rows and rows[0]["status"] in ("failed", "succeeded") else None

    rows = await _wait(done)
    r = await api.get(f"/webhooks/deliveries/{rows[0]['id']}")
    return r.json()["data"]  # type: ignore[no-any-return]


def _actor_failures(tenant_id: uuid.UUID) -> list[str]:
    log = Path(os.environ["JEWELIA_DATA_DIR"]) / "worker.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return [
        line
        for line in text.splitlines()
        if "Failed to process message" in line and str(tenant_id) in line
    ]


async def _customer(api: Any) -> None:
    r = await api.post("/customers", json={"full_name": "Ada Stone", "email": "ada@example.com"})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("host", ["0x7f.1", "0177.0.0.1", "a" * 64 + ".example"])
async def test_stored_url_in_a_refused_form_fails_at_send_time_with_the_same_reason(
    api: Any, worker: Any, host: str
) -> None:
    """The worker applies the check that creation applies: an old row whose host would reach
    the receiver on 127.0.0.1 through inet_aton is refused, recorded once, never sent."""
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        hook = (
            await api.post("/webhooks", json={"url": receiver.url("/hook"), "events": ["*"]})
        ).json()["data"]
        await _point_at(api, hook["id"], "url = $2", f"http://{host}:{port}/hook")
        await _customer(api)
        detail = await _finished(api, hook["id"])
        assert detail["status"] == "failed" and detail["attempt_count"] == 1, detail
        attempt = detail["attempts"][0]
        assert attempt["status_code"] is None and attempt["error"], attempt
        saved = api.post("/webhooks", json={"url": f"http://{host}:{port}/hook", "events": ["*"]})
        assert attempt["error"] == _refused(await saved)["message"]  # the same decision
        assert receiver.received == []
    assert _actor_failures(api.tenant.id) == []


async def test_an_unexpected_error_while_sending_is_a_failed_attempt_with_its_reason(
    api: Any, worker: Any
) -> None:
    """A secret the server can no longer decrypt (its key changed) used to crash the whole
    batch: the delivery stayed pending and the actor's traceback repeated in the log."""
    with Receiver() as receiver:
        hook = (
            await api.post(
                "/webhooks",
                json={"url": receiver.url("/hook"), "events": ["*"], "max_attempts": 1},
            )
        ).json()["data"]
        other_key = Fernet(Fernet.generate_key()).encrypt(b"whsec_old").decode()
        await _point_at(api, hook["id"], "secret_encrypted = $2", other_key)
        await _customer(api)
        detail = await _finished(api, hook["id"])
        assert detail["status"] == "failed" and detail["attempt_count"] == 1, detail
        error = detail["attempts"][0]["error"]
        assert error.startswith("Unexpected error") and "decrypt" in error, error
        assert detail["last_error"] == error
        assert receiver.received == []
    assert _actor_failures(api.tenant.id) == []


class NulReceiver(Receiver):
    """Answers 200 with a body PostgreSQL text cannot hold (a NUL byte)."""

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict]:
        return 200, b'{"ok": true}\x00\x00junk', {"Content-Type": "application/json"}


async def test_a_receiver_answering_nul_bytes_is_recorded(api: Any, worker: Any) -> None:
    with NulReceiver() as receiver:
        hook = (
            await api.post("/webhooks", json={"url": receiver.url("/hook"), "events": ["*"]})
        ).json()["data"]
        await _customer(api)
        detail = await _finished(api, hook["id"])
        assert detail["status"] == "succeeded", detail
        assert detail["attempts"][0]["response_body"].startswith('{"ok": true}')
        assert "\x00" not in detail["attempts"][0]["response_body"]
    assert _actor_failures(api.tenant.id) == []
