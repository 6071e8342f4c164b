"""Installs: a business (tenant) grants an app (listing) some scopes; uninstall takes them back.

- install: records who, when, which version and scopes; counts the download and the active
  install in the same transaction; creates the app's webhook endpoint in the tenant (owned by
  the install, signed with the app's client secret); emits `integration.installed` to the
  tenant's own webhooks; sends `app.installed` to the app at once (worker, retried).
  Idempotent for an active install that already has the scopes; more scopes (a new version)
  update the install, which only happens after the consent page asked again.
- uninstall: the endpoint goes, refresh tokens are revoked, access tokens keep read-only
  access until `cleanup_until` (15 minutes) so the app can clean up; `app.uninstalled` is sent
  at once and `tenant.redact` 48 hours later (scheduler, `send_due_redacts`).
- reinstall before the redact went out cancels it: the app keeps its data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core import jobs
from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.core.errors import AppError, FieldError, NotFound, PermissionDenied, ValidationFailed
from jewelia.core.outbound import check_url, guarded_client
from jewelia.core.security import decrypt_secret
from jewelia.platform.billing import stripe_gateway
from jewelia.platform.oauth import scopes as oauth_scopes
from jewelia.platform.tenancy.registry import get_tenant
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.webhooks import outbox, signing

log = logging.getLogger("jewelia.marketplace")

INSTALLABLE = ("published", "unlisted")
CLEANUP_WINDOW = timedelta(minutes=15)
REDACT_AFTER = timedelta(hours=48)
MANAGER_ROLES = ("owner", "admin")
APP_EVENT_QUEUE = "default"
APP_EVENT_ACTOR = "send_app_event"
INSTALL_COLUMNS = (
    "i.id, i.listing_id, i.tenant_id, i.version_id, i.scopes, i.installed_by, i.installed_at,"
    " i.uninstalled_at, i.uninstalled_by, i.cleanup_until, i.redact_due_at, i.redact_sent_at,"
    " i.last_api_use_at"
)
PAID_STATUSES = ["active", "trialing"]


class AppChargeRequired(AppError):
    """A paid app is installed only once the business accepted and paid its charge (402)."""

    status_code = 402
    code = "APP_CHARGE_REQUIRED"


async def _paid_charge(listing: dict[str, Any], tenant_id: uuid.UUID) -> uuid.UUID | None:
    """The accepted, paid (or trialing) app charge a paid listing needs; None when free.
    (commerce.charges owns the table; read here by SQL because commerce imports this module.)"""
    if listing["pricing_model"] == "free":
        return None
    rows = await fetch(
        "SELECT id FROM public.app_charge WHERE tenant_id = $1 AND listing_id = $2"
        " AND status = ANY($3::text[]) AND accepted_at IS NOT NULL",
        tenant_id,
        listing["id"],
        PAID_STATUSES,
    )
    if not rows:
        raise AppChargeRequired(
            f"{listing['name']} is a paid integration: confirm its charge first"
        )
    return rows[0]["id"]


def _install(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["scopes"] = list(row["scopes"])
    out["status"] = "active" if row["uninstalled_at"] is None else "uninstalled"
    return out


async def _listing(listing_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    rows = await fetch(
        "SELECT * FROM public.listing WHERE id = $1" + (" FOR UPDATE" if lock else ""), listing_id
    )
    if not rows:
        raise NotFound("Integration not found")
    return rows[0]


async def manager_role(user_id: uuid.UUID, tenant_id: uuid.UUID) -> str | None:
    """The user's role in the business when it may install and uninstall apps (owner/admin)."""
    rows = await fetch(
        "SELECT role FROM public.membership WHERE user_id = $1 AND tenant_id = $2",
        user_id,
        tenant_id,
    )
    role = rows[0]["role"] if rows else None
    return role if role in MANAGER_ROLES else None


def check_scopes(listing: dict[str, Any], scopes: Any, field: str = "scope") -> list[str]:
    """Known scopes the listing asks for (write implies read), or ValidationFailed."""
    wanted = oauth_scopes.normalise(scopes, field)
    allowed = oauth_scopes.expand(listing["scopes"])
    extra = [s for s in wanted if s not in allowed]
    if extra:
        raise ValidationFailed(
            [
                FieldError(field, f"The app does not ask for {s}", "SCOPE_NOT_REQUESTED")
                for s in extra
            ]
        )
    return wanted


def granted_events(listing: dict[str, Any], scopes: list[str]) -> list[str]:
    """The listing's webhook events whose data the granted scopes may read (defence in depth:
    listings are validated so, but an install never widens beyond what was consented to)."""
    events = list(listing["webhook_events"] or [])
    refused = set(oauth_scopes.events_allowed(scopes, events))
    return [e for e in events if e not in refused]


async def active_install(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any] | None:
    """The business's active install of the app, or None."""
    rows = await fetch(
        f"SELECT {INSTALL_COLUMNS} FROM public.app_install i"
        " WHERE i.listing_id = $1 AND i.tenant_id = $2 AND i.uninstalled_at IS NULL",
        listing_id,
        tenant_id,
    )
    return _install(rows[0]) if rows else None


async def install_history(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every install of the app by the business, uninstalled ones too, oldest first."""
    rows = await fetch(
        f"SELECT {INSTALL_COLUMNS} FROM public.app_install i"
        " WHERE i.listing_id = $1 AND i.tenant_id = $2 ORDER BY i.installed_at, i.id",
        listing_id,
        tenant_id,
    )
    return [_install(r) for r in rows]


async def get_install(install_id: uuid.UUID) -> dict[str, Any]:
    rows = await fetch(
        f"SELECT {INSTALL_COLUMNS} FROM public.app_install i WHERE i.id = $1", install_id
    )
    if not rows:
        raise NotFound("Install not found")
    return _install(rows[0])


async def tenant_installs(tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """The business's active installs with the app's name, developer and who installed it
    (Settings > Installed integrations), newest first."""
    rows = await fetch(
        f"SELECT {INSTALL_COLUMNS}, l.name, l.slug, l.developer_name, l.is_verified, l.status"
        " AS listing_status, l.app_url, v.version, u.full_name AS installed_by_name,"
        " u.email AS installed_by_email"
        " FROM public.app_install i JOIN public.listing l ON l.id = i.listing_id"
        " LEFT JOIN public.listing_version v ON v.id = i.version_id"
        " LEFT JOIN public.app_user u ON u.id = i.installed_by"
        " WHERE i.tenant_id = $1 AND i.uninstalled_at IS NULL ORDER BY i.installed_at DESC",
        tenant_id,
    )
    return [_install(r) for r in rows]


def _event_data(install: dict[str, Any], listing: dict[str, Any]) -> dict[str, Any]:
    return {
        "install_id": str(install["id"]),
        "listing_id": str(listing["id"]),
        "name": listing["name"],
        "scopes": list(install["scopes"]),
    }


async def install(
    listing_id: uuid.UUID, tenant_id: uuid.UUID, user_id: uuid.UUID, scopes: Any
) -> dict[str, Any]:
    """Install the app for the business with the consented scopes (see the module doc)."""
    tenant = await get_tenant(tenant_id)
    if not tenant.is_active:
        raise PermissionDenied(f"This business is {tenant.status}")
    if await manager_role(user_id, tenant_id) is None:
        raise PermissionDenied("Only owners and admins can install integrations")
    now = datetime.now(UTC)
    actor = await _user_actor(user_id)
    async with tenant_scope(tenant.ref):
        listing = await _listing(listing_id, lock=True)  # serialises installs of one app
        if listing["status"] not in INSTALLABLE:
            raise PermissionDenied("This integration cannot be installed now")
        wanted = check_scopes(listing, scopes)
        current = await active_install(listing_id, tenant_id)
        if current is not None:
            if set(wanted) <= oauth_scopes.expand(current["scopes"]):
                return current  # idempotent: nothing new was consented to
            merged = oauth_scopes.normalise([*current["scopes"], *wanted])
            rows = await fetch(
                f"UPDATE public.app_install i SET scopes = $2, version_id = $3 WHERE i.id = $1"
                f" RETURNING {INSTALL_COLUMNS}",
                current["id"],
                merged,
                listing["current_version_id"],
            )
            changed = _install(rows[0])
            # The business consented again: the app's endpoint gets the events now covered.
            await execute(
                "UPDATE webhook_endpoint SET events = $2, updated_at = now()"
                " WHERE app_install_id = $1 AND cardinality($2::text[]) > 0",
                changed["id"],
                granted_events(listing, merged),
            )
            await record(
                actor,
                "integration.scopes_changed",
                "app_install",
                changed["id"],
                {"scopes": current["scopes"]},
                {"scopes": merged},
            )
            return changed
        charge_id = await _paid_charge(listing, tenant_id)
        # A reinstall inside the window: the pending redact is cancelled, the old grant ends.
        await execute(
            "UPDATE public.app_install SET redact_due_at = NULL, cleanup_until = least("
            "cleanup_until, now()) WHERE listing_id = $1 AND tenant_id = $2"
            " AND uninstalled_at IS NOT NULL AND redact_sent_at IS NULL"
            " AND redact_due_at IS NOT NULL",
            listing_id,
            tenant_id,
        )
        rows = await fetch(
            "INSERT INTO public.app_install AS i (id, listing_id, tenant_id, version_id, scopes,"
            " installed_by, installed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            f" RETURNING {INSTALL_COLUMNS}",
            uuid.uuid4(),
            listing_id,
            tenant_id,
            listing["current_version_id"],
            wanted,
            user_id,
            now,
        )
        made = _install(rows[0])
        if charge_id is not None:
            await execute(
                "UPDATE public.app_charge SET install_id = $2 WHERE id = $1", charge_id, made["id"]
            )
        await execute(
            "UPDATE public.listing SET download_count = download_count + 1,"
            " active_installs = active_installs + 1 WHERE id = $1",
            listing_id,
        )
        events = granted_events(listing, wanted)
        if listing["webhook_url"] and events:
            await execute(
                "INSERT INTO webhook_endpoint (id, url, description, events, secret_encrypted,"
                " app_install_id) VALUES ($1, $2, $3, $4, $5, $6)",
                uuid.uuid4(),
                listing["webhook_url"],
                f"{listing['name']} (integration)"[:500],
                events,
                listing["client_secret_enc"],  # deliveries sign with the app's current secret
                made["id"],
            )
        data = {**_event_data(made, listing), "installed_by": str(user_id)}
        await outbox.emit("integration.installed", data)
        await record(actor, "integration.installed", "app_install", made["id"], None, data)
    await send_app_event(listing_id, tenant_id, "app.installed", {**data, "installed_at": now})
    return made


async def uninstall(install_id: uuid.UUID, user_id: uuid.UUID | None) -> dict[str, Any]:
    """Uninstall (see the module doc); `user_id` None when the platform does it."""
    current = await get_install(install_id)
    if current["uninstalled_at"] is not None:
        return current
    tenant = await get_tenant(current["tenant_id"])
    if user_id is not None and await manager_role(user_id, tenant.id) is None:
        raise PermissionDenied("Only owners and admins can uninstall integrations")
    actor = await _user_actor(user_id) if user_id else Actor.system("marketplace")
    now = datetime.now(UTC)
    async with tenant_scope(tenant.ref):
        listing = await _listing(current["listing_id"], lock=True)
        rows = await fetch(
            "UPDATE public.app_install i SET uninstalled_at = $2, uninstalled_by = $3,"
            " cleanup_until = $4, redact_due_at = $5 WHERE i.id = $1 AND i.uninstalled_at IS NULL"
            f" RETURNING {INSTALL_COLUMNS}",
            install_id,
            now,
            user_id,
            now + CLEANUP_WINDOW,
            now + REDACT_AFTER,
        )
        if not rows:
            return await get_install(install_id)  # someone else was first
        done = _install(rows[0])
        await execute(
            "UPDATE public.listing SET active_installs = greatest(active_installs - 1, 0)"
            " WHERE id = $1",
            listing["id"],
        )
        # Refresh tokens end now; access tokens stay readable (the guard allows GET only)
        # until cleanup_until, however close to expiry they were.
        await execute(
            "UPDATE public.oauth_token SET revoked_at = $2 WHERE install_id = $1"
            " AND kind = 'refresh' AND revoked_at IS NULL",
            install_id,
            now,
        )
        await execute(
            "UPDATE public.oauth_token SET expires_at = greatest(expires_at, $2)"
            " WHERE install_id = $1 AND kind = 'access' AND revoked_at IS NULL"
            " AND expires_at > now()",
            install_id,
            now + CLEANUP_WINDOW,
        )
        await execute("DELETE FROM webhook_endpoint WHERE app_install_id = $1", install_id)
        ended = await fetch(  # an uninstalled app is no longer paid for
            "UPDATE public.app_charge SET status = 'cancelled', cancelled_at = now(),"
            " updated_at = now() WHERE install_id = $1 AND kind IN ('subscription', 'usage')"
            " AND status IN ('active', 'trialing', 'past_due') RETURNING id, stripe_subscription_id",
            install_id,
        )
        data = {**_event_data(done, listing), "uninstalled_by": str(user_id) if user_id else None}
        await outbox.emit("integration.uninstalled", data)
        await record(actor, "integration.uninstalled", "app_install", install_id, None, data)
    for charge in ended:
        if charge["stripe_subscription_id"] and not stripe_gateway.test_mode():
            try:
                await asyncio.to_thread(
                    stripe_gateway.cancel_app_subscription,
                    charge["stripe_subscription_id"],
                    key=f"app_cancel:{charge['id']}",
                )
            except Exception:  # shown as cancelled; Stripe's own retry path is the dashboard
                log.exception("cancelling the app subscription %s failed", charge["id"])
    await send_app_event(
        listing["id"],
        tenant.id,
        "app.uninstalled",
        {**data, "uninstalled_at": now, "cleanup_until": done["cleanup_until"]},
    )
    return done


async def _user_actor(user_id: uuid.UUID) -> Actor:
    rows = await fetch("SELECT email FROM public.app_user WHERE id = $1", user_id)
    return Actor("user", user_id, rows[0]["email"] if rows else str(user_id))


async def send_app_event(
    listing_id: uuid.UUID, tenant_id: uuid.UUID, event: str, data: dict[str, Any]
) -> None:
    """Hand an app event (app.installed, app.uninstalled, tenant.redact) to a worker, which
    POSTs it signed to the app's webhook URL and retries failures."""
    event_id = uuid.uuid4()
    timestamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    plain = {
        k: (v.isoformat().replace("+00:00", "Z") if isinstance(v, datetime) else v)
        for k, v in data.items()
    }
    try:
        await asyncio.to_thread(
            jobs.enqueue,
            APP_EVENT_ACTOR,
            str(listing_id),
            str(tenant_id),
            event,
            str(event_id),
            timestamp,
            plain,
            queue_name=APP_EVENT_QUEUE,
        )
    except Exception:
        log.exception("could not enqueue %s for listing %s", event, listing_id)


async def send_due_redacts(limit: int = 100) -> int:
    """Send `tenant.redact` for uninstalls whose 48 hours are up (scheduler); how many."""
    rows = await fetch(
        "UPDATE public.app_install SET redact_sent_at = now() WHERE id IN (SELECT id FROM"
        " public.app_install WHERE redact_sent_at IS NULL AND redact_due_at IS NOT NULL"
        " AND redact_due_at <= now() ORDER BY redact_due_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, listing_id, tenant_id, uninstalled_at",
        limit,
    )
    for r in rows:
        await send_app_event(
            r["listing_id"],
            r["tenant_id"],
            "tenant.redact",
            {
                "install_id": str(r["id"]),
                "listing_id": str(r["listing_id"]),
                "uninstalled_at": r["uninstalled_at"],
            },
        )
    return len(rows)


async def app_event_target(listing_id: uuid.UUID) -> dict[str, Any] | None:
    """Where and with which (encrypted) secret an app event goes; None without a webhook URL."""
    rows = await fetch(
        "SELECT webhook_url, client_secret_enc FROM public.listing WHERE id = $1", listing_id
    )
    if not rows or not rows[0]["webhook_url"]:
        return None
    return rows[0]


class AppEventFailed(Exception):
    """The app did not answer 2xx: the worker tries again later."""


APP_EVENT_TIMEOUT = 15.0
USER_AGENT = "Jewelia-Webhooks/1.0"


async def deliver_app_event(
    listing_id: uuid.UUID,
    tenant_id: uuid.UUID,
    event: str,
    event_id: str,
    timestamp: str,
    data: dict[str, Any],
) -> int | None:
    """POST one app event to the app's webhook URL through the SSRF guard, signed like our
    webhooks with the app's client secret; the status code (None when there is nowhere to send
    it or the guard refused the address). Raises AppEventFailed on a non-2xx or network error
    so the worker retries; each retry carries the same webhook-id."""
    target = await app_event_target(listing_id)
    if target is None:
        return None
    url = target["webhook_url"]
    body = json.dumps(
        {
            "id": event_id,
            "event": event,
            "timestamp": timestamp,
            "tenant_id": str(tenant_id),
            "data": data,
        },
        default=str,
    ).encode()
    secret = decrypt_secret(target["client_secret_enc"])
    headers = signing.signed_headers(
        [secret], f"msg_{uuid.UUID(event_id).hex}", int(time.time()), body
    )
    headers["User-Agent"] = USER_AGENT
    try:
        check_url(url)
    except ValidationFailed:
        log.warning("app event %s to listing %s: address refused by the guard", event, listing_id)
        return None
    try:
        async with guarded_client(timeout=APP_EVENT_TIMEOUT) as client:
            response = await client.post(url, content=body, headers=headers)
    except ValidationFailed:
        log.warning("app event %s to listing %s: address refused by the guard", event, listing_id)
        return None
    except Exception as exc:
        raise AppEventFailed(f"{event} to {listing_id}: {type(exc).__name__}") from exc
    if not 200 <= response.status_code < 300:
        raise AppEventFailed(f"{event} to {listing_id}: HTTP {response.status_code}")
    return response.status_code
