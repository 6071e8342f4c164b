"""The sender's half of webhook delivery: POST each delivery signed, store every attempt,
reschedule failures, track endpoint health, announce outcomes to live dashboards.

Rows come from the dispatcher (dispatch.py). Delivery is at least once; a repeat carries the
same `webhook-id`, so receivers can drop it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from jewelia.core import metrics
from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import ValidationFailed
from jewelia.core.outbound import check_url, guarded_client
from jewelia.core.redis_client import get_redis
from jewelia.core.settings import get_settings
from jewelia.platform.mail.service import queue_email
from jewelia.platform.tenancy.registry import live_tenant
from jewelia.tenants.webhooks import signing
from jewelia.tenants.webhooks.outbound.dispatch import SUSPENDED_APP, Job, lease_seconds
from jewelia.tenants.webhooks.outbound.service import mark_due

log = logging.getLogger("jewelia.webhooks")

# Delay before each retry, in units of the endpoint's base delay (5 s by default):
# immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
SCHEDULE = (0, 1, 60, 360, 1440, 3600, 7200, 7200)
MAX_RETRY_AFTER = 36_000
TIMEOUT_SECONDS = 15.0
RESPONSE_LIMIT = 20 * 1024
DISABLE_AFTER = timedelta(days=5)
USER_AGENT = "Jewelia-Webhooks/1.0"


def live_channel(tenant_id: uuid.UUID) -> str:
    """The Redis channel the dashboard listens on for a tenant's deliveries."""
    return f"jewelia:webhooks:{tenant_id}"


@dataclass
class Outcome:
    """What one attempt did."""

    row: dict[str, Any]
    headers: dict[str, str]
    status_code: int | None = None
    response_headers: dict[str, str] | None = None
    response_body: str | None = None
    duration_ms: float = 0.0
    error: str | None = None
    retryable: bool = True

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


_client: httpx.AsyncClient | None = None


def http_client() -> httpx.AsyncClient:
    """One SSRF-guarded client per worker process (keeps connections to receivers open)."""
    global _client
    if _client is None or _client.is_closed:
        _client = guarded_client(
            timeout=TIMEOUT_SECONDS,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
        )
    return _client


def message_id(event_id: uuid.UUID) -> str:
    """The `webhook-id` of an event: the same on every attempt and every endpoint."""
    return f"msg_{event_id.hex}"


async def attempt(row: dict[str, Any], now: datetime) -> Outcome:
    """POST one delivery's body, signed, to its endpoint; never raises (any failure is the
    attempt's recorded error, so one odd delivery cannot stall its batch)."""
    out = Outcome(row, {"User-Agent": USER_AGENT})
    start = time.perf_counter()
    try:
        check_url(row["url"])  # the check made when the URL was saved, before httpx parses it
        body = row["body"].encode()
        out.headers = signing.signed_headers(
            signing.signing_secrets(row, now), message_id(row["event_id"]), int(time.time()), body
        )
        out.headers["User-Agent"] = USER_AGENT
        # httpx's timeout is per read: a receiver trickling bytes needs an overall deadline.
        async with (
            asyncio.timeout(TIMEOUT_SECONDS),
            http_client().stream("POST", row["url"], content=body, headers=out.headers) as resp,
        ):
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= RESPONSE_LIMIT:
                    break
            out.status_code = resp.status_code
            out.response_headers = {k: storable(v) for k, v in resp.headers.items()}
            text = b"".join(chunks)[:RESPONSE_LIMIT].decode("utf-8", "replace")
            out.response_body = storable(text)
    except ValidationFailed as exc:  # the SSRF guard refused the address
        out.error, out.retryable = exc.message, False
    except (httpx.TimeoutException, TimeoutError):
        out.error = f"Timed out after {TIMEOUT_SECONDS:.0f} s"
    except httpx.HTTPError as exc:
        out.error = storable(f"{type(exc).__name__}: {exc}"[:1000])
    except Exception as exc:
        log.warning("webhook delivery %s: unexpected error", row["id"], exc_info=True)
        out.error = storable(f"Unexpected error: {type(exc).__name__}: {exc}"[:1000])
    out.duration_ms = round((time.perf_counter() - start) * 1000, 2)
    if out.status_code is not None and not out.ok:
        out.error = f"HTTP {out.status_code}"
    return out


def storable(text: str) -> str:
    """Text PostgreSQL can store (text and jsonb refuse NUL characters)."""
    return text.replace("\x00", "\ufffd")


def retry_after_seconds(out: Outcome, now: datetime) -> float | None:
    """The receiver's Retry-After (seconds or an HTTP date) on 429/503, bounded."""
    if out.status_code not in (429, 503) or not out.response_headers:
        return None
    value = out.response_headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def next_delay(out: Outcome, attempts_made: int, now: datetime) -> float | None:
    """Seconds until the next attempt, or None when the delivery has failed for good."""
    row = out.row
    if not out.retryable or out.status_code == 410 or attempts_made >= row["max_attempts"]:
        return None
    hinted = retry_after_seconds(out, now)
    if hinted is not None:
        return hinted
    step = SCHEDULE[min(attempts_made, len(SCHEDULE) - 1)] * row["retry_base_seconds"]
    return step * random.uniform(1.0, 1.1)  # jitter spreads retries of one outage


async def deliver(tenant_id: uuid.UUID, delivery_ids: list[uuid.UUID]) -> list[Job]:
    """Attempt the given deliveries (those still due), record the outcomes; retry jobs."""
    tenant = await live_tenant(tenant_id)
    if tenant is None:
        return []
    now = datetime.now(UTC)
    async with tenant_scope(tenant.ref):
        # An endpoint an installed app owns signs with the app's current client secret, and
        # its bodies carry the tenant id (one app serves many businesses).
        rows = await fetch(
            "SELECT d.id, d.endpoint_id, d.event_id, d.event_type, CASE WHEN e.app_install_id"
            " IS NULL THEN d.payload::text ELSE (d.payload || jsonb_build_object('tenant_id',"
            " $2::text))::text END AS body, d.attempt_count, e.url, e.enabled,"
            " coalesce((SELECT l.client_secret_enc FROM public.app_install i JOIN public.listing"
            " l ON l.id = i.listing_id WHERE i.id = e.app_install_id), e.secret_encrypted)"
            " AS secret_encrypted, CASE WHEN e.app_install_id IS NULL THEN"
            " e.previous_secret_encrypted END AS previous_secret_encrypted,"
            " e.previous_secret_expires_at, e.max_attempts, e.retry_base_seconds,"
            f" {SUSPENDED_APP} AS suspended"
            " FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id"
            " WHERE d.id = ANY($1::uuid[]) AND d.status IN ('pending', 'retrying')"
            " AND d.next_attempt_at <= now() + interval '1 second'",
            delivery_ids,
            str(tenant_id),
        )
    if not rows:
        return []
    sendable = [r for r in rows if r["enabled"] and not r["suspended"]]
    outcomes = list(await asyncio.gather(*(attempt(r, now) for r in sendable)))
    for r in rows:
        if not r["enabled"]:
            outcomes.append(Outcome(r, {}, error="Endpoint disabled", retryable=False))
        elif r["suspended"]:
            outcomes.append(Outcome(r, {}, error="App suspended", retryable=False))
    return await record_outcomes(tenant.ref, outcomes)


async def record_outcomes(tenant: TenantRef, outcomes: list[Outcome]) -> list[Job]:
    """Store attempts, move deliveries on, track endpoint health; one transaction."""
    now = datetime.now(UTC)
    ids: list[uuid.UUID] = []
    statuses: list[str] = []
    next_at: list[datetime | None] = []
    codes: list[int | None] = []
    errors: list[str | None] = []
    durations: list[float | None] = []
    retries: list[Job] = []
    for out in outcomes:
        made = out.row["attempt_count"] + 1 if out.headers else out.row["attempt_count"]
        delay = None if out.ok else next_delay(out, made, now)
        ids.append(out.row["id"])
        codes.append(out.status_code)
        errors.append(out.error)
        durations.append(out.duration_ms if out.headers else None)
        if out.ok:
            statuses.append("succeeded")
            next_at.append(None)
        elif delay is None:
            statuses.append("failed")
            next_at.append(None)
        else:
            statuses.append("retrying")
            next_at.append(now + timedelta(seconds=delay))
            retries.append(Job(tenant.id, (out.row["id"],), int(delay * 1000)))
    sent = [o for o in outcomes if o.headers]
    async with tenant_scope(tenant):
        if sent:
            await execute(
                "INSERT INTO webhook_attempt (delivery_id, attempt_number, request_headers,"
                " request_body, status_code, response_headers, response_body, duration_ms, error)"
                " SELECT * FROM unnest($1::uuid[], $2::int[], $3::jsonb[], $4::text[], $5::int[],"
                " $6::jsonb[], $7::text[], $8::float8[], $9::text[])",
                [o.row["id"] for o in sent],
                [o.row["attempt_count"] + 1 for o in sent],
                [json.dumps(o.headers) for o in sent],
                [o.row["body"] for o in sent],
                [o.status_code for o in sent],
                [json.dumps(o.response_headers) if o.response_headers else None for o in sent],
                [o.response_body for o in sent],
                [o.duration_ms for o in sent],
                [o.error for o in sent],
            )
        lease = timedelta(seconds=lease_seconds())
        await execute(
            "UPDATE webhook_delivery d SET status = u.status,"
            " attempt_count = d.attempt_count + (u.ms IS NOT NULL)::int,"
            " next_attempt_at = u.next_at, leased_until = u.next_at + $7::interval,"
            " last_status_code = u.code, last_error = u.err,"
            " last_duration_ms = coalesce(u.ms, d.last_duration_ms),"
            " completed_at = CASE WHEN u.status IN ('succeeded', 'failed') THEN now() END"
            " FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::text[],"
            " $6::float8[]) AS u(id, status, next_at, code, err, ms) WHERE d.id = u.id"
            # A late copy (the sweeper re-sent it meanwhile) never undoes a finished delivery.
            " AND d.status IN ('pending', 'retrying')",
            ids,
            statuses,
            next_at,
            codes,
            errors,
            durations,
            lease,
        )
        if retries:
            await mark_due(tenant.id, min(n for n in next_at if n is not None) + lease)
        await _track_endpoints(tenant, sent, now)
    await _publish(tenant.id, outcomes, statuses)
    await metrics.count_outcome("webhook_delivery", statuses)
    return retries


async def _track_endpoints(tenant: TenantRef, sent: list[Outcome], now: datetime) -> None:
    """Clear or start each endpoint's failure streak; disable on 410 or after 5 days failing."""
    by_endpoint: dict[uuid.UUID, list[Outcome]] = {}
    for o in sent:
        by_endpoint.setdefault(o.row["endpoint_id"], []).append(o)
    for endpoint_id, outs in by_endpoint.items():
        if any(o.ok for o in outs):
            await execute(
                "UPDATE webhook_endpoint SET failing_since = NULL"
                " WHERE id = $1 AND failing_since IS NOT NULL",
                endpoint_id,
            )
            continue
        gone = any(o.status_code == 410 for o in outs)
        rows = await fetch(
            "UPDATE webhook_endpoint SET failing_since = coalesce(failing_since, $2)"
            " WHERE id = $1 RETURNING url, failing_since, enabled",
            endpoint_id,
            now,
        )
        if not rows or not rows[0]["enabled"]:
            continue
        if gone or rows[0]["failing_since"] <= now - DISABLE_AFTER:
            reason = (
                "The endpoint answered 410 Gone" if gone else "Every delivery failed for 5 days"
            )
            await execute(
                "UPDATE webhook_endpoint SET enabled = false, disabled_reason = $2,"
                " updated_at = now() WHERE id = $1",
                endpoint_id,
                reason,
            )
            await _tell_owners(tenant, rows[0]["url"], reason)


async def _tell_owners(tenant: TenantRef, url: str, reason: str) -> None:
    owners = await fetch(
        "SELECT u.email FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND m.role = 'owner'",
        tenant.id,
    )
    base = get_settings().base_url.rstrip("/")
    for owner in owners:
        await queue_email(
            owner["email"],
            "A webhook endpoint was disabled",
            f"We stopped sending events to {url}.\n\nReason: {reason}.\n\n"
            f"Fix the endpoint, then enable it again and recover the failed deliveries at "
            f"{base}/developers/webhooks.",
        )


async def _publish(tenant_id: uuid.UUID, outcomes: list[Outcome], statuses: list[str]) -> None:
    """Announce the outcomes to live dashboards (best effort: the database has them)."""
    items = [
        {
            "delivery_id": str(o.row["id"]),
            "endpoint_id": str(o.row["endpoint_id"]),
            "event_type": o.row["event_type"],
            "status": status,
            "status_code": o.status_code,
            "duration_ms": o.duration_ms,
            "attempt": o.row["attempt_count"] + (1 if o.headers else 0),
            "error": o.error,
        }
        for o, status in zip(outcomes, statuses, strict=True)
    ]
    try:
        await get_redis().publish(live_channel(tenant_id), json.dumps(items))
    except Exception:
        log.warning("could not publish webhook outcomes", exc_info=True)
