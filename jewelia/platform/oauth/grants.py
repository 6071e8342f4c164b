"""What an app's access token (`jwa_…`) grants, for the API guard.

One indexed query (token by hash, with its install, listing and tenant), cached in the same
in-process cache as API key grants: triggers on oauth_token, app_install and listing (status)
announce every revocation, uninstall and suspension on the grant channel (public_0012), which
empties the cache. The time limits (token expiry, the uninstalled app's cleanup window) are
checked on every request, cached or not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jewelia.core.db import execute, fetch
from jewelia.core.security import sha256_hex
from jewelia.platform.apikeys.grant_cache import GRANTS
from jewelia.platform.oauth import scopes as oauth_scopes
from jewelia.platform.tenancy.registry import TenantInfo, tenant_info

PREFIX = "jwa_"
_CACHE_PREFIX = "app:"
SUSPENDED = "suspended"


@dataclass(frozen=True)
class AppGrant:
    """An app token's grant: its tenant, app, install and (expanded) scopes."""

    token_id: uuid.UUID
    install_id: uuid.UUID
    listing_id: uuid.UUID
    listing_name: str
    listing_status: str
    tenant: TenantInfo
    scopes: frozenset[str]
    expires_at: datetime
    cleanup_until: datetime | None  # set once uninstalled: read-only until then

    def usable(self, now: datetime) -> bool:
        if self.expires_at <= now or self.listing_status == SUSPENDED:
            return False
        return self.cleanup_until is None or now < self.cleanup_until

    @property
    def read_only(self) -> bool:
        return self.cleanup_until is not None


async def grant_for(token: str) -> AppGrant | None:
    """The grant of a presented access token, or None (unknown, expired, revoked, the app
    suspended, or uninstalled and past its cleanup window)."""
    token_hash = sha256_hex(token)
    now = datetime.now(UTC)
    cached = GRANTS.get(_CACHE_PREFIX + token_hash)
    if isinstance(cached, AppGrant):
        grant: AppGrant | None = cached
    else:
        generation = GRANTS.generation
        rows = await fetch(
            "SELECT o.id AS token_id, o.install_id, o.listing_id, o.scopes AS token_scopes,"
            " o.expires_at AS token_expires_at, i.uninstalled_at, i.cleanup_until,"
            " l.name AS listing_name, l.status AS listing_status, t.*"
            " FROM public.oauth_token o"
            " JOIN public.app_install i ON i.id = o.install_id AND i.tenant_id = o.tenant_id"
            " JOIN public.listing l ON l.id = o.listing_id"
            " JOIN public.tenant t ON t.id = o.tenant_id"
            " WHERE o.token_hash = $1 AND o.kind = 'access' AND o.revoked_at IS NULL",
            token_hash,
        )
        if not rows:
            return None
        row = rows[0]
        grant = AppGrant(
            token_id=row["token_id"],
            install_id=row["install_id"],
            listing_id=row["listing_id"],
            listing_name=row["listing_name"],
            listing_status=row["listing_status"],
            tenant=tenant_info(row),
            scopes=frozenset(oauth_scopes.expand(row["token_scopes"])),
            expires_at=row["token_expires_at"],
            cleanup_until=(
                (row["cleanup_until"] or row["uninstalled_at"])
                if row["uninstalled_at"] is not None
                else None
            ),
        )
        GRANTS.put(_CACHE_PREFIX + token_hash, grant, generation)
    if grant is None or not grant.usable(now):
        return None
    await _touch(grant.install_id, now)
    return grant


_last_used: dict[uuid.UUID, datetime] = {}


async def _touch(install_id: uuid.UUID, now: datetime) -> None:
    """Record the install's last API use at most once a minute (per process)."""
    last = _last_used.get(install_id)
    if last is None or now - last > timedelta(seconds=60):
        _last_used[install_id] = now
        if len(_last_used) > 50_000:
            _last_used.clear()
        await execute(
            "UPDATE public.app_install SET last_api_use_at = $2 WHERE id = $1", install_id, now
        )
