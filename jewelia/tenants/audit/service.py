"""Write and read the tenant's audit log (inside a tenant scope)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jewelia.core.db import DB, current_tenant, execute, fetch


@dataclass(frozen=True)
class Actor:
    """Who made a change: a user, an API key or the system."""

    type: str
    id: uuid.UUID | None
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls("system", None, label)


@dataclass(frozen=True)
class AuditEntry:
    id: uuid.UUID
    actor_type: str
    actor_label: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    created_at: datetime


def _require_scope() -> None:
    if current_tenant.get() is None or DB.current_transaction.get() is None:
        raise RuntimeError("audit log needs a tenant scope")


async def record(
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = "",
    before: Any = None,
    after: Any = None,
) -> None:
    """Add an entry in the same transaction as the change it describes."""
    _require_scope()
    await execute(
        "INSERT INTO audit_log (id, actor_type, actor_id, actor_label, action, entity,"
        " entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        uuid.uuid4(),
        actor.type,
        actor.id,
        actor.label[:254],
        action,
        entity,
        str(entity_id),
        None if before is None else json.dumps(before, default=str),
        None if after is None else json.dumps(after, default=str),
    )


async def record_many(actor: Actor, entries: list[tuple[str, str, object, Any, Any]]) -> None:
    """Add several entries (action, entity, entity_id, before, after) in one statement."""
    _require_scope()
    if not entries:
        return
    columns: list[list[Any]] = [[] for _ in range(5)]
    for action, entity, entity_id, before, after in entries:
        columns[0].append(action)
        columns[1].append(entity)
        columns[2].append(str(entity_id))
        columns[3].append(None if before is None else json.dumps(before, default=str))
        columns[4].append(None if after is None else json.dumps(after, default=str))
    await execute(
        "INSERT INTO audit_log (id, actor_type, actor_id, actor_label, action, entity,"
        " entity_id, before, after) SELECT gen_random_uuid(), $1, $2, $3, a, e, i, b::jsonb,"
        " f::jsonb FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])"
        " AS t(a, e, i, b, f)",
        actor.type,
        actor.id,
        actor.label[:254],
        *columns,
    )


async def recent(
    limit: int = 50, offset: int = 0, entity_id: object | None = None
) -> tuple[list[AuditEntry], int]:
    """Newest entries first (optionally for one entity), with the total count."""
    _require_scope()
    key = None if entity_id is None else str(entity_id)
    rows = await fetch(
        "SELECT id, actor_type, actor_label, action, entity, entity_id, before, after,"
        " created_at FROM audit_log WHERE ($3::text IS NULL OR entity_id = $3)"
        " ORDER BY created_at DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
        key,
    )
    total = (
        await fetch(
            "SELECT count(*) AS n FROM audit_log WHERE ($1::text IS NULL OR entity_id = $1)", key
        )
    )[0]["n"]
    entries = [
        AuditEntry(
            **{
                **r,
                "before": json.loads(r["before"]) if r["before"] else None,
                "after": json.loads(r["after"]) if r["after"] else None,
            }
        )
        for r in rows
    ]
    return entries, int(total)
