"""Request and response structs of the webhook testing tools and the event catalog."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from jewelia.tenants.webhooks.tools.service import DEFAULT_PAYLOAD, MAX_RETRIES, MAX_TIMEOUT_MS

Secret = Annotated[
    str, Meta(max_length=256, description="The signing secret (whsec_… or any other text)")
]


class FieldIssue(msgspec.Struct):
    field: str
    message: str
    code: str


class TemplateVariable(msgspec.Struct):
    """A `{{name}}` placeholder of the template's payload."""

    name: str
    type: str
    description: str
    required: bool
    example: Annotated[Any, Meta(description="A value that renders a valid event")]


class TemplateRequest(msgspec.Struct):
    """The request to send: method, headers, payload with placeholders, and their variables."""

    method: str
    headers: dict[str, str]
    payload: dict[str, Any]
    variables: list[TemplateVariable]


class WebhookTemplate(msgspec.Struct):
    """A webhook template as the contract shows it (the event is `template.payload.event`)."""

    name: str
    description: str
    category: str
    template: TemplateRequest


class TemplateListEnvelope(msgspec.Struct):
    success: bool
    data: list[WebhookTemplate]


class WebhookTestIn(msgspec.Struct, forbid_unknown_fields=True):
    """A request to send to your endpoint; with `secret` it is signed like a real delivery."""

    webhookUrl: Annotated[str, Meta(max_length=2048, description="http(s) URL of your endpoint")]
    method: Annotated[str, Meta(max_length=10, description="POST, PUT or PATCH")] = "POST"
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    payload: Any = msgspec.field(default_factory=lambda: dict(DEFAULT_PAYLOAD))
    timeout: Annotated[
        int, Meta(ge=1, le=MAX_TIMEOUT_MS, description="Per attempt, in milliseconds")
    ] = 10_000
    retries: Annotated[
        int, Meta(ge=0, le=MAX_RETRIES, description="Extra attempts on failure or 5xx")
    ] = 0
    secret: Secret | None = None


class AttemptOut(msgspec.Struct):
    attempt: int
    statusCode: int | None
    responseTime: int
    error: str | None


class WebhookTestResult(msgspec.Struct):
    success: bool
    statusCode: int | None
    responseTime: int
    responseData: Any
    attempts: int
    error: str | None
    truncated: bool
    requestHeaders: dict[str, str]
    attemptLog: list[AttemptOut]


class WebhookTestEnvelope(msgspec.Struct):
    success: bool
    data: WebhookTestResult


class RenderIn(msgspec.Struct, forbid_unknown_fields=True):
    template: Annotated[str, Meta(max_length=100, description="Template name, e.g. order_created")]
    variables: dict[str, Any] = msgspec.field(default_factory=dict)


class RenderedRequest(msgspec.Struct):
    name: str
    event: str
    method: str
    headers: dict[str, str]
    payload: dict[str, Any]


class RenderedEnvelope(msgspec.Struct):
    success: bool
    data: RenderedRequest


class ValidateIn(msgspec.Struct, forbid_unknown_fields=True):
    template: Annotated[str, Meta(max_length=100)]
    payload: Any


class PayloadReport(msgspec.Struct):
    valid: bool
    template: str
    event: str
    missing: list[str]
    extra: list[str]
    mistyped: list[str]
    invalid: list[str]
    errors: list[FieldIssue]


class PayloadReportEnvelope(msgspec.Struct):
    success: bool
    data: PayloadReport


class SignatureIn(msgspec.Struct, forbid_unknown_fields=True):
    """Sign `body` (exact text) or `payload` (JSON, serialised compactly); not both."""

    secret: Secret
    body: Annotated[str, Meta(max_length=262_144)] | None = None
    payload: Any = msgspec.UNSET
    id: (
        Annotated[str, Meta(max_length=200, description="webhook-id (generated if absent)")] | None
    ) = None
    timestamp: Annotated[int, Meta(ge=0, le=99_999_999_999, description="Unix seconds")] | None = (
        None
    )


class SignatureOut(msgspec.Struct):
    id: str
    timestamp: int
    body: str
    signedContent: str
    legacySignature: str
    standardSignature: str
    headers: dict[str, str]


class SignatureEnvelope(msgspec.Struct):
    success: bool
    data: SignatureOut


class VerifyIn(msgspec.Struct, forbid_unknown_fields=True):
    """Check `X-Webhook-Signature` and/or the Standard Webhooks headers of a received request."""

    secret: Secret
    body: Annotated[str, Meta(max_length=262_144, description="The raw body as received")]
    headers: dict[str, str]
    tolerance: Annotated[
        int, Meta(ge=1, le=604_800, description="Accepted clock skew for webhook-timestamp, s")
    ] = 300


class VerifyCheck(msgspec.Struct):
    scheme: str
    valid: bool
    reason: str


class VerifyOut(msgspec.Struct):
    valid: bool
    reason: str
    checks: list[VerifyCheck]


class VerifyEnvelope(msgspec.Struct):
    success: bool
    data: VerifyOut


class EventTypeOut(msgspec.Struct):
    type: str
    category: str
    description: str
    schema: dict[str, Any]
    example: dict[str, Any]


class EventCatalogEnvelope(msgspec.Struct):
    success: bool
    data: list[EventTypeOut]
