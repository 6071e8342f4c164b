"""Account rules: sign-up, log-in, two-factor, password reset, memberships and invites."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp

from jewelia.platform.accounts import throttle
from jewelia.platform.db import DB, execute, fetch, tenant_scope
from jewelia.platform.errors import (
    AuthenticationFailed,
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from jewelia.platform.mail.service import queue_email
from jewelia.platform.security import (
    decrypt_secret,
    encrypt_secret,
    hash_password_async,
    new_token,
    sha256_hex,
    verify_password_async,
)
from jewelia.platform.settings import get_settings
from jewelia.platform.validation import Checker
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.registry import TenantInfo, get_tenant, provision_tenant, tenant_info

ROLES = ("owner", "admin", "member", "read-only")
MANAGERS = ("owner", "admin")
INVITE_TTL = timedelta(days=7)
RESET_TTL = timedelta(hours=1)
RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    email: str
    full_name: str
    totp_enabled: bool

    @property
    def actor(self) -> Actor:
        return Actor("user", self.id, self.email)


@dataclass(frozen=True)
class MembershipInfo:
    tenant: TenantInfo
    role: str

    @property
    def can_manage_team(self) -> bool:
        return self.role in MANAGERS

    @property
    def can_write(self) -> bool:
        return self.role != "read-only"


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    email: str
    full_name: str
    role: str
    totp_enabled: bool
    joined_at: datetime


@dataclass(frozen=True)
class PendingInvite:
    id: uuid.UUID
    email: str
    role: str
    created_at: datetime
    expires_at: datetime


def _user(row: dict[str, object]) -> UserInfo:
    return UserInfo(
        id=row["id"],  # type: ignore[arg-type]
        email=str(row["email"]),
        full_name=str(row["full_name"]),
        totp_enabled=bool(row["totp_enabled"]),
    )


async def _user_by_email(email: str) -> dict[str, object] | None:
    rows = await fetch("SELECT * FROM public.app_user WHERE lower(email) = lower($1)", email)
    return rows[0] if rows else None


async def get_user(user_id: uuid.UUID) -> UserInfo:
    """A user by id."""
    rows = await fetch("SELECT * FROM public.app_user WHERE id = $1", user_id)
    if not rows:
        raise NotFound("User not found")
    return _user(rows[0])


# --- sign-up ----------------------------------------------------------------------------


def validate_signup(
    business_name: str, full_name: str, email: str, password: str
) -> tuple[str, str, str, str]:
    """Clean sign-up input or raise ValidationFailed listing every problem."""
    check = Checker()
    business_name = check.text("business_name", business_name, "Business name", 120, 2)
    full_name = check.text("full_name", full_name, "Your name", 120)
    email = check.email("email", email)
    check.password("password", password, email)
    check.raise_if_any()
    return business_name, full_name, email, password


async def _create_user(full_name: str, email: str, password_hash: str) -> UserInfo:
    if await _user_by_email(email):
        raise ValidationFailed(
            [FieldError("email", "An account with this email already exists", "DUPLICATE_EMAIL")]
        )
    rows = await fetch(
        "INSERT INTO public.app_user (id, email, full_name, password_hash)"
        " VALUES ($1, $2, $3, $4) RETURNING *",
        uuid.uuid4(),
        email,
        full_name,
        password_hash,
    )
    return _user(rows[0])


async def _add_membership(user: UserInfo, tenant: TenantInfo, role: str, by: Actor) -> None:
    await execute(
        "INSERT INTO public.membership (id, user_id, tenant_id, role) VALUES ($1, $2, $3, $4)",
        uuid.uuid4(),
        user.id,
        tenant.id,
        role,
    )
    async with tenant_scope(tenant.ref):
        await record(
            by, "member.added", "member", user.id, None, {"email": user.email, "role": role}
        )


async def signup(
    business_name: str,
    full_name: str,
    email: str,
    password: str,
    plan: str = "free",
    ip: str | None = None,
) -> tuple[UserInfo, TenantInfo]:
    """Create a business and its owner in one transaction (attempts throttled per IP)."""
    if ip is not None:
        await throttle.check("signup", ip, email)
        await throttle.fail("signup", ip, email)  # every attempt counts, not only failures
    business_name, full_name, email, password = validate_signup(
        business_name, full_name, email, password
    )
    password_hash = await hash_password_async(password)
    async with DB.transaction():
        user = await _create_user(full_name, email, password_hash)
        tenant = await provision_tenant(business_name, plan=plan)
        async with tenant_scope(tenant.ref):
            await record(
                user.actor,
                "tenant.created",
                "tenant",
                tenant.id,
                None,
                {"name": tenant.name, "plan": tenant.plan},
            )
        await _add_membership(user, tenant, "owner", user.actor)
    return user, tenant


async def create_business_for(user: UserInfo, business_name: str) -> TenantInfo:
    """Another business owned by an existing user."""
    check = Checker()
    business_name = check.text("business_name", business_name, "Business name", 120, 2)
    check.raise_if_any()
    async with DB.transaction():
        tenant = await provision_tenant(business_name)
        await _add_membership(user, tenant, "owner", user.actor)
    return tenant


# --- log-in and two-factor --------------------------------------------------------------


async def authenticate(email: str, password: str, ip: str) -> UserInfo:
    """Check email and password, with throttling per IP and account."""
    email = (email or "").strip().lower()[:254]
    await throttle.check("login", ip, email)
    row = await _user_by_email(email) if email else None
    stored = str(row["password_hash"]) if row else None
    if not await verify_password_async(stored, password or ""):
        await throttle.fail("login", ip, email)
        raise AuthenticationFailed("Invalid email or password")
    await throttle.clear("login", ip, email)
    assert row is not None
    await execute("UPDATE public.app_user SET last_login_at = now() WHERE id = $1", row["id"])
    return _user(row)


async def verify_second_factor(user_id: uuid.UUID, code: str, ip: str) -> None:
    """Accept a current TOTP code or an unused recovery code; raise otherwise."""
    code = (code or "").strip().replace(" ", "").replace("-", "")
    key = str(user_id)
    await throttle.check("2fa", ip, key)
    rows = await fetch(
        "SELECT totp_secret, totp_enabled FROM public.app_user WHERE id = $1", user_id
    )
    if rows and rows[0]["totp_enabled"] and rows[0]["totp_secret"]:
        totp = pyotp.TOTP(decrypt_secret(rows[0]["totp_secret"]))
        if code.isdigit() and len(code) == 6 and totp.verify(code, valid_window=1):
            await throttle.clear("2fa", ip, key)
            return
        used = await fetch(
            "UPDATE public.recovery_code SET used_at = now() WHERE id = ("
            " SELECT id FROM public.recovery_code WHERE user_id = $1 AND code_hash = $2"
            " AND used_at IS NULL LIMIT 1) RETURNING id",
            user_id,
            sha256_hex(code.lower()),
        )
        if used:
            await throttle.clear("2fa", ip, key)
            return
    await throttle.fail("2fa", ip, key)
    raise AuthenticationFailed("Invalid authentication code")


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (kept in the session until confirmed)."""
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Jewelia")


async def enable_totp(user_id: uuid.UUID, secret: str, code: str) -> list[str]:
    """Turn on two-factor once the user proves the app works; return recovery codes."""
    code = (code or "").strip().replace(" ", "")
    if not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise ValidationFailed([FieldError("code", "That code is not valid; try the next one")])
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    async with DB.transaction():
        await execute(
            "UPDATE public.app_user SET totp_secret = $2, totp_enabled = true WHERE id = $1",
            user_id,
            encrypt_secret(secret),
        )
        await execute("DELETE FROM public.recovery_code WHERE user_id = $1", user_id)
        for c in codes:
            await execute(
                "INSERT INTO public.recovery_code (id, user_id, code_hash) VALUES ($1, $2, $3)",
                uuid.uuid4(),
                user_id,
                sha256_hex(c.replace("-", "")),
            )
    return codes


async def disable_totp(user_id: uuid.UUID, password: str) -> None:
    """Turn off two-factor after re-checking the password."""
    rows = await fetch("SELECT password_hash FROM public.app_user WHERE id = $1", user_id)
    if not rows or not await verify_password_async(rows[0]["password_hash"], password or ""):
        raise ValidationFailed([FieldError("password", "Password is not correct")])
    async with DB.transaction():
        await execute(
            "UPDATE public.app_user SET totp_secret = NULL, totp_enabled = false WHERE id = $1",
            user_id,
        )
        await execute("DELETE FROM public.recovery_code WHERE user_id = $1", user_id)


async def recovery_codes_left(user_id: uuid.UUID) -> int:
    """How many recovery codes are unused."""
    rows = await fetch(
        "SELECT count(*) AS n FROM public.recovery_code WHERE user_id = $1 AND used_at IS NULL",
        user_id,
    )
    return int(rows[0]["n"])


# --- password reset ---------------------------------------------------------------------


async def request_password_reset(email: str, ip: str) -> None:
    """Email a reset link when the account exists; answer the same either way."""
    email = (email or "").strip().lower()[:254]
    await throttle.check("reset", ip, email)
    await throttle.fail("reset", ip, email)  # every request counts, so links cannot be sprayed
    row = await _user_by_email(email) if email else None
    if row is None:
        return
    token = new_token()
    async with DB.transaction():
        await execute(
            "INSERT INTO public.password_reset (id, user_id, token_hash, expires_at)"
            " VALUES ($1, $2, $3, $4)",
            uuid.uuid4(),
            row["id"],
            sha256_hex(token),
            datetime.now(UTC) + RESET_TTL,
        )
        link = f"{get_settings().base_url}/password/reset/{token}"
        await queue_email(
            str(row["email"]),
            "Reset your Jewelia password",
            f"Hello {row['full_name']},\n\nTo choose a new password, open this link within one"
            f" hour:\n\n{link}\n\nIf you did not ask for this, ignore this email.\n",
        )


async def _valid_reset(token: str) -> dict[str, object]:
    rows = await fetch(
        "SELECT * FROM public.password_reset WHERE token_hash = $1 AND used_at IS NULL"
        " AND expires_at > now()",
        sha256_hex(token or ""),
    )
    if not rows:
        raise NotFound("This reset link is invalid or has expired")
    return rows[0]


async def check_reset_token(token: str) -> None:
    """Raise NotFound when the token cannot be used."""
    await _valid_reset(token)


async def reset_password(token: str, password: str) -> UserInfo:
    """Set a new password with a single-use token."""
    reset = await _valid_reset(token)
    user = await get_user(reset["user_id"])  # type: ignore[arg-type]
    check = Checker()
    check.password("password", password, user.email)
    check.raise_if_any()
    password_hash = await hash_password_async(password)
    async with DB.transaction():
        used = await fetch(
            "UPDATE public.password_reset SET used_at = now() WHERE id = $1 AND used_at IS NULL"
            " RETURNING id",
            reset["id"],
        )
        if not used:
            raise NotFound("This reset link is invalid or has expired")
        await execute(
            "UPDATE public.app_user SET password_hash = $2 WHERE id = $1", user.id, password_hash
        )
    return user


# --- memberships ------------------------------------------------------------------------


async def memberships(user_id: uuid.UUID) -> list[MembershipInfo]:
    """The businesses a user belongs to, with their role in each."""
    rows = await fetch(
        "SELECT m.role, t.* FROM public.membership m JOIN public.tenant t ON t.id = m.tenant_id"
        " WHERE m.user_id = $1 AND t.status <> 'deleted' ORDER BY t.name",
        user_id,
    )
    out = []
    for row in rows:
        role = row.pop("role")
        out.append(MembershipInfo(tenant=tenant_info(row), role=str(role)))
    return out


async def membership(user_id: uuid.UUID, tenant_id: uuid.UUID) -> MembershipInfo:
    """The user's membership in one business, or PermissionDenied."""
    for m in await memberships(user_id):
        if m.tenant.id == tenant_id:
            return m
    raise PermissionDenied("You are not a member of this business")


async def team(tenant_id: uuid.UUID) -> tuple[list[Member], list[PendingInvite]]:
    """Members and open invites of a business."""
    members = await fetch(
        "SELECT u.id AS user_id, u.email, u.full_name, m.role, u.totp_enabled,"
        " m.created_at AS joined_at FROM public.membership m"
        " JOIN public.app_user u ON u.id = m.user_id WHERE m.tenant_id = $1"
        " ORDER BY array_position(ARRAY['owner','admin','member','read-only'], m.role::text),"
        " u.full_name",
        tenant_id,
    )
    invites = await fetch(
        "SELECT id, email, role, created_at, expires_at FROM public.invite WHERE tenant_id = $1"
        " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()"
        " ORDER BY created_at DESC",
        tenant_id,
    )
    return [Member(**m) for m in members], [PendingInvite(**i) for i in invites]


def _require_manager(actor_membership: MembershipInfo) -> None:
    if not actor_membership.can_manage_team:
        raise PermissionDenied("Only owners and admins can manage the team")


async def invite_member(
    actor: UserInfo, actor_membership: MembershipInfo, email: str, role: str
) -> str:
    """Invite someone by email; returns the invite token (also emailed)."""
    _require_manager(actor_membership)
    check = Checker()
    email = check.email("email", email)
    check.choice("role", role, ROLES, "Role")
    check.raise_if_any()
    if role == "owner" and actor_membership.role != "owner":
        raise PermissionDenied("Only an owner can invite another owner")
    tenant = actor_membership.tenant
    existing = await fetch(
        "SELECT 1 FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND lower(u.email) = $2",
        tenant.id,
        email,
    )
    if existing:
        raise ValidationFailed(
            [FieldError("email", "This person is already a member", "DUPLICATE_EMAIL")]
        )
    token = new_token()
    async with DB.transaction():
        await execute(
            "UPDATE public.invite SET revoked_at = now() WHERE tenant_id = $1 AND lower(email) = $2"
            " AND accepted_at IS NULL AND revoked_at IS NULL",
            tenant.id,
            email,
        )
        invite_id = uuid.uuid4()
        await execute(
            "INSERT INTO public.invite (id, tenant_id, email, role, token_hash, invited_by,"
            " expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            invite_id,
            tenant.id,
            email,
            role,
            sha256_hex(token),
            actor.id,
            datetime.now(UTC) + INVITE_TTL,
        )
        link = f"{get_settings().base_url}/invite/{token}"
        await queue_email(
            email,
            f"{actor.full_name} invited you to {tenant.name} on Jewelia",
            f"{actor.full_name} invited you to join {tenant.name} on Jewelia as {role}.\n\n"
            f"Accept the invitation within 7 days:\n\n{link}\n",
        )
        async with tenant_scope(tenant.ref):
            await record(
                actor.actor,
                "invite.created",
                "invite",
                invite_id,
                None,
                {"email": email, "role": role},
            )
    return token


@dataclass(frozen=True)
class InviteInfo:
    id: uuid.UUID
    email: str
    role: str
    tenant: TenantInfo


async def get_invite(token: str) -> InviteInfo:
    """An open invite by its token, or NotFound."""
    rows = await fetch(
        "SELECT id, tenant_id, email, role FROM public.invite WHERE token_hash = $1"
        " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()",
        sha256_hex(token or ""),
    )
    if not rows:
        raise NotFound("This invitation is invalid, used or expired")
    tenant = await get_tenant(rows[0]["tenant_id"])
    if not tenant.is_active:
        raise NotFound("This business is not available")
    return InviteInfo(rows[0]["id"], rows[0]["email"], rows[0]["role"], tenant)


async def accept_invite(token: str, user: UserInfo) -> TenantInfo:
    """Join the inviting business as the signed-in user (emails must match)."""
    invite = await get_invite(token)
    if invite.email.lower() != user.email.lower():
        raise PermissionDenied(f"This invitation was sent to {invite.email}")
    async with DB.transaction():
        taken = await fetch(
            "UPDATE public.invite SET accepted_at = now() WHERE id = $1 AND accepted_at IS NULL"
            " RETURNING id",
            invite.id,
        )
        if not taken:
            raise NotFound("This invitation is invalid, used or expired")
        already = await fetch(
            "SELECT 1 FROM public.membership WHERE user_id = $1 AND tenant_id = $2",
            user.id,
            invite.tenant.id,
        )
        if not already:
            await _add_membership(user, invite.tenant, invite.role, user.actor)
    return invite.tenant


async def register_and_accept(
    token: str, full_name: str, password: str
) -> tuple[UserInfo, TenantInfo]:
    """Create the invitee's account and join the business in one step."""
    invite = await get_invite(token)
    check = Checker()
    full_name = check.text("full_name", full_name, "Your name", 120)
    check.password("password", password, invite.email)
    check.raise_if_any()
    password_hash = await hash_password_async(password)
    async with DB.transaction():
        user = await _create_user(full_name, invite.email, password_hash)
        tenant = await accept_invite(token, user)
    return user, tenant


async def change_role(
    actor: UserInfo, actor_membership: MembershipInfo, user_id: uuid.UUID, role: str
) -> None:
    """Give a member another role; the last owner stays an owner."""
    _require_manager(actor_membership)
    check = Checker()
    check.choice("role", role, ROLES, "Role")
    check.raise_if_any()
    tenant = actor_membership.tenant
    async with tenant_scope(tenant.ref):
        rows = await fetch(
            "SELECT role FROM public.membership WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE",
            tenant.id,
            user_id,
        )
        if not rows:
            raise NotFound("Member not found")
        old = rows[0]["role"]
        if "owner" in (old, role) and actor_membership.role != "owner":
            raise PermissionDenied("Only an owner can grant or remove the owner role")
        if old == "owner" and role != "owner":
            await _keep_one_owner(tenant.id)
        await execute(
            "UPDATE public.membership SET role = $3 WHERE tenant_id = $1 AND user_id = $2",
            tenant.id,
            user_id,
            role,
        )
        await record(
            actor.actor, "member.role_changed", "member", user_id, {"role": old}, {"role": role}
        )


async def _keep_one_owner(tenant_id: uuid.UUID) -> None:
    owners = await fetch(
        "SELECT user_id FROM public.membership WHERE tenant_id = $1 AND role = 'owner' FOR UPDATE",
        tenant_id,
    )
    if len(owners) <= 1:
        raise Conflict("A business needs at least one owner")


async def remove_member(
    actor: UserInfo, actor_membership: MembershipInfo, user_id: uuid.UUID
) -> None:
    """Take a member out of the business."""
    _require_manager(actor_membership)
    tenant = actor_membership.tenant
    async with tenant_scope(tenant.ref):
        rows = await fetch(
            "SELECT m.role, u.email FROM public.membership m JOIN public.app_user u"
            " ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.user_id = $2 FOR UPDATE",
            tenant.id,
            user_id,
        )
        if not rows:
            raise NotFound("Member not found")
        if rows[0]["role"] == "owner":
            if actor_membership.role != "owner":
                raise PermissionDenied("Only an owner can remove an owner")
            await _keep_one_owner(tenant.id)
        await execute(
            "DELETE FROM public.membership WHERE tenant_id = $1 AND user_id = $2",
            tenant.id,
            user_id,
        )
        await record(
            actor.actor,
            "member.removed",
            "member",
            user_id,
            {"email": rows[0]["email"], "role": rows[0]["role"]},
            None,
        )


async def revoke_invite(
    actor: UserInfo, actor_membership: MembershipInfo, invite_id: uuid.UUID
) -> None:
    """Cancel an open invite."""
    _require_manager(actor_membership)
    tenant = actor_membership.tenant
    async with tenant_scope(tenant.ref):
        rows = await fetch(
            "UPDATE public.invite SET revoked_at = now() WHERE id = $1 AND tenant_id = $2"
            " AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email",
            invite_id,
            tenant.id,
        )
        if not rows:
            raise NotFound("Invite not found")
        await record(
            actor.actor, "invite.revoked", "invite", invite_id, {"email": rows[0]["email"]}, None
        )
