"""Listings: create and edit drafts, versions, the life cycle (each transition in one
transaction with a listing_event row and an email to the organization's owners and admins), and
the app's OAuth client credentials (the secret is shown once, stored hashed and encrypted).

Life cycle: draft → submitted → approved | rejected (with reasons) → published; published ↔
paused; published → unlisted (and back); staff may suspend from any status.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from jewelia.core.outbound import BlockedDestination, check_url
from jewelia.core.security import decrypt_secret, encrypt_secret, sha256_hex
from jewelia.core.settings import get_settings
from jewelia.core.validation import Checker
from jewelia.platform.mail import service as mail
from jewelia.platform.marketplace import orgs
from jewelia.platform.oauth import scopes as oauth_scopes
from jewelia.tenants.webhooks.catalog import EVENT_TYPES

log = logging.getLogger("jewelia.marketplace")

# category -> its label (the taxonomy the marketplace browses by)
CATEGORY_LABELS: dict[str, str] = {
    "inventory_management": "Inventory management",
    "accounting": "Accounting",
    "design_software": "Design software",
    "e_commerce": "E-commerce",
    "quality_control": "Quality control",
    "suppliers": "Suppliers",
    "marketing": "Marketing",
    "analytics": "Analytics",
    "productivity": "Productivity",
}
CATEGORIES = tuple(CATEGORY_LABELS)
PRICING_MODEL_LABELS: dict[str, str] = {
    "free": "Free",
    "one_time": "One-time",
    "subscription": "Subscription",
    "usage_based": "Usage-based",
}
PRICING_MODELS = tuple(PRICING_MODEL_LABELS)
BILLING_CYCLES = ("monthly", "annual")
# ISO 4217 codes we accept for prices.
CURRENCIES = (
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "HKD", "SGD", "INR", "AED",
    "SEK", "NOK", "DKK", "PLN", "CZK", "ZAR", "BRL", "MXN", "ILS", "KRW", "THB", "TRY",
)  # fmt: skip
STATUSES = (
    "draft",
    "submitted",
    "approved",
    "rejected",
    "published",
    "paused",
    "unlisted",
    "suspended",
)
# to_status -> statuses it may come from (suspended: from anything but itself, staff only).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("draft", "rejected"),
    "approved": ("submitted",),
    "rejected": ("submitted",),
    "published": ("approved", "paused", "unlisted"),
    "paused": ("published",),
    "unlisted": ("published", "paused"),
    "suspended": tuple(s for s in STATUSES if s != "suspended"),
}
EDITABLE = ("draft", "rejected", "approved", "published", "paused", "unlisted")
SCOPES_EDITABLE = ("draft", "rejected")  # later, scopes change only through a new version
LIVE = ("published", "paused", "unlisted")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
VERSION = re.compile(r"\d{1,6}(?:\.\d{1,6}){0,3}(?:[-+][0-9A-Za-z.-]{1,20})?")
MAX_FEATURES = 20
MAX_REDIRECTS = 10
MAX_AMOUNT = Decimal("9999999999.99")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
CLIENT_ID_PREFIX = "jwc_"
CLIENT_SECRET_PREFIX = "jws_"  # noqa: S105 - a prefix, not a secret


# --- reading ------------------------------------------------------------------------------


async def get_listing(listing_id: uuid.UUID | str) -> dict[str, Any] | None:
    """The listing's row (every column), or None."""
    try:
        key = uuid.UUID(str(listing_id))
    except ValueError:
        return None
    rows = await fetch("SELECT * FROM public.listing WHERE id = $1", key)
    return rows[0] if rows else None


async def get_by_client_id(client_id: str) -> dict[str, Any] | None:
    """The listing whose OAuth client id this is, or None."""
    if not isinstance(client_id, str) or not client_id or len(client_id) > 64:
        return None
    rows = await fetch("SELECT * FROM public.listing WHERE client_id = $1", client_id)
    return rows[0] if rows else None


async def get_by_slug(org_id: uuid.UUID, slug: str) -> dict[str, Any]:
    """One of the organization's listings by slug, or NotFound."""
    rows = await fetch("SELECT * FROM public.listing WHERE org_id = $1 AND slug = $2", org_id, slug)
    if not rows:
        raise NotFound("Listing not found")
    return rows[0]


async def org_listings(org_id: uuid.UUID) -> list[dict[str, Any]]:
    """The organization's listings, newest first."""
    return await fetch(
        "SELECT * FROM public.listing WHERE org_id = $1 ORDER BY created_at DESC", org_id
    )


async def versions(listing_id: uuid.UUID) -> list[dict[str, Any]]:
    """The listing's versions, newest first."""
    return await fetch(
        "SELECT * FROM public.listing_version WHERE listing_id = $1 ORDER BY created_at DESC",
        listing_id,
    )


async def history(listing_id: uuid.UUID) -> list[dict[str, Any]]:
    """Status changes, oldest first, with who made them."""
    return await fetch(
        "SELECT e.*, u.email AS actor_email FROM public.listing_event e"
        " LEFT JOIN public.app_user u ON u.id = e.actor_user_id"
        " WHERE e.listing_id = $1 ORDER BY e.at, e.id",
        listing_id,
    )


# --- client credentials -------------------------------------------------------------------


def new_client_id() -> str:
    """`jwc_` and 24 random URL-safe characters."""
    return CLIENT_ID_PREFIX + secrets.token_urlsafe(18)


def new_client_secret() -> str:
    """`jws_` and 40 random URL-safe characters."""
    return CLIENT_SECRET_PREFIX + secrets.token_urlsafe(30)


def check_client_secret(listing: dict[str, Any], secret: str) -> bool:
    """Whether `secret` is the listing's client secret (constant time)."""
    if not isinstance(secret, str) or not secret:
        return False
    expected = str(listing.get("client_secret_hash") or "")
    return hmac.compare_digest(sha256_hex(secret).encode(), expected.encode())


def client_secret(listing: dict[str, Any]) -> str:
    """The listing's client secret in plain text (signs the app's webhooks)."""
    return decrypt_secret(str(listing["client_secret_enc"]))


async def rotate_client_secret(user_id: uuid.UUID, listing_id: uuid.UUID) -> str:
    """A new client secret (owners and admins), returned once; the old one stops working."""
    listing = await _listing_for(user_id, listing_id, orgs.MANAGERS)
    secret = new_client_secret()
    await execute(
        "UPDATE public.listing SET client_secret_hash = $2, client_secret_enc = $3,"
        " updated_at = now() WHERE id = $1",
        listing["id"],
        sha256_hex(secret),
        encrypt_secret(secret),
    )
    return secret


# --- validation ---------------------------------------------------------------------------


def _lines(value: Any) -> list[str]:
    """A list from a list or a newline-separated text (forms), without blanks."""
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() if isinstance(v, str) else v for v in value]
    return [value]


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redirect_uri_problem(uri: str) -> str | None:
    """Why a redirect URI is refused (https only; http to loopback in development), or None."""
    if not isinstance(uri, str) or not uri:
        return "must be a URL"
    if len(uri) > 2000:
        return "must be at most 2000 characters"
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
    except ValueError:
        return "is not a valid URL"
    if parts.fragment or "#" in uri:
        return "must not contain a fragment (#)"
    if parts.username or parts.password:
        return "must not contain credentials"
    if not host or any(ch.isspace() for ch in uri):
        return "must be an absolute https:// URL"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and _is_loopback(host):
        if get_settings().dev_mode:
            return None
        return "may use http:// only for loopback in development; use https://"
    return "must use https://"


def _url(check: Checker, field: str, value: Any, label: str, outbound: bool = False) -> str:
    value = value if isinstance(value, str) else ("" if value is None else str(value))
    value = orgs.check_web_url(check, field, value, label, required=False)
    if outbound and value and not any(e["field"] == field for e in check.errors):
        try:
            check_url(value, field)
        except BlockedDestination as exc:
            check.add(field, f"{label}: {exc.message}", "BLOCKED_DESTINATION")
    return value


def _pricing(check: Checker, pricing: Any) -> dict[str, Any]:
    if not isinstance(pricing, dict):
        check.add("pricing", "Pricing must be an object", "INVALID_TYPE")
        return {"model": "free", "amount": Decimal(0), "currency": "USD"}
    model = pricing.get("model") or "free"
    check.choice("pricing.model", model, PRICING_MODELS, "Pricing model")
    raw = pricing.get("amount")
    amount = Decimal(0)
    if raw not in (None, ""):
        try:
            amount = Decimal(str(raw))
            if not amount.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            check.add("pricing.amount", "Amount must be a number", "INVALID_NUMBER")
            amount = Decimal(0)
        else:
            if amount < 0 or amount > MAX_AMOUNT:
                check.add("pricing.amount", "Amount must be between 0 and 9,999,999,999.99")
            elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
                check.add("pricing.amount", "Amount has at most two decimals")
    if model == "free" and amount != 0:
        check.add("pricing.amount", "A free app has no price (amount 0)")
    if model in ("one_time", "subscription") and amount <= 0:
        check.add("pricing.amount", "Give the price (more than 0)", "REQUIRED")
    currency = pricing.get("currency") or "USD"
    if not isinstance(currency, str) or currency.upper() not in CURRENCIES:
        check.add(
            "pricing.currency",
            f"Currency must be an ISO 4217 code we support: {', '.join(CURRENCIES)}",
            "INVALID_CHOICE",
        )
    else:
        currency = currency.upper()
        # Payouts and statements are in USD only: a paid app's earnings must be too, for now.
        if model != "free" and currency != "USD":
            check.add(
                "pricing.currency",
                "Paid apps are priced in USD for now (payouts and statements are in USD only);"
                " free apps may show any currency",
                "INVALID_CHOICE",
            )
    cycle = pricing.get("billingCycle") or None
    if model == "subscription":
        if cycle is None:
            check.add("pricing.billingCycle", "A subscription needs a billing cycle", "REQUIRED")
        else:
            check.choice("pricing.billingCycle", cycle, BILLING_CYCLES, "Billing cycle")
    elif cycle is not None:
        check.add("pricing.billingCycle", "Only subscriptions have a billing cycle")
        cycle = None
    trial = pricing.get("trialDays")
    trial_days = 0
    if trial not in (None, ""):
        if isinstance(trial, bool) or not (
            isinstance(trial, int) or (isinstance(trial, str) and trial.strip().isdigit())
        ):
            check.add("pricing.trialDays", "Trial days must be a whole number", "INVALID_NUMBER")
        else:
            trial_days = int(trial)
            if not 0 <= trial_days <= 365:
                check.add("pricing.trialDays", "Trial days must be between 0 and 365")
    if model == "free" and trial_days:
        check.add("pricing.trialDays", "A free app has no trial")
    return {
        "model": model,
        "amount": amount,
        "currency": currency,
        "billingCycle": cycle,
        "trialDays": trial_days,
    }


def _scopes(check: Checker, value: Any) -> list[str]:
    try:
        return oauth_scopes.normalise(_lines(value) if not isinstance(value, str) else value)
    except ValidationFailed as exc:
        check.errors.extend(exc.errors)
        return []


def _events(check: Checker, value: Any) -> list[str]:
    names = _lines(value)
    for name in names:
        if not isinstance(name, str) or name not in EVENT_TYPES:
            check.add(
                "webhook_events",
                f"Unknown event {str(name)[:100]!r}: use names from the event catalog",
                "UNKNOWN_EVENT",
            )
    return [n for n in EVENT_TYPES if n in set(names)]


def _events_within(check: Checker, scopes: list[str], events: list[str]) -> None:
    """An app receives only the events whose data its scopes may read: each event beyond the
    scopes is a VALIDATION_ERROR on webhook_events naming the scope it needs."""
    for event in oauth_scopes.events_allowed(scopes, events):
        needed = oauth_scopes.missing_event_scopes(scopes, [event])
        check.add(
            "webhook_events",
            f"Event {event} needs the scope {', '.join(needed) or 'none an app can hold'}:"
            " add the scope or drop the event",
            "SCOPE_REQUIRED",
        )


def _features(check: Checker, value: Any) -> list[str]:
    items = _lines(value)
    if len(items) > MAX_FEATURES:
        check.add("features", f"At most {MAX_FEATURES} features", "TOO_MANY")
    for item in items:
        if not isinstance(item, str):
            check.add("features", "Each feature is a short text", "INVALID_TYPE")
        elif len(item) > 80:
            check.add("features", "Each feature is at most 80 characters", "TOO_LONG")
        elif any(ord(ch) < 32 for ch in item):
            check.add("features", "Features must not contain control characters")
    return list(dict.fromkeys(i for i in items if isinstance(i, str)))


def _redirects(check: Checker, value: Any) -> list[str]:
    items = _lines(value)
    if len(items) > MAX_REDIRECTS:
        check.add("redirect_uris", f"At most {MAX_REDIRECTS} redirect URIs", "TOO_MANY")
    for uri in items:
        problem = redirect_uri_problem(uri)
        if problem:
            check.add("redirect_uris", f"{str(uri)[:200]} {problem}", "INVALID_REDIRECT_URI")
    return list(dict.fromkeys(i for i in items if isinstance(i, str)))


def _version_label(check: Checker, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        check.add("version", "Version is required, e.g. 1.0.0", "REQUIRED")
    elif len(text) > 40 or not VERSION.fullmatch(text):
        check.add("version", "Version looks like 1.0.0 (numbers and dots)", "INVALID_VERSION")
    return text


def validate(data: dict[str, Any], *, new: bool, events_within: bool = True) -> dict[str, Any]:
    """Every field checked at once; cleaned values, or ValidationFailed naming each field.
    With `events_within` (the default) each webhook event must be covered by the scopes."""
    check = Checker()
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("body", "Expected an object", "INVALID_TYPE")])
    out: dict[str, Any] = {}
    out["name"] = check.text("name", _str(data.get("name")), "Name", 120)
    slug = _str(data.get("slug")).strip().lower()
    if slug and (len(slug) > 80 or not SLUG.fullmatch(slug)):
        check.add("slug", "Slug uses lower-case letters, digits and hyphens (at most 80)")
    out["slug"] = slug
    out["description"] = check.text(
        "description", _str(data.get("description")), "Short description", 300
    )
    long_text = _str(data.get("long_description"))
    if len(long_text) > 20000:
        check.add(
            "long_description", "Long description must be at most 20,000 characters", "TOO_LONG"
        )
    out["long_description"] = long_text.strip()
    category = data.get("category") or ""
    check.choice("category", category, CATEGORIES, "Category")
    out["category"] = category
    out["features"] = _features(check, data.get("features"))
    out["pricing"] = _pricing(check, data.get("pricing") or {"model": "free"})
    out["scopes"] = _scopes(check, data.get("scopes"))
    out["webhook_events"] = _events(check, data.get("webhook_events"))
    if events_within and "scopes" not in {e["field"] for e in check.errors}:
        _events_within(check, out["scopes"], out["webhook_events"])
    out["webhook_url"] = _url(check, "webhook_url", data.get("webhook_url"), "Webhook URL", True)
    out["redirect_uris"] = _redirects(check, data.get("redirect_uris"))
    out["app_url"] = _url(check, "app_url", data.get("app_url"), "App URL", True)
    out["support_url"] = _url(check, "support_url", data.get("support_url"), "Support URL")
    out["privacy_url"] = _url(check, "privacy_url", data.get("privacy_url"), "Privacy policy URL")
    if new:
        out["version"] = _version_label(check, data.get("version") or "1.0.0")
        out["changelog"] = check.text(
            "changelog", _str(data.get("changelog")) or "First release", "Changelog", 5000
        )
    check.raise_if_any()
    return out


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def as_input(listing: dict[str, Any]) -> dict[str, Any]:
    """A listing row in the shape `validate` takes (to edit it)."""
    return {
        "name": listing["name"],
        "slug": listing["slug"],
        "description": listing["description"],
        "long_description": listing["long_description"],
        "category": listing["category"],
        "features": list(listing["features"]),
        "pricing": {
            "model": listing["pricing_model"],
            "amount": listing["pricing_amount"],
            "currency": listing["pricing_currency"],
            "billingCycle": listing["billing_cycle"],
            "trialDays": listing["trial_days"],
        },
        "scopes": list(listing["scopes"]),
        "webhook_events": list(listing["webhook_events"]),
        "webhook_url": listing["webhook_url"],
        "redirect_uris": list(listing["redirect_uris"]),
        "app_url": listing["app_url"],
        "support_url": listing["support_url"],
        "privacy_url": listing["privacy_url"],
    }


async def _slug_for(clean: dict[str, Any], listing_id: uuid.UUID | None) -> str:
    """The chosen slug (refused when taken) or one made from the name (made unique)."""
    if clean["slug"]:
        taken = await fetch(
            "SELECT 1 FROM public.listing WHERE slug = $1 AND id IS DISTINCT FROM $2",
            clean["slug"],
            listing_id,
        )
        if taken:
            raise ValidationFailed(
                [FieldError("slug", "This slug is taken; choose another", "SLUG_TAKEN")]
            )
        return str(clean["slug"])
    base = orgs.slugify(clean["name"], 70)
    rows = await fetch(
        "SELECT slug FROM public.listing WHERE (slug = $1 OR slug LIKE $1 || '-%')"
        " AND id IS DISTINCT FROM $2",
        base,
        listing_id,
    )
    used = {r["slug"] for r in rows}
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- create and edit ----------------------------------------------------------------------


def _field_values(clean: dict[str, Any]) -> tuple[Any, ...]:
    """The listing's editable columns from `name` to `privacy_url`, in that order."""
    pricing = clean["pricing"]
    return (
        clean["name"],
        clean["description"],
        clean["long_description"],
        clean["category"],
        clean["features"],
        pricing["model"],
        pricing["amount"],
        pricing["currency"],
        pricing["billingCycle"],
        pricing["trialDays"],
        clean["scopes"],
        clean["webhook_events"],
        clean["webhook_url"],
        clean["redirect_uris"],
        clean["app_url"],
        clean["support_url"],
        clean["privacy_url"],
    )


async def insert_draft(
    listing_id: uuid.UUID,
    org: dict[str, Any],
    slug: str,
    clean: dict[str, Any],
    secret: str,
    actor_user_id: uuid.UUID | None,
) -> None:
    """Write a draft listing, its first version and its draft event (in the caller's transaction)."""
    version_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.listing (id, org_id, slug, developer_name, name, description,"
        " long_description, category, features, pricing_model, pricing_amount, pricing_currency,"
        " billing_cycle, trial_days, scopes, webhook_events, webhook_url, redirect_uris,"
        " app_url, support_url, privacy_url, client_id, client_secret_hash,"
        " client_secret_enc, current_version_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
        " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
        listing_id,
        org["id"],
        slug,
        org["name"],
        *_field_values(clean),
        new_client_id(),
        sha256_hex(secret),
        encrypt_secret(secret),
        version_id,
    )
    await execute(
        "INSERT INTO public.listing_version (id, listing_id, version, changelog, scopes,"
        " webhook_events) VALUES ($1, $2, $3, $4, $5, $6)",
        version_id,
        listing_id,
        clean["version"],
        clean["changelog"],
        clean["scopes"],
        clean["webhook_events"],
    )
    await execute(
        "INSERT INTO public.listing_event (id, listing_id, from_status, to_status,"
        " actor_user_id) VALUES ($1, $2, NULL, 'draft', $3)",
        uuid.uuid4(),
        listing_id,
        actor_user_id,
    )


async def create_listing(
    user_id: uuid.UUID, org_id: uuid.UUID, data: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """A draft listing with its first version and OAuth client; (listing, client secret shown
    once)."""
    await orgs.require_role(user_id, org_id)
    org = await orgs.get_org(org_id)
    clean = validate(data, new=True)
    listing_id = uuid.uuid4()
    secret = new_client_secret()
    async with DB.transaction():
        await execute("SELECT pg_advisory_xact_lock(hashtext('listing_slug'))")
        slug = await _slug_for(clean, None)
        await insert_draft(listing_id, org, slug, clean, secret, user_id)
    listing = await get_listing(listing_id)
    assert listing is not None
    return listing, secret


async def _listing_for(
    user_id: uuid.UUID, listing_id: uuid.UUID, roles: tuple[str, ...] = orgs.ROLES
) -> dict[str, Any]:
    listing = await get_listing(listing_id)
    if listing is None:
        raise NotFound("Listing not found")
    await orgs.require_role(user_id, listing["org_id"], roles)
    return listing


async def update_listing(
    user_id: uuid.UUID, listing_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change a listing's fields (any member). Scopes and events change here only before the
    first review; after that through a new version. Not while in review or suspended."""
    listing = await _listing_for(user_id, listing_id)
    if listing["status"] not in EDITABLE:
        raise Conflict(f"A {listing['status']} listing cannot be edited")
    # Once reviewed, scopes and events change only through add_version (which checks them):
    # here any change of them is NEEDS_VERSION below.
    locked = listing["status"] not in SCOPES_EDITABLE
    clean = validate({**as_input(listing), **data}, new=False, events_within=not locked)
    if locked:
        problems = []
        if set(clean["scopes"]) != set(listing["scopes"]):
            problems.append(
                FieldError("scopes", "Change scopes through a new version", "NEEDS_VERSION")
            )
        if set(clean["webhook_events"]) != set(listing["webhook_events"]):
            problems.append(
                FieldError("webhook_events", "Change events through a new version", "NEEDS_VERSION")
            )
        if clean["slug"] and clean["slug"] != listing["slug"] and listing["published_at"]:
            problems.append(FieldError("slug", "A published listing keeps its slug", "LOCKED"))
        if problems:
            raise ValidationFailed(problems)
    async with DB.transaction():
        rows = await fetch("SELECT status FROM public.listing WHERE id = $1 FOR UPDATE", listing_id)
        if rows[0]["status"] != listing["status"]:
            raise Conflict("The listing changed meanwhile; reload and try again")
        await execute("SELECT pg_advisory_xact_lock(hashtext('listing_slug'))")
        slug = await _slug_for(clean, listing_id) if clean["slug"] else listing["slug"]
        await execute(
            "UPDATE public.listing SET slug = $2, name = $3, description = $4,"
            " long_description = $5, category = $6, features = $7, pricing_model = $8,"
            " pricing_amount = $9, pricing_currency = $10, billing_cycle = $11, trial_days = $12,"
            " scopes = $13, webhook_events = $14, webhook_url = $15, redirect_uris = $16,"
            " app_url = $17, support_url = $18, privacy_url = $19, updated_at = now()"
            " WHERE id = $1",
            listing_id,
            slug,
            *_field_values(clean),
        )
        if listing["status"] in SCOPES_EDITABLE and listing["current_version_id"]:
            await execute(
                "UPDATE public.listing_version SET scopes = $2, webhook_events = $3 WHERE id = $1",
                listing["current_version_id"],
                clean["scopes"],
                clean["webhook_events"],
            )
    updated = await get_listing(listing_id)
    assert updated is not None
    return updated


async def add_version(
    user_id: uuid.UUID,
    listing_id: uuid.UUID,
    version: str,
    changelog: str,
    scopes: Any,
    webhook_events: Any,
) -> dict[str, Any]:
    """A new version with its changelog, scopes and events; it becomes the current one (and is
    released at once when the listing is live)."""
    listing = await _listing_for(user_id, listing_id)
    if listing["status"] not in EDITABLE:
        raise Conflict(f"A {listing['status']} listing cannot get a new version")
    check = Checker()
    label = _version_label(check, version)
    text = check.text("changelog", _str(changelog), "Changelog", 5000)
    wanted = _scopes(check, scopes)
    events = _events(check, webhook_events)
    if "scopes" not in {e["field"] for e in check.errors}:
        _events_within(check, wanted, events)
    check.raise_if_any()
    version_id = uuid.uuid4()
    async with DB.transaction():
        await fetch("SELECT 1 FROM public.listing WHERE id = $1 FOR UPDATE", listing_id)
        clash = await fetch(
            "SELECT 1 FROM public.listing_version WHERE listing_id = $1 AND version = $2",
            listing_id,
            label,
        )
        if clash:
            raise ValidationFailed(
                [FieldError("version", f"Version {label} exists already", "DUPLICATE")]
            )
        await execute(
            "INSERT INTO public.listing_version (id, listing_id, version, changelog, scopes,"
            " webhook_events, published_at) VALUES ($1, $2, $3, $4, $5, $6,"
            " CASE WHEN $7 THEN now() END)",
            version_id,
            listing_id,
            label,
            text,
            wanted,
            events,
            listing["status"] in LIVE,
        )
        await execute(
            "UPDATE public.listing SET scopes = $2, webhook_events = $3, current_version_id = $4,"
            " updated_at = now() WHERE id = $1",
            listing_id,
            wanted,
            events,
            version_id,
        )
    rows = await fetch("SELECT * FROM public.listing_version WHERE id = $1", version_id)
    return rows[0]


# --- life cycle ---------------------------------------------------------------------------

STATUS_WORDS = {
    "draft": "is a draft",
    "submitted": "was submitted for review",
    "approved": "was approved; you can publish it now",
    "rejected": "was not approved",
    "published": "is published in the marketplace",
    "paused": "is paused (hidden, not installable)",
    "unlisted": "is unlisted (installable by link only)",
    "suspended": "was suspended by Jewelia staff",
}


async def transition(
    listing_id: uuid.UUID,
    to_status: str,
    actor_id: uuid.UUID | None,
    reasons: list[str] | None = None,
    *,
    verified: bool | None = None,
    reinstate: bool = False,
) -> dict[str, Any]:
    """Move a listing to `to_status` if its life cycle allows; one transaction with the
    listing_event row and the emails to the organization's owners and admins.

    `reinstate` (staff): a suspended listing goes back to `to_status`, the status it had
    before, and only its status changes (no new review, submission or publication dates)."""
    if to_status not in (STATUSES if reinstate else TRANSITIONS):
        raise ValidationFailed([FieldError("status", f"Unknown status {to_status!r}")])
    reasons = [r.strip() for r in (reasons or []) if r and r.strip()]
    async with DB.transaction():
        rows = await fetch("SELECT * FROM public.listing WHERE id = $1 FOR UPDATE", listing_id)
        if not rows:
            raise NotFound("Listing not found")
        listing = rows[0]
        current = listing["status"]
        if current not in (("suspended",) if reinstate else TRANSITIONS[to_status]):
            raise Conflict(f"A {current} listing cannot become {to_status}")
        sets = ["status = $2", "updated_at = now()"]
        args: list[Any] = [listing_id, to_status]
        if not reinstate:
            await _status_side_effects(listing, to_status, actor_id, reasons, verified, sets, args)
        await execute(f"UPDATE public.listing SET {', '.join(sets)} WHERE id = $1", *args)
        await execute(
            "INSERT INTO public.listing_event (id, listing_id, from_status, to_status,"
            " actor_user_id, reasons) VALUES ($1, $2, $3, $4, $5, $6)",
            uuid.uuid4(),
            listing_id,
            current,
            to_status,
            actor_id,
            reasons,
        )
        await _email_developers(listing, to_status, reasons)
    _send_soon()
    updated = await get_listing(listing_id)
    assert updated is not None
    return updated


async def _status_side_effects(
    listing: dict[str, Any],
    to_status: str,
    actor_id: uuid.UUID | None,
    reasons: list[str],
    verified: bool | None,
    sets: list[str],
    args: list[Any],
) -> None:
    """The columns a move to `to_status` sets beside the status (added to `sets`/`args`)."""
    if to_status == "submitted":
        sets += ["submitted_at = now()", "rejection_reasons = '{}'"]
    if to_status in ("approved", "rejected"):
        args.append(actor_id)
        sets += ["reviewed_at = now()", f"reviewed_by = ${len(args)}"]
    if to_status == "rejected":
        args.append(reasons)
        sets.append(f"rejection_reasons = ${len(args)}")
    if to_status == "approved" and verified is not None:
        args.append(verified)
        sets.append(f"is_verified = ${len(args)}")
    if to_status == "published":
        sets.append("published_at = coalesce(published_at, now())")
        await execute(
            "UPDATE public.listing_version SET published_at = now()"
            " WHERE id = $1 AND published_at IS NULL",
            listing["current_version_id"],
        )


async def _email_developers(listing: dict[str, Any], status: str, reasons: list[str]) -> None:
    org = await orgs.get_org(listing["org_id"])
    link = f"{get_settings().base_url}/partners/{org['slug']}/listings/{listing['slug']}"
    body = f"Your listing {listing['name']} {STATUS_WORDS[status]}.\n"
    if reasons:
        body += "\nReasons:\n" + "".join(f"- {r}\n" for r in reasons)
    body += f"\nSee it here: {link}\n"
    for address in await orgs.manager_emails(listing["org_id"]):
        await mail.queue_email(address, f"{listing['name']}: {status}", body)


def _send_soon() -> None:
    try:
        mail.send_soon()
    except Exception:  # the scheduler sends queued mail anyway
        log.warning("could not wake the mail worker", exc_info=True)


async def mark_submitted(user_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """draft/rejected → submitted (after the automated checks passed; see checks.submit)."""
    await _listing_for(user_id, listing_id)
    return await transition(listing_id, "submitted", user_id)


async def publish(user_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """approved, paused or unlisted → published (owners and admins)."""
    await _listing_for(user_id, listing_id, orgs.MANAGERS)
    return await transition(listing_id, "published", user_id)


async def pause(user_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """published → paused (owners and admins)."""
    await _listing_for(user_id, listing_id, orgs.MANAGERS)
    return await transition(listing_id, "paused", user_id)


async def unlist(user_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    """published or paused → unlisted (owners and admins)."""
    await _listing_for(user_id, listing_id, orgs.MANAGERS)
    return await transition(listing_id, "unlisted", user_id)


async def require_member(user_id: uuid.UUID, listing: dict[str, Any]) -> str:
    """The user's role in the listing's organization, or PermissionDenied/NotFound."""
    role = await orgs.org_role(user_id, listing["org_id"])
    if role is None:
        raise PermissionDenied("You are not a member of this listing's organization")
    return role
