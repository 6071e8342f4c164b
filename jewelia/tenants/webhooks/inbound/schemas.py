"""Structs for incoming webhooks: sources, received events, the receive answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination


class InboundSourceCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class InboundSecretRotate(msgspec.Struct, forbid_unknown_fields=True):
    grace_period_hours: int = 24


class InboundSourceOut(msgspec.Struct):
    id: UUID
    name: str
    enabled: bool
    receive_url: str
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None


class InboundSourceCreated(InboundSourceOut):
    secret: str


class InboundSourceEnvelope(msgspec.Struct):
    success: bool
    data: InboundSourceOut


class InboundSourceCreatedEnvelope(msgspec.Struct):
    success: bool
    data: InboundSourceCreated


class InboundSourceList(msgspec.Struct):
    success: bool
    data: list[InboundSourceOut]
    pagination: Pagination


class InboundEventOut(msgspec.Struct):
    id: UUID
    source_id: UUID
    external_id: str
    event: str
    status: str
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    payload: dict[str, Any]
    received_at: datetime
    processed_at: datetime | None


class InboundEventList(msgspec.Struct):
    success: bool
    data: list[InboundEventOut]
    pagination: Pagination


class ReceivedOut(msgspec.Struct):
    id: UUID
    event: str
    status: str
    duplicate: bool


class ReceivedEnvelope(msgspec.Struct):
    success: bool
    data: ReceivedOut
