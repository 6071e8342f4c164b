"""The SSRF guard for every outgoing request to a URL a user gave us (webhooks, integrations).

The host is resolved once, every address is checked, and the connection goes to the checked
address (so a DNS answer that changes between check and connect cannot reach inside).
Redirects are not followed. JEWELIA_WEBHOOK_ALLOW_PRIVATE=1 admits loopback and private ranges
for local development and tests; link-local (cloud metadata) and the like are never admitted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx

from jewelia.platform.errors import FieldError, ValidationFailed

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
ALWAYS_REFUSED = [
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",
        "fe80::/10",
        "fd00:ec2::/32",
        "100.64.0.0/10",
        "0.0.0.0/8",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "ff00::/8",
        "240.0.0.0/4",
        "::ffff:169.254.0.0/112",
    )
]


class BlockedDestination(ValidationFailed):
    """The URL points somewhere we refuse to send requests."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__([FieldError(field, message, "BLOCKED_DESTINATION")], message)


def allow_private() -> bool:
    return os.environ.get("JEWELIA_WEBHOOK_ALLOW_PRIVATE", "").lower() in {"1", "true", "yes"}


def check_address(address: Address, private_ok: bool | None = None) -> None:
    """Refuse loopback, private, link-local, multicast, reserved and metadata addresses."""
    private_ok = allow_private() if private_ok is None else private_ok
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    target = mapped or address
    if any(target in net for net in ALWAYS_REFUSED if net.version == target.version):
        raise BlockedDestination(
            f"Requests to {address} are not allowed (link-local, metadata or reserved)"
        )
    if target.is_loopback or (target.is_private and not target.is_link_local):
        if not private_ok:
            raise BlockedDestination(
                f"Requests to private or loopback address {address} are not allowed"
            )
        return
    if target.is_link_local or target.is_multicast or target.is_unspecified or target.is_reserved:
        raise BlockedDestination(f"Requests to {address} are not allowed")


def check_url_shape(url: str, field: str = "url") -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL without credentials, or BlockedDestination."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedDestination("Not a valid URL", field) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedDestination("URL must be http:// or https:// with a host", field)
    if parts.username or parts.password:
        raise BlockedDestination("URL must not contain credentials", field)
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[Address]:
    """Every address a host name resolves to (or the literal address)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BlockedDestination(f"Host {host} does not resolve") from exc
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


async def checked_address(url: str) -> Address:
    """Resolve the URL's host and check every address; return the one to connect to."""
    _, host, port = check_url_shape(url)
    addresses = await resolve(host, port)
    for address in addresses:
        check_address(address)
    return addresses[0]


class GuardedTransport(httpx.AsyncHTTPTransport):
    """Resolves, checks and pins the address for each request; keeps Host and TLS SNI."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        address = await checked_address(str(request.url))
        host = request.url.host
        pinned = request.url.copy_with(
            host=str(address) if address.version == 4 else f"[{address}]"
        )
        request.url = pinned
        request.headers["Host"] = (
            host if request.url.port in (None, 80, 443) else f"{host}:{request.url.port}"
        )
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await super().handle_async_request(request)


def guarded_client(timeout: float = 15.0, **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client for user-supplied URLs: SSRF-checked, no redirects, bounded timeout."""
    return httpx.AsyncClient(
        transport=GuardedTransport(), follow_redirects=False, timeout=timeout, **kwargs
    )
