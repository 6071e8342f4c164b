"""Webhook templates: example requests with `{{variable}}` placeholders, rendered and checked.

One template per catalog event, grouped in categories as in the contract
(`GET /webhooks/test?category=order_events`). Rendering fills the placeholders: a value that is a
placeholder alone keeps its type (`"{{order.total_amount}}"` becomes the number 2500.0), one
inside text is written into the text. `event.id` and `event.timestamp` are filled in when not
given. Validation checks a payload against the template and the event's catalog schema.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from jewelia.core import json_depth
from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.tenants.webhooks.catalog import CATALOG, Schema

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}")
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    description: str
    required: bool = True
    example: Any = None

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "required": self.required,
            "example": self.example,
        }


AUTO = (
    Variable("event.id", "string", "Event id (a new UUID when not given)", False),
    Variable("event.timestamp", "string", "ISO 8601 time (now when not given)", False),
)


@dataclass(frozen=True)
class Template:
    name: str
    category: str
    event: str
    description: str
    data: dict[str, Any]
    variables: tuple[Variable, ...]

    def payload(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "id": "{{event.id}}",
            "timestamp": "{{event.timestamp}}",
            "data": self.data,
        }

    def public(self) -> dict[str, Any]:
        """The contract's template shape: name, description, category and the template
        (method, headers, payload and the variables its placeholders take)."""
        return {
            "name": self.name,
            "description": self.description,
            "category": self.category,
            "template": {
                "method": "POST",
                "headers": HEADERS,
                "payload": self.payload(),
                "variables": [v.public() for v in (*self.variables, *AUTO)],
            },
        }


def _v(name: str, type_: str, description: str, example: Any, required: bool = True) -> Variable:
    return Variable(name, type_, description, required, example)


ORDER_ID = _v("order.id", "string", "Order ID", "7f3e9a12-4b5c-4d6e-8f70-9a1b2c3d4e5f")
CUSTOMER_ID = _v(
    "order.customer_id", "string", "Customer ID", "0b9c3f5e-8d7a-4c21-9e34-5f6a7b8c9d01"
)
TOTAL = _v("order.total_amount", "number", "Order total", 2500.0)
CURRENCY = _v("order.currency", "string", "ISO currency code", "USD", False)
CUST = _v("customer.id", "string", "Customer ID", "0b9c3f5e-8d7a-4c21-9e34-5f6a7b8c9d01")
NAME = _v("customer.full_name", "string", "Full name", "John Doe")
EMAIL = _v("customer.email", "string", "Email address", "john@example.com", False)
ITEM = _v("item.id", "string", "Inventory item ID", "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5")
SKU = _v("item.sku", "string", "SKU", "RING-001")
QTY = _v("item.quantity", "integer", "Quantity in stock", 5)
JOB = _v("job.id", "string", "Job ID", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9")
JOB_TYPE = _v("job.type", "string", "customers, inventory or orders", "customers")
JOB_FORMAT = _v("job.format", "string", "csv, json or excel", "csv")
INSTALL = _v("install.id", "string", "Install ID", "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d")
LISTING = _v("listing.id", "string", "App (listing) ID", "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f")
APP_NAME = _v("listing.name", "string", "App name", "Gem Ledger")
APP_SCOPES = _v("scopes", "array", "Scopes granted", ["customers:read"])
BY_USER = _v("user.id", "string", "User ID", "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3")

INCIDENT = _v("incident.id", "string", "Incident ID", "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d")
RULE_NAME = _v("rule.name", "string", "Alert rule name", "API errors")
METRIC = _v("rule.metric", "string", "error_rate, p95_latency, request_volume, ...", "error_rate")
THRESHOLD = _v("rule.threshold", "number", "The rule's threshold", 5.0)
VALUE = _v("value", "number", "The measured value", 12.5)


def _changed(example: list[str]) -> Variable:
    return _v("changed", "array", "Names of the fields that changed", example)


def _ph(var: Variable) -> str:
    return "{{" + var.name + "}}"


TEMPLATES: tuple[Template, ...] = (
    Template(
        "order_created",
        "order_events",
        "order.created",
        "Template for order creation events",
        {
            "order_id": _ph(ORDER_ID),
            "customer_id": _ph(CUSTOMER_ID),
            "total_amount": _ph(TOTAL),
            "currency": _ph(CURRENCY),
        },
        (ORDER_ID, CUSTOMER_ID, TOTAL, CURRENCY),
    ),
    Template(
        "order_updated",
        "order_events",
        "order.updated",
        "Template for order changes (status, payment status, notes)",
        {
            "order_id": _ph(ORDER_ID),
            "payment_status": "{{order.payment_status}}",
            "changed": "{{changed}}",
        },
        (
            ORDER_ID,
            _v("order.payment_status", "string", "Payment status", "paid"),
            _changed(["payment_status"]),
        ),
    ),
    Template(
        "order_status_changed",
        "order_events",
        "order.status_changed",
        "Template for order status moves",
        {"order_id": _ph(ORDER_ID), "from": "{{order.previous_status}}", "to": "{{order.status}}"},
        (
            ORDER_ID,
            _v("order.previous_status", "string", "Status before", "pending"),
            _v("order.status", "string", "Status after", "confirmed"),
        ),
    ),
    Template(
        "order_cancelled",
        "order_events",
        "order.cancelled",
        "Template for cancelled orders (stock released)",
        {
            "order_id": _ph(ORDER_ID),
            "customer_id": _ph(CUSTOMER_ID),
            "total_amount": _ph(TOTAL),
            "status": "cancelled",
        },
        (ORDER_ID, CUSTOMER_ID, TOTAL),
    ),
    Template(
        "customer_created",
        "customer_events",
        "customer.created",
        "Template for new customers",
        {"id": _ph(CUST), "full_name": _ph(NAME), "email": _ph(EMAIL)},
        (CUST, NAME, EMAIL),
    ),
    Template(
        "customer_updated",
        "customer_events",
        "customer.updated",
        "Template for customer changes",
        {"id": _ph(CUST), "full_name": _ph(NAME), "email": _ph(EMAIL), "changed": "{{changed}}"},
        (CUST, NAME, EMAIL, _changed(["email"])),
    ),
    Template(
        "customer_deleted",
        "customer_events",
        "customer.deleted",
        "Template for deleted customers",
        {"id": _ph(CUST), "email": _ph(EMAIL)},
        (CUST, EMAIL),
    ),
    Template(
        "inventory_created",
        "inventory_events",
        "inventory.created",
        "Template for new inventory items",
        {
            "id": _ph(ITEM),
            "sku": _ph(SKU),
            "name": "{{item.name}}",
            "category": "{{item.category}}",
            "price": "{{item.price}}",
            "quantity": _ph(QTY),
        },
        (
            ITEM,
            SKU,
            _v("item.name", "string", "Item name", "Diamond Engagement Ring"),
            _v("item.category", "string", "Category", "rings"),
            _v("item.price", "number", "Price", 2500.0),
            QTY,
        ),
    ),
    Template(
        "inventory_updated",
        "inventory_events",
        "inventory.updated",
        "Template for inventory changes",
        {"id": _ph(ITEM), "sku": _ph(SKU), "quantity": _ph(QTY), "changed": "{{changed}}"},
        (ITEM, SKU, QTY, _changed(["quantity"])),
    ),
    Template(
        "inventory_low_stock",
        "inventory_events",
        "inventory.low_stock",
        "Template for low stock alerts",
        {"id": _ph(ITEM), "sku": _ph(SKU), "quantity": _ph(QTY)},
        (ITEM, SKU, QTY),
    ),
    Template(
        "inventory_deleted",
        "inventory_events",
        "inventory.deleted",
        "Template for deleted inventory items",
        {"id": _ph(ITEM), "sku": _ph(SKU)},
        (ITEM, SKU),
    ),
    Template(
        "import_completed",
        "import_export_events",
        "import.completed",
        "Template for finished import jobs",
        {
            "job_id": _ph(JOB),
            "type": _ph(JOB_TYPE),
            "format": _ph(JOB_FORMAT),
            "status": "completed",
            "result": {"imported": "{{result.imported}}", "errors": "{{result.errors}}"},
        },
        (
            JOB,
            JOB_TYPE,
            JOB_FORMAT,
            _v("result.imported", "integer", "Rows imported", 150),
            _v("result.errors", "integer", "Rows with errors", 2),
        ),
    ),
    Template(
        "export_completed",
        "import_export_events",
        "export.completed",
        "Template for finished export jobs",
        {
            "job_id": _ph(JOB),
            "type": _ph(JOB_TYPE),
            "format": _ph(JOB_FORMAT),
            "status": "completed",
            "result": {"exported": "{{result.exported}}", "downloadUrl": "{{result.download_url}}"},
        },
        (
            JOB,
            JOB_TYPE,
            JOB_FORMAT,
            _v("result.exported", "integer", "Rows exported", 150),
            _v(
                "result.download_url", "string", "Where the file is", "https://example.com/f", False
            ),
        ),
    ),
    Template(
        "integration_installed",
        "integration_events",
        "integration.installed",
        "Template for marketplace app installs",
        {
            "install_id": _ph(INSTALL),
            "listing_id": _ph(LISTING),
            "name": _ph(APP_NAME),
            "scopes": _ph(APP_SCOPES),
            "installed_by": _ph(BY_USER),
        },
        (INSTALL, LISTING, APP_NAME, APP_SCOPES, BY_USER),
    ),
    Template(
        "integration_uninstalled",
        "integration_events",
        "integration.uninstalled",
        "Template for marketplace app uninstalls",
        {
            "install_id": _ph(INSTALL),
            "listing_id": _ph(LISTING),
            "name": _ph(APP_NAME),
            "scopes": _ph(APP_SCOPES),
            "uninstalled_by": _ph(BY_USER),
        },
        (INSTALL, LISTING, APP_NAME, APP_SCOPES, BY_USER),
    ),
    Template(
        "alert_triggered",
        "alert_events",
        "alert.triggered",
        "Template for alerts that fired",
        {
            "incident_id": _ph(INCIDENT),
            "rule_name": _ph(RULE_NAME),
            "metric": _ph(METRIC),
            "threshold": _ph(THRESHOLD),
            "value": _ph(VALUE),
            "state": "triggered",
        },
        (INCIDENT, RULE_NAME, METRIC, THRESHOLD, VALUE),
    ),
    Template(
        "alert_resolved",
        "alert_events",
        "alert.resolved",
        "Template for alerts whose incident was resolved",
        {
            "incident_id": _ph(INCIDENT),
            "rule_name": _ph(RULE_NAME),
            "metric": _ph(METRIC),
            "value": _ph(VALUE),
            "state": "resolved",
        },
        (INCIDENT, RULE_NAME, METRIC, VALUE),
    ),
    Template(
        "webhook_test",
        "test_events",
        "webhook.test",
        "A test event to check that an endpoint answers and verifies signatures",
        {"message": "{{message}}"},
        (_v("message", "string", "Any text", "Test webhook"),),
    ),
)
BY_NAME: dict[str, Template] = {t.name: t for t in TEMPLATES}
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(t.category for t in TEMPLATES))


def list_templates(category: str | None = None) -> list[dict[str, Any]]:
    """Templates of one category (all when None); an unknown category is a 422."""
    if category is not None and category not in CATEGORIES:
        raise ValidationFailed(
            [
                FieldError(
                    "category",
                    f"category must be one of: {', '.join(CATEGORIES)}",
                    "INVALID_CHOICE",
                )
            ]
        )
    return [t.public() for t in TEMPLATES if category in (None, t.category)]


def get_template(name: str, field: str = "template") -> Template:
    """A template by name, or ValidationFailed."""
    template = BY_NAME.get(name)
    if template is None:
        raise ValidationFailed(
            [FieldError(field, f"Unknown template {name[:100]!r}", "UNKNOWN_TEMPLATE")]
        )
    return template


def _type_ok(value: Any, type_: str) -> bool:
    if isinstance(value, bool) and type_ in ("number", "integer"):
        return False
    return isinstance(value, JSON_TYPES[type_])


def coerce(name: str, raw: dict[str, str]) -> dict[str, Any]:
    """Variables typed from form text (numbers, booleans, JSON lists); blanks left out."""
    types = {v.name: v.type for v in (*get_template(name).variables, *AUTO)}
    out: dict[str, Any] = {}
    for key, text in raw.items():
        text = text.strip()
        if not text:
            continue
        kind = types.get(key, "string")
        value: Any = text
        try:
            if kind == "integer":
                value = int(text)
            elif kind == "number":
                value = float(text)
            elif kind == "boolean" and text.lower() in ("true", "false"):
                value = text.lower() == "true"
            elif kind in ("array", "object"):
                value = json_depth.loads(text)
        except ValueError:
            value = text  # reported as the wrong type by render
        out[key] = value
    return out


_DROP = object()


def render(name: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The template's request with placeholders filled; ValidationFailed lists every problem."""
    template = get_template(name)
    declared = {v.name: v for v in (*template.variables, *AUTO)}
    errors = []
    for key in variables:
        if key not in declared:
            errors.append(
                FieldError(
                    f"variables.{key}", f"{key} is not a variable of {name}", "UNKNOWN_VARIABLE"
                )
            )
    for var in declared.values():
        if var.name in variables:
            if not _type_ok(variables[var.name], var.type):
                errors.append(
                    FieldError(
                        f"variables.{var.name}", f"{var.name} must be a {var.type}", "INVALID_TYPE"
                    )
                )
        elif var.required:
            errors.append(
                FieldError(f"variables.{var.name}", f"{var.name} is required", "REQUIRED")
            )
    if errors:
        raise ValidationFailed(errors, "Template variables are missing or invalid")
    values = {
        "event.id": str(uuid.uuid4()),
        "event.timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        **variables,
    }
    payload = _fill(template.payload(), values)
    return {
        "name": template.name,
        "event": template.event,
        "method": "POST",
        "headers": HEADERS,
        "payload": payload,
    }


def _fill(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        filled = {k: _fill(v, values) for k, v in node.items()}
        return {k: v for k, v in filled.items() if v is not _DROP}
    if isinstance(node, list):
        return [None if item is _DROP else item for item in (_fill(i, values) for i in node)]
    if not isinstance(node, str):
        return node
    whole = PLACEHOLDER.fullmatch(node)
    if whole:
        return values.get(whole.group(1), _DROP)

    def text(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        return value if isinstance(value, str) else json.dumps(value)

    return PLACEHOLDER.sub(text, node)


def validate(name: str, payload: Any) -> dict[str, Any]:
    """Check a payload against a template and its event's schema: what is missing, extra, wrong."""
    template = get_template(name)
    schema = CATALOG[template.event].payload_schema()
    optional = {v.name for v in template.variables if not v.required}
    errors: list[FieldError] = []
    _check(schema, payload, "", _shape(template.payload(), optional), errors)
    groups = {"REQUIRED": "missing", "UNKNOWN_FIELD": "extra", "INVALID_TYPE": "mistyped"}
    report: dict[str, Any] = {"missing": [], "extra": [], "mistyped": [], "invalid": []}
    for err in errors:
        report[groups.get(err["code"], "invalid")].append(err["field"])
    return {
        "valid": not errors,
        "template": name,
        "event": template.event,
        **report,
        "errors": errors,
    }


def _json_type(value: Any) -> str:
    for name in JSON_TYPES:
        if _type_ok(value, name) and name != "integer":
            return name
    return type(value).__name__


def _format_ok(value: str, fmt: str) -> bool:
    try:
        if fmt == "uuid":
            uuid.UUID(value)
        elif fmt == "date-time":
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return "T" in value and parsed.tzinfo is not None
        elif fmt == "date":
            date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check(schema: Schema, value: Any, path: str, shape: Any, errors: list[FieldError]) -> None:
    """Check a value against our subset of JSON Schema; `shape` is the template at this path
    (its keys are the required ones there), or None where the template says nothing."""
    where = path or "payload"
    if "oneOf" in schema:
        branches = schema["oneOf"]
        for branch in branches:
            trial: list[FieldError] = []
            _check(branch, value, path, shape, trial)
            if not trial:
                return
        branch = next((b for b in branches if b.get("type") != "null"), branches[0])
        _check(branch, value, path, shape, errors)
        return
    if "const" in schema and value != schema["const"]:
        errors.append(FieldError(where, f"{where} must be {schema['const']!r}", "INVALID_VALUE"))
        return
    types = schema.get("type")
    if types:
        allowed = [types] if isinstance(types, str) else types
        if not any(_type_ok(value, t) for t in allowed):
            expected = " or ".join(allowed)
            errors.append(
                FieldError(
                    where, f"{where} must be {expected}, not {_json_type(value)}", "INVALID_TYPE"
                )
            )
            return
    if value is None:
        return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(
            FieldError(
                where, f"{where} must be one of: {', '.join(schema['enum'])}", "INVALID_VALUE"
            )
        )
    if isinstance(value, str) and "format" in schema and not _format_ok(value, schema["format"]):
        errors.append(FieldError(where, f"{where} must be a {schema['format']}", "INVALID_FORMAT"))
    if isinstance(value, dict):
        _check_object(schema, value, path, shape, errors)
    elif isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            _check(schema["items"], item, f"{path}[{n}]", None, errors)


def _check_object(
    schema: Schema, value: dict[str, Any], path: str, shape: Any, errors: list[FieldError]
) -> None:
    props = schema.get("properties", {})
    if isinstance(shape, dict):
        required = [k for k, v in shape.items() if v is not False]
    else:
        required = schema.get("required", [])
    prefix = f"{path}." if path else ""
    for key in required:
        if key not in value:
            errors.append(FieldError(prefix + key, f"{prefix + key} is missing", "REQUIRED"))
    for key, item in value.items():
        if key in props:
            sub = shape.get(key) if isinstance(shape, dict) else None
            _check(props[key], item, prefix + key, sub, errors)
        elif not schema.get("additionalProperties", True):
            errors.append(
                FieldError(
                    prefix + key, f"{prefix + key} is not a field of this event", "UNKNOWN_FIELD"
                )
            )


def _shape(node: Any, optional: set[str]) -> Any:
    """The template as required-ness: objects keep their keys; a lone placeholder for an
    optional variable becomes False, any other value True."""
    if isinstance(node, dict):
        return {k: _shape(v, optional) for k, v in node.items()}
    whole = PLACEHOLDER.fullmatch(node) if isinstance(node, str) else None
    return not (whole and whole.group(1) in optional)
