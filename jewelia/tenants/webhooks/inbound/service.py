"""Incoming webhooks: sources that may send us events, receiving them, processing them.

A source stands for an installed integration; its id is the `integrationId` in
`POST /api/v1/webhooks/{integrationId}` and `public.inbound_route` maps it to its tenant.
Receiving checks the signature and timestamp (see inbound_verify), stores the event once per
sender event id and body, and hands it to a worker. Processing applies the event to the CRM
through the CRM services (see inbound_handlers) and records the outcome on the event row.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from redis.exceptions import RedisError

from jewelia.core import jobs
from jewelia.core.api import Page
from jewelia.core.db import DB, TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import (
    AppError,
    AuthenticationFailed,
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from jewelia.core.redis_client import get_redis
from jewelia.core.security import encrypt_secret
from jewelia.core.settings import get_settings
from jewelia.core.validation import Checker
from jewelia.platform.billing import limits, ratelimit
from jewelia.platform.billing.plans import plan_named
from jewelia.platform.tenancy.registry import get_tenant
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.webhooks import signing
from jewelia.tenants.webhooks.inbound import verify
from jewelia.tenants.webhooks.inbound.handlers import HANDLERS, HandlerContext, describe

log = logging.getLogger("jewelia.inbound")

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
DEFAULT_GRACE_HOURS = 24
MAX_GRACE_HOURS = 168
MAX_ATTEMPTS = 5
# Unsigned or badly signed requests per source and client address, per window: answered
# 401 up to the limit, then 429. They are never charged to the tenant's budget.
BAD_SIGNATURE_LIMIT = 20
BAD_SIGNATURE_WINDOW = 60
STATUSES = ("received", "processed", "ignored", "failed")
_EVENT_NAME = r"^[A-Za-z0-9_.:\-]{1,100}$"
_SOURCE_COLUMNS = "id, name, enabled, created_at, updated_at, previous_secret_expires_at"
_EVENT_COLUMNS = (
    "id, source_id, external_id, event_type, status, attempts, result, error, payload,"
    " received_at, processed_at"
)


@dataclass(frozen=True)
class InboundSource:
    """A source as listed: never its secret."""

    id: uuid.UUID
    name: str
    enabled: bool
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None

    @property
    def receive_url(self) -> str:
        return f"{get_settings().base_url}/api/v1/webhooks/{self.id}"


@dataclass(frozen=True)
class NewSecret:
    """A source with its secret, returned once (at creation and rotation)."""

    source: InboundSource
    secret: str


@dataclass(frozen=True)
class Received:
    """What receiving did: the stored event's id, and whether it was seen before."""

    event_id: uuid.UUID
    event_type: str
    status: str
    duplicate: bool
    rate_headers: dict[str, str]


# -- sources -------------------------------------------------------------------------------


def _new_secret() -> str:
    """`whsec_` and base64 of 24 random bytes (the same form as outgoing webhook secrets)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


async def _source_row(source_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    rows = await fetch(
        f"SELECT {_SOURCE_COLUMNS} FROM inbound_source WHERE id = $1"
        + (" FOR UPDATE" if lock else ""),
        source_id,
    )
    if not rows:
        raise NotFound("Inbound webhook source not found")
    return rows[0]


async def create_source(tenant: TenantRef, actor: Actor, name: str) -> NewSecret:
    """A new source with a generated secret (shown once) and its route, in one transaction."""
    check = Checker()
    name = check.text("name", name, "Name", 120)
    check.raise_if_any()
    secret = _new_secret()
    source_id = uuid.uuid4()
    async with tenant_scope(tenant):
        await limits.enforce(
            tenant.id, "inbound_sources", "SELECT count(*) AS n FROM inbound_source"
        )
        row = (
            await fetch(
                "INSERT INTO inbound_source (id, name, secret_encrypted) VALUES ($1, $2, $3)"
                f" RETURNING {_SOURCE_COLUMNS}",
                source_id,
                name,
                encrypt_secret(secret),
            )
        )[0]
        await execute(
            "INSERT INTO public.inbound_route (id, tenant_id) VALUES ($1, $2)", source_id, tenant.id
        )
        await record(
            actor, "inbound_source.created", "inbound_source", source_id, None, {"name": name}
        )
    return NewSecret(InboundSource(**row), secret)


async def list_sources(tenant: TenantRef) -> list[InboundSource]:
    """Every source of the tenant, newest first."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {_SOURCE_COLUMNS} FROM inbound_source ORDER BY created_at DESC, id DESC"
        )
    return [InboundSource(**r) for r in rows]


async def get_source(tenant: TenantRef, source_id: uuid.UUID) -> InboundSource:
    """One source, or NotFound (also for another tenant's source)."""
    async with tenant_scope(tenant):
        return InboundSource(**await _source_row(source_id))


async def rotate_secret(
    tenant: TenantRef, actor: Actor, source_id: uuid.UUID, grace_hours: int = DEFAULT_GRACE_HOURS
) -> NewSecret:
    """A new secret; the old one still verifies for `grace_hours` (0-168) so senders can switch."""
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValidationFailed(
            [
                FieldError(
                    "grace_period_hours",
                    f"grace_period_hours must be between 0 and {MAX_GRACE_HOURS}",
                    "OUT_OF_RANGE",
                )
            ]
        )
    secret = _new_secret()
    async with tenant_scope(tenant):
        await _source_row(source_id, lock=True)
        expires = datetime.now(UTC) + timedelta(hours=grace_hours) if grace_hours else None
        row = (
            await fetch(
                "UPDATE inbound_source SET previous_secret_encrypted ="
                " CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE secret_encrypted END,"
                " previous_secret_expires_at = $3, secret_encrypted = $2, updated_at = now()"
                f" WHERE id = $1 RETURNING {_SOURCE_COLUMNS}",
                source_id,
                encrypt_secret(secret),
                expires,
            )
        )[0]
        await record(actor, "inbound_source.secret_rotated", "inbound_source", source_id)
    return NewSecret(InboundSource(**row), secret)


async def delete_source(tenant: TenantRef, actor: Actor, source_id: uuid.UUID) -> InboundSource:
    """Remove a source, its route and its received events."""
    async with tenant_scope(tenant):
        source = InboundSource(**await _source_row(source_id, lock=True))
        await execute(
            "DELETE FROM public.inbound_route WHERE id = $1 AND tenant_id = $2",
            source_id,
            tenant.id,
        )
        await execute("DELETE FROM inbound_source WHERE id = $1", source_id)
        await record(
            actor, "inbound_source.deleted", "inbound_source", source_id, {"name": source.name}
        )
    return source


def _event_out(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["event"] = out.pop("event_type")
    for key in ("payload", "result"):
        if isinstance(out[key], str):
            out[key] = json.loads(out[key])
    return out


async def list_events(
    tenant: TenantRef, source_id: uuid.UUID, page: Page, status: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Received events of a source, newest first, optionally of one status."""
    if status is not None:
        check = Checker()
        check.choice("status", status, STATUSES, "status")
        check.raise_if_any()
    async with tenant_scope(tenant):
        await _source_row(source_id)
        rows = await fetch(
            f"SELECT {_EVENT_COLUMNS} FROM inbound_event WHERE source_id = $1"
            " AND ($2::text IS NULL OR status = $2)"
            " ORDER BY received_at DESC, id DESC LIMIT $3 OFFSET $4",
            source_id,
            status,
            page.limit,
            page.offset,
        )
        total = (
            await fetch(
                "SELECT count(*) AS n FROM inbound_event WHERE source_id = $1"
                " AND ($2::text IS NULL OR status = $2)",
                source_id,
                status,
            )
        )[0]["n"]
    return [_event_out(r) for r in rows], int(total)


async def recent_events(tenant: TenantRef, limit: int = 20) -> list[dict[str, Any]]:
    """The latest events from every source, with the source's name (for the page)."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT e.id, e.source_id, s.name AS source_name, e.external_id, e.event_type,"
            " e.status, e.attempts, e.error, e.received_at, e.processed_at"
            " FROM inbound_event e JOIN inbound_source s ON s.id = e.source_id"
            " ORDER BY e.received_at DESC, e.id DESC LIMIT $1",
            limit,
        )
    return [{"event": r.pop("event_type"), **r} for r in rows]


# -- receiving -----------------------------------------------------------------------------


async def _route(integration_id: uuid.UUID) -> dict[str, Any]:
    rows = await fetch(
        "SELECT r.tenant_id, t.schema_name, t.status, t.plan FROM public.inbound_route r"
        " JOIN public.tenant t ON t.id = r.tenant_id WHERE r.id = $1",
        integration_id,
    )
    if not rows:
        raise NotFound("Integration not found")
    if rows[0]["status"] != "active":
        raise PermissionDenied(f"This business is {rows[0]['status']}")
    return rows[0]


async def _charge(integration_id: uuid.UUID, route: dict[str, Any]) -> dict[str, str]:
    """Count the request against the source's hourly budget (the tenant plan's API rate)."""
    if not get_settings().rate_limits:
        return {}
    plan = await plan_named(route["plan"])
    decision = await ratelimit.check(
        [f"inbound:{integration_id}"], plan.requests_per_hour, route["tenant_id"]
    )
    if not decision.allowed:
        raise RateLimited("Rate limit exceeded", decision.retry_after, decision.headers())
    return decision.headers()


async def _refused(integration_id: uuid.UUID, client: str) -> None:
    """Count an unsigned, badly signed or stale request against its own small throttle.

    One Redis counter per (source, client address) and window, apart from the tenant's
    billed budget, so a flood of forgeries never pushes the real sender into 429.
    """
    key = f"throttle:inbound:{integration_id}:{client}"
    try:
        pipe = get_redis().pipeline()
        pipe.set(key, 0, ex=BAD_SIGNATURE_WINDOW, nx=True)  # the window opens once
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = await pipe.execute()
    except (RedisError, OSError):
        log.warning("inbound throttle unavailable: redis error")
        return
    if int(count) > BAD_SIGNATURE_LIMIT:
        raise RateLimited(
            "Too many unsigned or badly signed requests from this address", max(1, int(ttl))
        )


def _parse(raw_body: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(JSON object, None), or (None, why it is malformed)."""
    try:
        text = raw_body.decode("utf-8")
        body = json.loads(text, parse_float=lambda s: s)  # numbers are not needed here
    except (UnicodeDecodeError, ValueError) as exc:  # also integers past 4,300 digits
        return None, f"Malformed JSON: {exc}"
    if not isinstance(body, dict):
        return None, "The body must be a JSON object"
    return body, None


def _validate(body: dict[str, Any]) -> str:
    """The event type, or ValidationFailed for a body that is not an event."""
    check = Checker()
    event = body.get("event")
    if not isinstance(event, str) or not event:
        check.add("event", "event is required (a string such as order.created)", "REQUIRED")
    elif not re.fullmatch(_EVENT_NAME, event):
        check.add("event", "event must be 1-100 letters, digits, '.', '_', ':' or '-'", "INVALID")
    if "data" in body and not isinstance(body["data"], dict):
        check.add("data", "data must be a JSON object", "INVALID_TYPE")
    given_id = body.get("id")
    if "id" in body and (
        isinstance(given_id, bool)
        or not isinstance(given_id, str | int)
        or not 0 < len(str(given_id)) <= 255
    ):
        check.add("id", "id must be a string of 1-255 characters or an integer", "INVALID")
    check.raise_if_any()
    return str(event)


async def _secrets(source_id: uuid.UUID) -> list[str]:
    """The secrets that may sign for this source now (current, and previous during grace)."""
    rows = await fetch(
        "SELECT enabled, secret_encrypted, previous_secret_encrypted,"
        " previous_secret_expires_at FROM inbound_source WHERE id = $1",
        source_id,
    )
    if not rows or not rows[0]["enabled"]:
        raise NotFound("Integration not found")
    return signing.signing_secrets(rows[0], datetime.now(UTC))


async def receive(
    integration_id: uuid.UUID,
    raw_body: bytes,
    headers: Mapping[str, str],
    client: str = "unknown",
) -> Received:
    """Verify, store once and enqueue an incoming event. Nothing is written when it is refused.

    Unknown integration: NotFound. Bad or missing signature, missing or stale timestamp:
    AuthenticationFailed, counted per (source, `client` address) and 429 past a small limit.
    Only verified requests are charged to the tenant's budget. Malformed JSON (400) or a
    body that is not an event (422): VALIDATION_ERROR. A repeat of a stored event (same id,
    or same body) is a duplicate.
    """
    headers = {k.lower(): v for k, v in headers.items()}
    route = await _route(integration_id)
    body, malformed = _parse(raw_body)
    tenant = TenantRef(route["tenant_id"], route["schema_name"])
    async with tenant_scope(tenant):
        keys = await _secrets(integration_id)
        # With the header method the signature is checked before the body is even read.
        if not verify.signed_by_header(headers) and body is None:
            await _refused(integration_id, client)
            raise _malformed(malformed)
        if not verify.verify(keys, raw_body, headers, (body or {}).get("signature")):
            await _refused(integration_id, client)
            raise AuthenticationFailed("Invalid or missing webhook signature")
        if body is not None and not verify.is_fresh(verify.event_timestamp(body, headers)):
            await _refused(integration_id, client)  # a replay of an old, signed request
            raise AuthenticationFailed(
                "Missing or stale timestamp: send one within 5 minutes of now"
            )
        rate_headers = await _charge(integration_id, route)
        if body is None:
            raise _malformed(malformed)
        event_type = _validate(body)
        external_id = verify.event_key(body, headers, raw_body)
        digest = verify.body_digest(raw_body)
        try:
            rows = await fetch(
                "INSERT INTO inbound_event (id, source_id, external_id, body_sha256, event_type,"
                " payload) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING"
                " RETURNING id, status",
                uuid.uuid4(),
                integration_id,
                external_id,
                digest,
                event_type,
                raw_body.decode("utf-8"),
            )
        except asyncpg.DataError as exc:  # e.g. \u0000, which jsonb cannot hold
            raise ValidationFailed(
                [FieldError("body", f"The body cannot be stored: {exc}", "INVALID")]
            ) from exc
        duplicate = not rows
        if duplicate:
            rows = await fetch(
                "SELECT id, status FROM inbound_event WHERE source_id = $1"
                " AND (external_id = $2 OR body_sha256 = $3) LIMIT 1",
                integration_id,
                external_id,
                digest,
            )
        if not rows:  # the other copy was rolled back meanwhile: let the sender retry
            raise Conflict("The same event is being received right now; retry")
    event_id, status = rows[0]["id"], rows[0]["status"]
    if not duplicate:
        await _enqueue(tenant.id, event_id)
    return Received(event_id, event_type, status, duplicate, rate_headers)


def _malformed(message: str | None) -> AppError:
    return AppError(
        "Malformed JSON", [FieldError("body", message or "Malformed JSON", "MALFORMED_JSON")]
    )


async def _enqueue(tenant_id: uuid.UUID, event_id: uuid.UUID) -> None:
    """Hand the event to a worker; if the queue is down the sweeper picks it up later."""
    try:
        await asyncio.to_thread(
            jobs.enqueue,
            "process_inbound_event",
            str(tenant_id),
            str(event_id),
            queue_name="inbound",
        )
    except Exception:
        log.exception("could not enqueue inbound event %s; the sweeper will retry", event_id)


# -- processing ----------------------------------------------------------------------------


async def _finish(event_id: uuid.UUID, status: str, result: Any, error: str | None) -> None:
    await execute(
        "UPDATE inbound_event SET status = $2, result = $3::jsonb, error = $4,"
        " attempts = attempts + 1, processed_at = now() WHERE id = $1",
        event_id,
        status,
        None if result is None else json.dumps(result, default=str),
        error,
    )


async def _note_failure(tenant: TenantRef, event_id: uuid.UUID, exc: BaseException) -> None:
    """An unexpected failure: count the attempt, keep the error, give up after MAX_ATTEMPTS."""
    message = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        async with tenant_scope(tenant):
            await execute(
                "UPDATE inbound_event SET attempts = attempts + 1, error = $2,"
                " status = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE status END,"
                " processed_at = CASE WHEN attempts + 1 >= $3 THEN now() END"
                " WHERE id = $1 AND status = 'received'",
                event_id,
                message,
                MAX_ATTEMPTS,
            )
    except Exception:
        log.exception("could not record the failure of inbound event %s", event_id)


async def process_event(tenant_id: uuid.UUID, event_id: uuid.UUID) -> str | None:
    """Apply a received event to the CRM once; return its final status (None if it is gone).

    The row is locked while it is handled and marked in the same transaction as the change,
    so a retried or repeated message cannot apply it twice. A rule the CRM refuses
    (validation, stock, not found) marks the event failed with the reason; anything
    unexpected is counted and raised so the worker retries it.
    """
    try:
        tenant = await get_tenant(tenant_id)
    except NotFound:
        return None
    ref = tenant.ref
    try:
        async with tenant_scope(ref):
            rows = await fetch(
                "SELECT e.status, e.event_type, e.payload, e.source_id, s.name"
                " FROM inbound_event e JOIN inbound_source s ON s.id = e.source_id"
                " WHERE e.id = $1 FOR UPDATE OF e",
                event_id,
            )
            if not rows:
                return None
            row = rows[0]
            if row["status"] != "received":
                return str(row["status"])
            handler = HANDLERS.get(row["event_type"])
            if handler is None:
                await _finish(event_id, "ignored", {"reason": "no handler for this event"}, None)
                return "ignored"
            payload = json.loads(row["payload"], parse_float=Decimal)
            data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
            actor = Actor("integration", row["source_id"], f"integration {row['name']}")
            context = HandlerContext(tenant, row["source_id"], row["name"], actor)
            txn = DB.current_transaction.get()
            assert txn is not None
            savepoint = await txn.savepoint()
            try:
                result = await handler(context, data)
            except (AppError, TypeError, ValueError, AttributeError, KeyError) as exc:
                await savepoint.rollback_to()
                message, details = describe(exc)
                await _finish(event_id, "failed", {"errors": details} if details else None, message)
                return "failed"
            await savepoint.release()
            await _finish(event_id, "processed", result, None)
            return "processed"
    except Exception as exc:
        await _note_failure(ref, event_id, exc)
        raise


async def pending_events(
    older_than_seconds: float = 120, limit: int = 500
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(tenant id, event id) of events still waiting after a while (lost enqueue, crash)."""
    tenants = await fetch(
        "SELECT DISTINCT r.tenant_id, t.schema_name FROM public.inbound_route r"
        " JOIN public.tenant t ON t.id = r.tenant_id WHERE t.status = 'active'"
    )
    out: list[tuple[uuid.UUID, uuid.UUID]] = []
    for t in tenants:
        async with tenant_scope(TenantRef(t["tenant_id"], t["schema_name"])):
            rows = await fetch(
                "SELECT id FROM inbound_event WHERE status = 'received'"
                " AND received_at < now() - make_interval(secs => $1) AND attempts < $2"
                " ORDER BY received_at LIMIT $3",
                float(older_than_seconds),
                MAX_ATTEMPTS,
                limit - len(out),
            )
        out += [(t["tenant_id"], r["id"]) for r in rows]
        if len(out) >= limit:
            break
    return out
