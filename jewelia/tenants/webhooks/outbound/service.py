"""Webhook endpoints (subscriptions): create, list, change, rotate secrets, delete; their
deliveries and attempts, replay and recovery, and per-endpoint statistics.

Secrets are stored encrypted and shown once (on creation and rotation). A rotated secret keeps
signing beside the new one for 24 hours so receivers can switch without dropping events.

Every endpoint has one owner: the business (`app_install_id` NULL) or one app install (made
by `platform.marketplace.installs` on install, or by the app's token through the API, and
removed on uninstall). Each caller sees and changes only its owner's endpoints and their
deliveries: `owner` None is the business (API keys, users, pages), an `AppOwner` is the install
of an app token. Another owner's endpoint is not found (404), its deliveries neither, and the
plan's endpoint limit counts each owner's endpoints apart. An app may subscribe only to events
its token's scopes cover. Fan-out and delivery (`dispatch`, `delivery`) read the table directly
and serve every endpoint alike.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.outbound import check_url
from jewelia.core.security import encrypt_secret
from jewelia.core.validation import Checker
from jewelia.platform.billing import limits
from jewelia.platform.oauth.scopes import events_allowed
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.crm.records import Filters, page_of
from jewelia.tenants.webhooks import catalog, signing

ROTATION_OVERLAP = timedelta(hours=24)
MAX_ATTEMPTS = 10
DEFAULT_ATTEMPTS = 8
DEFAULT_BASE_SECONDS = 5.0
ENDPOINT_COLUMNS = (
    "id, url, description, events, enabled, disabled_reason, max_attempts, retry_base_seconds,"
    " failing_since, previous_secret_expires_at, created_at, updated_at"
)
DELIVERY_COLUMNS = (
    "id, endpoint_id, event_id, event_type, status, attempt_count, next_attempt_at,"
    " last_status_code, last_error, last_duration_ms, created_at, completed_at"
)
DELIVERY_STATUSES = ("pending", "retrying", "succeeded", "failed")


@dataclass(frozen=True)
class AppOwner:
    """An app token's install: it manages only that install's endpoints, and subscribes only to
    the events its (expanded) scopes cover."""

    install_id: uuid.UUID
    scopes: frozenset[str]


def _install_of(owner: AppOwner | None) -> uuid.UUID | None:
    return owner.install_id if owner is not None else None


def _owned(n: int) -> str:
    """The owner filter, its install id (None for the business) bound as `$n`."""
    return f"app_install_id IS NOT DISTINCT FROM ${n}"


def _check_app_events(owner: AppOwner | None, events: list[str] | None) -> None:
    """An app's endpoint may carry only the events its token's scopes cover."""
    if owner is None or events is None:
        return
    missing = events_allowed(owner.scopes, events)
    if missing:
        raise ValidationFailed(
            [
                FieldError(
                    "events",
                    f"This app's token does not cover the event {event!r}: its data needs a"
                    " scope the app was not granted",
                    "EVENT_NOT_ALLOWED",
                )
                for event in missing
            ]
        )


def endpoint_public(row: dict[str, Any]) -> dict[str, Any]:
    """An endpoint in the API's shape (never its secret)."""
    out = {k: row[k] for k in ENDPOINT_COLUMNS.replace(" ", "").split(",")}
    out["events"] = list(row["events"])
    out["secret_rotation_ends_at"] = out.pop("previous_secret_expires_at")
    return out


def validate_endpoint(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Checked endpoint fields (all of them unless `partial`), or ValidationFailed."""
    check, out = Checker(), dict[str, Any]()
    if "url" in data or not partial:
        url = check.text("url", data.get("url") or "", "URL", 2000)
        if url:
            try:
                check_url(url)  # the same check as before each request (host names: then too)
            except ValidationFailed as exc:
                check.errors += exc.errors
        out["url"] = url
    if "description" in data:
        out["description"] = check.text("description", data["description"] or "", "", 500, 0)
    if "events" in data or not partial:
        try:
            out["events"] = catalog.check_patterns(list(data.get("events") or []))
        except ValidationFailed as exc:
            check.errors += exc.errors
    if data.get("secret") is not None:
        try:
            out["secret"] = signing.check_secret(data["secret"])
        except ValidationFailed as exc:
            check.errors += exc.errors
    if data.get("max_attempts") is not None:
        if not 1 <= data["max_attempts"] <= MAX_ATTEMPTS:
            check.add("max_attempts", f"Must be 1 to {MAX_ATTEMPTS}", "OUT_OF_RANGE")
        out["max_attempts"] = data["max_attempts"]
    if data.get("retry_base_seconds") is not None:
        if not 0.01 <= data["retry_base_seconds"] <= 3600:
            check.add("retry_base_seconds", "Must be 0.01 to 3600 seconds", "OUT_OF_RANGE")
        out["retry_base_seconds"] = float(data["retry_base_seconds"])
    if data.get("enabled") is not None:
        out["enabled"] = bool(data["enabled"])
    if check.errors:
        raise ValidationFailed(check.errors)
    return out


async def own_endpoint(
    endpoint_id: uuid.UUID,
    lock: Literal["", "UPDATE", "SHARE"] = "",
    owner: AppOwner | None = None,
) -> dict[str, Any]:
    """The owner's endpoint by id (`lock` "UPDATE" or "SHARE" to lock it), or NotFound: for
    another business's id and for another owner's endpoint alike (the business's for an app,
    an app's for the business, another app's)."""
    suffix = f" FOR {lock}" if lock else ""
    rows = await fetch(
        f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1 AND {_owned(2)}{suffix}",
        endpoint_id,
        _install_of(owner),
    )
    if not rows:
        raise NotFound("Webhook endpoint not found")
    return rows[0]


async def _own_delivery(
    delivery_id: uuid.UUID, columns: str = DELIVERY_COLUMNS, owner: AppOwner | None = None
) -> dict[str, Any]:
    """A delivery to one of the owner's endpoints, or NotFound."""
    rows = await fetch(f"SELECT {columns} FROM webhook_delivery WHERE id = $1", delivery_id)
    try:
        if not rows:
            raise NotFound("Delivery not found")
        await own_endpoint(rows[0]["endpoint_id"], owner=owner)
    except NotFound:
        raise NotFound("Delivery not found") from None
    return rows[0]


async def create_endpoint(
    tenant: TenantRef, actor: Actor, data: dict[str, Any], owner: AppOwner | None = None
) -> tuple[dict[str, Any], str]:
    """A new endpoint of the owner and its signing secret (generated `whsec_…` unless one was
    given); an app's is tagged with its install, so uninstalling removes it."""
    values = validate_endpoint(data, partial=False)
    _check_app_events(owner, values["events"])
    secret = values.pop("secret", None) or signing.new_secret()
    async with tenant_scope(tenant):
        await limits.enforce(
            tenant.id,
            "webhook_endpoints",
            f"SELECT count(*) AS n FROM webhook_endpoint WHERE {_owned(1)}",
            _install_of(owner),
        )
        rows = await fetch(
            "INSERT INTO webhook_endpoint (id, url, description, events, secret_encrypted,"
            " max_attempts, retry_base_seconds, enabled, app_install_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            f" RETURNING {ENDPOINT_COLUMNS}",
            uuid.uuid4(),
            values["url"],
            values.get("description", ""),
            values["events"],
            encrypt_secret(secret),
            values.get("max_attempts", DEFAULT_ATTEMPTS),
            values.get("retry_base_seconds", DEFAULT_BASE_SECONDS),
            values.get("enabled", True),
            _install_of(owner),
        )
        public = endpoint_public(rows[0])
        await record(actor, "webhook.created", "webhook_endpoint", public["id"], None, public)
    return public, secret


async def list_endpoints(
    tenant: TenantRef, page: Page, owner: AppOwner | None = None
) -> tuple[list[dict[str, Any]], int]:
    """One page of the owner's endpoints, newest first."""
    async with tenant_scope(tenant):
        rows, total, _ = await page_of(
            "webhook_endpoint",
            ENDPOINT_COLUMNS,
            Filters(clauses=[_owned(1)], args=[_install_of(owner)]),
            "created_at DESC, id DESC",
            page,
            False,
        )
    return [endpoint_public(r) for r in rows], total


async def get_endpoint(
    tenant: TenantRef, endpoint_id: uuid.UUID, owner: AppOwner | None = None
) -> dict[str, Any]:
    """One of the owner's endpoints, or NotFound."""
    async with tenant_scope(tenant):
        return endpoint_public(await own_endpoint(endpoint_id, owner=owner))


async def update_endpoint(
    tenant: TenantRef,
    actor: Actor,
    endpoint_id: uuid.UUID,
    data: dict[str, Any],
    owner: AppOwner | None = None,
) -> dict[str, Any]:
    """Change the given fields; re-enabling clears the failure state."""
    values = validate_endpoint(data, partial=True)
    _check_app_events(owner, values.get("events"))
    if "secret" in values:
        raise ValidationFailed(
            [FieldError("secret", "Use rotate-secret to change the secret", "NOT_ALLOWED")]
        )
    async with tenant_scope(tenant):
        before = endpoint_public(await own_endpoint(endpoint_id, "UPDATE", owner))
        if not values:
            return before
        if values.get("enabled"):
            values.update(disabled_reason=None, failing_since=None)
        elif values.get("enabled") is False:
            values["disabled_reason"] = "Disabled by a user"
        sets = ", ".join(f"{k} = ${n}" for n, k in enumerate(values, start=2))
        rows = await fetch(
            f"UPDATE webhook_endpoint SET {sets}, updated_at = now() WHERE id = $1"
            f" RETURNING {ENDPOINT_COLUMNS}",
            endpoint_id,
            *values.values(),
        )
        after = endpoint_public(rows[0])
        changed = [k for k in after if k != "updated_at" and after[k] != before[k]]
        await record(
            actor,
            "webhook.updated",
            "webhook_endpoint",
            endpoint_id,
            {k: before[k] for k in changed},
            {k: after[k] for k in changed},
        )
    return after


async def delete_endpoint(
    tenant: TenantRef, actor: Actor, endpoint_id: uuid.UUID, owner: AppOwner | None = None
) -> None:
    """Delete one of the owner's endpoints with its deliveries and attempts."""
    async with tenant_scope(tenant):
        before = endpoint_public(await own_endpoint(endpoint_id, "UPDATE", owner))
        await execute("DELETE FROM webhook_endpoint WHERE id = $1", endpoint_id)
        await record(actor, "webhook.deleted", "webhook_endpoint", endpoint_id, before, None)


async def rotate_secret(
    tenant: TenantRef,
    actor: Actor,
    endpoint_id: uuid.UUID,
    secret: str | None = None,
    owner: AppOwner | None = None,
) -> tuple[dict[str, Any], str]:
    """A new secret; the old one keeps signing beside it for 24 hours."""
    new = signing.check_secret(secret) if secret is not None else signing.new_secret()
    async with tenant_scope(tenant):
        await own_endpoint(endpoint_id, "UPDATE", owner)
        rows = await fetch(
            "UPDATE webhook_endpoint SET previous_secret_encrypted = secret_encrypted,"
            " previous_secret_expires_at = $2, secret_encrypted = $3, updated_at = now()"
            f" WHERE id = $1 RETURNING {ENDPOINT_COLUMNS}",
            endpoint_id,
            datetime.now(UTC) + ROTATION_OVERLAP,
            encrypt_secret(new),
        )
        await record(actor, "webhook.secret_rotated", "webhook_endpoint", endpoint_id)
    return endpoint_public(rows[0]), new


# --- deliveries -------------------------------------------------------------------------


def delivery_public(row: dict[str, Any]) -> dict[str, Any]:
    """A delivery in the API's shape."""
    return {k: row[k] for k in DELIVERY_COLUMNS.replace(" ", "").split(",")}


async def list_deliveries(
    tenant: TenantRef,
    endpoint_id: uuid.UUID,
    page: Page,
    status: str | None = None,
    owner: AppOwner | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of one of the owner's endpoints' deliveries, newest first."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise ValidationFailed(
            [FieldError("status", f"One of {', '.join(DELIVERY_STATUSES)}", "INVALID_CHOICE")]
        )
    filters = Filters()
    filters.add("endpoint_id = {}", endpoint_id)
    filters.add("status = {}", status)
    async with tenant_scope(tenant):
        await own_endpoint(endpoint_id, owner=owner)
        rows, total, _ = await page_of(
            "webhook_delivery", DELIVERY_COLUMNS, filters, "created_at DESC, id DESC", page, False
        )
    return [delivery_public(r) for r in rows], total


async def get_delivery(
    tenant: TenantRef, delivery_id: uuid.UUID, owner: AppOwner | None = None
) -> dict[str, Any]:
    """One delivery with its payload and every attempt (request, response, timing, error)."""
    async with tenant_scope(tenant):
        row = await _own_delivery(
            delivery_id, f"{DELIVERY_COLUMNS}, payload::text AS payload", owner
        )
        attempts = await fetch(
            "SELECT attempt_number, request_headers::text AS request_headers, request_body,"
            " status_code, response_headers::text AS response_headers, response_body,"
            " duration_ms, error, created_at FROM webhook_attempt WHERE delivery_id = $1"
            " ORDER BY attempt_number",
            delivery_id,
        )
    out = delivery_public(row)
    out["payload"] = json.loads(row["payload"])
    out["attempts"] = [
        {
            **a,
            "request_headers": json.loads(a["request_headers"]),
            "response_headers": json.loads(a["response_headers"] or "null"),
        }
        for a in attempts
    ]
    return out


async def replay_delivery(
    tenant: TenantRef, actor: Actor, delivery_id: uuid.UUID, owner: AppOwner | None = None
) -> dict[str, Any]:
    """Send a delivery again now (a new attempt, same `webhook-id`), whatever its status."""
    async with tenant_scope(tenant):
        await _own_delivery(delivery_id, owner=owner)
        rows = await fetch(
            "UPDATE webhook_delivery SET status = 'pending', next_attempt_at = now(),"
            " leased_until = NULL, completed_at = NULL WHERE id = $1"
            f" RETURNING {DELIVERY_COLUMNS}",
            delivery_id,
        )
        await record(actor, "webhook.replayed", "webhook_delivery", delivery_id)
        await mark_due(tenant.id)
    return delivery_public(rows[0])


async def recover_failed(
    tenant: TenantRef,
    actor: Actor,
    endpoint_id: uuid.UUID,
    since: datetime,
    owner: AppOwner | None = None,
) -> int:
    """Queue every failed delivery of an endpoint created since `since` again; how many."""
    async with tenant_scope(tenant):
        await own_endpoint(endpoint_id, owner=owner)
        rows = await fetch(
            "UPDATE webhook_delivery SET status = 'pending', next_attempt_at = now(),"
            " leased_until = NULL, completed_at = NULL"
            " WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2 RETURNING id",
            endpoint_id,
            since,
        )
        await record(
            actor, "webhook.recovered", "webhook_endpoint", endpoint_id, None, {"count": len(rows)}
        )
        if rows:
            await mark_due(tenant.id)
    return len(rows)


async def mark_due(tenant_id: uuid.UUID, at: datetime | None = None) -> None:
    """Tell the sweeper this tenant has deliveries due at `at` (now by default)."""
    await execute(
        "INSERT INTO public.webhook_due (tenant_id, due_at) VALUES ($1, coalesce($2, now()))"
        " ON CONFLICT (tenant_id) DO UPDATE SET due_at = least(public.webhook_due.due_at,"
        " excluded.due_at)",
        tenant_id,
        at,
    )
    if at is None:
        await execute("SELECT pg_notify('jewelia_outbox', '')")  # wake the dispatcher now


async def endpoint_stats(tenant: TenantRef, since: timedelta = timedelta(days=1)) -> dict[Any, Any]:
    """Per endpoint over the period: deliveries, succeeded, failed, success rate, latency."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT endpoint_id, count(*) AS total,"
            " count(*) FILTER (WHERE status = 'succeeded') AS succeeded,"
            " count(*) FILTER (WHERE status = 'failed') AS failed,"
            " count(*) FILTER (WHERE status IN ('pending', 'retrying')) AS waiting,"
            " percentile_cont(0.5) WITHIN GROUP (ORDER BY last_duration_ms) AS p50_ms,"
            " percentile_cont(0.95) WITHIN GROUP (ORDER BY last_duration_ms) AS p95_ms"
            " FROM webhook_delivery WHERE created_at >= $1 GROUP BY endpoint_id",
            datetime.now(UTC) - since,
        )
    out = {}
    for r in rows:
        done = r["succeeded"] + r["failed"]
        out[r["endpoint_id"]] = {
            "total": r["total"],
            "succeeded": r["succeeded"],
            "failed": r["failed"],
            "waiting": r["waiting"],
            "success_rate": round(100 * r["succeeded"] / done, 1) if done else None,
            "p50_ms": round(r["p50_ms"], 1) if r["p50_ms"] is not None else None,
            "p95_ms": round(r["p95_ms"], 1) if r["p95_ms"] is not None else None,
        }
    return out
