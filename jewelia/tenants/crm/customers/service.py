"""Customer rules: validation, listing with search and paging, changes with audit and events."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
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

COLUMNS = (
    "id, full_name, email, phone, company, birthday, anniversary, ring_size_mm,"
    " ring_size_system, ring_size_label, notes, tags, marketing_consent, created_at, updated_at"
)
SORTS = {"created_at": "created_at", "full_name": "lower(full_name)", "email": "lower(email)"}


def to_public(row: dict[str, Any]) -> dict[str, Any]:
    """A customer row in the API's shape."""
    out = {
        k: row[k]
        for k in (
            "id",
            "full_name",
            "email",
            "phone",
            "company",
            "birthday",
            "anniversary",
            "notes",
            "tags",
            "marketing_consent",
            "created_at",
            "updated_at",
        )
    }
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


def _duplicate_email(exc: asyncpg.UniqueViolationError) -> ValidationFailed:
    return ValidationFailed(
        [FieldError("email", "A customer with this email already exists", "DUPLICATE_EMAIL")]
    )


async def list_customers(
    tenant: TenantRef, page: Page, search: str | None = None, sort: str | None = None
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of customers, the total matching, and a cursor to the next page."""
    order, default_order = sort_clause(sort, SORTS, "-created_at")
    if page.cursor and not default_order:
        raise ValidationFailed(
            [FieldError("cursor", "cursor paging uses the default sort", "INVALID")]
        )
    query = prefix_query(search)
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    if query:
        args.append(query)
        where.append(f"search_vector @@ to_tsquery('simple', ${len(args)})")
    count_where = " AND ".join(where)
    count_args = list(args)
    if page.cursor:
        args += [page.cursor[0], page.cursor[1]]
        where.append(f"(created_at, id) < (${len(args) - 1}, ${len(args)})")
    args += [page.limit, page.offset]
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {COLUMNS} FROM customer WHERE {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT ${len(args) - 1} OFFSET ${len(args)}",
            *args,
        )
        total = (
            await fetch(f"SELECT count(*) AS n FROM customer WHERE {count_where}", *count_args)
        )[0]["n"]
    cursor = (
        make_cursor(rows[-1]["created_at"], rows[-1]["id"])
        if rows and len(rows) == page.limit and default_order
        else None
    )
    return [to_public(r) for r in rows], int(total), cursor


async def _get(customer_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    rows = await fetch(
        f"SELECT {COLUMNS} FROM customer WHERE id = $1{' FOR UPDATE' if lock else ''}", customer_id
    )
    if not rows:
        raise NotFound("Customer not found")
    return rows[0]


async def get_customer(tenant: TenantRef, customer_id: uuid.UUID) -> dict[str, Any]:
    """One customer, or NotFound."""
    async with tenant_scope(tenant):
        return to_public(await _get(customer_id))


async def create_customer(tenant: TenantRef, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Create a customer; audit and `customer.created` in the same transaction."""
    values = validate(data, partial=False)
    values["id"] = uuid.uuid4()
    cols = list(values)
    placeholders = ", ".join(f"${n}" for n in range(1, len(cols) + 1))
    args = [_db_value(values[c]) for c in cols]
    try:
        async with tenant_scope(tenant):
            row = (
                await fetch(
                    f"INSERT INTO customer ({', '.join(cols)}) VALUES ({placeholders}) RETURNING {COLUMNS}",
                    *args,
                )
            )[0]
            public = to_public(row)
            await record(actor, "customer.created", "customer", row["id"], None, public)
            await emit("customer.created", public)
    except asyncpg.UniqueViolationError as exc:
        raise _duplicate_email(exc) from exc
    return public


async def update_customer(
    tenant: TenantRef, actor: Actor, customer_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change the given fields; audit with before/after and `customer.updated`."""
    values = validate(data, partial=True)
    try:
        async with tenant_scope(tenant):
            before = to_public(await _get(customer_id, lock=True))
            if values:
                sets = ", ".join(f"{c} = ${n}" for n, c in enumerate(values, start=2))
                row = (
                    await fetch(
                        f"UPDATE customer SET {sets}, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}",
                        customer_id,
                        *[_db_value(v) for v in values.values()],
                    )
                )[0]
            else:
                row = await _get(customer_id)
            after = to_public(row)
            changed = {k: after[k] for k in after if after[k] != before[k] and k != "updated_at"}
            if changed:
                await record(
                    actor,
                    "customer.updated",
                    "customer",
                    customer_id,
                    {k: before[k] for k in changed},
                    changed,
                )
                await emit("customer.updated", {**after, "changed": sorted(changed)})
    except asyncpg.UniqueViolationError as exc:
        raise _duplicate_email(exc) from exc
    return after


async def delete_customer(tenant: TenantRef, actor: Actor, customer_id: uuid.UUID) -> None:
    """Delete a customer without orders; one with orders is kept (409)."""
    async with tenant_scope(tenant):
        before = to_public(await _get(customer_id, lock=True))
        if await fetch("SELECT 1 FROM sales_order WHERE customer_id = $1 LIMIT 1", customer_id):
            raise Conflict("This customer has orders and cannot be deleted")
        await fetch("DELETE FROM customer WHERE id = $1", customer_id)
        await record(actor, "customer.deleted", "customer", customer_id, before, None)
        await emit("customer.deleted", {"id": str(customer_id), "email": before["email"]})


def _db_value(value: Any) -> Any:
    if isinstance(value, list):
        import json

        return json.dumps(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value
