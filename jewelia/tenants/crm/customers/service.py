"""Customer rules: validation, listing with search and paging, changes with audit and events."""

from __future__ import annotations

import uuid
from datetime import date
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

COLUMNS = (
    "id, full_name, email, phone, company, birthday, anniversary, ring_size_mm,"
    " ring_size_system, ring_size_label, notes, tags, marketing_consent, created_at, updated_at"
)
SORTS = {"created_at": "created_at", "full_name": "lower(full_name)", "email": "lower(email)"}


# The fields a client writes (the API's create body, imports, incoming webhooks).
FIELDS = (
    "full_name",
    "email",
    "phone",
    "company",
    "birthday",
    "anniversary",
    "ring_size",
    "notes",
    "tags",
    "marketing_consent",
)
_PLAIN_COLUMNS = ("id", *(f for f in FIELDS if f != "ring_size"), "created_at", "updated_at")


def to_public(row: dict[str, Any]) -> dict[str, Any]:
    """A customer row in the API's shape."""
    out = {k: row[k] for k in _PLAIN_COLUMNS}
    out["ring_size"] = (
        {
            "circumference_mm": row["ring_size_mm"],
            "system": row["ring_size_system"],
            "label": row["ring_size_label"],
        }
        if row["ring_size_mm"] is not None
        else None
    )
    if isinstance(out["tags"], str):
        import json

        out["tags"] = json.loads(out["tags"])
    return out


def validate(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Column values from API/form/import input; raise ValidationFailed listing every problem."""
    check = Checker()
    values: dict[str, Any] = {}
    if "full_name" in data or not partial:
        values["full_name"] = check.text("full_name", data.get("full_name") or "", "full_name", 200)
    if "email" in data:
        values["email"] = check.email("email", data["email"]) if data["email"] else None
    if "phone" in data:
        values["phone"] = rules.normalise_phone(check, "phone", data["phone"])
    if "company" in data:
        company = data["company"]
        values["company"] = check.text("company", company, "company", 200) if company else None
    for field in ("birthday", "anniversary"):
        if field in data:
            day = data[field]
            if day is not None and not isinstance(day, date):
                try:
                    day = date.fromisoformat(str(day))
                except ValueError:
                    check.add(field, f"{field} must be a date (YYYY-MM-DD)", "INVALID_DATE")
            if isinstance(day, date) and not date(1900, 1, 1) <= day <= date.today():
                check.add(field, f"{field} must be between 1900 and today", "OUT_OF_RANGE")
            values[field] = day
    if "ring_size" in data:
        mm, system, label = rules.ring_size(check, data["ring_size"])
        values.update(ring_size_mm=mm, ring_size_system=system, ring_size_label=label)
    if "notes" in data:
        notes = data["notes"] or ""
        if len(notes) > 10_000:
            check.add("notes", "notes must be at most 10000 characters", "TOO_LONG")
        values["notes"] = notes
    if "tags" in data:
        tags = data["tags"] or []
        if len(tags) > 50 or any(
            not isinstance(t, str) or not 0 < len(t.strip()) <= 40 for t in tags
        ):
            check.add("tags", "tags: up to 50 texts of 1-40 characters", "INVALID")
        values["tags"] = sorted({t.strip() for t in tags if isinstance(t, str) and t.strip()})
    if "marketing_consent" in data:
        values["marketing_consent"] = bool(data["marketing_consent"])
    check.raise_if_any()
    return values


def _duplicate_email() -> ValidationFailed:
    return ValidationFailed(
        [FieldError("email", "A customer with this email already exists", "DUPLICATE_EMAIL")]
    )


CUSTOMERS = RowKind(
    table="customer",
    columns=COLUMNS,
    label="Customer",
    entity="customer",
    event="customer",
    to_public=to_public,
    duplicate=_duplicate_email,
)


async def list_customers(
    tenant: TenantRef, page: Page, search: str | None = None, sort: str | None = None
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of customers, the total matching, and a cursor to the next page."""
    order, default_order = sort_clause(sort, SORTS, "-created_at")
    filters = Filters()
    filters.add("search_vector @@ to_tsquery('simple', {})", prefix_query(search))
    async with tenant_scope(tenant):
        rows, total, cursor = await page_of(
            "customer", COLUMNS, filters, order, page, default_order
        )
    return [to_public(r) for r in rows], total, cursor


async def get_customer(tenant: TenantRef, customer_id: uuid.UUID) -> dict[str, Any]:
    """One customer, or NotFound."""
    return await CUSTOMERS.get(tenant, customer_id)


async def names_by_id(tenant: TenantRef, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Full names of several customers in one query (for lists of orders)."""
    if not ids:
        return {}
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT id, full_name FROM customer WHERE id = ANY($1::uuid[])", list(set(ids))
        )
    return {r["id"]: r["full_name"] for r in rows}


async def on_day(
    tenant: TenantRef, field: str, month: int, day: int, limit: int = 100
) -> list[dict[str, Any]]:
    """Customers whose birthday or anniversary falls on a month and day (any year), by name."""
    if field not in ("birthday", "anniversary"):
        raise ValueError(field)
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM customer WHERE extract(month FROM {field}) = $1"
            f" AND extract(day FROM {field}) = $2 ORDER BY lower(full_name), id LIMIT $3",
            month,
            day,
            limit,
        )
    return [to_public(r) for r in rows]


async def rows_by_email(tenant: TenantRef, emails: list[str]) -> dict[str, dict[str, Any]]:
    """Customers by (lower-case) email, as stored columns: the importer's upsert lookup."""
    if not emails:
        return {}
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM customer WHERE lower(email) = ANY($1::text[])",
            [e.lower() for e in emails],
        )
    return {r["email"].lower(): _decoded(r) for r in rows}


async def row_without_email(
    tenant: TenantRef, full_name: str, phone: str | None
) -> dict[str, Any] | None:
    """The one customer with no email, this name and this phone (None if none or several)."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM customer WHERE email IS NULL AND full_name = $1"
            " AND phone IS NOT DISTINCT FROM $2 LIMIT 2",
            full_name,
            phone,
        )
    return _decoded(rows[0]) if len(rows) == 1 else None


async def emails_by_id(tenant: TenantRef, ids: list[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    """Emails of several customers in one query (order exports name customers by email)."""
    if not ids:
        return {}
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT id, email FROM customer WHERE id = ANY($1::uuid[])", list(set(ids))
        )
    return {r["id"]: r["email"] for r in rows}


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("tags"), str):
        import json

        row = {**row, "tags": json.loads(row["tags"])}
    return row


async def create_customer(tenant: TenantRef, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Create a customer; audit and `customer.created` in the same transaction."""
    return await CUSTOMERS.create(tenant, actor, validate(data, partial=False))


async def create_customers(
    tenant: TenantRef, actor: Actor, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Create many customers at once (imports): same rules, audit and events; all or nothing."""
    return await CUSTOMERS.create_many(tenant, actor, [validate(d, partial=False) for d in items])


async def update_customer(
    tenant: TenantRef, actor: Actor, customer_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change the given fields; audit with before/after and `customer.updated`."""
    return await CUSTOMERS.update(tenant, actor, customer_id, validate(data, partial=True))


async def delete_customer(tenant: TenantRef, actor: Actor, customer_id: uuid.UUID) -> None:
    """Delete a customer without orders; one with orders is kept (409)."""
    async with tenant_scope(tenant):
        before = to_public(await get_row("customer", COLUMNS, customer_id, "Customer", lock=True))
        if await fetch("SELECT 1 FROM sales_order WHERE customer_id = $1 LIMIT 1", customer_id):
            raise Conflict("This customer has orders and cannot be deleted")
        await fetch("DELETE FROM customer WHERE id = $1", customer_id)
        await record(actor, "customer.deleted", "customer", customer_id, before, None)
        await emit("customer.deleted", {"id": str(customer_id), "email": before["email"]})
