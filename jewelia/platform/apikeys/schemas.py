"""API key and token structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination

HourlyLimit = Annotated[
    int,
    msgspec.Meta(
        ge=1, description="Requests per hour for this key, at most the plan's (null: the plan's)"
    ),
]
AllowedIps = Annotated[
    list[str],
    msgspec.Meta(
        max_length=50,
        description="Addresses or CIDR ranges (IPv4 or IPv6) the key may be used from; empty: any",
    ),
]


class ApiKeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    permissions: list[str]
    expires_at: datetime | None = None
    hourly_limit: HourlyLimit | None = None
    allowed_ips: AllowedIps = msgspec.field(default_factory=list)


class ApiKeyUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    hourly_limit: HourlyLimit | msgspec.UnsetType | None = msgspec.UNSET
    allowed_ips: AllowedIps | msgspec.UnsetType = msgspec.UNSET


class ApiKeyRotate(msgspec.Struct, forbid_unknown_fields=True):
    grace_period_hours: int = 24


class ApiKeyOut(msgspec.Struct):
    id: UUID
    name: str
    prefix: str
    permissions: list[str]
    status: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    rotated_from: UUID | None
    hourly_limit: HourlyLimit | None
    allowed_ips: AllowedIps


class ApiKeyCreated(ApiKeyOut):
    key: str


class ApiKeyEnvelope(msgspec.Struct):
    success: bool
    data: ApiKeyOut


class ApiKeyCreatedEnvelope(msgspec.Struct):
    success: bool
    data: ApiKeyCreated


class ApiKeyList(msgspec.Struct):
    success: bool
    data: list[ApiKeyOut]
    pagination: Pagination


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    password: str
    tenant_id: UUID | None = None
    totp_code: str | None = None


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: str


class Tokens(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    tenant_id: UUID
    role: str


class TokenEnvelope(msgspec.Struct):
    success: bool
    data: Tokens
