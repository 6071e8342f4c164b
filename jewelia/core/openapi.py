"""OpenAPI at /api/v1/openapi.json; /api/v1/docs sends readers to the developer portal's
interactive reference (/developers/reference)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Redirect

REFERENCE_PATH = "/developers/reference"
MOVED_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Jewelia API reference'
    f'</title></head><body><p>The API reference is at <a href="{REFERENCE_PATH}">'
    f"{REFERENCE_PATH}</a>.</p></body></html>"
)


class ReferenceLinkPlugin(OpenAPIRenderPlugin):
    """Litestar's own docs route (under /api/v1/_schema) points to the portal's reference
    instead of a page that would load viewers from a CDN."""

    def __init__(self) -> None:
        super().__init__(path="/docs")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return MOVED_HTML.encode()


def openapi_config() -> OpenAPIConfig:
    """The API description: bearer auth (API key or JWT) on every operation."""
    return OpenAPIConfig(
        title="Jewelia API",
        version="1.0.0",
        description=(
            "REST API for Jewelia. Authenticate with `Authorization: Bearer <API key or JWT>`. "
            "Responses use `{success, data, pagination}`; errors use "
            "`{success: false, error, details, code, timestamp}`."
        ),
        # Litestar's own routes (with a catch-all) live out of the way; ours are below.
        path="/api/v1/_schema",
        render_plugins=[ReferenceLinkPlugin()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="API key (jw_live_…) or JWT access token",
                )
            }
        ),
        security=[{"bearer": []}],
        use_handler_docstrings=True,
    )


ERROR_STATUSES = {
    "400": "Malformed request (bad JSON, wrong types, unknown fields): VALIDATION_ERROR",
    "401": "Missing, invalid, expired or revoked credentials: AUTHENTICATION_ERROR",
    "403": "The credential lacks the permission, or the business is suspended: AUTHORIZATION_ERROR",
    "404": "No such resource in this business: NOT_FOUND",
    "409": "Conflict with the current state (e.g. INSUFFICIENT_STOCK, IDEMPOTENCY_IN_PROGRESS)",
    "413": "Request body too large: PAYLOAD_TOO_LARGE",
    "422": "Field validation failed: VALIDATION_ERROR with [{field, message, code}]",
    "429": "Rate limit exceeded: RATE_LIMIT_EXCEEDED",
    "500": "Unexpected server error: INTERNAL_ERROR",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["success", "error", "code", "timestamp"],
    "properties": {
        "success": {"type": "boolean", "const": False},
        "error": {"type": "string"},
        "code": {"type": "string"},
        "timestamp": {"type": "string", "format": "date-time"},
        "details": {
            "oneOf": [
                {"type": "null"},
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
            ]
        },
    },
}


def with_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Document the error envelope on every API operation, once, in one place."""
    document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_STATUSES.items():
                # Replaces Litestar's default 400 schema: our errors all use the envelope.
                operation["responses"][status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
    return document


@get("/api/v1/openapi.json", include_in_schema=False, media_type=MediaType.JSON)
async def openapi_json(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """The OpenAPI 3.1 document."""
    document = with_error_responses(request.app.openapi_schema.to_schema())
    return Response(document, media_type=MediaType.JSON)


@get("/api/v1/docs", include_in_schema=False)
async def api_docs() -> Redirect:
    """The interactive reference moved to the developer portal."""
    return Redirect(path=REFERENCE_PATH, status_code=301)
