"""Per-key controls: an hourly limit lower than the plan's, and an IP allow-list (CIDRs).

The client address is the ASGI peer. `jewelia serve` runs uvicorn with proxy headers, which
takes X-Forwarded-For only from the addresses in FORWARDED_ALLOW_IPS (127.0.0.1 and ::1 unless
set; README, "Behind a reverse proxy"):
that is the one trusted-proxy rule, shared with login throttles and inbound webhooks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from jewelia.core.validation import Checker

MAX_ALLOWED_IPS = 50
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IpRange = tuple[int, int, int]  # (IP version, first address, last address)


def ip_text(network: Network) -> str:
    """A network as shown and returned: a bare address for one host, else CIDR notation."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def parse_network(text: str) -> Network:
    """One allow-list entry (an address or a CIDR, IPv4 or IPv6), host bits cleared.

    Raises ValueError for anything else, zone ids (fe80::1%eth0) included.
    """
    text = text.strip()
    if not text or "%" in text:
        raise ValueError(text)
    network = ipaddress.ip_network(text, strict=False)
    mapped = getattr(network.network_address, "ipv4_mapped", None)
    if mapped is not None and network.prefixlen >= 96:
        # ::ffff:10.0.0.0/104 is 10.0.0.0/8: clients' mapped addresses are compared as IPv4.
        return ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}")
    return network


def clean_allowed_ips(check: Checker, entries: Iterable[str]) -> list[Network]:
    """Validated, normalised, de-duplicated allow-list entries (errors go to `check`)."""
    out: list[Network] = []
    listed = [str(e) for e in entries if str(e).strip()]
    if len(listed) > MAX_ALLOWED_IPS:
        check.add("allowed_ips", f"At most {MAX_ALLOWED_IPS} addresses or ranges", "TOO_MANY")
        return out
    for entry in listed:
        try:
            network = parse_network(entry)
        except ValueError:
            shown = entry.strip()[:60]
            check.add(
                "allowed_ips",
                f"{shown!r} is not an IP address or CIDR range (e.g. 203.0.113.0/24 or 2001:db8::/32)",
                "INVALID_CIDR",
            )
            continue
        if network not in out:
            out.append(network)
    return out


def clean_hourly_limit(check: Checker, value: Any, plan_limit: int, plan_name: str) -> int | None:
    """None (the plan's limit applies) or a whole number from 1 to the plan's hourly limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        check.add("hourly_limit", "Hourly limit must be a whole number", "INVALID_TYPE")
        return None
    if value < 1:
        check.add("hourly_limit", "Hourly limit must be at least 1", "OUT_OF_RANGE")
    elif value > plan_limit:
        check.add(
            "hourly_limit",
            f"Hourly limit must be at most {plan_limit:,}, the {plan_name} plan's limit",
            "OUT_OF_RANGE",
        )
    return value


def networks(values: Iterable[Any]) -> tuple[Network, ...]:
    """Allow-list entries as read from the database (cidr values) or given as text."""
    return tuple(
        v if isinstance(v, ipaddress.IPv4Network | ipaddress.IPv6Network) else parse_network(v)
        for v in values or ()
    )


def client_address(scope: Any) -> str | None:
    """The peer address of an ASGI request, or None when the server gave none."""
    client = scope.get("client")
    return str(client[0]) if client else None


def ranges(networks: Iterable[Network]) -> tuple[IpRange, ...]:
    """Networks as (IP version, first, last address as integers): cheap to test per request."""
    return tuple((n.version, int(n.network_address), int(n.broadcast_address)) for n in networks)


def ip_allowed(address: str | None, allowed: tuple[IpRange, ...]) -> bool:
    """Whether `address` is inside one of the allowed ranges (an empty list allows any)."""
    if not allowed:
        return True
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    version, value = ip.version, int(ip)
    return any(v == version and first <= value <= last for v, first, last in allowed)
