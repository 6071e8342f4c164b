"""The webhook trigger: a public URL per flow, signed with the flow's own secret.

A flow gets its URL (a random hook id) and its `whsec_` secret (encrypted at rest) the first
time a version with a webhook trigger is published; the secret is shown then and on rotation,
a masked preview otherwise. `public.builder_hook` routes the URL to its tenant, so the sender
needs no credential of ours: it signs with Standard Webhooks (webhook-id, webhook-timestamp,
webhook-signature over `id.timestamp.body`, five minutes' tolerance, constant-time compare).
A verified POST starts one run per webhook-id (a retried delivery finds the first run).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

import asyncpg
from redis.exceptions import RedisError

from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
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
from jewelia.core.security import decrypt_secret, encrypt_secret
from jewelia.core.settings import get_settings
from jewelia.platform.billing.limits import PlanLimitExceeded
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.builder.engine.base import qualified
from jewelia.tenants.builder.triggers.fire import Started, start_once, tell_refused
from jewelia.tenants.webhooks import signing
from jewelia.tenants.webhooks.inbound.service import BAD_SIGNATURE_LIMIT, BAD_SIGNATURE_WINDOW

log = logging.getLogger("jewelia.builder")
HOOK_PATH = "/api/v1/integrations/builder/hooks/"
_HOOK_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def hook_url(hook_id: str) -> str:
    """The public URL a sender posts to."""
    return f"{get_settings().base_url}{HOOK_PATH}{hook_id}"


@functools.lru_cache(maxsize=1024)
def _secret(encrypted: str) -> str:
    """The signing secret of a stored (encrypted) one: each stored value is decrypted once per
    process (a rotation stores a new one; Fernet cost a tenth of a trigger request's CPU)."""
    return decrypt_secret(encrypted)


def _preview(secret: str) -> str:
    return f"{secret[:10]}…{secret[-4:]}"


async def _mint(tenant_id: uuid.UUID, flow_id: uuid.UUID) -> dict[str, str]:
    hook_id, secret = secrets.token_urlsafe(24), signing.new_secret()
    await execute(
        "INSERT INTO flow_webhook (flow_id, hook_id, secret_encrypted, secret_preview)"
        " VALUES ($1, $2, $3, $4)",
        flow_id,
        hook_id,
        encrypt_secret(secret),
        _preview(secret),
    )
    await execute(
        "INSERT INTO public.builder_hook (hook_id, tenant_id, flow_id) VALUES ($1, $2, $3)",
        hook_id,
        tenant_id,
        flow_id,
    )
    return {"url": hook_url(hook_id), "secret": secret}


async def sync(
    tenant_id: uuid.UUID, flow_id: uuid.UUID, wanted: bool, deleted: bool
) -> dict[str, str] | None:
    """Inside the flow's tenant scope: mint the URL and secret when the published version
    first has a webhook trigger (returned once), mark it on or off, drop it with the flow."""
    rows = await fetch("SELECT hook_id, enabled FROM flow_webhook WHERE flow_id = $1", flow_id)
    if deleted:
        if rows:
            await execute(
                "DELETE FROM public.builder_hook WHERE hook_id = $1 AND tenant_id = $2",
                rows[0]["hook_id"],
                tenant_id,
            )
            await execute("DELETE FROM flow_webhook WHERE flow_id = $1", flow_id)
        return None
    if not rows:
        return await _mint(tenant_id, flow_id) if wanted else None
    if rows[0]["enabled"] != wanted:
        await execute("UPDATE flow_webhook SET enabled = $2 WHERE flow_id = $1", flow_id, wanted)
    return None


async def rotate(tenant: TenantRef, actor: Actor, flow_id: uuid.UUID) -> dict[str, str]:
    """A new secret for the flow's webhook (the old one stops verifying at once): {url, secret}."""
    secret = signing.new_secret()
    async with tenant_scope(tenant):
        live = await fetch("SELECT 1 FROM flow WHERE id = $1 AND deleted_at IS NULL", flow_id)
        if not live:
            raise NotFound("Flow not found")
        rows = await fetch(
            "UPDATE flow_webhook SET secret_encrypted = $2, secret_preview = $3,"
            " rotated_at = now() WHERE flow_id = $1 AND enabled RETURNING hook_id",
            flow_id,
            encrypt_secret(secret),
            _preview(secret),
        )
        if not rows:
            raise Conflict(
                "This flow has no webhook URL: publish a version with a webhook trigger first"
            )
        await record(actor, "flow.webhook_rotated", "flow", flow_id)
    return {"url": hook_url(rows[0]["hook_id"]), "secret": secret}


async def _route(hook_id: str) -> tuple[TenantRef, uuid.UUID]:
    rows = (
        await fetch(
            "SELECT h.tenant_id, h.flow_id, t.schema_name, t.status FROM public.builder_hook h"
            " JOIN public.tenant t ON t.id = h.tenant_id WHERE h.hook_id = $1",
            hook_id,
        )
        if _HOOK_ID.fullmatch(hook_id)
        else []
    )
    if not rows or rows[0]["status"] == "deleted":
        raise NotFound("Webhook not found")
    if rows[0]["status"] != "active":
        raise PermissionDenied(f"This business is {rows[0]['status']}")
    return TenantRef(rows[0]["tenant_id"], rows[0]["schema_name"]), rows[0]["flow_id"]


async def _refused(hook_id: str, client: str) -> None:
    """Count a badly signed request per (URL, client address), as incoming webhooks do: past
    a small limit the address gets 429 there, while the real sender is not affected."""
    key = f"throttle:builder-hook:{hook_id}:{client}"
    try:
        pipe = get_redis().pipeline()
        pipe.set(key, 0, ex=BAD_SIGNATURE_WINDOW, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = await pipe.execute()
    except (RedisError, OSError):
        log.warning("builder hook throttle unavailable: redis error")
        return
    if int(count) > BAD_SIGNATURE_LIMIT:
        raise RateLimited("Too many badly signed requests from this address", max(1, int(ttl)))


def _payload(raw_body: bytes) -> Any:
    try:
        return json.loads(raw_body.decode("utf-8")) if raw_body.strip() else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise AppError(
            "Malformed JSON", [FieldError("body", f"Malformed JSON: {exc}", "MALFORMED_JSON")]
        ) from exc


async def receive(
    hook_id: str, raw_body: bytes, headers: Mapping[str, str], client: str = "unknown"
) -> dict[str, Any]:
    """Verify a delivery to a flow's URL and start its run once per webhook-id: {run_id,
    flow_id, version, status, duplicate}. Unknown URL: NotFound; bad or stale signature:
    AuthenticationFailed (RateLimited for an address that keeps sending them); flow switched
    off or without the trigger: Conflict."""
    tenant, flow_id = await _route(hook_id)
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        started = await _start(tenant, flow_id, hook_id, raw_body, lower, client)
    except PlanLimitExceeded as exc:  # the sender gets the 403; the business is told too
        async with tenant_scope(tenant):  # in a transaction of its own: the delivery's rolled back
            await tell_refused(flow_id, exc)
        raise
    return {
        "run_id": started.run_id,
        "flow_id": flow_id,
        "version": started.version,
        "status": "received" if started.duplicate else "queued",
        "duplicate": started.duplicate,
    }


async def _start(
    tenant: TenantRef,
    flow_id: uuid.UUID,
    hook_id: str,
    raw_body: bytes,
    lower: dict[str, str],
    client: str,
) -> Started:
    """Verify the delivery and start its run once (one statement each, no transaction: the
    run's start is atomic on its own and sends the run's message)."""
    rows = await fetch(
        qualified(
            "SELECT secret_encrypted FROM flow_webhook WHERE hook_id = $1 AND flow_id = $2",
            tenant.schema_name,
        ),
        hook_id,
        flow_id,
    )
    if not rows:
        raise NotFound("Webhook not found")
    verdict = signing.verify_standard(_secret(rows[0]["secret_encrypted"]), lower, raw_body)
    if not verdict:
        await _refused(hook_id, client)
        raise AuthenticationFailed(f"Invalid webhook signature: {verdict.reason}")
    payload = _payload(raw_body)
    try:
        started = await start_once(
            tenant, flow_id, "webhook", f"webhook:{lower['webhook-id']}", payload
        )
    except asyncpg.DataError as exc:  # e.g. \u0000, which jsonb cannot hold
        raise ValidationFailed(
            [FieldError("body", f"The body cannot be stored: {exc}", "INVALID")]
        ) from exc
    return started
