"""The SSRF guard for every outgoing request to a URL a user gave us (webhooks, integrations).

`check_url` is the one decision about a URL, made alike when a URL is saved and before each
request: the URL is read by httpx's own parser (the one that sends), IPv4 in octal, hex or short
forms (`0177.0.0.1`, `0x7f.1`, `2130706433`, `127.1`) is refused rather than guessed at, and an
IPv6 address that carries an IPv4 one (mapped, compatible, 6to4, Teredo, NAT64) is judged by
that IPv4 address too. At send time the host is resolved once, every address is checked, and the
connection goes to the checked address (so a DNS answer that changes between check and connect
cannot reach inside). Redirects are not followed. JEWELIA_WEBHOOK_ALLOW_PRIVATE=1 admits loopback and private ranges
for local development and tests; link-local (cloud metadata) and the like are never admitted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import socket
from typing import Any

import httpx

from jewelia.core.errors import FieldError, ValidationFailed

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
ALWAYS_REFUSED = [
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",
        "fe80::/10",
        "fd00:ec2::/32",
        "100.64.0.0/10",
        "0.0.0.0/8",
        "::/128",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "ff00::/8",
        "240.0.0.0/4",
        "::ffff:169.254.0.0/112",
        "64:ff9b:1::/48",  # NAT64 for local use (RFC 8215): always an inside network
    )
]
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
CANONICAL_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
# What a URL parser or inet_aton would read as an IPv4 address: the last label is a number.
NUMERIC_LABEL = re.compile(r"\d+|0x[0-9a-f]*")
PLAIN_IPV4 = (
    "Write an IPv4 address as four decimal numbers (e.g. 203.0.113.7);"
    " octal, hex and shortened forms are refused"
)
HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


class BlockedDestination(ValidationFailed):
    """The URL points somewhere we refuse to send requests."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__([FieldError(field, message, "BLOCKED_DESTINATION")], message)


def allow_private() -> bool:
    return os.environ.get("JEWELIA_WEBHOOK_ALLOW_PRIVATE", "").lower() in {"1", "true", "yes"}


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address in IPV4_COMPATIBLE or address in NAT64:
        if int(address) > 1:  # :: and ::1 are themselves, not IPv4 addresses
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:  # (server, client); the client's bits are un-inverted by ipaddress
        found.extend(address.teredo)
    return found


def check_address(address: Address, private_ok: bool | None = None) -> None:
    """Refuse loopback, private, link-local, multicast, reserved and metadata addresses, and
    IPv6 addresses that carry such an IPv4 address."""
    private_ok = allow_private() if private_ok is None else private_ok
    if isinstance(address, ipaddress.IPv6Address):
        for inner in embedded_ipv4(address):
            try:
                check_address(inner, private_ok)
            except BlockedDestination as exc:
                raise BlockedDestination(
                    f"Requests to {address} are not allowed: it carries the IPv4 address"
                    f" {inner} ({exc.message})"
                ) from exc
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


def host_address(host: str, field: str = "url") -> Address | None:
    """The address a URL's host (as httpx sends it) names literally, None for a host name, or
    BlockedDestination for a form that could be read two ways or is no host at all."""
    if ":" in host:
        if "%" in host:
            raise BlockedDestination("IPv6 zone ids are not allowed in URLs", field)
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise BlockedDestination("Not a valid IPv6 address", field) from exc
    labels = host.split(".")
    last = labels[-2] if labels[-1] == "" and len(labels) > 1 else labels[-1]
    if NUMERIC_LABEL.fullmatch(last):
        # Browsers, curl and inet_aton read 0177.0.0.1, 0x7f.1, 2130706433 and 127.1 as
        # 127.0.0.1; we accept only the four-decimal form, so no reader can disagree with us.
        if not CANONICAL_IPV4.fullmatch(host):
            raise BlockedDestination(f"{host[:100]}: {PLAIN_IPV4}", field)
        return ipaddress.IPv4Address(host)
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253 or not all(HOST_LABEL.fullmatch(label) for label in name.split(".")):
        raise BlockedDestination(f"{host[:100]} is not a valid host name", field)
    return None


def check_url_shape(url: str, field: str = "url") -> tuple[str, str, int]:
    """(scheme, host as sent, port) of an http(s) URL without credentials whose host is a
    plain name or address, or BlockedDestination. Parsed by httpx, which sends it."""
    try:
        parts = httpx.URL(url)
        host = parts.raw_host.decode("ascii").lower()
    except httpx.InvalidURL as exc:  # httpx refuses 0177.0.0.1 itself
        message = PLAIN_IPV4 if "IPv4" in str(exc) else "Not a valid URL"
        raise BlockedDestination(message, field) from exc
    except (TypeError, ValueError) as exc:  # UnicodeError is a ValueError
        raise BlockedDestination("Not a valid URL", field) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise BlockedDestination("URL must be http:// or https:// with a host", field)
    if parts.userinfo:
        raise BlockedDestination("URL must not contain credentials", field)
    port = parts.port if parts.port is not None else (443 if parts.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise BlockedDestination("Not a valid port", field)
    host_address(host, field)
    return parts.scheme, host, port


def check_url(url: str, field: str = "url", private_ok: bool | None = None) -> tuple[str, int]:
    """The one check of a URL we send to, when it is saved and before every request:
    (host as sent, port) of an acceptable URL, or BlockedDestination (a VALIDATION_ERROR).
    A host name's addresses are checked when it is resolved, at send time."""
    _, host, port = check_url_shape(url, field)
    literal = host_address(host, field)
    if literal is not None:
        try:
            check_address(literal, private_ok)
        except BlockedDestination as exc:
            raise BlockedDestination(exc.message, field) from exc
    return host, port


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
    """Check the URL, resolve its host and check every address; return the one to connect to."""
    host, port = check_url(url)
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
