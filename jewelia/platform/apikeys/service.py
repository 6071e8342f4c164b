"""Create and check API keys. Only the SHA-256 hash and a short prefix are stored."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from jewelia.platform.db import execute, fetch
from jewelia.platform.security import sha256_hex

PERMISSIONS = ("read", "write", "delete", "admin")
KEY_PREFIX = "jw_live_"


@dataclass(frozen=True)
class NewKey:
    """A key as returned once at creation: the secret is never shown again."""

    id: uuid.UUID
    name: str
    prefix: str
    secret: str
    permissions: list[str]
    expires_at: datetime | None


async def create_key(
    tenant_id: uuid.UUID,
    name: str,
    permissions: list[str],
    created_by: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> NewKey:
    """Create a key for a tenant (inside the caller's transaction when there is one)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[: len(KEY_PREFIX) + 6]
    key_id = uuid.uuid4()
    import json

    await execute(
        "INSERT INTO public.api_key (id, tenant_id, name, prefix, key_hash, permissions,"
        " created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        key_id,
        tenant_id,
        name,
        prefix,
        sha256_hex(secret),
        json.dumps(sorted(set(permissions))),
        created_by,
        expires_at,
    )
    return NewKey(key_id, name, prefix, secret, sorted(set(permissions)), expires_at)


async def tenant_for_key(secret: str) -> tuple[uuid.UUID, list[str]] | None:
    """The tenant and permissions of a valid key (not revoked, not expired), else None."""
    import json

    rows = await fetch(
        "SELECT k.tenant_id, k.permissions FROM public.api_key k"
        " JOIN public.tenant t ON t.id = k.tenant_id"
        " WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
        " AND (k.expires_at IS NULL OR k.expires_at > now()) AND t.status = 'active'",
        sha256_hex(secret),
    )
    if not rows:
        return None
    return rows[0]["tenant_id"], json.loads(rows[0]["permissions"])
