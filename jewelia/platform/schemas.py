"""Shared API structs: pagination, errors, and helpers for partial updates."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec

from jewelia.platform.api import ErrorEnvelope, Pagination

__all__ = ["ERROR_RESPONSES", "Pagination", "given"]


def given(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones left out)."""
    out = {}
    for field in struct.__struct_fields__:
        value = getattr(struct, field)
        if value is msgspec.UNSET:
            continue
        out[field] = msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else value
    return out


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorEnvelope, description=description)


ERROR_RESPONSES = {
    400: _error("Malformed request (bad JSON, wrong types, unknown fields): VALIDATION_ERROR"),
    401: _error("Missing, invalid, expired or revoked credentials: AUTHENTICATION_ERROR"),
    403: _error("The credential lacks the permission: AUTHORIZATION_ERROR"),
    404: _error("No such resource in this business: NOT_FOUND"),
    413: _error("Request body too large: PAYLOAD_TOO_LARGE"),
    422: _error("Field validation failed: VALIDATION_ERROR with field details"),
    429: _error("Rate limit exceeded: RATE_LIMIT_EXCEEDED"),
    500: _error("Unexpected server error: INTERNAL_ERROR"),
}
