"""Account rules through the services: sign-up, log-in, two-factor, reset, team, isolation."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest

from jewelia.core.db import fetch, tenant_scope
from jewelia.core.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from jewelia.platform.accounts import service as accounts
from jewelia.tenants.audit import service as audit
from tests.conftest import STRONG_PASSWORD, unique_email


async def _counts() -> tuple[int, int, int]:
    rows = await fetch(
        "SELECT (SELECT count(*) FROM public.tenant) AS t, (SELECT count(*) FROM public.app_user)"
        " AS u, (SELECT count(*) FROM public.membership) AS m"
    )
    return rows[0]["t"], rows[0]["u"], rows[0]["m"]


async def test_signup_creates_business_owner_and_audit(db: None) -> None:
    email = unique_email()
    user, tenant = await accounts.signup(
        "Maison Opal", "Ada Lovelace", email.upper(), STRONG_PASSWORD
    )
    assert user.email == email
    mine = await accounts.memberships(user.id)
    assert [(m.tenant.id, m.role) for m in mine] == [(tenant.id, "owner")]
    async with tenant_scope(tenant.ref):
        entries, total = await audit.recent()
    assert {e.action for e in entries} == {"tenant.created", "member.added"}
    assert total == 2
    stored = await fetch("SELECT password_hash FROM public.app_user WHERE id = $1", user.id)
    assert stored[0]["password_hash"].startswith("$argon2id$")


@pytest.mark.parametrize(
    ("business", "name", "email", "password", "field", "code"),
    [
        ("", "Ada", "a@example.com", STRONG_PASSWORD, "business_name", "REQUIRED"),
        ("B" * 121, "Ada", "a@example.com", STRONG_PASSWORD, "business_name", "TOO_LONG"),
        ("Shop", "", "a@example.com", STRONG_PASSWORD, "full_name", "REQUIRED"),
        ("Shop", "Ada", "not-an-email", STRONG_PASSWORD, "email", "INVALID_EMAIL"),
        ("Shop", "Ada", "a@example.com", "short", "password", "WEAK_PASSWORD"),
        ("Shop", "Ada", "a@example.com", "password123", "password", "WEAK_PASSWORD"),
        ("Shop", "Ada", "a@example.com", "a" * 129, "password", "TOO_LONG"),
        ("Shop\x00", "Ada", "a@example.com", STRONG_PASSWORD, "business_name", "INVALID"),
    ],
)
async def test_signup_rejects_bad_input_and_writes_nothing(
    db: None, business: str, name: str, email: str, password: str, field: str, code: str
) -> None:
    before = await _counts()
    with pytest.raises(ValidationFailed) as err:
        await accounts.signup(business, name, email, password)
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in err.value.errors
    ]
    assert await _counts() == before


async def test_duplicate_email_is_refused_without_a_half_made_business(business) -> None:
    user, _ = business
    before = await _counts()
    with pytest.raises(ValidationFailed) as err:
        await accounts.signup("Copycat", "Eve", user.email.upper(), STRONG_PASSWORD)
    assert err.value.errors[0]["code"] == "DUPLICATE_EMAIL"
    assert await _counts() == before


async def test_login_and_throttling(business) -> None:
    user, _ = business
    assert (await accounts.authenticate(user.email, STRONG_PASSWORD, "10.0.0.1")).id == user.id
    with pytest.raises(AuthenticationFailed):
        await accounts.authenticate(user.email, "wrong-password-1", "10.0.0.1")
    with pytest.raises(AuthenticationFailed):
        await accounts.authenticate("nobody@example.com", "whatever-pass", "10.0.0.1")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            await accounts.authenticate(user.email, "wrong-password-1", "10.0.0.2")
    with pytest.raises(RateLimited):  # that address waits now, even with the right password
        await accounts.authenticate(user.email, STRONG_PASSWORD, "10.0.0.2")
    # Failures from elsewhere never lock the owner out of their own address.
    assert (await accounts.authenticate(user.email, STRONG_PASSWORD, "10.0.0.3")).id == user.id


async def test_two_factor_with_totp_and_single_use_recovery_codes(business) -> None:
    user, _ = business
    secret = accounts.new_totp_secret()
    with pytest.raises(ValidationFailed):
        await accounts.enable_totp(user.id, secret, "000000")
    codes = await accounts.enable_totp(user.id, secret, pyotp.TOTP(secret).now())
    assert len(codes) == 10
    stored = await fetch("SELECT totp_secret FROM public.app_user WHERE id = $1", user.id)
    assert secret not in stored[0]["totp_secret"]  # encrypted at rest
    # The code that turned two-factor on is spent: log in with the next one.
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    await accounts.verify_second_factor(user.id, next_code, "10.1.0.1")
    with pytest.raises(AuthenticationFailed):
        await accounts.verify_second_factor(user.id, "123456", "10.1.0.1")
    await accounts.verify_second_factor(user.id, codes[0], "10.1.0.1")
    with pytest.raises(AuthenticationFailed):
        await accounts.verify_second_factor(user.id, codes[0], "10.1.0.1")
    assert await accounts.recovery_codes_left(user.id) == 9
    with pytest.raises(ValidationFailed):
        await accounts.disable_totp(user.id, "not-my-password")
    await accounts.disable_totp(user.id, STRONG_PASSWORD)
    assert not (await accounts.get_user(user.id)).totp_enabled


async def test_password_reset_is_single_use(business) -> None:
    user, _ = business
    await accounts.request_password_reset(user.email, "10.2.0.1")
    mail = await fetch(
        "SELECT body_text FROM public.email_outbox WHERE to_address = $1 ORDER BY created_at DESC",
        user.email,
    )
    token = mail[0]["body_text"].split("/password/reset/")[1].split()[0]
    with pytest.raises(ValidationFailed):
        await accounts.reset_password(token, "short")
    await accounts.reset_password(token, "A-brand-new-passphrase")
    with pytest.raises(NotFound):
        await accounts.reset_password(token, "Another-new-passphrase")
    await accounts.authenticate(user.email, "A-brand-new-passphrase", "10.2.0.2")
    # Unknown addresses get the same answer and no email.
    await accounts.request_password_reset("ghost@example.com", "10.2.0.3")
    assert not await fetch(
        "SELECT 1 FROM public.email_outbox WHERE to_address = 'ghost@example.com'"
    )


async def _membership(user, tenant) -> accounts.MembershipInfo:
    return await accounts.membership(user.id, tenant.id)


async def test_invite_accept_roles_and_last_owner(business) -> None:
    owner, tenant = business
    om = await _membership(owner, tenant)
    email = unique_email("invitee")
    token = await accounts.invite_member(owner, om, email, "admin")
    with pytest.raises(ValidationFailed):
        await accounts.register_and_accept(token, "Ivy", "weak")
    invitee, joined = await accounts.register_and_accept(token, "Ivy Invitee", STRONG_PASSWORD)
    assert joined.id == tenant.id
    with pytest.raises(NotFound):
        await accounts.get_invite(token)
    members, invites = await accounts.team(tenant.id)
    assert {(m.email, m.role) for m in members} == {(owner.email, "owner"), (email, "admin")}
    assert invites == []
    im = await _membership(invitee, tenant)
    with pytest.raises(PermissionDenied):
        await accounts.change_role(invitee, im, owner.id, "member")
    with pytest.raises(Conflict):
        await accounts.change_role(owner, om, owner.id, "admin")
    await accounts.change_role(owner, om, invitee.id, "read-only")
    rm = await _membership(invitee, tenant)
    with pytest.raises(PermissionDenied):
        await accounts.invite_member(invitee, rm, unique_email(), "member")
    await accounts.remove_member(owner, om, invitee.id)
    with pytest.raises(PermissionDenied):
        await accounts.membership(invitee.id, tenant.id)
    async with tenant_scope(tenant.ref):
        actions = [e.action for e in (await audit.recent())[0]]
    assert {"invite.created", "member.added", "member.role_changed", "member.removed"} <= set(
        actions
    )


async def test_invite_for_someone_else_cannot_be_taken(business, db: None) -> None:
    owner, tenant = business
    token = await accounts.invite_member(
        owner, await _membership(owner, tenant), unique_email("right"), "member"
    )
    stranger, _ = await accounts.signup("Other", "Sam", unique_email("wrong"), STRONG_PASSWORD)
    with pytest.raises(PermissionDenied):
        await accounts.accept_invite(token, stranger)


async def test_team_actions_cannot_cross_tenants(business, db: None) -> None:
    owner_a, tenant_a = business
    owner_b, tenant_b = await accounts.signup("Bravo", "Bea", unique_email("b"), STRONG_PASSWORD)
    token = await accounts.invite_member(
        owner_b, await _membership(owner_b, tenant_b), unique_email("bm"), "member"
    )
    member_b, _ = await accounts.register_and_accept(token, "Ben", STRONG_PASSWORD)
    ma = await _membership(owner_a, tenant_a)
    with pytest.raises(NotFound):
        await accounts.change_role(owner_a, ma, member_b.id, "admin")
    with pytest.raises(NotFound):
        await accounts.remove_member(owner_a, ma, member_b.id)
    _, invites_b = await accounts.team(tenant_b.id)
    with pytest.raises(PermissionDenied):
        await accounts.membership(owner_a.id, tenant_b.id)
    members_b, _ = await accounts.team(tenant_b.id)
    assert {m.email for m in members_b} == {owner_b.email, member_b.email}
    del invites_b


async def test_one_user_in_several_businesses(business) -> None:
    owner, tenant = business
    second = await accounts.create_business_for(owner, "Second Store")
    names = {m.tenant.name for m in await accounts.memberships(owner.id)}
    assert names == {tenant.name, "Second Store"}
    assert second.slug == "second-store" or second.slug.startswith("second-store-")
    assert uuid.UUID(str(second.id))
