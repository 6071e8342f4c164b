"""REST controllers for incoming webhooks.

`POST /api/v1/webhooks/{integration_id}` is registered outside the API-key guard: the sender
authenticates with the HMAC signature. The management routes under `/webhooks/inbound` use
the guard (admin permission for changes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter

from jewelia.core.api import Page, ok, ok_list, parse_page
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.crm.customers.api import LimitQ, PageQ
from jewelia.tenants.webhooks.inbound import service as inbound
from jewelia.tenants.webhooks.inbound.schemas import (
    InboundEventList,
    InboundSecretRotate,
    InboundSourceCreate,
    InboundSourceCreatedEnvelope,
    InboundSourceEnvelope,
    InboundSourceList,
    ReceivedEnvelope,
)

ADMIN = {"permission": "admin"}

RECEIVE_DESCRIPTION = """Receive an event from an installed integration (no API key: the
sender signs). Sign with HMAC-SHA256, key = the source's secret (`whsec_…`, UTF-8), written
`sha256=<hex>`, either in the `X-Webhook-Signature` header over the raw body, or in the body's
`signature` field computed over the body as sent but with `"signature": ""` (the value
replaced by empty quotes). A `timestamp` (ISO 8601 with zone, or Unix seconds) in the body or
a `webhook-timestamp` header must be within 5 minutes. Events are deduplicated by the body's
`id` (or the `webhook-id` header) and by the body's SHA-256: a repeat answers 200 with
`duplicate: true`; a new event answers 202 and is processed by a worker."""

_EVENT_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["event"],
    properties={
        "event": Schema(type=OpenAPIType.STRING, description="e.g. order.created"),
        "data": Schema(type=OpenAPIType.OBJECT),
        "timestamp": Schema(
            one_of=[
                Schema(type=OpenAPIType.STRING, format=None, description="ISO 8601"),
                Schema(type=OpenAPIType.NUMBER, description="Unix seconds"),
            ]
        ),
        "id": Schema(type=OpenAPIType.STRING, description="the sender's event id"),
        "signature": Schema(type=OpenAPIType.STRING, description="sha256=<hex>"),
    },
)


@dataclass
class _ReceiveOperation(Operation):
    """The receive handler reads the raw body itself (to check the HMAC); document it."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"application/json": OpenAPIMediaType(schema=_EVENT_SCHEMA)},
            required=True,
            description="The event, as in the contract: {event, data, timestamp, signature}",
        )


class InboundReceiveController(Controller):
    path = "/webhooks"
    tags = ["Incoming webhooks"]
    security = [{}]

    @post(
        "/{integration_id:uuid}",
        operation_id="receiveWebhook",
        summary="Receive a signed event from an integration",
        description=RECEIVE_DESCRIPTION,
        status_code=202,
        operation_class=_ReceiveOperation,
        responses={200: ResponseSpec(ReceivedEnvelope, description="Already received")},
    )
    async def receive(
        self, request: Request[Any, Any, Any], integration_id: UUID
    ) -> Response[ReceivedEnvelope]:
        client = request.client.host if request.client else "unknown"
        got = await inbound.receive(integration_id, await request.body(), request.headers, client)
        body = {
            "id": got.event_id,
            "event": got.event_type,
            "status": got.status,
            "duplicate": got.duplicate,
        }
        return ok(body, 200 if got.duplicate else 202, got.rate_headers)


def _source_out(source: inbound.InboundSource) -> dict[str, Any]:
    return {**asdict(source), "receive_url": source.receive_url}


def _created_out(new: inbound.NewSecret) -> dict[str, Any]:
    return {**_source_out(new.source), "secret": new.secret}


StatusQ = Annotated[str | None, Parameter(description=", ".join(inbound.STATUSES))]


class InboundSourceController(Controller):
    path = "/webhooks/inbound"
    tags = ["Incoming webhooks"]

    @get(operation_id="listInboundSources", summary="List incoming webhook sources")
    async def list_sources(self, auth: ApiAuth) -> Response[InboundSourceList]:
        sources = [_source_out(s) for s in await inbound.list_sources(auth.tenant.ref)]
        return ok_list(sources, Page(1, max(1, len(sources))), len(sources))

    @post(
        operation_id="createInboundSource",
        summary="Create a source (its secret is shown once)",
        status_code=201,
        opt=ADMIN,
    )
    async def create_source(
        self, auth: ApiAuth, data: InboundSourceCreate
    ) -> Response[InboundSourceCreatedEnvelope]:
        new = await inbound.create_source(auth.tenant.ref, auth.actor, data.name)
        return ok(_created_out(new), status_code=201)

    @get("/{source_id:uuid}", operation_id="getInboundSource", summary="Get a source")
    async def get_source(self, auth: ApiAuth, source_id: UUID) -> Response[InboundSourceEnvelope]:
        return ok(_source_out(await inbound.get_source(auth.tenant.ref, source_id)))

    @delete(
        "/{source_id:uuid}",
        operation_id="deleteInboundSource",
        summary="Delete a source and its received events",
        status_code=200,
        opt=ADMIN,
    )
    async def delete_source(
        self, auth: ApiAuth, source_id: UUID
    ) -> Response[InboundSourceEnvelope]:
        source = await inbound.delete_source(auth.tenant.ref, auth.actor, source_id)
        return ok(_source_out(source))

    @post(
        "/{source_id:uuid}/rotate-secret",
        operation_id="rotateInboundSourceSecret",
        summary="New secret; the old one still verifies for grace_period_hours (default 24)",
        status_code=201,
        opt=ADMIN,
    )
    async def rotate_secret(
        self, auth: ApiAuth, source_id: UUID, data: InboundSecretRotate | None = None
    ) -> Response[InboundSourceCreatedEnvelope]:
        grace = data.grace_period_hours if data else inbound.DEFAULT_GRACE_HOURS
        new = await inbound.rotate_secret(auth.tenant.ref, auth.actor, source_id, grace)
        return ok(_created_out(new), status_code=201)

    @get(
        "/{source_id:uuid}/events",
        operation_id="listInboundEvents",
        summary="Events received from a source, newest first, with their processing status",
    )
    async def list_events(
        self,
        auth: ApiAuth,
        source_id: UUID,
        page: PageQ = None,
        limit: LimitQ = None,
        status: StatusQ = None,
    ) -> Response[InboundEventList]:
        paging = parse_page(page, limit, None)
        events, total = await inbound.list_events(auth.tenant.ref, source_id, paging, status)
        return ok_list(events, paging, total)
