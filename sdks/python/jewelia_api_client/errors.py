"""Typed errors: one class per kind of failure, each carrying the API's code, details and the
request id the server logged (`x-request-id`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "AuthorizationError",
    "ConflictError",
    "JeweliaError",
    "NotFoundError",
    "RateLimitError",
    "ValidationError",
    "WebhookSignatureError",
]


class JeweliaError(Exception):
    """Base of every error the SDK raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: Any = None,
        request_id: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details
        self.request_id = request_id
        self.response = response

    def __str__(self) -> str:
        parts = [f"{self.status}" if self.status else "", self.code or "", self.message]
        text = " ".join(part for part in parts if part)
        return f"{text} (request id {self.request_id})" if self.request_id else text


class APIConnectionError(JeweliaError):
    """The server could not be reached or the connection broke (after any retries)."""


class APITimeoutError(APIConnectionError):
    """The request timed out (after any retries)."""


class APIError(JeweliaError):
    """A 5xx answer, or a status no other class covers."""


class ValidationError(JeweliaError):
    """400 or 422: `details` lists `{field, message, code}` for each field that failed."""


class AuthenticationError(JeweliaError):
    """401: the key or token is missing, invalid, expired or revoked."""


class AuthorizationError(JeweliaError):
    """403: the credential lacks the permission, or the address or business is refused."""


class NotFoundError(JeweliaError):
    """404: no such resource in this business."""


class ConflictError(JeweliaError):
    """409: the request conflicts with the current state (e.g. INSUFFICIENT_STOCK)."""


class RateLimitError(JeweliaError):
    """429 after any retries; `retry_after` is the server's wait in seconds, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class WebhookSignatureError(JeweliaError):
    """A webhook's signature is missing, malformed, stale or does not match the secret."""


_BY_STATUS: dict[int, type[JeweliaError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: AuthorizationError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header as seconds (a number or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_from_response(response: httpx.Response) -> JeweliaError:
    """The typed error for an error response, read from the `{success: false, ...}` envelope."""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    envelope = body if isinstance(body, dict) else {}
    status = response.status_code
    message = envelope.get("error") or response.reason_phrase or f"HTTP {status}"
    kwargs: dict[str, Any] = {
        "status": status,
        "code": envelope.get("code"),
        "details": envelope.get("details"),
        "request_id": response.headers.get("x-request-id"),
        "response": response,
    }
    kind = _BY_STATUS.get(status, APIError)
    if kind is RateLimitError:
        return RateLimitError(str(message), retry_after=retry_after_seconds(response), **kwargs)
    return kind(str(message), **kwargs)
