"""What every API controller shares: the success envelope, paging and list parameters."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Response
from litestar.response import File
from litestar.status_codes import HTTP_200_OK

from jewelia.core.errors import FieldError, ValidationFailed

MAX_LIMIT = 100
MAX_PAGE = 100_000  # deeper than this, walk with the cursor
_encoder = msgspec.json.Encoder(decimal_format="number")


class Pagination(msgspec.Struct):
    """Page-based paging as in the contract, plus a cursor for walking long lists."""

    page: int
    limit: int
    total: int
    totalPages: int
    next_cursor: str | None = None


def ok(
    data: Any, status_code: int = HTTP_200_OK, headers: dict[str, str] | None = None
) -> Response[Any]:
    """A success envelope; Decimal money is written as a JSON number, exactly."""
    body = _encoder.encode({"success": True, "data": data})
    return Response(
        content=body, status_code=status_code, media_type="application/json", headers=headers
    )


def ok_list(
    items: list[Any], page: Page, total: int, next_cursor: str | None = None
) -> Response[Any]:
    """A list envelope with pagination."""
    body = _encoder.encode(
        {
            "success": True,
            "data": items,
            "pagination": {
                "page": page.page,
                "limit": page.limit,
                "total": total,
                "totalPages": math.ceil(total / page.limit) if total else 0,
                "next_cursor": next_cursor,
            },
        }
    )
    return Response(content=body, media_type="application/json")


@dataclass(frozen=True)
class Page:
    """Validated paging input: page/limit, or a cursor from a previous page."""

    page: int
    limit: int
    cursor: tuple[datetime, UUID] | None = None

    @property
    def offset(self) -> int:
        return 0 if self.cursor else (self.page - 1) * self.limit


def parse_page(page: int | None, limit: int | None, cursor: str | None) -> Page:
    """Check paging parameters (limit at most 100)."""
    errors = []
    page = 1 if page is None else page
    limit = 20 if limit is None else limit
    if not 1 <= page <= MAX_PAGE:
        errors.append(FieldError("page", f"page must be between 1 and {MAX_PAGE}", "OUT_OF_RANGE"))
    if not 1 <= limit <= MAX_LIMIT:
        errors.append(
            FieldError("limit", f"limit must be between 1 and {MAX_LIMIT}", "OUT_OF_RANGE")
        )
    decoded = None
    if cursor:
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
            decoded = (datetime.fromisoformat(raw[0]), UUID(raw[1]))
        except (ValueError, TypeError, IndexError, json.JSONDecodeError):
            errors.append(FieldError("cursor", "cursor is not valid", "INVALID_CURSOR"))
    if errors:
        raise ValidationFailed(errors)
    return Page(page=page, limit=limit, cursor=decoded)


def page_of(page: int | None, limit: int) -> Page:
    """Paging for the site's list pages: any page number is clamped into 1..MAX_PAGE."""
    return parse_page(max(1, min(page or 1, MAX_PAGE)), max(1, min(limit, MAX_LIMIT)), None)


def make_cursor(created_at: datetime, row_id: UUID) -> str:
    """An opaque cursor pointing after this row (newest-first order)."""
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_datetime(field: str, value: str | None) -> datetime | None:
    """An ISO 8601 date-time with a time zone (or a plain date, read as UTC midnight)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or (parsed.tzinfo is None and "T" in value):
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    f"{field} must be an ISO 8601 date-time with a time zone",
                    "INVALID_DATETIME",
                )
            ]
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def operation_ids(**by_method: str) -> Callable[..., str]:
    """An OpenAPI operationId per HTTP method, for one handler serving several methods."""

    def creator(handler: Any, method: Any, path: Any) -> str:
        return by_method[str(method.value if hasattr(method, "value") else method)]

    return creator


def attachment(path: Any, name: str, media: str) -> File:
    """A file download (Content-Disposition: attachment) of a stored file; `media` may carry
    `; charset=…`, which Litestar wants apart (it appends the charset to text/* types itself)."""
    media_type, _, charset = media.partition("; charset=")
    return File(
        path=path,
        filename=name,
        media_type=media_type,
        encoding=charset or "utf-8",
        content_disposition_type="attachment",
    )
