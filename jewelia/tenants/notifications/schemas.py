"""Notification response structs."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination


class NotificationSource(msgspec.Struct):
    """Where a notification came from: `flow` (a flow's notification step, with the flow's id)
    or `system`."""

    type: str
    id: UUID | None


class Notification(msgspec.Struct):
    id: UUID
    title: str
    body: str
    link: str | None
    source: NotificationSource
    read: bool
    read_at: datetime | None
    created_at: datetime


class NotificationEnvelope(msgspec.Struct):
    success: bool
    data: Notification


class NotificationList(msgspec.Struct):
    success: bool
    data: list[Notification]
    pagination: Pagination


class UnreadCount(msgspec.Struct):
    unread: int


class UnreadCountEnvelope(msgspec.Struct):
    success: bool
    data: UnreadCount


class MarkedRead(msgspec.Struct):
    marked: int
    unread: int


class MarkedReadEnvelope(msgspec.Struct):
    success: bool
    data: MarkedRead
