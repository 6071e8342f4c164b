"""Account rules: sign-up, log-in, two-factor, password reset, memberships and invites."""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from asyncpg.exceptions import UniqueViolationError

from jewelia.core.db import DB, execute, fetch, tenant_scope
from jewelia.core.errors import (
    AuthenticationFailed,
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from jewelia.core.security import (
    decrypt_secret,
    encrypt_secret,
    hash_password_async,
    new_token,
    sha256_hex,
    verify_password_async,
)
from jewelia.core.settings import get_settings
from jewelia.core.validation import Checker
from jewelia.platform.accounts import throttle, verification
from jewelia.platform.accounts.revocation import epoch_is_current, revoke_all
from jewelia.platform.billing import limits
from jewelia.platform.mail.service import queue_email
from jewelia.platform.tenancy.registry import TenantInfo, get_tenant, provision_tenant, tenant_info
from jewelia.tenants.audit.service import Actor, record

ROLES = ("owner", "admin", "member", "read-only")
MANAGERS = ("owner", "admin")
INVITE_TTL = timedelta(days=7)
RESET_TTL = timedelta(hours=1)
RECOVERY_CODE_COUNT = 10


class EmailNotVerified(PermissionDenied):
    """The account's address is not proven, so it may not join another business."""

    def __init__(self) -> None:
        super().__init__("Confirm your email address first: open the link we emailed you")


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    email: str
    full_name: str
    totp_enabled: bool
    email_verified: bool = False
    session_epoch: int = 0

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
        email_verified=row.get("email_verified_at") is not None,
        session_epoch=int(row.get("session_epoch") or 0),  # type: ignore[call-overload]
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


async def _create_user(
    full_name: str, email: str, password_hash: str, verified: bool = False
) -> UserInfo:
    if await _user_by_email(email):
        raise ValidationFailed(
            [FieldError("email", "An account with this email already exists", "DUPLICATE_EMAIL")]
        )
    rows = await fetch(
        "INSERT INTO public.app_user (id, email, full_name, password_hash, email_verified_at)"
        " VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END) RETURNING *",
        uuid.uuid4(),
        email,
        full_name,
        password_hash,
        verified,
    )
    return _user(rows[0])


async def _add_membership(
    user: UserInfo, tenant: TenantInfo, role: str, by: Actor, *, founder: bool = False
) -> None:
    """Grant a role in a business. Only a proven address joins a business it did not create
    (checked on the stored row, so a stale UserInfo cannot slip past)."""
    if not founder:
        proven = await fetch(
            "SELECT 1 FROM public.app_user WHERE id = $1 AND email_verified_at IS NOT NULL",
            user.id,
        )
        if not proven:
            raise EmailNotVerified
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
    verified: bool = False,
) -> tuple[UserInfo, TenantInfo]:
    """Create a business and its owner in one transaction (attempts throttled per IP).

    The owner's address is unproven unless `verified` (operators, the demo): a confirmation
    link is mailed. An address that has an account already is refused with DUPLICATE_EMAIL;
    pages use `request_signup`, which does not tell."""
    if ip is not None:
        await throttle.check("signup", ip, email)
        await throttle.fail("signup", ip, email)  # every attempt counts, not only failures
    business_name, full_name, email, password = validate_signup(
        business_name, full_name, email, password
    )
    password_hash = await hash_password_async(password)
    return await _create_owner(business_name, full_name, email, password_hash, plan, verified)


async def _create_owner(
    business_name: str,
    full_name: str,
    email: str,
    password_hash: str,
    plan: str,
    verified: bool,
) -> tuple[UserInfo, TenantInfo]:
    async with DB.transaction():
        user = await _create_user(full_name, email, password_hash, verified)
        if not verified:
            await verification.queue_verification(user.id, user.email, user.full_name)
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
        await _add_membership(user, tenant, "owner", user.actor, founder=True)
    return user, tenant


async def request_signup(
    business_name: str, full_name: str, email: str, password: str, ip: str
) -> None:
    """Sign-up that does not reveal whether an address has an account: a new address gets its
    business and a confirmation link; a known one gets an email telling its owner, and the
    caller the same (silent) answer after the same kind of work (a password hash, one email)."""
    await throttle.check("signup", ip, email)
    await throttle.fail("signup", ip, email)  # every attempt counts, not only failures
    business_name, full_name, email, password = validate_signup(
        business_name, full_name, email, password
    )
    password_hash = await hash_password_async(password)
    existing = await _user_by_email(email)
    if existing is None:
        try:
            await _create_owner(business_name, full_name, email, password_hash, "free", False)
            return
        except ValidationFailed as exc:  # taken between the look-up and the insert
            if exc.errors[0].get("code") != "DUPLICATE_EMAIL":
                raise
        except UniqueViolationError:
            pass
        existing = await _user_by_email(email)
    if existing is not None:
        await _tell_owner_of_signup(existing)


async def _tell_owner_of_signup(row: dict[str, object]) -> None:
    base = get_settings().base_url
    await queue_email(
        str(row["email"]),
        "Someone tried to sign up to Jewelia with your address",
        f"Hello {row['full_name']},\n\nSomeone (perhaps you) just tried to create a Jewelia"
        " account with this email address. You already have one, so nothing was created."
        f"\n\nLog in: {base}/login\nForgot your password? {base}/password/forgot\n\n"
        "If it was not you, your account is unchanged and you can ignore this email. If you"
        " never created a Jewelia account, someone else did with your address: choose a"
        " password with the link above to take it over (that signs everyone else out).\n",
    )


async def create_business_for(user: UserInfo, business_name: str) -> TenantInfo:
    """Another business owned by an existing user (throttled; Free businesses per owner capped)."""
    check = Checker()
    business_name = check.text("business_name", business_name, "Business name", 120, 2)
    check.raise_if_any()
    async with DB.transaction():
        await limits.enforce_new_business(user.id)
        tenant = await provision_tenant(business_name)
        await _add_membership(user, tenant, "owner", user.actor, founder=True)
    return tenant


# --- log-in and two-factor --------------------------------------------------------------


async def authenticate(email: str, password: str, ip: str) -> UserInfo:
    """Check email and password; failures back off per (account, address), so strangers
    cannot lock the owner out, and the owner is emailed an unlock link when they pile up."""
    email = (email or "").strip().lower()[:254]
    await throttle.check_login(ip, email)
    row = await _user_by_email(email) if email else None
    stored = str(row["password_hash"]) if row else None
    if not await verify_password_async(stored, password or ""):
        if await throttle.login_failed(ip, email) and row is not None:
            await _send_unlock_link(row)
        raise AuthenticationFailed("Invalid email or password")
    await throttle.login_succeeded(ip, email)
    assert row is not None
    await execute("UPDATE public.app_user SET last_login_at = now() WHERE id = $1", row["id"])
    return _user(row)


async def _send_unlock_link(row: dict[str, object]) -> None:
    token = new_token()
    await throttle.new_unlock_token(str(row["email"]), sha256_hex(token))
    base = get_settings().base_url
    await queue_email(
        str(row["email"]),
        "Failed log-ins to your Jewelia account",
        f"Hello {row['full_name']},\n\nThere have been many failed attempts to log in to your"
        " Jewelia account. Your password was not accepted and your account is not locked:"
        " you can still log in from your own device.\n\nIf you are being slowed down by"
        f" the failed attempts (yours or someone else's), this link lifts the waiting time"
        f" for every address within one hour:\n\n{base}/login/unlock/{token}\n\n"
        f"If these attempts were not yours, consider a stronger password and two-factor"
        f" authentication ({base}/account/security).\n",
    )


async def check_unlock_token(token: str) -> None:
    """Raise NotFound unless the unlock link can be used (the link is not spent)."""
    if not await throttle.unlock_open(sha256_hex(token or "")):
        raise NotFound("This unlock link is invalid, used or expired")


async def unlock_login(token: str) -> None:
    """Spend an emailed unlock link: failed log-ins stop slowing down the account."""
    if not await throttle.unlock(sha256_hex(token or "")):
        raise NotFound("This unlock link is invalid, used or expired")


def _accepted_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is, compared in constant time."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    found = None
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


async def verify_second_factor(user_id: uuid.UUID, code: str, ip: str) -> None:
    """Accept a TOTP code not used before (the last accepted time step is remembered, so each
    code works once) or an unused recovery code; raise otherwise."""
    code = (code or "").strip().replace(" ", "").replace("-", "")
    key = str(user_id)
    await throttle.check("2fa", ip, key)
    rows = await fetch(
        "SELECT totp_secret, totp_enabled FROM public.app_user WHERE id = $1", user_id
    )
    if rows and rows[0]["totp_enabled"] and rows[0]["totp_secret"]:
        step = None
        if code.isdigit() and len(code) == 6:
            step = _accepted_step(decrypt_secret(rows[0]["totp_secret"]), code)
        if step is not None and await fetch(
            "UPDATE public.app_user SET totp_last_step = $2 WHERE id = $1"
            " AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id",
            user_id,
            step,
        ):
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
    step = _accepted_step(secret, code) if code.isdigit() and len(code) == 6 else None
    if step is None:
        raise ValidationFailed([FieldError("code", "That code is not valid; try the next one")])
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    async with DB.transaction():
        await execute(
            "UPDATE public.app_user SET totp_secret = $2, totp_enabled = true,"
            " totp_last_step = $3 WHERE id = $1",
            user_id,
            encrypt_secret(secret),
            step,  # the code that turned it on is spent too
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
            "UPDATE public.app_user SET totp_secret = NULL, totp_enabled = false,"
            " totp_last_step = NULL WHERE id = $1",
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
    """Email a reset link when the account exists (older open links stop working); answer the
    same either way."""
    email = (email or "").strip().lower()[:254]
    await throttle.check("reset", ip, email)
    await throttle.fail("reset", ip, email)  # every request counts, so links cannot be sprayed
    row = await _user_by_email(email) if email else None
    if row is None:
        return
    token = new_token()
    async with DB.transaction():
        await execute(
            "UPDATE public.password_reset SET revoked_at = now() WHERE user_id = $1"
            " AND used_at IS NULL AND revoked_at IS NULL",
            row["id"],
        )
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
        " AND revoked_at IS NULL AND expires_at > now()",
        sha256_hex(token or ""),
    )
    if not rows:
        raise NotFound("This reset link is invalid or has expired")
    return rows[0]


async def check_reset_token(token: str) -> None:
    """Raise NotFound when the token cannot be used."""
    await _valid_reset(token)


async def reset_password(token: str, password: str) -> UserInfo:
    """Set a new password with a single-use token. The link proves the address, and every
    session and token of the account ends (whoever held them before no longer gets in)."""
    reset = await _valid_reset(token)
    user = await get_user(reset["user_id"])  # type: ignore[arg-type]
    check = Checker()
    check.password("password", password, user.email)
    check.raise_if_any()
    password_hash = await hash_password_async(password)
    async with DB.transaction():
        used = await fetch(
            "UPDATE public.password_reset SET used_at = now() WHERE id = $1 AND used_at IS NULL"
            " AND revoked_at IS NULL RETURNING id",
            reset["id"],
        )
        if not used:
            raise NotFound("This reset link is invalid or has expired")
        await execute(
            "UPDATE public.app_user SET password_hash = $2 WHERE id = $1", user.id, password_hash
        )
        await _close_reset_links(user.id)
        await verification.mark_proven(user.id)
    return await get_user(user.id)


async def _close_reset_links(user_id: uuid.UUID) -> None:
    await execute(
        "UPDATE public.password_reset SET revoked_at = now() WHERE user_id = $1"
        " AND used_at IS NULL AND revoked_at IS NULL",
        user_id,
    )


# --- email proof, password change, sessions ---------------------------------------------


async def verify_email(token: str) -> UserInfo:
    """Spend a confirmation link: the address is proven and every session and token of the
    account ends (the caller may sign the browser that opened the link in again)."""
    return await get_user(await verification.consume(token))


async def check_verification_token(token: str) -> None:
    """Raise NotFound when a confirmation link cannot be used."""
    await verification.check_token(token)


async def resend_verification(user: UserInfo, ip: str) -> None:
    """Mail a new confirmation link to an unproven address (throttled per address and user)."""
    if user.email_verified:
        return
    await throttle.check("verify", ip, str(user.id))
    await throttle.fail("verify", ip, str(user.id))  # every request counts: no mail bombs
    await verification.queue_verification(user.id, user.email, user.full_name)


async def change_password(user_id: uuid.UUID, current: str, new: str, ip: str) -> UserInfo:
    """Replace the password after checking the current one; every session and token ends.
    Returns the user with its new session epoch (to sign the current browser in again)."""
    key = str(user_id)
    await throttle.check("password", ip, key)
    rows = await fetch("SELECT password_hash, email FROM public.app_user WHERE id = $1", user_id)
    if not rows or not await verify_password_async(rows[0]["password_hash"], current or ""):
        await throttle.fail("password", ip, key)
        raise ValidationFailed([FieldError("current_password", "Password is not correct")])
    check = Checker()
    check.password("new_password", new, str(rows[0]["email"]))
    check.raise_if_any()
    password_hash = await hash_password_async(new)
    async with DB.transaction():
        await execute(
            "UPDATE public.app_user SET password_hash = $2 WHERE id = $1", user_id, password_hash
        )
        await _close_reset_links(user_id)
        await revoke_all(user_id)
    await throttle.clear("password", ip, key)
    return await get_user(user_id)


async def sign_out_everywhere(user_id: uuid.UUID) -> None:
    """End every browser session and API token of the user, this one included."""
    async with DB.transaction():
        await revoke_all(user_id)


async def session_user(user_id: object, epoch: object) -> UserInfo:
    """The user a browser session holds, unless it has been revoked since it began."""
    try:
        user = await get_user(uuid.UUID(str(user_id)))
    except (ValueError, NotFound) as exc:
        raise AuthenticationFailed("Please log in") from exc
    if not epoch_is_current(epoch, user.session_epoch):
        raise AuthenticationFailed("Your session has ended. Please log in again.")
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
        await limits.enforce_seats(tenant.id)  # locks the business: racing invites queue here
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
    """Join the inviting business as the signed-in user (emails must match, and the address
    must be proven, so an account made with someone else's address inherits nothing)."""
    invite = await get_invite(token)
    if invite.email.lower() != user.email.lower():
        raise PermissionDenied(f"This invitation was sent to {invite.email}")
    if not user.email_verified:
        raise EmailNotVerified
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
    """Create the invitee's account and join the business in one step (the invite link
    reached the address, which proves it)."""
    invite = await get_invite(token)
    check = Checker()
    full_name = check.text("full_name", full_name, "Your name", 120)
    check.password("password", password, invite.email)
    check.raise_if_any()
    password_hash = await hash_password_async(password)
    async with DB.transaction():
        user = await _create_user(full_name, invite.email, password_hash, verified=True)
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
