"""What an incoming event does to the CRM, through the CRM services and their validation.

Handlers run inside the tenant scope of the event being processed (the services' own scopes
join it), so the change and the event's new status commit together.

`order.created` data:
    customer_id (our customer's UUID) or customer_email, or customer {id?, email, full_name,
    phone?} (a customer with that email is created when none exists and full_name is given);
    items [{inventory_id or sku, quantity (default 1), unit_price (default: list price)}];
    optional order_id (the sender's reference) and notes.
`customer.created` / `customer.updated` data: the customer fields of the API (full_name,
    email, phone, company, birthday, anniversary, ring_size, notes, tags, marketing_consent);
    the customer is matched by our id, then by email, and updated, or else created.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from jewelia.core.db import fetch
from jewelia.core.errors import AppError, FieldError, ValidationFailed
from jewelia.platform.tenancy.registry import TenantInfo
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.crm.customers import service as customers
from jewelia.tenants.crm.orders import service as orders

CUSTOMER_FIELDS = customers.FIELDS
_TEXT_FIELDS = ("full_name", "email", "phone", "company", "birthday", "anniversary", "notes")


@dataclass(frozen=True)
class HandlerContext:
    """The tenant, the sending source and the actor the changes are audited under."""

    tenant: TenantInfo
    source_id: uuid.UUID
    source_name: str
    actor: Actor


Handler = Callable[[HandlerContext, dict[str, Any]], Awaitable[dict[str, Any]]]


def describe(exc: BaseException) -> tuple[str, list[dict[str, Any]] | None]:
    """(message for the event row, field errors if any) for a refused event."""
    if isinstance(exc, ValidationFailed):
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
        return f"{exc.message}: {fields}", list(exc.errors)
    if isinstance(exc, AppError):
        details = exc.details if isinstance(exc.details, list) else None
        return exc.message, details
    return f"Invalid data ({type(exc).__name__}: {exc})", None


def _in_data(exc: ValidationFailed) -> ValidationFailed:
    """The same errors with field names as they appear in the event (under `data.`)."""
    return ValidationFailed(
        [FieldError(f"data.{e['field']}", e["message"], e["code"]) for e in exc.errors],
        exc.message,
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if isinstance(value, str) else None
    except ValueError:
        return None


async def _customer_by_email(email: str) -> uuid.UUID | None:
    rows = await fetch("SELECT id FROM customer WHERE lower(email) = lower($1)", email.strip())
    return rows[0]["id"] if rows else None


async def _customer_exists(customer_id: uuid.UUID) -> bool:
    return bool(await fetch("SELECT 1 FROM customer WHERE id = $1", customer_id))


def _customer_values(data: dict[str, Any]) -> dict[str, Any]:
    """The customer fields present in the data, type-checked before the service validates."""
    values = {k: data[k] for k in CUSTOMER_FIELDS if k in data}
    if "full_name" not in values and isinstance(data.get("name"), str):
        values["full_name"] = data["name"]
    errors = [
        FieldError(f"data.{k}", f"{k} must be a string", "INVALID_TYPE")
        for k in _TEXT_FIELDS
        if values.get(k) is not None and not isinstance(values[k], str)
    ]
    if "tags" in values and not isinstance(values["tags"], list | type(None)):
        errors.append(FieldError("data.tags", "tags must be a list of strings", "INVALID_TYPE"))
    if "ring_size" in values and not isinstance(values["ring_size"], dict | type(None)):
        errors.append(FieldError("data.ring_size", "ring_size must be an object", "INVALID_TYPE"))
    if "marketing_consent" in values and not isinstance(values["marketing_consent"], bool):
        errors.append(
            FieldError("data.marketing_consent", "marketing_consent must be true or false")
        )
    if errors:
        raise ValidationFailed(errors)
    return values


async def _upsert_customer(ctx: HandlerContext, data: dict[str, Any]) -> dict[str, Any]:
    values = _customer_values(data)
    existing = _uuid(data.get("id"))
    if existing is not None and not await _customer_exists(existing):
        existing = None
    if existing is None and isinstance(values.get("email"), str) and values["email"].strip():
        existing = await _customer_by_email(values["email"])
    try:
        if existing is not None:
            row = await customers.update_customer(ctx.tenant.ref, ctx.actor, existing, values)
            return {"customer_id": str(row["id"]), "action": "updated"}
        row = await customers.create_customer(ctx.tenant.ref, ctx.actor, values)
    except ValidationFailed as exc:
        raise _in_data(exc) from exc
    return {"customer_id": str(row["id"]), "action": "created"}


async def customer_upserted(ctx: HandlerContext, data: dict[str, Any]) -> dict[str, Any]:
    """customer.created / customer.updated: update the matching customer or create one."""
    return await _upsert_customer(ctx, data)


async def _order_customer(ctx: HandlerContext, data: dict[str, Any]) -> uuid.UUID:
    nested: dict[str, Any] = data["customer"] if isinstance(data.get("customer"), dict) else {}
    given_id = data.get("customer_id", nested.get("id"))
    if given_id is not None:
        customer_id = _uuid(given_id)
        if customer_id is None:
            raise ValidationFailed(
                [FieldError("data.customer_id", "customer_id must be a UUID", "INVALID_UUID")]
            )
        return customer_id
    email = data.get("customer_email", nested.get("email"))
    if not isinstance(email, str) or not email.strip():
        raise ValidationFailed(
            [
                FieldError(
                    "data.customer_id",
                    "Give customer_id, customer_email or customer {email, full_name}",
                    "REQUIRED",
                )
            ]
        )
    found = await _customer_by_email(email)
    if found is not None:
        return found
    if not nested.get("full_name") and not nested.get("name"):
        raise ValidationFailed(
            [
                FieldError(
                    "data.customer_email",
                    "No customer with this email (send customer.full_name to create one)",
                    "NOT_FOUND",
                )
            ]
        )
    created = await _upsert_customer(ctx, {**nested, "email": email})
    return uuid.UUID(created["customer_id"])


async def _order_items(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise ValidationFailed(
            [FieldError("data.items", "items must be a non-empty list", "REQUIRED")]
        )
    lines = items[: orders.MAX_ITEMS + 1]
    skus = [i["sku"] for i in lines if isinstance(i, dict) and isinstance(i.get("sku"), str)]
    rows = await fetch("SELECT id, sku FROM inventory_item WHERE sku = ANY($1::text[])", skus)
    by_sku = {r["sku"]: r["id"] for r in rows}
    errors: list[FieldError] = []
    out: list[dict[str, Any]] = []
    for n, item in enumerate(lines):
        if not isinstance(item, dict):
            errors.append(FieldError(f"data.items[{n}]", "each item must be an object"))
            continue
        inventory_id = _uuid(item.get("inventory_id"))
        if inventory_id is None and "sku" in item:
            inventory_id = by_sku.get(item["sku"])
            if inventory_id is None:
                errors.append(
                    FieldError(
                        f"data.items[{n}].sku", f"No item with SKU {item['sku']!r}", "NOT_FOUND"
                    )
                )
        elif inventory_id is None:
            errors.append(
                FieldError(
                    f"data.items[{n}].inventory_id",
                    "Give inventory_id (a UUID) or sku",
                    "REQUIRED",
                )
            )
        line = {"inventory_id": inventory_id, "quantity": item.get("quantity", 1)}
        if item.get("unit_price") is not None:
            line["unit_price"] = item["unit_price"]
        out.append(line)
    if errors:
        raise ValidationFailed(errors)
    return out


async def order_created(ctx: HandlerContext, data: dict[str, Any]) -> dict[str, Any]:
    """order.created: an order for the customer, reserving stock like any other order."""
    customer_id = await _order_customer(ctx, data)
    lines = await _order_items(data.get("items"))
    notes = f"via integration {ctx.source_name}"
    if isinstance(data.get("order_id"), str | int) and not isinstance(data["order_id"], bool):
        notes += f" (their order {data['order_id']})"
    if isinstance(data.get("notes"), str) and data["notes"].strip():
        notes += "\n" + data["notes"].strip()
    try:
        order = await orders.create_order(
            ctx.tenant.ref,
            ctx.actor,
            {"customer_id": customer_id, "items": lines, "notes": notes[:5000]},
            ctx.tenant.currency,
        )
    except ValidationFailed as exc:
        raise _in_data(exc) from exc
    return {
        "order_id": str(order["id"]),
        "customer_id": str(customer_id),
        "total_amount": str(order["total_amount"]),
    }


HANDLERS: dict[str, Handler] = {
    "order.created": order_created,
    "customer.created": customer_upserted,
    "customer.updated": customer_upserted,
}
