"""Row plumbing shared by the CRM services: paged selects, inserts, updates, change records.

Table and column names passed here are constants of the calling service, never client text.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from jewelia.core.api import Page, make_cursor
from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.tenants.audit.service import Actor, record, record_many
from jewelia.tenants.webhooks.outbox import emit, emit_many


@dataclass
class Filters:
    """WHERE clauses with their bound values, numbered as they are added."""

    clauses: list[str] = field(default_factory=lambda: ["TRUE"])
    args: list[Any] = field(default_factory=list)

    def add(self, clause: str, value: Any) -> None:
        """Add `clause` (with `{}` for the placeholder) unless value is None."""
        if value is not None:
            self.args.append(value)
            self.clauses.append(clause.format(f"${len(self.args)}"))


def db_value(value: Any) -> Any:
    """Python values as asyncpg expects them for our columns (JSON as text)."""
    return json.dumps(value, default=str) if isinstance(value, dict | list) else value


async def page_of(
    table: str, columns: str, filters: Filters, order: str, page: Page, keyset: bool
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of rows, the total matching, and a cursor when `keyset` (newest-first) applies."""
    if page.cursor and not keyset:
        raise ValidationFailed(
            [FieldError("cursor", "cursor paging uses the default sort", "INVALID")]
        )
    where, args = list(filters.clauses), list(filters.args)
    if page.cursor:
        args += [page.cursor[0], page.cursor[1]]
        where.append(f"(created_at, id) < (${len(args) - 1}, ${len(args)})")
    args += [page.limit, page.offset]
    rows = await fetch(
        f"SELECT {columns} FROM {table} WHERE {' AND '.join(where)}"
        f" ORDER BY {order} LIMIT ${len(args) - 1} OFFSET ${len(args)}",
        *args,
    )
    count_sql = f"SELECT count(*) AS n FROM {table} WHERE {' AND '.join(filters.clauses)}"
    total = int((await fetch(count_sql, *filters.args))[0]["n"])
    full = rows and len(rows) == page.limit and keyset
    cursor = make_cursor(rows[-1]["created_at"], rows[-1]["id"]) if full else None
    return rows, total, cursor


async def get_row(
    table: str, columns: str, row_id: uuid.UUID, label: str, lock: bool = False
) -> dict[str, Any]:
    """One row by id (optionally locked), or NotFound."""
    suffix = " FOR UPDATE" if lock else ""
    rows = await fetch(f"SELECT {columns} FROM {table} WHERE id = $1{suffix}", row_id)
    if not rows:
        raise NotFound(f"{label} not found")
    return rows[0]


async def insert_row(table: str, columns: str, values: dict[str, Any]) -> dict[str, Any]:
    """Insert a row with a new id; return it."""
    values = {"id": uuid.uuid4(), **values}
    names = list(values)
    marks = ", ".join(f"${n}" for n in range(1, len(names) + 1))
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks}) RETURNING {columns}"
    return (await fetch(sql, *[db_value(values[n]) for n in names]))[0]


async def update_row(
    table: str, columns: str, row_id: uuid.UUID, values: dict[str, Any]
) -> dict[str, Any]:
    """Set the given columns (and updated_at); return the row."""
    sets = ", ".join(f"{c} = ${n}" for n, c in enumerate(values, start=2))
    sql = f"UPDATE {table} SET {sets}, updated_at = now() WHERE id = $1 RETURNING {columns}"
    return (await fetch(sql, row_id, *[db_value(v) for v in values.values()]))[0]


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values differ (updated_at aside)."""
    return {k: after[k] for k in after if k != "updated_at" and after[k] != before.get(k)}


async def record_update(
    actor: Actor,
    event: str,
    entity: str,
    row_id: uuid.UUID,
    before: dict[str, Any],
    after: dict[str, Any],
) -> dict[str, Any]:
    """Audit entry and `<entity>.updated` event for what changed; return the changes."""
    changed = changes(before, after)
    if changed:
        await record(actor, event, entity, row_id, {k: before[k] for k in changed}, changed)
        await emit(event, {**after, "changed": sorted(changed)})
    return changed


async def record_create(actor: Actor, event: str, entity: str, public: dict[str, Any]) -> None:
    """Audit entry and `<entity>.created` event for a new row."""
    await record(actor, event, entity, public["id"], None, public)
    await emit(event, public)


@dataclass(frozen=True)
class RowKind:
    """How one CRM table is read, shown, audited and announced."""

    table: str
    columns: str
    label: str
    entity: str
    event: str
    to_public: Callable[[dict[str, Any]], dict[str, Any]]
    duplicate: Callable[[], ValidationFailed]
    after_update: Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]] | None = None

    async def get(self, tenant: TenantRef, row_id: uuid.UUID) -> dict[str, Any]:
        """One row in API shape, or NotFound."""
        async with tenant_scope(tenant):
            return self.to_public(await get_row(self.table, self.columns, row_id, self.label))

    async def create(
        self, tenant: TenantRef, actor: Actor, values: dict[str, Any]
    ) -> dict[str, Any]:
        """Insert validated values; audit and `<event>.created` in the same transaction."""
        try:
            async with tenant_scope(tenant):
                public = self.to_public(await insert_row(self.table, self.columns, values))
                await record_create(actor, f"{self.event}.created", self.entity, public)
        except asyncpg.UniqueViolationError as exc:
            raise self.duplicate() from exc
        return public

    async def create_many(
        self, tenant: TenantRef, actor: Actor, rows: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Insert many validated rows in one statement (bulk imports), with the same audit
        entries and `<event>.created` events as `create`; all or nothing."""
        if not rows:
            return []
        ids = [uuid.uuid4() for _ in rows]
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row_id, values in zip(ids, rows, strict=True):
            groups.setdefault(tuple(sorted(values)), []).append({"id": str(row_id), **values})
        try:
            async with tenant_scope(tenant):
                found = []
                for names, group in groups.items():  # rows with the same fields: one statement
                    cols = ", ".join(("id", *names))
                    found += await fetch(
                        f"INSERT INTO {self.table} ({cols}) SELECT {cols}"
                        f" FROM jsonb_populate_recordset(NULL::{self.table}, $1::jsonb)"
                        f" RETURNING {self.columns}",
                        json.dumps(group, default=str),
                    )
                by_id = {r["id"]: self.to_public(r) for r in found}
                public = [by_id[i] for i in ids]
                event = f"{self.event}.created"
                await record_many(actor, [(event, self.entity, p["id"], None, p) for p in public])
                await emit_many(event, public)
        except asyncpg.UniqueViolationError as exc:
            raise self.duplicate() from exc
        return public

    async def update(
        self, tenant: TenantRef, actor: Actor, row_id: uuid.UUID, values: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply validated values; audit before/after and `<event>.updated` when anything changed."""
        try:
            async with tenant_scope(tenant):
                row = await get_row(self.table, self.columns, row_id, self.label, lock=True)
                before = self.to_public(row)
                if values:
                    row = await update_row(self.table, self.columns, row_id, values)
                after = self.to_public(row)
                event = f"{self.event}.updated"
                if (
                    await record_update(actor, event, self.entity, row_id, before, after)
                    and self.after_update
                ):
                    await self.after_update(before, after)
        except asyncpg.UniqueViolationError as exc:
            raise self.duplicate() from exc
        return after
