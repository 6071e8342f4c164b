"""Inventory rules: SKUs unique per business, jewelry specifications, filters, stock changes."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import Conflict, FieldError, ValidationFailed
from jewelia.core.validation import Checker
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.crm import rules
from jewelia.tenants.crm.records import (
    Filters,
    RowKind,
    get_row,
    page_of,
)
from jewelia.tenants.crm.search import prefix_query, sort_clause
from jewelia.tenants.webhooks.outbox import emit

COLUMNS = "id, sku, name, category, price, quantity, status, specifications, created_at, updated_at"
SORTS = {
    "created_at": "created_at",
    "name": "lower(name)",
    "sku": "sku",
    "price": "price",
    "quantity": "quantity",
}
MAX_PRICE = Decimal("9999999999.99")
LOW_STOCK = 1


def to_public(row: dict[str, Any]) -> dict[str, Any]:
    """An item row in the API's shape."""
    out = dict(row)
    if isinstance(out["specifications"], str):
        out["specifications"] = json.loads(out["specifications"])
    return out


def _money(check: Checker, field: str, value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        check.add(field, f"{field} must be a number", "INVALID_TYPE")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        check.add(field, f"{field} must be a number", "INVALID_TYPE")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        check.add(field, f"{field} must be between 0 and {MAX_PRICE}", "OUT_OF_RANGE")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        check.add(field, f"{field} has at most 2 decimal places", "INVALID_PRECISION")
        return None
    return amount


def validate(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Column values from API/form/import input; raise ValidationFailed listing every problem."""
    check = Checker()
    values: dict[str, Any] = {}
    if "sku" in data or not partial:
        sku = check.text("sku", data.get("sku") or "", "sku", 64)
        if sku and not all(c.isalnum() or c in "-_./" for c in sku):
            check.add("sku", "sku may use letters, digits and - _ . /", "INVALID")
        values["sku"] = sku
    if "name" in data or not partial:
        values["name"] = check.text("name", data.get("name") or "", "name", 200)
    if "category" in data or not partial:
        values["category"] = check.text(
            "category", data.get("category") or "", "category", 60
        ).lower()
    if "price" in data or not partial:
        values["price"] = _money(check, "price", data.get("price"))
    if "quantity" in data:
        qty = data["quantity"]
        if isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= 1_000_000:
            check.add(
                "quantity", "quantity must be a whole number from 0 to 1000000", "OUT_OF_RANGE"
            )
        values["quantity"] = qty
    if "status" in data:
        values["status"] = check.choice(
            "status", data["status"], rules.INVENTORY_STATUSES, "status"
        )
    if "specifications" in data:
        spec = data["specifications"]
        if spec is not None and not isinstance(spec, dict):
            check.add("specifications", "specifications must be an object", "INVALID_TYPE")
        else:
            values["specifications"] = rules.specifications(check, spec)
            if len(json.dumps(values["specifications"], default=str)) > 20_000:
                check.add("specifications", "specifications are too large (20 KB)", "TOO_LONG")
    check.raise_if_any()
    return values


def _duplicate_sku() -> ValidationFailed:
    return ValidationFailed(
        [FieldError("sku", "An item with this SKU already exists", "DUPLICATE_SKU")]
    )


async def list_items(
    tenant: TenantRef,
    page: Page,
    *,
    category: str | None = None,
    status: str | None = None,
    search: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    sort: str | None = None,
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of items matching the filters, the total, and a cursor."""
    check = Checker()
    if status is not None:
        check.choice("status", status, rules.INVENTORY_STATUSES, "status")
    for name, bound in (("min_price", min_price), ("max_price", max_price)):
        if bound is not None and (not bound.is_finite() or not 0 <= bound <= MAX_PRICE):
            check.add(name, f"{name} must be between 0 and {MAX_PRICE}", "OUT_OF_RANGE")
    check.raise_if_any()
    order, default_order = sort_clause(sort, SORTS, "-created_at")
    filters = Filters()
    filters.add("category = {}", category.lower() if category else None)
    filters.add("status = {}", status)
    filters.add("search_vector @@ to_tsquery('simple', {})", prefix_query(search))
    filters.add("price >= {}", min_price)
    filters.add("price <= {}", max_price)
    async with tenant_scope(tenant):
        rows, total, cursor = await page_of(
            "inventory_item", COLUMNS, filters, order, page, default_order
        )
    return [to_public(r) for r in rows], total, cursor


async def get_item(tenant: TenantRef, item_id: uuid.UUID) -> dict[str, Any]:
    """One item, or NotFound."""
    return await ITEMS.get(tenant, item_id)


async def rows_by_sku(tenant: TenantRef, skus: list[str]) -> dict[str, dict[str, Any]]:
    """Items by SKU, as stored columns: the importer's upsert lookup."""
    if not skus:
        return {}
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM inventory_item WHERE sku = ANY($1::text[])", list(set(skus))
        )
    return {r["sku"]: to_public(r) for r in rows}


async def create_item(tenant: TenantRef, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Create an item; audit and `inventory.created` in the same transaction."""
    return await ITEMS.create(tenant, actor, validate(data, partial=False))


async def create_items(
    tenant: TenantRef, actor: Actor, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Create many items at once (imports): same rules, audit and events; all or nothing."""
    return await ITEMS.create_many(tenant, actor, [validate(d, partial=False) for d in items])


async def update_item(
    tenant: TenantRef, actor: Actor, item_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change the given fields; audit before/after; `inventory.updated` (and `low_stock`)."""
    return await ITEMS.update(tenant, actor, item_id, validate(data, partial=True))


async def _maybe_low_stock(before: dict[str, Any], after: dict[str, Any]) -> None:
    if before["quantity"] > LOW_STOCK >= after["quantity"]:
        await emit(
            "inventory.low_stock",
            {"id": str(after["id"]), "sku": after["sku"], "quantity": after["quantity"]},
        )


ITEMS = RowKind(
    table="inventory_item",
    columns=COLUMNS,
    label="Inventory item",
    entity="inventory_item",
    event="inventory",
    to_public=to_public,
    duplicate=_duplicate_sku,
    after_update=_maybe_low_stock,
)


async def delete_item(tenant: TenantRef, actor: Actor, item_id: uuid.UUID) -> None:
    """Delete an item that no order refers to (else 409: mark it discontinued instead)."""
    async with tenant_scope(tenant):
        before = to_public(
            await get_row("inventory_item", COLUMNS, item_id, "Inventory item", lock=True)
        )
        if await fetch("SELECT 1 FROM order_item WHERE inventory_id = $1 LIMIT 1", item_id):
            raise Conflict("This item appears on orders; set its status to discontinued instead")
        await fetch("DELETE FROM inventory_item WHERE id = $1", item_id)
        await record(actor, "inventory.deleted", "inventory_item", item_id, before, None)
        await emit("inventory.deleted", {"id": str(item_id), "sku": before["sku"]})


async def adjust_stock(item_id: uuid.UUID, delta: int) -> dict[str, Any] | None:
    """Add `delta` units atomically (inside a tenant scope); None when stock would go negative.

    An item that runs out becomes `sold`; a sold item that gets stock back is `in_stock` again.
    """
    rows = await fetch(
        "UPDATE inventory_item SET quantity = quantity + $2, updated_at = now(),"
        " status = CASE WHEN quantity + $2 = 0 AND status = 'in_stock' THEN 'sold'"
        "  WHEN quantity + $2 > 0 AND status = 'sold' THEN 'in_stock' ELSE status END"
        f" WHERE id = $1 AND quantity + $2 >= 0 RETURNING {COLUMNS}",
        item_id,
        delta,
    )
    return to_public(rows[0]) if rows else None
