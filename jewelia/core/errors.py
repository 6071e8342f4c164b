"""The error envelope and codes from the API contract, and the app's exception handlers."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from jewelia.core.logs import redacted_path

log = logging.getLogger("jewelia.errors")

VALIDATION_ERROR = "VALIDATION_ERROR"
AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
AUTHORIZATION_ERROR = "AUTHORIZATION_ERROR"
NOT_FOUND = "NOT_FOUND"
CONFLICT = "CONFLICT"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED"
INTERNAL_ERROR = "INTERNAL_ERROR"


class FieldError(dict[str, str]):
    """One validation problem: {"field", "message", "code"}."""

    def __init__(self, field: str, message: str, code: str = "INVALID") -> None:
        super().__init__(field=field, message=message, code=code)


class AppError(Exception):
    """A failure a client can act on; rendered as the error envelope."""

    status_code = HTTP_400_BAD_REQUEST
    code = VALIDATION_ERROR

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(AppError):
    """Input did not pass validation; `details` lists the fields."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY
    code = VALIDATION_ERROR

    def __init__(self, errors: list[FieldError], message: str = "Validation error") -> None:
        super().__init__(message, errors)
        self.errors = errors

    def by_field(self) -> dict[str, str]:
        """Field name to first message, for forms."""
        out: dict[str, str] = {}
        for err in self.errors:
            out.setdefault(err["field"], err["message"])
        return out


class AuthenticationFailed(AppError):
    status_code = HTTP_401_UNAUTHORIZED
    code = AUTHENTICATION_ERROR


class PermissionDenied(AppError):
    status_code = HTTP_403_FORBIDDEN
    code = AUTHORIZATION_ERROR


class NotFound(AppError):
    status_code = HTTP_404_NOT_FOUND
    code = NOT_FOUND


class Conflict(AppError):
    status_code = HTTP_409_CONFLICT
    code = CONFLICT


class RateLimited(AppError):
    status_code = HTTP_429_TOO_MANY_REQUESTS
    code = RATE_LIMIT_EXCEEDED

    def __init__(
        self, message: str, retry_after: int, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = headers or {}


def envelope(message: str, code: str, details: Any = None) -> dict[str, Any]:
    """The error body every API error uses."""
    return {
        "success": False,
        "error": message,
        "details": details,
        "code": code,
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }


def error_response(
    message: str, code: str, status: int, details: Any = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    """A JSON error response in the envelope."""
    return Response(
        content=envelope(message, code, details),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


_HTTP_CODES = {
    HTTP_400_BAD_REQUEST: (VALIDATION_ERROR, "Bad request"),
    HTTP_401_UNAUTHORIZED: (AUTHENTICATION_ERROR, "Authentication required"),
    HTTP_403_FORBIDDEN: (AUTHORIZATION_ERROR, "Insufficient permissions"),
    HTTP_404_NOT_FOUND: (NOT_FOUND, "Resource not found"),
    HTTP_405_METHOD_NOT_ALLOWED: (METHOD_NOT_ALLOWED, "Method not allowed"),
    HTTP_413_REQUEST_ENTITY_TOO_LARGE: (PAYLOAD_TOO_LARGE, "Request body too large"),
    HTTP_429_TOO_MANY_REQUESTS: (RATE_LIMIT_EXCEEDED, "Rate limit exceeded"),
}


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in {"/health", "/ready"}:
        return False
    return "text/html" in request.headers.get("accept", "")


def _html_error(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    from litestar.response import Template

    # A signed-in member's page left its layout values (ctx, nav) here: the error keeps the
    # sidebar and their business instead of falling back to the public page.
    layout = request.state.get("page_layout") or {}
    return Template(  # type: ignore[return-value]
        template_name="error.html",
        context={**layout, "status": status, "message": message, "no_flash": True},
        status_code=status,
    )


def app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    """Render our own errors in the envelope."""
    if _wants_html(request):
        return _html_error(request, exc.status_code, exc.message)
    if isinstance(exc, RateLimited):
        body = {**envelope(exc.message, exc.code, exc.details), "retryAfter": exc.retry_after}
        headers = {**exc.headers, "Retry-After": str(exc.retry_after)}
        return Response(
            content=body, status_code=exc.status_code, media_type=MediaType.JSON, headers=headers
        )
    return error_response(exc.message, exc.code, exc.status_code, exc.details)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Render framework HTTP errors (404, 405, 413, bad JSON …) in the envelope."""
    status = exc.status_code
    code, default = _HTTP_CODES.get(status, (INTERNAL_ERROR, "Request failed"))
    details: Any = None
    message = default
    if isinstance(exc, ValidationException):
        code, status, message = VALIDATION_ERROR, HTTP_400_BAD_REQUEST, "Validation error"
        details = [
            _field_error(_public_key(request, item))
            for item in (exc.extra if isinstance(exc.extra, list) else [])
            if isinstance(item, dict)
        ] or [FieldError("body", _plain(str(exc.detail)), "MALFORMED_JSON")]
    elif status == HTTP_400_BAD_REQUEST:
        # Litestar raises a plain 400 when the body cannot be decoded at all.
        message = "Malformed JSON"
        details = [FieldError("body", _plain(str(exc.detail)), "MALFORMED_JSON")]
    elif isinstance(exc, NotFoundException):
        message = "Resource not found"
    elif status < 500 and exc.detail and exc.detail != default:
        details = exc.detail
    if status >= 500:
        log.error("http error %s: %s", status, exc.detail)
        message, details = "Internal server error", None
    if _wants_html(request):
        return _html_error(request, status, message)
    return error_response(message, code, status, details, dict(exc.headers or {}))


_NAMED = re.compile(r"(unknown|missing required) field `([^`]+)`")
_CODES = (
    ("unknown field", "UNKNOWN_FIELD"),
    ("missing required field", "REQUIRED"),
    ("Expected `", "INVALID_TYPE"),
    ("UUID", "INVALID_UUID"),
    ("date", "INVALID_DATE"),
    ("decimal", "INVALID_NUMBER"),
)


def _public_key(request: Request[Any, Any, Any], item: dict[str, Any]) -> dict[str, Any]:
    """The item with its key as the client spells it: a query parameter's alias (`isActive`),
    not the handler's argument name (`is_active`)."""
    key = item.get("key")
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(str(key))
    except Exception:  # no route (a 404) or no signature: keep the key
        return item
    alias = getattr(getattr(parameter, "kwarg_definition", None), "query", None)
    return {**item, "key": alias} if alias else item


def _plain(message: str) -> str:
    return message.replace("JSON is malformed", "Malformed JSON")


def _field_error(item: dict[str, Any]) -> FieldError:
    """A framework validation message as {"field", "message", "code"}."""
    text = str(item.get("message", "Invalid value"))
    field = str(item.get("key") or item.get("source") or "body")
    named = _NAMED.search(text)
    if named:
        field = named.group(2) if field in ("data", "body") else f"{field}.{named.group(2)}"
    elif field == "data":
        field = "body"
    code = next((c for needle, c in _CODES if needle in text), "INVALID")
    if re.search(r"[<>]=? ?-?\d", text):
        code = "OUT_OF_RANGE"
    return FieldError(field, text, code)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Log unexpected failures with their traceback; the client sees no internals."""
    log.exception("unhandled error on %s %s", request.method, redacted_path(request.url.path))
    if _wants_html(request):
        return _html_error(request, HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong.")
    return error_response("Internal server error", INTERNAL_ERROR, HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: app_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
