"""REST controllers for builder triggers: a flow's public webhook URL (no API key: the sender
signs with the flow's secret) and the rotation of that secret (guarded like the flows)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, post

from jewelia.core.api import ok
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder.engine.base import TRIGGER_MAX_BYTES
from jewelia.tenants.builder.schemas import FlowWebhook
from jewelia.tenants.builder.triggers import webhook

RECEIVE_DESCRIPTION = """Start a run of the flow whose webhook URL this is (no API key: sign
the request with the flow's `whsec_` secret the Standard Webhooks way: `webhook-id`,
`webhook-timestamp` (Unix seconds, within 5 minutes) and `webhook-signature: v1,<base64
HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the base64-decoded part of the secret).
The JSON body (up to 10 MB) is what the run sees as `trigger`. One run per `webhook-id`: a
retried delivery answers 200 with the first run. 404 unknown URL, 401 bad or stale signature,
409 flow switched off or its published version has no webhook trigger."""


class FlowWebhookEnvelope(msgspec.Struct):
    success: bool
    data: FlowWebhook


class HookRunStarted(msgspec.Struct):
    """The run a delivery started (or, for a repeated webhook-id, the run it started first)."""

    run_id: UUID | None
    flow_id: UUID
    version: int | None
    status: str
    duplicate: bool


class HookRunStartedEnvelope(msgspec.Struct):
    success: bool
    data: HookRunStarted


class FlowHookController(Controller):
    path = "/integrations/builder/hooks"
    tags = ["Integration builder"]
    security = [{}]

    @post(
        "/{hook_id:str}",
        operation_id="receiveFlowWebhook",
        summary="Trigger a flow through its webhook URL (signed with the flow's secret)",
        description=RECEIVE_DESCRIPTION,
        status_code=202,
        request_max_body_size=TRIGGER_MAX_BYTES,
        include_in_schema=False,  # called by other systems, not by our SDKs (see the README)
    )
    async def receive(
        self, request: Request[Any, Any, Any], hook_id: str
    ) -> Response[HookRunStartedEnvelope]:
        client = request.client.host if request.client else "unknown"
        got = await webhook.receive(hook_id, await request.body(), request.headers, client)
        return ok(got, 200 if got["duplicate"] else 202)


class FlowWebhookController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @post(
        "/{flow_id:uuid}/webhook/rotate",
        operation_id="rotateFlowWebhook",
        summary="A new signing secret for the flow's webhook URL (shown once; the old one stops"
        " verifying at once)",
        status_code=201,
    )
    async def rotate(self, auth: ApiAuth, flow_id: UUID) -> Response[FlowWebhookEnvelope]:
        return ok(await webhook.rotate(auth.tenant.ref, auth.actor, flow_id), status_code=201)
