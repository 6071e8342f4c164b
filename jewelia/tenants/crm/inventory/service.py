"""Inventory rules: SKUs unique per business, jewelry specifications, filters, stock changes."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import asyncpg

from jewelia.platform.api import Page, make_cursor
from jewelia.platform.db import TenantRef, fetch, tenant_scope
from jewelia.platform.errors import Conflict, FieldError, NotFound, ValidationFailed
from jewelia.platform.validation import Checker
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.crm import rules
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


def _db(value: Any) -> Any:
    return json.dumps(value, default=str) if isinstance(value, dict) else value


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
    if status is not None and status not in rules.INVENTORY_STATUSES:
        raise ValidationFailed(
            [
                FieldError(
                    "status",
                    f"status must be one of: {', '.join(rules.INVENTORY_STATUSES)}",
                    "INVALID_CHOICE",
                )
            ]
        )
    for name, bound in (("min_price", min_price), ("max_price", max_price)):
        if bound is not None and (not bound.is_finite() or bound < 0):
            raise ValidationFailed([FieldError(name, f"{name} must be 0 or more", "OUT_OF_RANGE")])
    order, default_order = sort_clause(sort, SORTS, "-created_at")
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    for clause, value in (
        ("category = ${}", category.lower() if category else None),
        ("status = ${}", status),
        ("search_vector @@ to_tsquery('simple', ${})", prefix_query(search)),
        ("price >= ${}", min_price),
        ("price <= ${}", max_price),
    ):
        if value is not None:
            args.append(value)
            where.append(clause.format(len(args)))
    count_sql, count_args = " AND ".join(where), list(args)
    if page.cursor:
        if not default_order:
            raise ValidationFailed(
                [FieldError("cursor", "cursor paging uses the default sort", "INVALID")]
            )
        args += [page.cursor[0], page.cursor[1]]
        where.append(f"(created_at, id) < (${len(args) - 1}, ${len(args)})")
    args += [page.limit, page.offset]
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM inventory_item WHERE {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT ${len(args) - 1} OFFSET ${len(args)}",
            *args,
        )
        total = (
            await fetch(f"SELECT count(*) AS n FROM inventory_item WHERE {count_sql}", *count_args)
        )[0]["n"]
    cursor = (
        make_cursor(rows[-1]["created_at"], rows[-1]["id"])
        if rows and len(rows) == page.limit and default_order
        else None
    )
    return [to_public(r) for r in rows], int(total), cursor


async def _get(item_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    rows = await fetch(
        f"SELECT {COLUMNS} FROM inventory_item WHERE id = $1{' FOR UPDATE' if lock else ''}",
        item_id,
    )
    if not rows:
        raise NotFound("Inventory item not found")
    return rows[0]


async def get_item(tenant: TenantRef, item_id: uuid.UUID) -> dict[str, Any]:
    """One item, or NotFound."""
    async with tenant_scope(tenant):
        return to_public(await _get(item_id))


async def create_item(tenant: TenantRef, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Create an item; audit and `inventory.created` in the same transaction."""
    values = validate(data, partial=False)
    values["id"] = uuid.uuid4()
    cols = list(values)
    try:
        async with tenant_scope(tenant):
            row = (
                await fetch(
                    f"INSERT INTO inventory_item ({', '.join(cols)}) VALUES"
                    f" ({', '.join(f'${n}' for n in range(1, len(cols) + 1))}) RETURNING {COLUMNS}",
                    *[_db(values[c]) for c in cols],
                )
            )[0]
            public = to_public(row)
            await record(actor, "inventory.created", "inventory_item", row["id"], None, public)
            await emit("inventory.created", public)
    except asyncpg.UniqueViolationError as exc:
        raise _duplicate_sku() from exc
    return public


async def update_item(
    tenant: TenantRef, actor: Actor, item_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change the given fields; audit before/after; `inventory.updated` (and `low_stock`)."""
    values = validate(data, partial=True)
    try:
        async with tenant_scope(tenant):
            before = to_public(await _get(item_id, lock=True))
            if values:
                sets = ", ".join(f"{c} = ${n}" for n, c in enumerate(values, start=2))
                row = (
                    await fetch(
                        f"UPDATE inventory_item SET {sets}, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}",
                        item_id,
                        *[_db(v) for v in values.values()],
                    )
                )[0]
            else:
                row = await _get(item_id)
            after = to_public(row)
            changed = {k: after[k] for k in after if after[k] != before[k] and k != "updated_at"}
            if changed:
                await record(
                    actor,
                    "inventory.updated",
                    "inventory_item",
                    item_id,
                    {k: before[k] for k in changed},
                    changed,
                )
                await emit("inventory.updated", {**after, "changed": sorted(changed)})
                await _maybe_low_stock(before, after)
    except asyncpg.UniqueViolationError as exc:
        raise _duplicate_sku() from exc
    return after


async def _maybe_low_stock(before: dict[str, Any], after: dict[str, Any]) -> None:
    if before["quantity"] > LOW_STOCK >= after["quantity"]:
        await emit(
            "inventory.low_stock",
            {"id": str(after["id"]), "sku": after["sku"], "quantity": after["quantity"]},
        )


async def delete_item(tenant: TenantRef, actor: Actor, item_id: uuid.UUID) -> None:
    """Delete an item that no order refers to (else 409: mark it discontinued instead)."""
    async with tenant_scope(tenant):
        before = to_public(await _get(item_id, lock=True))
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
