"""The SSRF guard refuses every dangerous address class, also when DNS points there."""

from __future__ import annotations

import ipaddress

import pytest

from jewelia.core.outbound import (
    BlockedDestination,
    check_address,
    check_url_shape,
    checked_address,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "::1",
        "fc00::1",
        "169.254.169.254",
        "fe80::1",
        "224.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
        "240.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_refused_by_default(address: str) -> None:
    with pytest.raises(BlockedDestination):
        check_address(ipaddress.ip_address(address), private_ok=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.0.9", "::1"])
def test_private_ranges_allowed_for_development(address: str) -> None:
    check_address(ipaddress.ip_address(address), private_ok=True)


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "fe80::1", "224.0.0.1", "0.0.0.0", "fd00:ec2::254"]
)
def test_metadata_and_link_local_never_allowed(address: str) -> None:
    with pytest.raises(BlockedDestination):
        check_address(ipaddress.ip_address(address), private_ok=True)


def test_public_addresses_pass() -> None:
    check_address(ipaddress.ip_address("93.184.215.14"), private_ok=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "http://user:pw@example.com/",
        "javascript:alert(1)",
        "http:///nohost",
        "http://[::1",
    ],
)
def test_bad_url_shapes(url: str) -> None:
    with pytest.raises(BlockedDestination):
        check_url_shape(url)


async def test_names_resolving_inside_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JEWELIA_WEBHOOK_ALLOW_PRIVATE", raising=False)
    with pytest.raises(BlockedDestination):
        await checked_address("http://localhost:8080/hook")
    with pytest.raises(BlockedDestination):
        await checked_address("http://169.254.169.254/latest/meta-data/")


async def test_guarded_client_pins_the_address_and_keeps_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real local receiver: allowed only with the development switch; redirects not followed."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from jewelia.core.outbound import guarded_client

    seen: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_POST(self) -> None:
            seen.append(self.headers["Host"])
            self.send_response(302 if self.path == "/redirect" else 200)
            self.send_header("Location", "http://169.254.169.254/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        monkeypatch.delenv("JEWELIA_WEBHOOK_ALLOW_PRIVATE", raising=False)
        async with guarded_client(timeout=5) as client:
            with pytest.raises(BlockedDestination):
                await client.post(f"http://localhost:{port}/hook", json={})
        monkeypatch.setenv("JEWELIA_WEBHOOK_ALLOW_PRIVATE", "1")
        async with guarded_client(timeout=5) as client:
            r = await client.post(f"http://localhost:{port}/hook", json={"ok": True})
            assert r.status_code == 200 and seen[-1] == f"localhost:{port}"
            r = await client.post(f"http://localhost:{port}/redirect", json={})
            assert r.status_code == 302 and len(seen) == 2  # not followed to the metadata address
    finally:
        server.shutdown()
