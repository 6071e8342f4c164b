"""REST controller for /api/v1/webhooks: endpoints (subscriptions), deliveries, replay.

API keys and users act for the business (writes need `admin`); a marketplace app's token acts
for its install (the guard checks its `webhooks:*` scope instead) and so sees and changes only
the endpoints, and their deliveries, of that install (see `service`).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, HttpMethod, Response, delete, get, post, route
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, operation_ids, parse_page
from jewelia.core.schemas import given
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.webhooks.outbound import service
from jewelia.tenants.webhooks.outbound.schemas import (
    DeletedWebhookEnvelope,
    DeliveryDetailEnvelope,
    DeliveryEnvelope,
    DeliveryList,
    RecoverEnvelope,
    RecoverRequest,
    SecretRotate,
    WebhookCreate,
    WebhookEnvelope,
    WebhookList,
    WebhookSecretEnvelope,
    WebhookUpdate,
)
from jewelia.tenants.webhooks.outbound.test_event import send_test_event

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]
ADMIN = {"permission": "admin"}


def _owner(auth: ApiAuth) -> service.AppOwner | None:
    """Whose endpoints the caller manages: an app token's install's, or (None) the business's."""
    if auth.app is None:
        return None
    return service.AppOwner(auth.app.install_id, auth.app.scopes)


async def _with_stats(auth: ApiAuth, endpoint: dict[str, Any]) -> dict[str, Any]:
    stats = await service.endpoint_stats(auth.tenant.ref)
    return {**endpoint, "stats": stats.get(endpoint["id"])}


class WebhookController(Controller):
    path = "/webhooks"
    tags = ["Webhooks"]

    @get(operation_id="listWebhooks", summary="List webhook endpoints")
    async def list_webhooks(
        self, auth: ApiAuth, page: PageQ = None, limit: LimitQ = None
    ) -> Response[WebhookList]:
        paging = parse_page(page, limit, None)
        rows, total = await service.list_endpoints(auth.tenant.ref, paging, _owner(auth))
        stats = await service.endpoint_stats(auth.tenant.ref)
        return ok_list([{**r, "stats": stats.get(r["id"])} for r in rows], paging, total)

    @post(
        operation_id="createWebhook",
        summary="Create a webhook endpoint (its signing secret is shown once)",
        status_code=201,
        opt=ADMIN,
    )
    async def create_webhook(
        self, auth: ApiAuth, data: WebhookCreate
    ) -> Response[WebhookSecretEnvelope]:
        endpoint, secret = await service.create_endpoint(
            auth.tenant.ref, auth.actor, given(data), _owner(auth)
        )
        return ok({**endpoint, "secret": secret}, status_code=201)

    @get("/{webhook_id:uuid}", operation_id="getWebhook", summary="Get a webhook endpoint")
    async def get_webhook(self, auth: ApiAuth, webhook_id: UUID) -> Response[WebhookEnvelope]:
        endpoint = await service.get_endpoint(auth.tenant.ref, webhook_id, _owner(auth))
        return ok(await _with_stats(auth, endpoint))

    @route(
        "/{webhook_id:uuid}",
        http_method=[HttpMethod.PUT, HttpMethod.PATCH],
        operation_id=operation_ids(PUT="replaceWebhook", PATCH="updateWebhook"),
        summary="Update a webhook endpoint (fields sent; enabled=true re-enables it)",
        opt=ADMIN,
    )
    async def update_webhook(
        self, auth: ApiAuth, webhook_id: UUID, data: WebhookUpdate
    ) -> Response[WebhookEnvelope]:
        return ok(
            await service.update_endpoint(
                auth.tenant.ref, auth.actor, webhook_id, given(data), _owner(auth)
            )
        )

    @delete(
        "/{webhook_id:uuid}",
        operation_id="deleteWebhook",
        summary="Delete a webhook endpoint",
        status_code=200,
        opt=ADMIN,
    )
    async def delete_webhook(
        self, auth: ApiAuth, webhook_id: UUID
    ) -> Response[DeletedWebhookEnvelope]:
        await service.delete_endpoint(auth.tenant.ref, auth.actor, webhook_id, _owner(auth))
        return ok({"id": webhook_id, "deleted": True})

    @post(
        "/{webhook_id:uuid}/rotate-secret",
        operation_id="rotateWebhookSecret",
        summary="New signing secret; the old one keeps signing beside it for 24 hours",
        status_code=200,
        opt=ADMIN,
    )
    async def rotate_secret(
        self, auth: ApiAuth, webhook_id: UUID, data: SecretRotate | None = None
    ) -> Response[WebhookSecretEnvelope]:
        endpoint, secret = await service.rotate_secret(
            auth.tenant.ref, auth.actor, webhook_id, data.secret if data else None, _owner(auth)
        )
        return ok({**endpoint, "secret": secret})

    @post(
        "/{webhook_id:uuid}/enable",
        operation_id="enableWebhook",
        summary="Enable an endpoint (clears its failure state)",
        status_code=200,
        opt=ADMIN,
    )
    async def enable(self, auth: ApiAuth, webhook_id: UUID) -> Response[WebhookEnvelope]:
        return ok(
            await service.update_endpoint(
                auth.tenant.ref, auth.actor, webhook_id, {"enabled": True}, _owner(auth)
            )
        )

    @post(
        "/{webhook_id:uuid}/disable",
        operation_id="disableWebhook",
        summary="Disable an endpoint (events are not sent to it meanwhile)",
        status_code=200,
        opt=ADMIN,
    )
    async def disable(self, auth: ApiAuth, webhook_id: UUID) -> Response[WebhookEnvelope]:
        return ok(
            await service.update_endpoint(
                auth.tenant.ref, auth.actor, webhook_id, {"enabled": False}, _owner(auth)
            )
        )

    @get(
        "/{webhook_id:uuid}/deliveries",
        operation_id="listWebhookDeliveries",
        summary="An endpoint's deliveries, newest first",
    )
    async def list_deliveries(
        self,
        auth: ApiAuth,
        webhook_id: UUID,
        page: PageQ = None,
        limit: LimitQ = None,
        status: Annotated[
            str | None, Parameter(description="pending, retrying, succeeded or failed")
        ] = None,
    ) -> Response[DeliveryList]:
        paging = parse_page(page, limit, None)
        rows, total = await service.list_deliveries(
            auth.tenant.ref, webhook_id, paging, status, _owner(auth)
        )
        return ok_list(rows, paging, total)

    @post(
        "/{webhook_id:uuid}/recover",
        operation_id="recoverWebhookDeliveries",
        summary="Send every failed delivery of this endpoint since a time again",
        status_code=202,
    )
    async def recover(
        self, auth: ApiAuth, webhook_id: UUID, data: RecoverRequest
    ) -> Response[RecoverEnvelope]:
        queued = await service.recover_failed(
            auth.tenant.ref, auth.actor, webhook_id, data.since, _owner(auth)
        )
        return ok({"queued": queued}, status_code=202)

    @post(
        "/{webhook_id:uuid}/test",
        operation_id="sendWebhookTestEvent",
        summary="Send a webhook.test event to this endpoint now (a delivery like any other)",
        status_code=202,
    )
    async def send_test(self, auth: ApiAuth, webhook_id: UUID) -> Response[DeliveryEnvelope]:
        delivery = await send_test_event(auth.tenant.ref, auth.actor, webhook_id, _owner(auth))
        return ok(delivery, status_code=202)

    @get(
        "/deliveries/{delivery_id:uuid}",
        operation_id="getWebhookDelivery",
        summary="A delivery with its payload and every attempt",
    )
    async def get_delivery(
        self, auth: ApiAuth, delivery_id: UUID
    ) -> Response[DeliveryDetailEnvelope]:
        return ok(await service.get_delivery(auth.tenant.ref, delivery_id, _owner(auth)))

    @post(
        "/deliveries/{delivery_id:uuid}/replay",
        operation_id="replayWebhookDelivery",
        summary="Send a delivery again now (same webhook-id)",
        status_code=202,
    )
    async def replay(self, auth: ApiAuth, delivery_id: UUID) -> Response[DeliveryEnvelope]:
        return ok(
            await service.replay_delivery(auth.tenant.ref, auth.actor, delivery_id, _owner(auth)),
            status_code=202,
        )
