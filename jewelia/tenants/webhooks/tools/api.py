"""REST controller for the webhook testing tools and the event catalog under /api/v1/webhooks.

Paths are static (`/test…`, `/events`) so they sit beside `/webhooks/{id}` routes. Sending a
test request needs `write` (POST); the tools that only compute (render, validate, signatures)
need `read`, so a read-only developer key can use them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get, post
from litestar.params import Parameter

from jewelia.core.api import ok
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.tools import service as testing
from jewelia.tenants.webhooks.tools.schemas import (
    EventCatalogEnvelope,
    PayloadReportEnvelope,
    RenderedEnvelope,
    RenderIn,
    SignatureEnvelope,
    SignatureIn,
    TemplateListEnvelope,
    ValidateIn,
    VerifyEnvelope,
    VerifyIn,
    WebhookTestEnvelope,
    WebhookTestIn,
)

Category = Literal[
    "order_events",
    "customer_events",
    "inventory_events",
    "import_export_events",
    "integration_events",
    "alert_events",
    "test_events",
]
READ_ONLY = {"permission": "read"}


class WebhookToolsController(Controller):
    path = "/webhooks"
    tags = ["Webhook tools"]

    @get("/test", operation_id="listWebhookTemplates", summary="Webhook templates")
    async def list_templates(
        self,
        auth: ApiAuth,
        category: Annotated[
            Category | None, Parameter(description="Only this category's templates")
        ] = None,
    ) -> Response[TemplateListEnvelope]:
        """Example requests with `{{variable}}` placeholders and the variables they take."""
        return ok(testing.list_templates(category))

    @post("/test", operation_id="sendWebhookTest", summary="Send a test request", status_code=200)
    async def send_test(self, auth: ApiAuth, data: WebhookTestIn) -> Response[WebhookTestEnvelope]:
        """Send a request to your endpoint (SSRF-guarded, no redirects) and report the answer.

        Connection failures, timeouts, 5xx, 408, 425 and 429 are retried `retries` times with
        a short backoff; the whole call takes at most 60 s. A refused destination is a 422.
        """
        result = await testing.send_test(
            data.webhookUrl,
            data.method,
            data.headers,
            data.payload,
            data.timeout,
            data.retries,
            data.secret,
        )
        return ok(result)

    @post(
        "/test/render",
        operation_id="renderWebhookTemplate",
        summary="Render a template",
        status_code=200,
        opt=READ_ONLY,
    )
    async def render(self, auth: ApiAuth, data: RenderIn) -> Response[RenderedEnvelope]:
        """Fill a template's placeholders; missing or mistyped variables are listed (422)."""
        return ok(testing.render(data.template, data.variables))

    @post(
        "/test/validate",
        operation_id="validateWebhookPayload",
        summary="Check a payload against a template",
        status_code=200,
        opt=READ_ONLY,
    )
    async def validate(self, auth: ApiAuth, data: ValidateIn) -> Response[PayloadReportEnvelope]:
        """Report missing, extra, mistyped and invalid fields (`valid` is false when any)."""
        return ok(testing.validate(data.template, data.payload))

    @post(
        "/test/signature",
        operation_id="generateWebhookSignature",
        summary="Sign a body",
        status_code=200,
        opt=READ_ONLY,
    )
    async def signature(self, auth: ApiAuth, data: SignatureIn) -> Response[SignatureEnvelope]:
        """Both header styles for a body: `X-Webhook-Signature` and Standard Webhooks."""
        return ok(
            testing.generate_signature(
                data.secret, data.body, data.payload, data.id, data.timestamp
            )
        )

    @post(
        "/test/verify",
        operation_id="verifyWebhookSignature",
        summary="Verify a signature",
        status_code=200,
        opt=READ_ONLY,
    )
    async def verify(self, auth: ApiAuth, data: VerifyIn) -> Response[VerifyEnvelope]:
        """Check the signature headers of a received request against a secret and raw body."""
        return ok(testing.verify_signature(data.secret, data.body, data.headers, data.tolerance))

    @get("/events", operation_id="listWebhookEvents", summary="Event catalog")
    async def events(self, auth: ApiAuth) -> Response[EventCatalogEnvelope]:
        """Every event type with the JSON schema of its `data` and an example delivery."""
        return ok(catalog.describe())
