"""Webhook endpoint and delivery structs (request and response shapes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True):
    url: str
    events: list[str]
    secret: str | None = None
    description: str = ""
    enabled: bool = True
    max_attempts: int | None = None
    retry_base_seconds: float | None = None


class WebhookUpdate(msgspec.Struct, forbid_unknown_fields=True):
    url: str | msgspec.UnsetType = msgspec.UNSET
    events: list[str] | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    max_attempts: int | msgspec.UnsetType = msgspec.UNSET
    retry_base_seconds: float | msgspec.UnsetType = msgspec.UNSET


class SecretRotate(msgspec.Struct, forbid_unknown_fields=True):
    secret: str | None = None


class RecoverRequest(msgspec.Struct, forbid_unknown_fields=True):
    since: datetime


class WebhookStats(msgspec.Struct):
    total: int
    succeeded: int
    failed: int
    waiting: int
    success_rate: float | None
    p50_ms: float | None
    p95_ms: float | None


class WebhookOut(msgspec.Struct):
    id: UUID
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    max_attempts: int
    retry_base_seconds: float
    failing_since: datetime | None
    secret_rotation_ends_at: datetime | None
    created_at: datetime
    updated_at: datetime
    stats: WebhookStats | None = None


class WebhookWithSecret(WebhookOut):
    secret: str = ""


class WebhookEnvelope(msgspec.Struct):
    success: bool
    data: WebhookOut


class WebhookSecretEnvelope(msgspec.Struct):
    success: bool
    data: WebhookWithSecret


class WebhookList(msgspec.Struct):
    success: bool
    data: list[WebhookOut]
    pagination: Pagination


class DeliveryOut(msgspec.Struct):
    id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    status: str
    attempt_count: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_duration_ms: float | None
    created_at: datetime
    completed_at: datetime | None


class AttemptOut(msgspec.Struct):
    attempt_number: int
    request_headers: dict[str, str]
    request_body: str
    status_code: int | None
    response_headers: dict[str, str] | None
    response_body: str | None
    duration_ms: float | None
    error: str | None
    created_at: datetime


class DeliveryDetail(DeliveryOut):
    payload: dict[str, Any] = msgspec.field(default_factory=dict)
    attempts: list[AttemptOut] = msgspec.field(default_factory=list)


class DeliveryEnvelope(msgspec.Struct):
    success: bool
    data: DeliveryOut


class DeliveryDetailEnvelope(msgspec.Struct):
    success: bool
    data: DeliveryDetail


class DeliveryList(msgspec.Struct):
    success: bool
    data: list[DeliveryOut]
    pagination: Pagination


class RecoverResult(msgspec.Struct):
    queued: int


class RecoverEnvelope(msgspec.Struct):
    success: bool
    data: RecoverResult


class DeletedWebhook(msgspec.Struct):
    id: UUID
    deleted: bool


class DeletedWebhookEnvelope(msgspec.Struct):
    success: bool
    data: DeletedWebhook
