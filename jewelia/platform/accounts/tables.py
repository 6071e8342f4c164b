"""Account tables (public schema)."""

from piccolo.columns import UUID, BigInt, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jewelia.platform.tenancy.registry import Tenant


class User(Table, tablename="app_user", schema="public"):
    id = UUID(primary_key=True)
    email = Varchar(length=254)
    full_name = Varchar(length=120)
    password_hash = Text()
    totp_secret = Text(null=True, default=None)
    totp_enabled = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    email_verified_at = Timestamptz(null=True, default=None)
    session_epoch = Integer(default=0)  # sessions and tokens of older epochs are refused
    totp_last_step = BigInt(null=True, default=None)  # a TOTP code is accepted once


class Membership(Table, tablename="membership", schema="public"):
    id = UUID(primary_key=True)
    user_id = ForeignKey(references=User)
    tenant_id = ForeignKey(references=Tenant)
    role = Varchar(length=20)
    created_at = Timestamptz(default=TimestamptzNow())


class Invite(Table, tablename="invite", schema="public"):
    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant)
    email = Varchar(length=254)
    role = Varchar(length=20)
    token_hash = Varchar(length=64, unique=True)
    invited_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class PasswordReset(Table, tablename="password_reset", schema="public"):
    id = UUID(primary_key=True)
    user_id = ForeignKey(references=User)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)  # a newer link was sent, or one was used


class EmailVerification(Table, tablename="email_verification", schema="public"):
    id = UUID(primary_key=True)
    user_id = ForeignKey(references=User)
    email = Varchar(length=254)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class RecoveryCode(Table, tablename="recovery_code", schema="public"):
    id = UUID(primary_key=True)
    user_id = ForeignKey(references=User)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)
