"""Order rules: Decimal totals, the status lifecycle, and stock reserved or released atomically."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import Conflict, FieldError, ValidationFailed
from jewelia.core.validation import Checker
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.crm.inventory.service import _money, adjust_stock
from jewelia.tenants.crm.records import Filters, get_row, page_of
from jewelia.tenants.webhooks.outbox import emit

STATUSES = ("pending", "confirmed", "in_production", "ready", "completed", "cancelled")
PAYMENT_STATUSES = ("pending", "partially_paid", "paid", "refunded", "failed")
TRANSITIONS = {
    "pending": ("confirmed", "cancelled"),
    "confirmed": ("in_production", "ready", "cancelled"),
    "in_production": ("ready", "cancelled"),
    "ready": ("completed", "cancelled"),
    "completed": (),
    "cancelled": (),
}
COLUMNS = (
    "id, customer_id, status, payment_status, total_amount, currency, notes, created_at, updated_at"
)
MAX_ITEMS = 100


class InsufficientStock(Conflict):
    code = "INSUFFICIENT_STOCK"


async def _items(order_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    rows = await fetch(
        "SELECT oi.order_id, oi.inventory_id, oi.quantity, oi.unit_price, i.sku, i.name"
        " FROM order_item oi JOIN inventory_item i ON i.id = oi.inventory_id"
        " WHERE oi.order_id = ANY($1::uuid[]) ORDER BY oi.order_id, i.sku",
        order_ids,
    )
    out: dict[uuid.UUID, list[dict[str, Any]]] = {oid: [] for oid in order_ids}
    for r in rows:
        out[r.pop("order_id")].append(r)
    return out


def _public(row: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {**row, "items": items}


def validate_new(data: dict[str, Any]) -> tuple[uuid.UUID, list[dict[str, Any]], str]:
    """(customer_id, lines, notes) from create input, or ValidationFailed."""
    check = Checker()
    customer_id = data.get("customer_id")
    if not isinstance(customer_id, uuid.UUID):
        check.add("customer_id", "customer_id must be a UUID", "INVALID_UUID")
    lines = data.get("items") or []
    if not lines:
        check.add("items", "An order needs at least one item", "REQUIRED")
    if len(lines) > MAX_ITEMS:
        check.add("items", f"At most {MAX_ITEMS} items per order", "TOO_LONG")
    clean = []
    for n, line in enumerate(lines[:MAX_ITEMS]):
        if not isinstance(line.get("inventory_id"), uuid.UUID):
            check.add(f"items[{n}].inventory_id", "inventory_id must be a UUID", "INVALID_UUID")
        qty = line.get("quantity", 1)
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= 10_000:
            check.add(
                f"items[{n}].quantity",
                "quantity must be a whole number from 1 to 10000",
                "OUT_OF_RANGE",
            )
        price = line.get("unit_price")
        if price is not None:
            price = _money(check, f"items[{n}].unit_price", price)
        clean.append(
            {"inventory_id": line.get("inventory_id"), "quantity": qty, "unit_price": price}
        )
    notes = data.get("notes") or ""
    if len(notes) > 5000:
        check.add("notes", "notes must be at most 5000 characters", "TOO_LONG")
    check.raise_if_any()
    return customer_id, clean, notes  # type: ignore[return-value]


async def create_order(
    tenant: TenantRef, actor: Actor, data: dict[str, Any], currency: str = "USD"
) -> dict[str, Any]:
    """Create an order and reserve its stock in one transaction; all or nothing."""
    customer_id, lines, notes = validate_new(data)
    order_id = uuid.uuid4()
    async with tenant_scope(tenant):
        if not await fetch("SELECT 1 FROM customer WHERE id = $1", customer_id):
            raise ValidationFailed([FieldError("customer_id", "Customer not found", "NOT_FOUND")])
        # Lock rows in one order (by id) so concurrent orders cannot deadlock.
        for line in sorted(lines, key=lambda item: str(item["inventory_id"])):
            item = await adjust_stock(line["inventory_id"], -line["quantity"])
            if item is None:
                exists = await fetch(
                    "SELECT quantity FROM inventory_item WHERE id = $1", line["inventory_id"]
                )
                if not exists:
                    raise ValidationFailed(
                        [
                            FieldError(
                                "items",
                                f"Inventory item {line['inventory_id']} not found",
                                "NOT_FOUND",
                            )
                        ]
                    )
                raise InsufficientStock(
                    f"Not enough stock for item {line['inventory_id']}: {exists[0]['quantity']} left",
                    [
                        {
                            "inventory_id": str(line["inventory_id"]),
                            "available": exists[0]["quantity"],
                            "requested": line["quantity"],
                        }
                    ],
                )
            if line["unit_price"] is None:
                line["unit_price"] = item["price"]
            if item["quantity"] <= 1:
                await emit(
                    "inventory.low_stock",
                    {"id": str(item["id"]), "sku": item["sku"], "quantity": item["quantity"]},
                )
        total = sum(
            (Decimal(line["quantity"]) * line["unit_price"] for line in lines), Decimal("0")
        )
        row = (
            await fetch(
                f"INSERT INTO sales_order (id, customer_id, total_amount, currency, notes)"
                f" VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}",
                order_id,
                customer_id,
                total,
                currency,
                notes,
            )
        )[0]
        for line in lines:
            await fetch(
                "INSERT INTO order_item (id, order_id, inventory_id, quantity, unit_price)"
                " VALUES ($1, $2, $3, $4, $5)",
                uuid.uuid4(),
                order_id,
                line["inventory_id"],
                line["quantity"],
                line["unit_price"],
            )
        public = _public(row, (await _items([order_id]))[order_id])
        await record(actor, "order.created", "order", order_id, None, public)
        await emit("order.created", {**public, "order_id": str(order_id)})
    return public


async def list_orders(
    tenant: TenantRef,
    page: Page,
    *,
    status: str | None = None,
    customer_id: uuid.UUID | None = None,
    payment_status: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of orders (newest first) matching the filters, with their items."""
    check = Checker()
    if status is not None:
        check.choice("status", status, STATUSES, "status")
    if payment_status is not None:
        check.choice("payment_status", payment_status, PAYMENT_STATUSES, "payment_status")
    check.raise_if_any()
    filters = Filters()
    filters.add("status = {}", status)
    filters.add("customer_id = {}", customer_id)
    filters.add("payment_status = {}", payment_status)
    filters.add("created_at >= {}", created_from)
    filters.add("created_at < {}", created_to)
    async with tenant_scope(tenant):
        order = "created_at DESC, id DESC"
        rows, total, cursor = await page_of("sales_order", COLUMNS, filters, order, page, True)
        items = await _items([r["id"] for r in rows])
    return [_public(r, items[r["id"]]) for r in rows], total, cursor


async def rows_by_id(tenant: TenantRef, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """Orders (without items) by id: the importer's lookup of orders it made before."""
    if not ids:
        return {}
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM sales_order WHERE id = ANY($1::uuid[])", list(set(ids))
        )
    return {r["id"]: r for r in rows}


def status_path(current: str, target: str) -> list[str] | None:
    """The shortest run of allowed moves from one status to another ([] when equal)."""
    paths: dict[str, list[str]] = {current: []}
    queue = [current]
    while queue:
        status = queue.pop(0)
        if status == target:
            return paths[status]
        for nxt in TRANSITIONS.get(status, ()):
            if nxt not in paths:
                paths[nxt] = [*paths[status], nxt]
                queue.append(nxt)
    return None


async def get_order(tenant: TenantRef, order_id: uuid.UUID) -> dict[str, Any]:
    """One order with its items, or NotFound."""
    async with tenant_scope(tenant):
        row = await get_row("sales_order", COLUMNS, order_id, "Order")
        return _public(row, (await _items([order_id]))[order_id])


async def update_order(
    tenant: TenantRef, actor: Actor, order_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change status (allowed transitions only; cancelling releases stock), payment status, notes."""
    check = Checker()
    if "status" in data:
        check.choice("status", data["status"], STATUSES, "status")
    if "payment_status" in data:
        check.choice("payment_status", data["payment_status"], PAYMENT_STATUSES, "payment_status")
    if "notes" in data and len(data["notes"] or "") > 5000:
        check.add("notes", "notes must be at most 5000 characters", "TOO_LONG")
    check.raise_if_any()
    async with tenant_scope(tenant):
        before = await get_row("sales_order", COLUMNS, order_id, "Order", lock=True)
        new_status = data.get("status", before["status"])
        if new_status != before["status"] and new_status not in TRANSITIONS[before["status"]]:
            allowed = ", ".join(TRANSITIONS[before["status"]]) or "none"
            raise ValidationFailed(
                [
                    FieldError(
                        "status",
                        f"Cannot go from {before['status']} to {new_status} (allowed: {allowed})",
                        "INVALID_TRANSITION",
                    )
                ]
            )
        items = (await _items([order_id]))[order_id]
        if new_status == "cancelled" and before["status"] != "cancelled":
            for line in sorted(items, key=lambda item: str(item["inventory_id"])):
                await adjust_stock(line["inventory_id"], line["quantity"])
        values = {k: data[k] for k in ("status", "payment_status", "notes") if k in data}
        if values:
            sets = ", ".join(f"{c} = ${n}" for n, c in enumerate(values, start=2))
            row = (
                await fetch(
                    f"UPDATE sales_order SET {sets}, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}",
                    order_id,
                    *values.values(),
                )
            )[0]
        else:
            row = before
        after = _public(row, items)
        changed = {k: after[k] for k in values if after[k] != before[k]}
        if changed:
            await record(
                actor, "order.updated", "order", order_id, {k: before[k] for k in changed}, changed
            )
            await emit(
                "order.updated", {**after, "order_id": str(order_id), "changed": sorted(changed)}
            )
            if "status" in changed:
                await emit(
                    "order.status_changed",
                    {"order_id": str(order_id), "from": before["status"], "to": new_status},
                )
                if new_status == "cancelled":
                    await emit("order.cancelled", {**after, "order_id": str(order_id)})
    return after
