"""API keys: created with permissions and an optional expiry, shown once, stored as SHA-256.

Rotation makes a new key with the same name, permissions and controls and lets the old one keep
working for a grace period (24 hours unless the caller picks 0-168 hours). A key may carry its
own controls (see `controls`): an hourly limit below the plan's and an IP allow-list.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.security import sha256_hex
from jewelia.core.validation import Checker
from jewelia.platform.apikeys import controls
from jewelia.platform.apikeys.grant_cache import GRANTS
from jewelia.platform.billing.plans import plan_named
from jewelia.platform.tenancy.registry import TenantInfo, tenant_info

PERMISSIONS = ("read", "write", "delete", "admin")
KEY_PREFIX = "jw_live_"
DEFAULT_GRACE_HOURS = 24
MAX_GRACE_HOURS = 168


@dataclass(frozen=True)
class ApiKey:
    """A key as listed: never the secret."""

    id: uuid.UUID
    name: str
    prefix: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    rotated_from: uuid.UUID | None
    hourly_limit: int | None = None  # None: the plan's limit
    allowed_ips: list[str] = field(default_factory=list)  # empty: any address

    @property
    def status(self) -> str:
        now = datetime.now(UTC)
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= now:
            return "expired"
        return "active"


@dataclass(frozen=True)
class NewKey:
    """A key as returned once at creation: the secret is never shown again."""

    key: ApiKey
    secret: str


@dataclass(frozen=True)
class KeyGrant:
    """What a valid key grants: its tenant and permissions, and the key's own controls."""

    key_id: uuid.UUID
    tenant: TenantInfo
    permissions: frozenset[str]
    prefix: str
    expires_at: datetime | None = None
    hourly_limit: int | None = None
    allowed_ranges: tuple[controls.IpRange, ...] = ()


_COLUMNS = (
    "id, name, prefix, permissions, created_at, expires_at, revoked_at, last_used_at, rotated_from,"
    " hourly_limit, allowed_ips"
)


def _key(row: dict[str, Any]) -> ApiKey:
    perms = row["permissions"]
    return ApiKey(
        **{
            **row,
            "permissions": json.loads(perms) if isinstance(perms, str) else perms,
            "allowed_ips": [controls.ip_text(n) for n in controls.networks(row["allowed_ips"])],
        }
    )


async def _plan_limit(tenant_id: uuid.UUID) -> tuple[int, str]:
    """(requests per hour, display name) of the tenant's plan."""
    rows = await fetch("SELECT plan FROM public.tenant WHERE id = $1", tenant_id)
    plan = await plan_named(str(rows[0]["plan"]) if rows else "free")
    return plan.requests_per_hour, plan.display_name


async def _clean_controls(
    check: Checker, tenant_id: uuid.UUID, hourly_limit: Any, allowed_ips: list[str] | None
) -> tuple[int | None, list[controls.Network]]:
    limit = None
    if hourly_limit is not None:
        plan_limit, plan_name = await _plan_limit(tenant_id)
        limit = controls.clean_hourly_limit(check, hourly_limit, plan_limit, plan_name)
    return limit, controls.clean_allowed_ips(check, allowed_ips or [])


def validate_key_input(
    name: str, permissions: list[str], expires_at: datetime | None, check: Checker | None = None
) -> tuple[str, list[str]]:
    """Clean key input or raise ValidationFailed."""
    check = check or Checker()
    name = check.text("name", name, "Name", 100)
    if not permissions:
        check.add("permissions", "Choose at least one permission", "REQUIRED")
    for perm in permissions:
        if perm not in PERMISSIONS:
            check.add("permissions", f"Unknown permission {perm!r}", "INVALID_CHOICE")
    if expires_at is not None:
        if expires_at.tzinfo is None:
            check.add("expires_at", "expires_at needs a time zone", "INVALID_DATETIME")
        elif expires_at <= datetime.now(UTC):
            check.add("expires_at", "expires_at must be in the future", "OUT_OF_RANGE")
    check.raise_if_any()
    return name, sorted(set(permissions))


async def create_key(
    tenant_id: uuid.UUID,
    name: str,
    permissions: list[str],
    created_by: uuid.UUID | None = None,
    expires_at: datetime | None = None,
    rotated_from: uuid.UUID | None = None,
    hourly_limit: int | None = None,
    allowed_ips: list[str] | None = None,
) -> NewKey:
    """Create a key for a tenant; the secret is returned once."""
    check = Checker()
    limit, networks = await _clean_controls(check, tenant_id, hourly_limit, allowed_ips)
    name, perms = validate_key_input(name, permissions, expires_at, check)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    rows = await fetch(
        "INSERT INTO public.api_key (id, tenant_id, name, prefix, key_hash, permissions,"
        " created_by, expires_at, rotated_from, hourly_limit, allowed_ips)"
        f" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {_COLUMNS}",
        uuid.uuid4(),
        tenant_id,
        name,
        secret[: len(KEY_PREFIX) + 6],
        sha256_hex(secret),
        json.dumps(perms),
        created_by,
        expires_at,
        rotated_from,
        limit,
        networks,
    )
    return NewKey(key=_key(rows[0]), secret=secret)


async def list_keys(tenant_id: uuid.UUID) -> list[ApiKey]:
    """Every key of a tenant, newest first (revoked ones included, marked)."""
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM public.api_key WHERE tenant_id = $1 ORDER BY created_at DESC",
        tenant_id,
    )
    return [_key(r) for r in rows]


async def get_key(tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
    """One key of this tenant, or NotFound (also for another tenant's key)."""
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM public.api_key WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        key_id,
    )
    if not rows:
        raise NotFound("API key not found")
    return _key(rows[0])


async def update_key(tenant_id: uuid.UUID, key_id: uuid.UUID, changes: dict[str, Any]) -> ApiKey:
    """Change an active key's name or controls (only the fields given; hourly_limit None
    removes the key's own limit, allowed_ips [] allows any address)."""
    check = Checker()
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = check.text("name", changes["name"], "Name", 100)
    if "hourly_limit" in changes:
        values["hourly_limit"], _ = await _clean_controls(
            check, tenant_id, changes["hourly_limit"], None
        )
    if "allowed_ips" in changes:
        values["allowed_ips"] = controls.clean_allowed_ips(check, changes["allowed_ips"] or [])
    check.raise_if_any()
    async with DB.transaction():
        key = await get_key(tenant_id, key_id)
        if key.status != "active":
            raise ValidationFailed([FieldError("id", f"This key is {key.status}", "INVALID_STATE")])
        if not values:
            return key
        # Column names come from the fixed set above, never from the request.
        sets = ", ".join(f"{column} = ${n}" for n, column in enumerate(values, start=3))
        rows = await fetch(
            f"UPDATE public.api_key SET {sets} WHERE tenant_id = $1 AND id = $2"
            f" RETURNING {_COLUMNS}",
            tenant_id,
            key_id,
            *values.values(),
        )
    GRANTS.clear()  # other processes hear of it from the database trigger
    return _key(rows[0])


async def revoke_key(tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key at once."""
    rows = await fetch(
        "UPDATE public.api_key SET revoked_at = coalesce(revoked_at, now())"
        f" WHERE tenant_id = $1 AND id = $2 RETURNING {_COLUMNS}",
        tenant_id,
        key_id,
    )
    if not rows:
        raise NotFound("API key not found")
    GRANTS.clear()  # other processes hear of it from the database trigger
    return _key(rows[0])


async def rotate_key(
    tenant_id: uuid.UUID,
    key_id: uuid.UUID,
    grace_hours: int = DEFAULT_GRACE_HOURS,
    created_by: uuid.UUID | None = None,
) -> NewKey:
    """A new secret with the same name and permissions; the old one lives `grace_hours` more."""
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValidationFailed(
            [FieldError("grace_period_hours", f"Must be 0 to {MAX_GRACE_HOURS}", "OUT_OF_RANGE")]
        )
    async with DB.transaction():
        old = await get_key(tenant_id, key_id)
        if old.status != "active":
            raise ValidationFailed([FieldError("id", f"This key is {old.status}", "INVALID_STATE")])
        ends = datetime.now(UTC) + timedelta(hours=grace_hours)
        if old.expires_at is None or old.expires_at > ends:
            await execute("UPDATE public.api_key SET expires_at = $2 WHERE id = $1", key_id, ends)
        limit = old.hourly_limit
        if limit is not None:  # the plan may have been lowered since the limit was set
            limit = min(limit, (await _plan_limit(tenant_id))[0])
        new = await create_key(
            tenant_id,
            old.name,
            old.permissions,
            created_by,
            old.expires_at,
            rotated_from=key_id,
            hourly_limit=limit,
            allowed_ips=old.allowed_ips,
        )
    GRANTS.clear()
    return new


async def grant_for(secret: str) -> KeyGrant | None:
    """What a presented key grants, or None when it is unknown, revoked or expired."""
    key_hash = sha256_hex(secret)
    now = datetime.now(UTC)
    grant = GRANTS.get(key_hash)
    if grant is not None and (grant.expires_at is None or grant.expires_at > now):
        await _touch(grant.key_id, now)
        return grant  # type: ignore[no-any-return]
    generation = GRANTS.generation
    # One round trip: the key and its tenant's row together.
    rows = await fetch(
        "SELECT k.id AS key_id, k.permissions, k.prefix, k.last_used_at, k.hourly_limit,"
        " k.allowed_ips, k.expires_at AS key_expires_at, t.*"
        " FROM public.api_key k JOIN public.tenant t ON t.id = k.tenant_id"
        " WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
        " AND (k.expires_at IS NULL OR k.expires_at > now())",
        key_hash,
    )
    if not rows:
        return None
    row = rows[0]
    if row["last_used_at"] is not None:
        _last_touched.setdefault(row["key_id"], row["last_used_at"])
    await _touch(row["key_id"], now)
    perms = row["permissions"]
    grant = KeyGrant(
        key_id=row["key_id"],
        tenant=tenant_info(row),
        permissions=frozenset(json.loads(perms) if isinstance(perms, str) else perms),
        prefix=row["prefix"],
        expires_at=row["key_expires_at"],
        hourly_limit=row["hourly_limit"],
        allowed_ranges=controls.ranges(controls.networks(row["allowed_ips"])),
    )
    GRANTS.put(key_hash, grant, generation)
    return grant


_last_touched: dict[uuid.UUID, datetime] = {}


async def _touch(key_id: uuid.UUID, now: datetime) -> None:
    """Record last use at most once a minute per key (per process), so reads stay reads."""
    last = _last_touched.get(key_id)
    if last is None or now - last > timedelta(seconds=60):
        _last_touched[key_id] = now
        await execute("UPDATE public.api_key SET last_used_at = now() WHERE id = $1", key_id)
