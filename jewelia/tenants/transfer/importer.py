"""Import rows through the CRM services, a batch per transaction.

Each record is mapped and parsed (fields.py), then checked by the service's own `validate`;
existing records are found by email (customers), SKU (inventory) or the file's order reference,
and created or updated through the same service functions the API calls, so audit entries and
events come with them. A batch of rows, its row errors and the job's checkpoint commit together:
a worker killed mid-batch leaves none of that batch behind, and the next claim resumes after the
last committed batch. Re-running a file finds every record already as it is (`unchanged`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from jewelia.core.db import TenantRef, execute, fetch
from jewelia.core.errors import AppError, FieldError, ValidationFailed
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.crm.customers import service as customers
from jewelia.tenants.crm.inventory import service as inventory
from jewelia.tenants.crm.orders import service as orders
from jewelia.tenants.transfer.formats.readers import Record
from jewelia.tenants.transfer.mapping.fields import (
    IMPORT_FIELDS,
)
from jewelia.tenants.transfer.mapping.rows import (
    RowProblem,
    Rule,
    mapped_fields,
    to_input,
)

BATCH_ROWS = 500
REQUIRED = {
    "customers": {"full_name"},
    "inventory": {"sku", "name", "category", "price"},
    "orders": {"customer_email", "items", "reference"},
}
CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Options:
    update_existing: bool = True
    skip_duplicates: bool = False
    validate_data: bool = True
    dry_run: bool = False


@dataclass
class Prepared:
    """One record after mapping and validation, before it meets the database."""

    row: int
    record: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    outcome: str | None = None  # decided early: "skipped"


@dataclass
class Context:
    """What one batch needs: who, where, how, and the rows found by key."""

    tenant: TenantRef
    actor: Actor
    options: Options
    existing: dict[str, Any] = field(default_factory=dict)
    customer_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    item_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    bulk: list[Prepared] | None = None  # new rows gathered for one bulk insert


class Poisoned(Exception):
    """A database error aborted the batch transaction; the batch is retried row by row."""


# --- preparing (no database) ---------------------------------------------------------------


def _top(field_name: str) -> str:
    return re.split(r"[.\[]", field_name, maxsplit=1)[0]


def _validated(
    data_type: str, data: dict[str, Any], options: Options, check: Callable[[dict[str, Any]], Any]
) -> tuple[dict[str, Any], Any]:
    """Run the service validator; with validateData off, drop optional fields that fail."""
    try:
        return data, check(data)
    except ValidationFailed as exc:
        if options.validate_data:
            raise
        bad = {_top(e["field"]) for e in exc.errors}
        if bad & REQUIRED[data_type]:
            raise
        data = {k: v for k, v in data.items() if k not in bad}
        return data, check(data)


def prepare(
    data_type: str, record: Record, mapping: dict[str, Rule], options: Options, comma: bool
) -> Prepared:
    """Map, parse and validate one record (errors are kept on it, never raised)."""
    p = Prepared(record.row, record.values)
    try:
        fields = mapped_fields(data_type, record.values, mapping, comma)
        p.data = to_input(data_type, fields)
        if data_type == "customers":
            p.data, p.values = _validated(
                data_type, p.data, options, lambda d: customers.validate(d, partial=True)
            )
            if "full_name" not in p.values or not p.values["full_name"]:
                customers.validate(p.data, partial=False)  # lists the missing name
            p.key = p.values.get("email") or None
        elif data_type == "inventory":
            p.data, p.values = _validated(
                data_type, p.data, options, lambda d: inventory.validate(d, partial=True)
            )
            p.key = p.values.get("sku") or None
            if not p.key:
                inventory.validate(p.data, partial=False)
        else:
            p.values = _check_order(p.data)
            p.key = p.values.get("reference")
    except RowProblem as exc:
        p.errors = exc.errors
    except ValidationFailed as exc:
        p.errors = list(exc.errors)
    return p


def _check_order(data: dict[str, Any]) -> dict[str, Any]:
    """What can be checked of an order line without the database (statuses, currency, lines)."""
    errors: list[FieldError] = []
    if not data.get("customer_email"):
        errors.append(FieldError("customer_email", "customer_email is required", "REQUIRED"))
    status = data.get("status") or "pending"
    if status not in orders.STATUSES:
        errors.append(
            FieldError(
                "status", f"status must be one of: {', '.join(orders.STATUSES)}", "INVALID_CHOICE"
            )
        )
    elif orders.status_path("pending", status) is None:
        errors.append(FieldError("status", f"An order cannot be created as {status}", "INVALID"))
    payment = data.get("payment_status") or "pending"
    if payment not in orders.PAYMENT_STATUSES:
        allowed = ", ".join(orders.PAYMENT_STATUSES)
        errors.append(
            FieldError(
                "payment_status", f"payment_status must be one of: {allowed}", "INVALID_CHOICE"
            )
        )
    currency = (data.get("currency") or "USD").upper()
    if not CURRENCY.match(currency):
        errors.append(FieldError("currency", "currency must be a 3-letter code", "INVALID"))
    items = data.get("items") or []
    if not items:
        errors.append(FieldError("items", "An order needs at least one item", "REQUIRED"))
    for n, line in enumerate(items):
        if not isinstance(line.get("sku"), str) or not line["sku"].strip():
            errors.append(FieldError(f"items[{n}].sku", "Each line needs a sku", "REQUIRED"))
    reference = data.get("reference")
    if reference is not None and len(str(reference)) > 100:
        errors.append(
            FieldError("reference", "reference must be at most 100 characters", "TOO_LONG")
        )
    if errors:
        raise ValidationFailed(errors)
    return {
        "reference": str(reference) if reference else None,
        "customer_email": str(data["customer_email"]).strip().lower(),
        "status": status,
        "payment_status": payment,
        "currency": currency,
        "notes": data.get("notes") or "",
        "items": items,
    }


class Seen:
    """Keys met earlier in the file, so a second row with the same email or SKU is caught."""

    def __init__(self) -> None:
        self.first_row: dict[str, int] = {}

    def check(self, data_type: str, p: Prepared, options: Options) -> None:
        if p.errors or p.key is None:
            return
        key = p.key.lower() if data_type == "customers" else p.key
        first = self.first_row.setdefault(key, p.row)
        if first == p.row:
            return
        if options.skip_duplicates:
            p.outcome = "skipped"
            return
        name, code = {
            "customers": ("email", "DUPLICATE_EMAIL"),
            "inventory": ("sku", "DUPLICATE_SKU"),
            "orders": ("reference", "DUPLICATE_REFERENCE"),
        }[data_type]
        p.errors = [FieldError(name, f"Same {name} as row {first} of this file", code)]


# --- applying (inside the batch transaction) ----------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def _changed(values: dict[str, Any], row: dict[str, Any]) -> list[str]:
    return [k for k, v in values.items() if k in row and not _same(v, row[k])]


async def lookup(data_type: str, ctx: Context, batch: list[Prepared]) -> None:
    """Load the rows this batch refers to, in a few queries."""
    keys = [p.key for p in batch if p.key and not p.errors]
    if data_type == "customers":
        ctx.existing = await customers.rows_by_email(ctx.tenant, keys)
    elif data_type == "inventory":
        ctx.existing = await inventory.rows_by_sku(ctx.tenant, keys)
    else:
        refs = await fetch(
            "SELECT reference, order_id FROM transfer_order_ref WHERE reference = ANY($1::text[])",
            keys,
        )
        by_ref: dict[str, uuid.UUID] = {r["reference"]: r["order_id"] for r in refs}
        for key in keys:
            if key not in by_ref and _uuid(key):
                by_ref[key] = uuid.UUID(key)
        found = await orders.rows_by_id(ctx.tenant, list(by_ref.values()))
        ctx.existing = {k: found[v] for k, v in by_ref.items() if v in found}
        emails = sorted({p.values["customer_email"] for p in batch if p.values and not p.errors})
        rows = await customers.rows_by_email(ctx.tenant, emails)
        ctx.customer_ids = {e: r["id"] for e, r in rows.items()}
        skus = sorted(
            {i["sku"] for p in batch if p.values and not p.errors for i in p.values["items"]}
        )
        items = await inventory.rows_by_sku(ctx.tenant, skus)
        ctx.item_ids = {s: r["id"] for s, r in items.items()}


def _uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


async def apply(data_type: str, ctx: Context, p: Prepared) -> str:
    """created, updated, unchanged or skipped (ValidationFailed / AppError for a bad row)."""
    if data_type == "customers":
        return await _customer(ctx, p)
    if data_type == "inventory":
        return await _item(ctx, p)
    return await _order(ctx, p)


async def _customer(ctx: Context, p: Prepared) -> str:
    row = ctx.existing.get(p.key.lower()) if p.key else None
    if row is None and not p.key and p.values.get("full_name"):
        row = await customers.row_without_email(
            ctx.tenant, p.values["full_name"], p.values.get("phone")
        )
    if row is None:  # prepare() checked the whole record (full_name, the one required field)
        if ctx.bulk is not None:
            ctx.bulk.append(p)
        elif not ctx.options.dry_run:
            created = await customers.create_customer(ctx.tenant, ctx.actor, p.data)
            if p.key:
                ctx.existing[p.key.lower()] = created
        return "created"
    if not ctx.options.update_existing:
        return "skipped"
    changed = _changed(p.values, row)
    if not changed:
        return "unchanged"
    if not ctx.options.dry_run:
        await customers.update_customer(ctx.tenant, ctx.actor, row["id"], p.data)
    return "updated"


async def _item(ctx: Context, p: Prepared) -> str:
    row = ctx.existing.get(p.key) if p.key else None
    if row is None:
        inventory.validate(p.data, partial=False)
        if ctx.bulk is not None:
            ctx.bulk.append(p)
        elif not ctx.options.dry_run:
            await inventory.create_item(ctx.tenant, ctx.actor, p.data)
        return "created"
    if not ctx.options.update_existing:
        return "skipped"
    if not _changed(p.values, row):
        return "unchanged"
    if not ctx.options.dry_run:
        await inventory.update_item(ctx.tenant, ctx.actor, row["id"], p.data)
    return "updated"


async def _order(ctx: Context, p: Prepared) -> str:
    v = p.values
    row = ctx.existing.get(p.key) if p.key else None
    if row is not None:
        if not ctx.options.update_existing:
            return "skipped"
        wanted: dict[str, Any] = {
            k: v[k]
            for k in ("status", "payment_status", "notes")
            if k in p.data and p.data[k] is not None
        }
        changes: dict[str, Any] = {k: val for k, val in wanted.items() if row[k] != val}
        if not changes:
            return "unchanged"
        path = orders.status_path(row["status"], changes.get("status", row["status"]))
        if path is None:
            raise ValidationFailed(
                [
                    FieldError(
                        "status",
                        f"Cannot go from {row['status']} to {changes['status']}",
                        "INVALID_TRANSITION",
                    )
                ]
            )
        if not ctx.options.dry_run:
            await _move_order(ctx, row["id"], path, changes)
        return "updated"
    customer_id = ctx.customer_ids.get(v["customer_email"])
    errors = []
    if customer_id is None:
        errors.append(
            FieldError(
                "customer_email", f"No customer with email {v['customer_email']}", "NOT_FOUND"
            )
        )
    lines = []
    for n, line in enumerate(v["items"]):
        item_id = ctx.item_ids.get(line["sku"])
        if item_id is None:
            errors.append(
                FieldError(f"items[{n}].sku", f"No item with SKU {line['sku']}", "NOT_FOUND")
            )
        lines.append({**{k: val for k, val in line.items() if k != "sku"}, "inventory_id": item_id})
    if errors:
        raise ValidationFailed(errors)
    data = {"customer_id": customer_id, "items": lines, "notes": v["notes"]}
    orders.validate_new(data)
    if ctx.options.dry_run:
        return "created"
    created = await orders.create_order(ctx.tenant, ctx.actor, data, currency=v["currency"])
    path = orders.status_path("pending", v["status"]) or []
    moves: dict[str, Any] = (
        {"payment_status": v["payment_status"]} if v["payment_status"] != "pending" else {}
    )
    await _move_order(ctx, created["id"], path, moves)
    if p.key:
        await execute(
            "INSERT INTO transfer_order_ref (reference, order_id) VALUES ($1, $2)"
            " ON CONFLICT (reference) DO UPDATE SET order_id = EXCLUDED.order_id",
            p.key,
            created["id"],
        )
        ctx.existing[p.key] = created
    return "created"


async def _move_order(
    ctx: Context, order_id: uuid.UUID, path: list[str], changes: dict[str, Any]
) -> None:
    """Walk the allowed statuses to the wanted one, then set payment status and notes."""
    for status in path:
        await orders.update_order(ctx.tenant, ctx.actor, order_id, {"status": status})
    rest = {k: v for k, v in changes.items() if k != "status"}
    if rest:
        await orders.update_order(ctx.tenant, ctx.actor, order_id, rest)


def _db_error(exc: BaseException) -> bool:
    return isinstance(exc, asyncpg.PostgresError) or isinstance(
        exc.__cause__, asyncpg.PostgresError
    )


def row_errors(exc: BaseException) -> list[FieldError]:
    if isinstance(exc, ValidationFailed):
        return list(exc.errors)
    if isinstance(exc, AppError):
        return [FieldError("row", exc.message, exc.code)]
    return [FieldError("row", "This row could not be saved", "DATABASE_ERROR")]


async def apply_batch(
    data_type: str, ctx: Context, batch: Iterable[Prepared], careful: bool
) -> dict[str, int]:
    """Apply prepared rows in the open transaction; returns the counts.

    Orders (several statements each) and careful mode run each row in a savepoint, so a failing
    row leaves nothing behind; otherwise new customers and items are inserted together at the
    end (one pipelined statement per batch), and a database error poisons the batch (Poisoned):
    the caller runs it again carefully, row by row.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0}
    savepoints = careful or data_type == "orders"
    if not savepoints and not ctx.options.dry_run:
        ctx.bulk = []
    for p in batch:
        if p.errors:
            counts["errors"] += 1
            continue
        if p.outcome:
            counts[p.outcome] += 1
            continue
        try:
            if savepoints:
                await execute("SAVEPOINT import_row")
                try:
                    outcome = await apply(data_type, ctx, p)
                except BaseException:
                    await execute("ROLLBACK TO SAVEPOINT import_row")
                    raise
                await execute("RELEASE SAVEPOINT import_row")
            else:
                outcome = await apply(data_type, ctx, p)
        except (AppError, asyncpg.PostgresError) as exc:
            if not savepoints and _db_error(exc):
                raise Poisoned from exc
            p.errors = row_errors(exc)
            counts["errors"] += 1
            continue
        counts[outcome] += 1
    if ctx.bulk:
        create = customers.create_customers if data_type == "customers" else inventory.create_items
        try:
            await create(ctx.tenant, ctx.actor, [p.data for p in ctx.bulk])
        except (AppError, asyncpg.PostgresError) as exc:
            raise Poisoned from exc
    return counts


def known_fields(data_type: str) -> list[str]:
    return [f.name for f in IMPORT_FIELDS[data_type]]
