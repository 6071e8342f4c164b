"""JWT access tokens (15 minutes) and single-use refresh tokens (30 days) for users.

Both carry the user's session epoch (see accounts.revocation): a password reset or change, a
proven address or "sign out everywhere" moves the epoch on and every older token is refused.
Refresh tokens form a family (one log-in and all its rotations); presenting a spent token
again means it was copied, so the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import AuthenticationFailed
from jewelia.core.security import new_token, sha256_hex
from jewelia.core.settings import get_settings

log = logging.getLogger("jewelia.tokens")
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
    session_epoch: int = 0
    purpose: str | None = None  # "try": the developer portal's try-it token, reads only


@dataclass(frozen=True)
class RefreshGrant:
    """What a spent refresh token stood for."""

    user_id: uuid.UUID
    tenant_id: uuid.UUID
    family_id: uuid.UUID
    session_epoch: int


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


def _signing_key() -> str:
    return hashlib.sha256(("jewelia-jwt:" + get_settings().secret_key).encode()).hexdigest()


def issue_access(
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    role: str,
    session_epoch: int = 0,
    ttl: timedelta = ACCESS_TTL,
    purpose: str | None = None,
) -> str:
    """A signed HS256 access token carrying a role in one tenant and the session epoch; the
    role caps what the token may do (a lower one than the member's gives a narrower token),
    and a `purpose` claim marks a token the guard restricts further (see guard.TRY_PURPOSE)."""
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "tid": str(tenant_id),
        "role": role,
        "sep": session_epoch,
        "typ": "access",
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    if purpose is not None:
        claims["purpose"] = purpose
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
    epoch = claims.get("sep", 0)
    purpose = claims.get("purpose")
    if not isinstance(epoch, int) or isinstance(epoch, bool):
        raise AuthenticationFailed("Invalid token")
    if purpose is not None and not isinstance(purpose, str):
        raise AuthenticationFailed("Invalid token")
    try:
        return AccessClaims(
            uuid.UUID(claims["sub"]), uuid.UUID(claims["tid"]), claims["role"], epoch, purpose
        )
    except ValueError as exc:
        raise AuthenticationFailed("Invalid token") from exc


async def issue_pair(
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    role: str,
    session_epoch: int,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    """A fresh access token and a stored, single-use refresh token (a new family at log-in,
    the spent token's family when refreshing)."""
    refresh = "jwr_" + new_token()
    token_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.refresh_token (id, user_id, tenant_id, token_hash, expires_at,"
        " family_id, session_epoch) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        token_id,
        user_id,
        tenant_id,
        sha256_hex(refresh),
        datetime.now(UTC) + REFRESH_TTL,
        family_id or token_id,
        session_epoch,
    )
    return TokenPair(
        access_token=issue_access(user_id, tenant_id, role, session_epoch),
        refresh_token=refresh,
        expires_in=int(ACCESS_TTL.total_seconds()),
    )


async def use_refresh(refresh: str) -> RefreshGrant:
    """Spend a refresh token once (its family and the user's sessions still valid); a spent
    token shown again revokes its whole family."""
    token_hash = sha256_hex(refresh or "")
    async with DB.transaction():
        rows = await fetch(
            "UPDATE public.refresh_token r SET used_at = now() FROM public.app_user u"
            " WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.revoked_at IS NULL"
            " AND r.expires_at > now() AND u.id = r.user_id"
            " AND u.session_epoch = r.session_epoch"
            " RETURNING r.user_id, r.tenant_id, r.family_id, r.session_epoch",
            token_hash,
        )
    if rows:
        return RefreshGrant(**rows[0])
    reused = await fetch(
        "UPDATE public.refresh_token SET revoked_at = now() WHERE revoked_at IS NULL"
        " AND family_id = (SELECT family_id FROM public.refresh_token WHERE token_hash = $1"
        " AND used_at IS NOT NULL) RETURNING family_id",
        token_hash,
    )
    if reused:
        log.warning(
            "refresh token reused: family revoked",
            extra={"fields": {"family_id": str(reused[0]["family_id"])}},
        )
    raise AuthenticationFailed("Invalid or expired refresh token")
