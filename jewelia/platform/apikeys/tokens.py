"""JWT access tokens (15 minutes) and single-use refresh tokens (30 days) for users."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from jewelia.platform.db import DB, execute, fetch
from jewelia.platform.errors import AuthenticationFailed
from jewelia.platform.security import new_token, sha256_hex
from jewelia.platform.settings import get_settings

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
ISSUER = "jewelia"
ROLE_PERMISSIONS = {
    "owner": frozenset({"read", "write", "delete", "admin"}),
    "admin": frozenset({"read", "write", "delete", "admin"}),
    "member": frozenset({"read", "write", "delete"}),
    "read-only": frozenset({"read"}),
}


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


def _signing_key() -> str:
    return hashlib.sha256(("jewelia-jwt:" + get_settings().secret_key).encode()).hexdigest()


def issue_access(user_id: uuid.UUID, tenant_id: uuid.UUID, role: str) -> str:
    """A signed HS256 access token carrying the user's role in one tenant."""
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "tid": str(tenant_id),
        "role": role,
        "typ": "access",
        "iat": now,
        "exp": now + ACCESS_TTL,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _signing_key(), algorithm="HS256")


def verify_access(token: str) -> AccessClaims:
    """Check signature, expiry and type; raise AuthenticationFailed otherwise."""
    try:
        claims = jwt.decode(
            token,
            _signing_key(),
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "tid", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationFailed("Invalid token") from exc
    if claims.get("typ") != "access" or claims["role"] not in ROLE_PERMISSIONS:
        raise AuthenticationFailed("Invalid token")
    try:
        return AccessClaims(uuid.UUID(claims["sub"]), uuid.UUID(claims["tid"]), claims["role"])
    except ValueError as exc:
        raise AuthenticationFailed("Invalid token") from exc


async def issue_pair(user_id: uuid.UUID, tenant_id: uuid.UUID, role: str) -> TokenPair:
    """A fresh access token and a stored, single-use refresh token."""
    refresh = "jwr_" + new_token()
    await execute(
        "INSERT INTO public.refresh_token (id, user_id, tenant_id, token_hash, expires_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        uuid.uuid4(),
        user_id,
        tenant_id,
        sha256_hex(refresh),
        datetime.now(UTC) + REFRESH_TTL,
    )
    return TokenPair(
        access_token=issue_access(user_id, tenant_id, role),
        refresh_token=refresh,
        expires_in=int(ACCESS_TTL.total_seconds()),
    )


async def use_refresh(refresh: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Spend a refresh token once; return (user_id, tenant_id)."""
    async with DB.transaction():
        rows = await fetch(
            "UPDATE public.refresh_token SET used_at = now() WHERE token_hash = $1"
            " AND used_at IS NULL AND expires_at > now() RETURNING user_id, tenant_id",
            sha256_hex(refresh or ""),
        )
    if not rows:
        raise AuthenticationFailed("Invalid or expired refresh token")
    return rows[0]["user_id"], rows[0]["tenant_id"]
