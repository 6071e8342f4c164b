"""Browser access (CORS): the web origins a business lets call the API (off by default).

Origins live on the tenant row (`public.tenant.cors_origins`), so every credential's tenant
info carries them and the per-request check costs nothing. A preflight carries no credential,
so it asks whether any business allows the origin: answers are memoised per process and
dropped on the grant channel's NOTIFY (every tenant update sends one), or after a minute.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from jewelia.core.db import fetch
from jewelia.core.errors import NotFound
from jewelia.core.middleware import header_value
from jewelia.core.settings import get_settings
from jewelia.core.validation import Checker
from jewelia.platform.apikeys.grant_cache import GRANTS

MAX_ORIGINS = 50
MEMO_SECONDS = 60.0
MEMO_MAX = 10_000
DEFAULT_PORTS = {"http": 80, "https": 443}


def clean_origin(text: str) -> str:
    """`scheme://host[:port]` in the form browsers send it, or ValueError with the reason."""
    text = text.strip()
    if text.endswith("/") and text.count("/") == 3:
        text = text[:-1]  # "https://shop.example.com/" is the same origin
    if "*" in text:
        raise ValueError("wildcards are not allowed; list each origin")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError("not a valid origin") from exc
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError("must start with https:// or http://")
    if parts.path or parts.query or parts.fragment or "#" in text or "?" in text:
        raise ValueError("an origin has no path, query or fragment")
    if parts.username is not None or parts.password is not None:
        raise ValueError("an origin has no user name or password")
    host = parts.hostname or ""
    if not host or any(c in host for c in " \t\r\n\\%"):
        raise ValueError("the host is missing or invalid")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    else:
        try:
            host = host.encode("idna").decode("ascii")  # browsers send the punycode form
        except UnicodeError as exc:
            raise ValueError("the host is not a valid domain name") from exc
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}:{port}"
    return f"{parts.scheme}://{host}"


def clean_origins(check: Checker, entries: list[str]) -> list[str]:
    """Validated, normalised, de-duplicated origins (errors go to `check` as cors_origins)."""
    listed = [e for e in entries if e.strip()]
    if len(listed) > MAX_ORIGINS:
        check.add("cors_origins", f"At most {MAX_ORIGINS} origins", "TOO_MANY")
        return []
    out: list[str] = []
    for entry in listed:
        try:
            origin = clean_origin(entry)
        except ValueError as exc:
            check.add("cors_origins", f"{entry.strip()[:80]!r}: {exc}", "INVALID_ORIGIN")
            continue
        if origin not in out:
            out.append(origin)
    return out


async def origins_of(tenant_id: uuid.UUID) -> list[str]:
    """The origins a business allows (an empty list: no browser access)."""
    rows = await fetch("SELECT cors_origins FROM public.tenant WHERE id = $1", tenant_id)
    if not rows:
        raise NotFound("Tenant not found")
    return list(rows[0]["cors_origins"] or [])


async def set_origins(tenant_id: uuid.UUID, entries: list[str]) -> list[str]:
    """Replace a business's allowed origins (ValidationFailed names the bad ones)."""
    check = Checker()
    origins = clean_origins(check, entries)
    check.raise_if_any()
    rows = await fetch(
        "UPDATE public.tenant SET cors_origins = $2 WHERE id = $1 RETURNING cors_origins",
        tenant_id,
        origins,
    )
    if not rows:
        raise NotFound("Tenant not found")
    GRANTS.clear()  # this process at once; others hear of it from the tenant trigger
    _memo.clear()
    return list(rows[0]["cors_origins"])


_memo: dict[str, tuple[bool, int, float]] = {}


async def allowed_anywhere(origin: str) -> bool:
    """Whether at least one active business allows `origin` (what a preflight can know)."""
    now = time.monotonic()
    hit = _memo.get(origin)
    if (
        hit is not None
        and GRANTS.active
        and hit[1] == GRANTS.generation
        and now - hit[2] < MEMO_SECONDS
    ):
        return hit[0]
    generation = GRANTS.generation
    rows = await fetch(
        "SELECT EXISTS (SELECT 1 FROM public.tenant WHERE cors_origins @> ARRAY[$1::text]"
        " AND status = 'active') AS allowed",
        origin,
    )
    allowed = bool(rows[0]["allowed"])
    if GRANTS.active and generation == GRANTS.generation:
        if len(_memo) >= MEMO_MAX:
            _memo.clear()
        _memo[origin] = (allowed, generation, now)
    return allowed


def foreign_origin(scope: Any) -> str | None:
    """The request's Origin header when it names another site than this server, else None."""
    raw = header_value(scope, b"origin")
    if raw is None:
        return None
    origin = raw.decode("latin-1").strip()
    host = (header_value(scope, b"host") or b"").decode("latin-1")
    if host and origin == f"{scope.get('scheme', 'http')}://{host}":
        return None
    if origin == _own_origin():
        return None
    return origin


def _own_origin() -> str:
    parts = urlsplit(get_settings().base_url)
    return f"{parts.scheme}://{parts.netloc}"
