"""`database`: find, create or update customers, inventory items and orders through the CRM
services, audited as the flow (actor type "flow", the flow's id and name).

Input: {resource, operation, match, data}; each value of `match` and `data` that is a string is
a JSONata expression over the run's context (write a literal text as `"'VIP'"`), any other JSON
value is taken as it is. Customers found by `birthday` or `anniversary` match on month and day
(a value "MM-DD" or a date); inventory by `category` and `status`; orders by `created_from` /
`created_to` (ISO date or time, UTC). A find answers at most `limit` records (FIND_LIMIT by
default, up to MAX_FIND_LIMIT).

Exactly once: the executor runs `execute` inside the transaction that also checks the run's
lease and records the step's output. The service calls join that transaction (a tenant scope
inside a tenant scope is the same transaction), so the change, its audit entry, its webhook
event and the step's `succeeded` commit together or not at all: a worker killed before the
commit leaves no change behind and the step runs again; after it, the step is done and is never
run again. A stale worker whose lease was taken over cannot commit (the lease check fails first).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from jewelia.core.api import Page
from jewelia.core.errors import AppError, Conflict, NotFound, ValidationFailed
from jewelia.tenants.builder.engine.base import StepContext, StepError
from jewelia.tenants.builder.engine.render import evaluate, prepared
from jewelia.tenants.crm.customers import service as customers
from jewelia.tenants.crm.inventory import service as inventory
from jewelia.tenants.crm.orders import service as orders

RESOURCES = ("customers", "inventory", "orders")
OPERATIONS = ("find", "create", "update")
IN_TRANSACTION = True
FIND_LIMIT = 100
MAX_FIND_LIMIT = 1000
MATCH_FIELDS = {
    "customers": ("id", "email", "birthday", "anniversary"),
    "inventory": ("id", "sku", "category", "status"),
    "orders": ("id", "customer_id", "status", "payment_status", "created_from", "created_to"),
}
WRITE_FIELDS = {
    ("customers", "create"): customers.FIELDS,
    ("customers", "update"): customers.FIELDS,
    ("inventory", "create"): (
        "sku",
        "name",
        "category",
        "price",
        "quantity",
        "status",
        "specifications",
    ),
    ("inventory", "update"): (
        "sku",
        "name",
        "category",
        "price",
        "quantity",
        "status",
        "specifications",
    ),
    ("orders", "create"): ("customer_id", "items", "notes"),
    ("orders", "update"): ("status", "payment_status", "notes"),
}


def side_effect(request: dict[str, Any]) -> bool:
    return request.get("operation") != "find"


def _values(given: Any, context: Any, what: str) -> dict[str, Any]:
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise StepError(f"{what} must be an object of field: expression", "invalid_config")
    return {str(k): evaluate(v, context) if isinstance(v, str) else v for k, v in given.items()}


def prepare(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    resource, operation = config.get("resource"), config.get("operation")
    if resource not in RESOURCES:
        raise StepError(f"resource must be one of {', '.join(RESOURCES)}", "invalid_config")
    if operation not in OPERATIONS:
        raise StepError(f"operation must be one of {', '.join(OPERATIONS)}", "invalid_config")
    encoded = prepared(context)  # one encoding of the context for all the step's expressions
    match = _values(config.get("match"), encoded, "match")
    data = _values(config.get("data"), encoded, "data")
    unknown = [f for f in match if f not in MATCH_FIELDS[resource]]
    if unknown:
        raise StepError(
            f"{resource} can be matched on {', '.join(MATCH_FIELDS[resource])}, not {unknown[0]}",
            "invalid_config",
        )
    if operation != "find":
        allowed = WRITE_FIELDS[(resource, operation)]
        unknown = [f for f in data if f not in allowed]
        if unknown:
            raise StepError(
                f"{operation} {resource} takes {', '.join(allowed)}, not {unknown[0]}",
                "invalid_config",
            )
    if operation in ("find", "update") and not match:
        raise StepError(f"{operation} needs match", "invalid_config")
    limit = config.get("limit", FIND_LIMIT)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_FIND_LIMIT:
        raise StepError(
            f"limit must be a whole number from 1 to {MAX_FIND_LIMIT}", "invalid_config"
        )
    return {
        "resource": resource,
        "operation": operation,
        "match": match,
        "data": data,
        "limit": limit,
    }


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise StepError(f"{field} must be a UUID, not {str(value)[:60]!r}", "validation") from exc


async def _find(
    step: StepContext, resource: str, match: dict[str, Any], limit: int = FIND_LIMIT
) -> list[dict[str, Any]]:
    tenant = step.tenant
    if "id" in match:
        if match["id"] is None:
            return []
        getter = {
            "customers": customers.get_customer,
            "inventory": inventory.get_item,
            "orders": orders.get_order,
        }[resource]
        try:
            found = [await getter(tenant, _uuid(match["id"], "match.id"))]
        except NotFound:
            return []
        return [r for r in found if all(_same(r.get(k), v) for k, v in match.items())]
    if resource == "customers":
        email = match.get("email")
        if email is None and ("birthday" in match or "anniversary" in match):
            field = "birthday" if "birthday" in match else "anniversary"
            month, day = _month_day(match[field], f"match.{field}")
            found = await customers.on_day(tenant, field, month, day, limit)
            return [r for r in found if all(_same_day(r.get(k), v) for k, v in match.items())]
        by_email = await customers.rows_by_email(tenant, [str(email)]) if email else {}
        return [customers.to_public(r) for r in by_email.values()]
    if resource == "inventory":
        sku = match.get("sku")
        if sku is None and ("category" in match or "status" in match):
            rows, _, _ = await inventory.list_items(
                tenant,
                Page(page=1, limit=limit),
                category=_text(match.get("category")),
                status=_text(match.get("status")),
                sort="sku",
            )
            return rows
        return list((await inventory.rows_by_sku(tenant, [str(sku)])).values()) if sku else []
    customer = match.get("customer_id")
    rows, _, _ = await orders.list_orders(
        tenant,
        Page(page=1, limit=limit),
        status=match.get("status"),
        payment_status=match.get("payment_status"),
        customer_id=_uuid(customer, "match.customer_id") if customer is not None else None,
        created_from=_moment(match.get("created_from"), "match.created_from"),
        created_to=_moment(match.get("created_to"), "match.created_to"),
    )
    return rows


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _month_day(value: Any, field: str) -> tuple[int, int]:
    """(month, day) from "MM-DD" or a date "YYYY-MM-DD[...]"."""
    text = str(value or "")
    parts = text[5:10] if len(text) >= 10 and text[4] == "-" else text
    try:
        month, day = (int(p) for p in parts.split("-"))
        date(2000, month, day)  # a leap year: 02-29 is a day
    except ValueError as exc:
        raise StepError(
            f"{field} must be MM-DD or a date, not {text[:40]!r}", "validation"
        ) from exc
    return month, day


def _same_day(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, date) and isinstance(wanted, str):
        return stored.strftime("%m-%d") in (wanted, wanted[5:10])
    return _same(stored, wanted)


def _moment(value: Any, field: str) -> datetime | None:
    """An ISO date (midnight UTC) or time as an aware datetime; None when not given."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise StepError(
            f"{field} must be an ISO date or time, not {str(value)[:40]!r}", "validation"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _same(stored: Any, wanted: Any) -> bool:
    return str(stored).lower() == str(wanted).lower()


async def _create(step: StepContext, resource: str, data: dict[str, Any]) -> dict[str, Any]:
    if resource == "customers":
        return await customers.create_customer(step.tenant, step.actor, data)
    if resource == "inventory":
        return await inventory.create_item(step.tenant, step.actor, data)
    values = dict(data)
    if "customer_id" in values:
        values["customer_id"] = _uuid(values["customer_id"], "customer_id")
    lines = values.get("items")
    if isinstance(lines, dict):
        lines = [lines]
    if isinstance(lines, list):
        values["items"] = [
            {**line, "inventory_id": _uuid(line.get("inventory_id"), f"items[{n}].inventory_id")}
            if isinstance(line, dict)
            else line
            for n, line in enumerate(lines)
        ]
    return await orders.create_order(step.tenant, step.actor, values)


async def _update(step: StepContext, resource: str, row_id: uuid.UUID, data: dict[str, Any]) -> Any:
    if resource == "customers":
        return await customers.update_customer(step.tenant, step.actor, row_id, data)
    if resource == "inventory":
        return await inventory.update_item(step.tenant, step.actor, row_id, data)
    return await orders.update_order(step.tenant, step.actor, row_id, data)


def _failure(exc: AppError) -> StepError:
    if isinstance(exc, ValidationFailed):
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
        return StepError(f"{exc.message}: {problems}"[:1000], "validation")
    if isinstance(exc, NotFound):
        return StepError(exc.message, "not_found")
    if isinstance(exc, Conflict):
        return StepError(exc.message, "conflict")
    return StepError(exc.message, "refused")


async def execute(step: StepContext, request: dict[str, Any]) -> Any:
    """Inside the step's transaction (see the module's docstring)."""
    resource, operation = request["resource"], request["operation"]
    match, data = request["match"], request["data"]
    try:
        if operation == "find":
            records = await _find(step, resource, match, request.get("limit", FIND_LIMIT))
            return {
                "found": bool(records),
                "count": len(records),
                "record": records[0] if records else None,
                "records": records,
            }
        if operation == "create":
            return await _create(step, resource, data)
        records = await _find(step, resource, match)
        if not records:
            raise StepError(f"No {resource} record matches {match}"[:500], "not_found")
        if len(records) > 1:
            raise StepError(f"{len(records)} {resource} records match {match}"[:500], "ambiguous")
        return await _update(step, resource, _uuid(records[0]["id"], "id"), data)
    except AppError as exc:
        raise _failure(exc) from exc


async def simulate(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    """The record a create or update would write, written by no one (an update's record is
    looked up for real); a find simply runs."""
    resource, operation = request["resource"], request["operation"]
    if operation == "find":
        return await execute(step, request)  # type: ignore[no-any-return]
    if operation == "create":
        return {"simulated": True, "wouldCreate": {"resource": resource, "data": request["data"]}}
    try:
        records = await _find(step, resource, request["match"])
    except AppError as exc:
        raise _failure(exc) from exc
    if not records:
        raise StepError(f"No {resource} record matches {request['match']}"[:500], "not_found")
    if len(records) > 1:
        raise StepError(
            f"{len(records)} {resource} records match {request['match']}"[:500], "ambiguous"
        )
    before = records[0]
    return {
        "simulated": True,
        "wouldUpdate": {
            "resource": resource,
            "id": before.get("id"),
            "before": before,
            "data": request["data"],
            "after": {**before, **request["data"]},
        },
    }
