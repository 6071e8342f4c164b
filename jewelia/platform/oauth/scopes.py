"""The scopes an app can ask for: one table, used by the consent page, the listing form and the
API guard.

Each resource has a `:read` and a `:write` scope; write implies read. `scope_for(method, path)`
maps an /api/v1 request to the scope it needs; routes outside the five resources (API keys,
auth, analytics …) need a scope no app can hold, so app tokens never reach them. One route
needs no data scope: an app reports its own usage (`/api/v1/marketplace/usage`) with the
implicit APP_USAGE scopes every app token holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from jewelia.core.errors import FieldError, ValidationFailed

SCOPES: dict[str, str] = {
    "customers:read": "See your customers",
    "customers:write": "Create and change your customers",
    "inventory:read": "See your inventory",
    "inventory:write": "Create and change your inventory items",
    "orders:read": "See your orders",
    "orders:write": "Create and change your orders",
    "webhooks:read": "See your webhook endpoints and deliveries",
    "webhooks:write": "Create and change your webhook endpoints",
    "import_export:read": "See your import and export jobs and download exports",
    "import_export:write": "Import data into your business and start exports",
}

# /api/v1 path prefix -> resource name of its scopes
_RESOURCES: tuple[tuple[str, str], ...] = (
    ("/api/v1/customers", "customers"),
    ("/api/v1/inventory", "inventory"),
    ("/api/v1/orders", "orders"),
    ("/api/v1/webhooks", "webhooks"),
    ("/api/v1/import-export", "import_export"),
)
_READ_METHODS = frozenset({"GET", "HEAD"})
# Held by every app token (see `expand`), asked for by no one: the app's own usage reports
# (read: list them, also while an uninstalled app cleans up; write: report).
APP_USAGE = frozenset({"app_usage:read", "app_usage:write"})
_APP_USAGE_PATH = "/api/v1/marketplace/usage"


def _split(scopes: str | Iterable[str] | None) -> list[str]:
    if scopes is None:
        return []
    if isinstance(scopes, str):
        parts = scopes.replace(",", " ").split()
    else:
        parts = []
        for item in scopes:
            parts.extend(str(item).replace(",", " ").split())
    return parts


def normalise(scopes: str | Iterable[str] | None, field: str = "scopes") -> list[str]:
    """Scope names from a space/comma separated string or a list: known names only, no
    duplicates, in the table's order. An unknown name is a VALIDATION_ERROR naming it."""
    names = _split(scopes)
    unknown = [name for name in names if name not in SCOPES]
    if unknown:
        raise ValidationFailed(
            [FieldError(field, f"Unknown scope: {name}", "UNKNOWN_SCOPE") for name in unknown]
        )
    wanted = set(names)
    return [name for name in SCOPES if name in wanted]


def expand(scopes: Iterable[str]) -> set[str]:
    """The scopes actually held: every write scope also grants its read scope, and every app
    reports its own usage (APP_USAGE, no business data)."""
    held = set(scopes) | APP_USAGE
    for name in list(held):
        if name.endswith(":write"):
            held.add(name[: -len(":write")] + ":read")
    return held


def allows(granted: Iterable[str], needed: str) -> bool:
    """Whether the granted scopes cover `needed` (write implies read)."""
    return needed in expand(granted)


def describe(scopes: Iterable[str]) -> list[tuple[str, str]]:
    """(name, plain words) pairs for the consent page, in the table's order."""
    wanted = set(scopes)
    return [(name, text) for name, text in SCOPES.items() if name in wanted]


def scope_for(method: str, path: str) -> str | None:
    """The scope an /api/v1 request needs, or None when no app token may make it.

    Under /api/v1/webhooks apps reach only endpoint and delivery management (`/webhooks`,
    `/webhooks/{id}…`, `/webhooks/deliveries/…`) and the event catalog (`/webhooks/events`):
    not incoming sources (`/webhooks/inbound…`), the testing tools (`/webhooks/test…`) or
    anything added there later."""
    if path == _APP_USAGE_PATH:
        return "app_usage:read" if method.upper() in _READ_METHODS else "app_usage:write"
    for prefix, resource in _RESOURCES:
        if path == prefix or path.startswith(prefix + "/"):
            if resource == "webhooks":
                first = path[len(prefix) :].strip("/").split("/", 1)[0]
                is_id = len(first) == 36 and all(c in "0123456789abcdefABCDEF-" for c in first)
                if first not in ("", "events", "deliveries") and not is_id:
                    return None
            kind = "read" if method.upper() in _READ_METHODS else "write"
            return f"{resource}:{kind}"
    return None


# Event category (the part of an event name before the dot) -> the read scope its data needs.
# A category mapped to None carries no business data (an app hears of its own install), so any
# app may receive it.
_EVENT_SCOPES: dict[str, str | None] = {
    "customer": "customers:read",
    "inventory": "inventory:read",
    "order": "orders:read",
    "import": "import_export:read",
    "export": "import_export:read",
    "webhook": "webhooks:read",
    "alert": "webhooks:read",
    "integration": None,
}

# What `event_scope` returns for an event it does not know: a name that is no scope, so
# `allows(granted, EVENT_REFUSED)` is False for every app and the event is refused.
EVENT_REFUSED = "refused:unknown-event"


def event_scope(event: str) -> str | None:
    """The read scope an event's data needs, for an event name (`order.created`) or a category
    pattern (`order.*`): None when the event carries no business data (`integration.*`), and
    EVENT_REFUSED (a name no app can hold) for an unknown event or category and for `*`, whose
    cover is decided by `events_allowed`. Never raises."""
    if not isinstance(event, str) or "." not in event:
        return EVENT_REFUSED
    category = event.split(".", 1)[0]
    if category not in _EVENT_SCOPES:
        return EVENT_REFUSED
    return _EVENT_SCOPES[category]


def events_allowed(scopes: Iterable[str], events: Iterable[str]) -> list[str]:
    """The events (names or patterns) NOT covered by the scopes, in the given order; an empty
    list means every event is allowed. Write implies read. `*` is covered only when every
    event's read scope is held."""
    held = expand(scopes)
    missing: list[str] = []
    for event in events:
        if event == "*":
            needed = {scope for scope in _EVENT_SCOPES.values() if scope is not None}
            if not needed <= held:
                missing.append(event)
            continue
        scope = event_scope(event)
        if scope is not None and not allows(held, scope):
            missing.append(event)
    return missing


def missing_event_scopes(scopes: Iterable[str], events: Iterable[str]) -> list[str]:
    """The read scopes the events need beyond `scopes`, in the table's order (for messages)."""
    held = expand(scopes)
    wanted: set[str] = set()
    for event in events:
        if event == "*":
            wanted |= {s for s in _EVENT_SCOPES.values() if s is not None}
        else:
            scope = event_scope(event)
            if scope is not None and scope != EVENT_REFUSED:
                wanted.add(scope)
    return [name for name in SCOPES if name in wanted and name not in held]
