"""The request explorer: search, one request's detail and streamed export over the raw
request log (`public.request_log`) of one business.

Every query is limited by `tenant_id`, which callers take from the signed-in business or the
API credential, never from user input. Lists are newest first with keyset paging on
(at, request_id), so a page deep in 30 days of rows costs the same as the first.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from jewelia.core.db import fetch
from jewelia.core.errors import FieldError, NotFound, ValidationFailed

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
EXPORT_CAP = 100_000  # rows in one download; narrow the filters for more
EXPORT_BATCH = 1_000
SOURCES = ("server", "client")
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
FIELDS = (
    "at",
    "request_id",
    "source",
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "request_size",
    "response_size",
    "credential_type",
    "credential_id",
    "credential_label",
    "ip_address",
    "user_agent",
    "error_code",
    "user_id",
)
_SELECT = ", ".join(f"host({f}) AS {f}" if f == "ip_address" else f for f in FIELDS)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_REQUEST_ID = re.compile(r"^[\x20-\x7e]{1,64}$")
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class Filters:
    """What to look for; None means any. `api_key` is a key's id or its prefix, `status` an
    exact code ("404") or a class ("4xx")."""

    since: datetime | None = None
    until: datetime | None = None
    api_key: str | None = None
    route: str | None = None
    status: str | None = None
    request_id: str | None = None
    source: str | None = None


def encode_cursor(row: dict[str, Any]) -> str:
    """An opaque cursor pointing after this row (newest-first order)."""
    raw = json.dumps([row["at"].isoformat(), row["request_id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, rid = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None or not isinstance(rid, str):
            raise ValueError
        return parsed, rid
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            [FieldError("cursor", "cursor is not valid", "INVALID_CURSOR")]
        ) from exc


def _status_range(status: str) -> tuple[int, int] | None:
    text = status.strip().lower()
    if text in STATUS_CLASSES:
        return int(text[0]) * 100, int(text[0]) * 100 + 99
    if text.isdigit() and 100 <= int(text) <= 599:
        return int(text), int(text)
    return None


def _where(tenant_id: uuid.UUID, f: Filters) -> tuple[list[str], list[Any]]:
    """SQL conditions and their arguments; the business is always the first."""
    errors: list[FieldError] = []
    conds, args = ["tenant_id = $1"], [tenant_id]

    def add(sql: str, *values: Any) -> None:
        for v in values:
            args.append(v)
            sql = sql.replace("?", f"${len(args)}", 1)
        conds.append(sql)

    for name in ("since", "until"):
        value = getattr(f, name)
        if value is not None and value.tzinfo is None:
            errors.append(FieldError(name, f"{name} needs a time zone", "INVALID_DATETIME"))
    if f.since and f.until and f.since.tzinfo and f.until.tzinfo and f.since > f.until:
        errors.append(FieldError("until", "until must not be before since", "OUT_OF_RANGE"))
    if f.since:
        add("at >= ?", f.since)
    if f.until:
        add("at < ?", f.until)
    if f.api_key:
        try:
            add("credential_type = 'api_key' AND credential_id = ?", uuid.UUID(f.api_key))
        except ValueError:
            add("credential_type = 'api_key' AND credential_label = ?", f.api_key.strip())
    if f.route:
        add("route = ?", f.route)
    if f.status:
        bounds = _status_range(f.status)
        if bounds is None:
            errors.append(
                FieldError("status", "status is a code (404) or a class (4xx)", "INVALID")
            )
        else:
            add("status BETWEEN ? AND ?", *bounds)
    if f.request_id:
        rid = f.request_id.strip()
        if not _REQUEST_ID.match(rid):
            errors.append(FieldError("request_id", "request_id is 1 to 64 characters", "INVALID"))
        add("request_id = ?", rid)
    if f.source:
        if f.source not in SOURCES:
            errors.append(FieldError("source", "source is server or client", "INVALID"))
        add("source = ?", f.source)
    if errors:
        raise ValidationFailed(errors)
    return conds, args


def validate(filters: Filters) -> None:
    """Raise ValidationFailed (with field details) for filters a search would refuse."""
    _where(uuid.UUID(int=0), filters)


async def _page(
    tenant_id: uuid.UUID, f: Filters, limit: int, after: tuple[datetime, str] | None
) -> list[dict[str, Any]]:
    conds, args = _where(tenant_id, f)
    if after is not None:
        args.extend(after)
        # `at <= …` alone is what the (tenant_id, at) index can seek to; the pair breaks ties.
        n = len(args)
        conds.append(f"at <= ${n - 1} AND (at, request_id) < (${n - 1}, ${n})")
    args.append(limit)
    return await fetch(
        f"SELECT {_SELECT} FROM public.request_log WHERE {' AND '.join(conds)}"
        f" ORDER BY at DESC, request_id DESC LIMIT ${len(args)}",
        *args,
    )


async def search(
    tenant_id: uuid.UUID,
    filters: Filters | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the business's requests, newest first, and the cursor of the next page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            [FieldError("limit", f"limit must be between 1 and {MAX_LIMIT}", "OUT_OF_RANGE")]
        )
    after = _decode_cursor(cursor) if cursor else None
    rows = await _page(tenant_id, filters or Filters(), limit + 1, after)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more else None


async def detail(tenant_id: uuid.UUID, request_id: str) -> list[dict[str, Any]]:
    """The row(s) logged under one request id (the server's, and a client's own report of it),
    or NotFound (also for another business's id)."""
    rows, _ = await search(tenant_id, Filters(request_id=request_id), limit=MAX_LIMIT)
    if not rows:
        raise NotFound("No request with this id in the last 30 days")
    return rows


async def iter_rows(
    tenant_id: uuid.UUID, filters: Filters | None = None, cap: int = EXPORT_CAP
) -> AsyncIterator[dict[str, Any]]:
    """Every matching row, newest first, read in keyset batches (no connection is held
    between batches, so a slow download does not pin one), at most `cap` rows."""
    f = filters or Filters()
    after: tuple[datetime, str] | None = None
    sent = 0
    while sent < cap:
        rows = await _page(tenant_id, f, min(EXPORT_BATCH, cap - sent), after)
        for row in rows:
            yield row
        sent += len(rows)
        if len(rows) < EXPORT_BATCH:
            return
        after = (rows[-1]["at"], rows[-1]["request_id"])


def _cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is quoted with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


async def export_csv(
    tenant_id: uuid.UUID, filters: Filters | None = None, cap: int = EXPORT_CAP
) -> AsyncIterator[bytes]:
    """The matching rows as CSV (a header line first), in chunks of about one batch."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(FIELDS)
    n = 0
    async for row in iter_rows(tenant_id, filters, cap):
        out.writerow([_cell(row[k]) for k in FIELDS])
        n += 1
        if n % EXPORT_BATCH == 0:
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row with JSON-friendly values (the time as ISO 8601, ids as text)."""
    return {
        k: v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v
        for k, v in row.items()
    }


async def export_json(
    tenant_id: uuid.UUID, filters: Filters | None = None, cap: int = EXPORT_CAP
) -> AsyncIterator[bytes]:
    """The matching rows as one JSON array, one object a line, in chunks."""
    parts: list[bytes] = [b"["]
    first = True
    async for row in iter_rows(tenant_id, filters, cap):
        parts.append((b"\n" if first else b",\n") + _encoder.encode(as_json(row)))
        first = False
        if len(parts) >= EXPORT_BATCH:
            yield b"".join(parts)
            parts = []
    parts.append(b"\n]\n")
    yield b"".join(parts)
