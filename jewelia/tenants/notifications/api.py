"""REST controller for /api/v1/notifications: the business's in-app notifications, the unread
count, and marking them read (GET read, POST write permission)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, parse_page
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.notifications import service
from jewelia.tenants.notifications.schemas import (
    MarkedReadEnvelope,
    NotificationEnvelope,
    NotificationList,
    UnreadCountEnvelope,
)

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]


class NotificationController(Controller):
    path = "/notifications"
    tags = ["Notifications"]

    @get(operation_id="listNotifications", summary="List in-app notifications, newest first")
    async def list_notifications(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        cursor: Annotated[
            str | None, Parameter(max_length=200, description="next_cursor of the previous page")
        ] = None,
        unread: Annotated[
            bool | None, Parameter(description="Only unread (true) or read (false) ones")
        ] = None,
    ) -> Response[NotificationList]:
        paging = parse_page(page, limit, cursor)
        rows, total, next_cursor, _ = await service.list_notifications(
            auth.tenant.ref, paging, unread
        )
        return ok_list(rows, paging, total, next_cursor)

    @get(
        "/unread-count",
        operation_id="countUnreadNotifications",
        summary="How many notifications are unread",
    )
    async def unread_count(self, auth: ApiAuth) -> Response[UnreadCountEnvelope]:
        return ok({"unread": await service.unread_count(auth.tenant.ref)})

    @post(
        "/{notification_id:uuid}/read",
        operation_id="markNotificationRead",
        summary="Mark a notification read",
        status_code=200,
    )
    async def mark_read(
        self, auth: ApiAuth, notification_id: UUID
    ) -> Response[NotificationEnvelope]:
        return ok(await service.mark_read(auth.tenant.ref, notification_id))

    @post(
        "/read-all",
        operation_id="markAllNotificationsRead",
        summary="Mark every notification read",
        status_code=200,
    )
    async def mark_all_read(self, auth: ApiAuth) -> Response[MarkedReadEnvelope]:
        marked = await service.mark_all_read(auth.tenant.ref)
        return ok({"marked": marked, "unread": await service.unread_count(auth.tenant.ref)})
