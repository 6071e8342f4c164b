"""The event catalog: every event a subscription can ask for, its `data` schema and an example.

A delivery's body is `{"event", "data", "timestamp", "id"}` (see outbox.emit); the schemas below
describe `data` as the CRM services emit it (a test reads real outbox rows against them).
Subscriptions name events exactly, by category (`order.*`) or all at once (`*`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.tenants.crm.orders.service import PAYMENT_STATUSES, STATUSES
from jewelia.tenants.crm.rules import INVENTORY_STATUSES
from jewelia.tenants.webhooks.outbox import ID_ALIASES

Schema = dict[str, Any]


def _obj(props: dict[str, Schema], extra: bool = False, optional: tuple[str, ...] = ()) -> Schema:
    """An object whose properties are all required unless named in `optional`."""
    return {
        "type": "object",
        "properties": props,
        "required": [k for k in props if k not in optional],
        "additionalProperties": extra,
    }


def _null(schema: Schema) -> Schema:
    return {**schema, "type": [schema["type"], "null"]}


def _arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _enum(values: tuple[str, ...]) -> Schema:
    return {"type": "string", "enum": list(values)}


UUID: Schema = {"type": "string", "format": "uuid"}
TEXT: Schema = {"type": "string"}
DATE: Schema = {"type": "string", "format": "date"}
TIME: Schema = {"type": "string", "format": "date-time"}
MONEY: Schema = {"type": "number", "minimum": 0, "description": "Exact amount, two decimals"}
COUNT: Schema = {"type": "integer", "minimum": 0}
CHANGED: Schema = {**_arr(TEXT), "description": "Names of the fields that changed"}
JOB_TYPE = _enum(("customers", "inventory", "orders"))
JOB_FORMAT = _enum(("csv", "json", "xml", "excel"))

CUSTOMER = {
    "id": UUID,
    "full_name": TEXT,
    "email": _null(TEXT),
    "phone": {**_null(TEXT), "description": "E.164, e.g. +15550123"},
    "company": _null(TEXT),
    "birthday": _null(DATE),
    "anniversary": _null(DATE),
    "ring_size": {
        "oneOf": [
            _obj({"circumference_mm": MONEY, "system": _null(TEXT), "label": _null(TEXT)}),
            {"type": "null"},
        ]
    },
    "notes": TEXT,
    "tags": _arr(TEXT),
    "marketing_consent": {"type": "boolean"},
    "created_at": TIME,
    "updated_at": TIME,
}
ITEM = {
    "id": UUID,
    "sku": TEXT,
    "name": TEXT,
    "category": TEXT,
    "price": MONEY,
    "quantity": COUNT,
    "status": _enum(INVENTORY_STATUSES),
    "specifications": {"type": "object", "description": "Metal, purity, stones, certificate …"},
    "created_at": TIME,
    "updated_at": TIME,
}
ORDER_LINE = _obj(
    {"inventory_id": UUID, "quantity": COUNT, "unit_price": MONEY, "sku": TEXT, "name": TEXT}
)
ORDER = {
    "id": UUID,
    "order_id": {**UUID, "description": "Same as id (the name the contract's receiver reads)"},
    "customer_id": UUID,
    "status": _enum(STATUSES),
    "payment_status": _enum(PAYMENT_STATUSES),
    "total_amount": MONEY,
    "currency": TEXT,
    "notes": TEXT,
    "items": _arr(ORDER_LINE),
    "created_at": TIME,
    "updated_at": TIME,
}

_ID = {
    "customer": "0b9c3f5e-8d7a-4c21-9e34-5f6a7b8c9d01",
    "item": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
    "order": "7f3e9a12-4b5c-4d6e-8f70-9a1b2c3d4e5f",
    "job": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
}
_AT = "2024-01-15T10:30:00Z"
CUSTOMER_EXAMPLE = {
    "id": _ID["customer"],
    "full_name": "John Doe",
    "email": "john@example.com",
    "phone": "+15550123",
    "company": None,
    "birthday": "1985-06-21",
    "anniversary": None,
    "ring_size": {"circumference_mm": 53.08, "system": "US", "label": "6.5"},
    "notes": "",
    "tags": ["vip"],
    "marketing_consent": True,
    "created_at": _AT,
    "updated_at": _AT,
}
ITEM_EXAMPLE = {
    "id": _ID["item"],
    "sku": "RING-001",
    "name": "Diamond Engagement Ring",
    "category": "rings",
    "price": 2500.0,
    "quantity": 5,
    "status": "in_stock",
    "specifications": {"metal": "18k White Gold", "purity": "18k", "carat": 1.0, "color": "F"},
    "created_at": _AT,
    "updated_at": _AT,
}
ORDER_EXAMPLE = {
    "id": _ID["order"],
    "order_id": _ID["order"],
    "customer_id": _ID["customer"],
    "status": "pending",
    "payment_status": "pending",
    "total_amount": 2500.0,
    "currency": "USD",
    "notes": "",
    "items": [
        {
            "inventory_id": _ID["item"],
            "quantity": 1,
            "unit_price": 2500.0,
            "sku": "RING-001",
            "name": "Diamond Engagement Ring",
        }
    ],
    "created_at": _AT,
    "updated_at": _AT,
}


@dataclass(frozen=True)
class EventType:
    """One event a subscription can receive."""

    name: str
    description: str
    schema: Schema
    example_data: dict[str, Any]

    @property
    def category(self) -> str:
        return self.name.split(".", 1)[0]

    def example(self) -> dict[str, Any]:
        """A whole delivery body, as a receiver sees it."""
        return {
            "event": self.name,
            "data": self.example_data,
            "timestamp": _AT,
            "id": "3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
        }

    def payload_schema(self) -> Schema:
        """The JSON schema of a whole delivery body."""
        return _obj(
            {"event": {"const": self.name}, "data": self.schema, "timestamp": TIME, "id": UUID}
        )


ALERT_METRICS = ("error_rate", "p95_latency", "request_volume", "hourly_limit_share")
ALERT = {
    "incident_id": UUID,
    "rule_id": UUID,
    "rule_name": TEXT,
    "metric": _enum(ALERT_METRICS),
    "comparison": _enum(("above", "below")),
    "threshold": {"type": "number", "description": "The rule's threshold (percent, ms or count)"},
    "value": {"type": "number", "description": "The metric over the window when measured"},
    "window_minutes": COUNT,
    "triggered_at": TIME,
}
ALERT_EXAMPLE = {
    "incident_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "rule_id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
    "rule_name": "API errors",
    "metric": "error_rate",
    "comparison": "above",
    "threshold": 5.0,
    "value": 12.5,
    "window_minutes": 5,
    "triggered_at": _AT,
}


_UPDATED = "The fields sent that changed, with the whole record after the change"
EVENTS: tuple[EventType, ...] = (
    EventType("customer.created", "A customer was added", _obj(CUSTOMER), CUSTOMER_EXAMPLE),
    EventType(
        "customer.updated",
        f"{_UPDATED} and `changed`",
        _obj({**CUSTOMER, "changed": CHANGED}),
        {**CUSTOMER_EXAMPLE, "phone": "+15550199", "changed": ["phone"]},
    ),
    EventType(
        "customer.deleted",
        "A customer (without orders) was deleted",
        _obj({"id": UUID, "email": _null(TEXT)}),
        {"id": _ID["customer"], "email": "john@example.com"},
    ),
    EventType("inventory.created", "An inventory item was added", _obj(ITEM), ITEM_EXAMPLE),
    EventType(
        "inventory.updated",
        f"{_UPDATED} and `changed`",
        _obj({**ITEM, "changed": CHANGED}),
        {**ITEM_EXAMPLE, "price": 2450.0, "changed": ["price"]},
    ),
    EventType(
        "inventory.deleted",
        "An inventory item that no order refers to was deleted",
        _obj({"id": UUID, "sku": TEXT}),
        {"id": _ID["item"], "sku": "RING-001"},
    ),
    EventType(
        "inventory.low_stock",
        "An item's quantity fell to 1 or 0 (by an order or an edit)",
        _obj({"id": UUID, "sku": TEXT, "quantity": COUNT}),
        {"id": _ID["item"], "sku": "RING-001", "quantity": 1},
    ),
    EventType(
        "order.created",
        "An order was placed and its stock reserved",
        _obj(ORDER),
        ORDER_EXAMPLE,
    ),
    EventType(
        "order.updated",
        f"An order's status, payment status or notes changed; {_UPDATED.lower()} and `changed`",
        _obj({**ORDER, "changed": CHANGED}),
        {**ORDER_EXAMPLE, "payment_status": "paid", "changed": ["payment_status"]},
    ),
    EventType(
        "order.status_changed",
        "An order moved along pending → confirmed → in_production → ready → completed",
        _obj({"order_id": UUID, "from": _enum(STATUSES), "to": _enum(STATUSES)}),
        {"order_id": _ID["order"], "from": "pending", "to": "confirmed"},
    ),
    EventType(
        "order.cancelled",
        "An order was cancelled and its stock released (follows order.status_changed)",
        _obj(ORDER),
        {**ORDER_EXAMPLE, "status": "cancelled"},
    ),
    EventType(
        "import.completed",
        "An import job finished",
        _obj(
            {
                "job_id": UUID,
                "type": JOB_TYPE,
                "format": JOB_FORMAT,
                "status": _enum(("completed",)),
                "result": _obj(
                    {
                        "imported": {**COUNT, "description": "created + updated"},
                        "created": COUNT,
                        "updated": COUNT,
                        "unchanged": COUNT,
                        "skipped": COUNT,
                        "errors": {**COUNT, "description": "rows refused"},
                        "downloadUrl": {
                            **_null(TEXT),
                            "description": "Signed link to the error report (null without errors)",
                        },
                    }
                ),
                "completed_at": TIME,
            }
        ),
        {
            "job_id": _ID["job"],
            "type": "customers",
            "format": "csv",
            "status": "completed",
            "result": {
                "imported": 150,
                "created": 140,
                "updated": 10,
                "unchanged": 0,
                "skipped": 0,
                "errors": 2,
                "downloadUrl": "https://example.com/api/v1/import-export/download/errors-token",
            },
            "completed_at": _AT,
        },
    ),
    EventType(
        "export.completed",
        "An export job finished; its file can be downloaded",
        _obj(
            {
                "job_id": UUID,
                "type": JOB_TYPE,
                "format": JOB_FORMAT,
                "status": _enum(("completed",)),
                "result": _obj({"exported": COUNT, "downloadUrl": _null(TEXT)}),
                "completed_at": TIME,
            }
        ),
        {
            "job_id": _ID["job"],
            "type": "inventory",
            "format": "excel",
            "status": "completed",
            "result": {"exported": 150, "downloadUrl": "https://example.com/downloads/export"},
            "completed_at": _AT,
        },
    ),
    EventType(
        "integration.installed",
        "A marketplace app was installed (or given more scopes) by an owner or admin",
        _obj(
            {
                "install_id": UUID,
                "listing_id": UUID,
                "name": {**TEXT, "description": "The app's name"},
                "scopes": {**_arr(TEXT), "description": "The scopes granted, e.g. orders:read"},
                "installed_by": {**UUID, "description": "The user who consented"},
            }
        ),
        {
            "install_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
            "listing_id": "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
            "name": "Gem Ledger",
            "scopes": ["customers:read", "orders:write"],
            "installed_by": "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3",
        },
    ),
    EventType(
        "integration.uninstalled",
        "A marketplace app was uninstalled; it keeps read-only access for 15 minutes",
        _obj(
            {
                "install_id": UUID,
                "listing_id": UUID,
                "name": {**TEXT, "description": "The app's name"},
                "scopes": {**_arr(TEXT), "description": "The scopes it had"},
                "uninstalled_by": {**_null(UUID), "description": "null when the platform did it"},
            }
        ),
        {
            "install_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
            "listing_id": "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
            "name": "Gem Ledger",
            "scopes": ["customers:read", "orders:write"],
            "uninstalled_by": "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3",
        },
    ),
    EventType(
        "alert.triggered",
        "An alert rule's condition held (the Developers Alerts page); sent again after each cooldown"
        " while the incident stays open and unacknowledged (`repeat` true)",
        _obj({**ALERT, "state": _enum(("triggered",)), "repeat": {"type": "boolean"}}),
        {**ALERT_EXAMPLE, "state": "triggered", "repeat": False},
    ),
    EventType(
        "alert.resolved",
        "An alert's incident was resolved: by a member, or automatically once the condition"
        " cleared (`auto` true, `resolved_by` null)",
        _obj(
            {
                **ALERT,
                "state": _enum(("resolved",)),
                "resolved_at": TIME,
                "resolved_by": {**_null(UUID), "description": "The member; null when automatic"},
                "auto": {"type": "boolean"},
            }
        ),
        {
            **ALERT_EXAMPLE,
            "value": 1.2,
            "state": "resolved",
            "resolved_at": _AT,
            "resolved_by": None,
            "auto": True,
        },
    ),
    EventType(
        "webhook.test",
        "A test event sent from the Webhooks page to check an endpoint",
        _obj({"message": TEXT}, extra=True),
        {"message": "Test webhook"},
    ),
)


def _with_id_alias(event: EventType) -> EventType:
    """Customer and inventory events also carry their id as `customer_id` / `inventory_id`
    (the contract's receiver reads `customer_id`; orders already carry `order_id`)."""
    alias = ID_ALIASES.get(event.category)
    if alias is None:
        return event
    props = {**event.schema["properties"], alias: UUID}
    schema = {**event.schema, "properties": props, "required": [*event.schema["required"], alias]}
    example = {**event.example_data, alias: event.example_data["id"]}
    return EventType(event.name, event.description, schema, example)


EVENTS = tuple(_with_id_alias(e) for e in EVENTS)
CATALOG: dict[str, EventType] = {e.name: e for e in EVENTS}
EVENT_TYPES: tuple[str, ...] = tuple(CATALOG)
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(e.category for e in EVENTS))


def matches(patterns: list[str], event_type: str) -> bool:
    """Whether a subscription's patterns (exact, `order.*` or `*`) cover an event type."""
    for pattern in patterns:
        if pattern in ("*", event_type):
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


def check_patterns(patterns: list[str], field: str = "events") -> list[str]:
    """Patterns without duplicates, or ValidationFailed naming each unknown one."""
    if not patterns:
        raise ValidationFailed([FieldError(field, "Choose at least one event type", "REQUIRED")])
    errors = []
    for pattern in patterns:
        known = isinstance(pattern, str) and (
            pattern in CATALOG
            or pattern == "*"
            or (pattern.endswith(".*") and pattern[:-2] in CATEGORIES)
        )
        if not known:
            errors.append(
                FieldError(
                    field,
                    f"Unknown event type {str(pattern)[:100]!r}: use one of "
                    f"{', '.join(EVENT_TYPES)}, a category such as order.*, or *",
                    "UNKNOWN_EVENT",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return list(dict.fromkeys(patterns))


def describe() -> list[dict[str, Any]]:
    """The catalog for the API and the pages: name, category, description, schema, example."""
    return [
        {
            "type": e.name,
            "category": e.category,
            "description": e.description,
            "schema": e.schema,
            "example": e.example(),
        }
        for e in EVENTS
    ]
