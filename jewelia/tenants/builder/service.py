"""Builder flows and their versions: create, edit the draft, list, delete, publish.

A flow's `configuration` as the API shows it is its draft; PUT edits the draft only. Publishing
makes version n+1 from the draft (validated again, and stored normalised: see `definition`) in
one transaction with the flow row locked; versions are never changed afterwards, so a run keeps
the version it started with. Publishing a draft equal to the current version makes no new one.
A flow created with `isActive` true is published as version 1 at once (an active flow runs its
published version, so it must have one); a flow without a version cannot be switched on.
Deleting marks the flow deleted (it leaves every listing and lookup) and keeps its versions for
the runs that refer to them. Every change is audited in the same transaction.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.validation import Checker
from jewelia.platform.billing import limits
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.builder import definition, monitoring, secrets
from jewelia.tenants.builder.flow_templates import configure, get_template
from jewelia.tenants.builder.triggers.sync import sync_flow
from jewelia.tenants.builder.triggers.webhook import hook_url
from jewelia.tenants.crm.records import Filters, changes, page_of

FLOW_COLUMNS = (
    "id, name, description, template, is_active, draft::text AS draft, published_version,"
    " created_by_type, created_by_id, created_by_label, created_at, updated_at,"
    " alert_after_failures, pause_after_failures, paused_reason, paused_at,"
    " (SELECT w.hook_id FROM flow_webhook w WHERE w.flow_id = flow.id AND w.enabled) AS hook_id,"
    " (SELECT w.secret_preview FROM flow_webhook w WHERE w.flow_id = flow.id) AS hook_preview"
)
VERSION_COLUMNS = (
    "id, flow_id, number, definition::text AS definition, published_by_type, published_by_id,"
    " published_by_label, published_at"
)
NAME_MAX = 200
THRESHOLDS = {
    "alertAfterFailures": "alert_after_failures",
    "pauseAfterFailures": "pause_after_failures",
}
DESCRIPTION_MAX = 2000


def _actor(kind: str, actor_id: Any, label: str) -> dict[str, Any]:
    return {"type": kind, "id": actor_id, "label": label}


def flow_public(row: dict[str, Any]) -> dict[str, Any]:
    """A flow in the API's shape; `configuration` is its draft. `webhookUrl` is set while the
    published version has a webhook trigger (its secret only as a masked preview)."""
    hook = row.get("hook_id")
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "template": row["template"],
        "configuration": json.loads(row["draft"]),
        "isActive": row["is_active"],
        "published_version": row["published_version"],
        "alertAfterFailures": row["alert_after_failures"],
        "pauseAfterFailures": row["pause_after_failures"],
        "pausedReason": row["paused_reason"],
        "pausedAt": row["paused_at"],
        "created_by": _actor(row["created_by_type"], row["created_by_id"], row["created_by_label"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "webhookUrl": hook_url(hook) if hook else None,
        "webhookSecretPreview": row.get("hook_preview") if hook else None,
    }


def version_public(row: dict[str, Any]) -> dict[str, Any]:
    """A published version in the API's shape."""
    return {
        "id": row["id"],
        "flow_id": row["flow_id"],
        "number": row["number"],
        "configuration": json.loads(row["definition"]),
        "published_by": _actor(
            row["published_by_type"], row["published_by_id"], row["published_by_label"]
        ),
        "published_at": row["published_at"],
    }


def validate_flow(data: dict[str, Any], draft: dict[str, Any] | None = None) -> dict[str, Any]:
    """Column values from API input (all fields for a new flow; those sent when `draft`, the
    stored draft, is given), or ValidationFailed naming every problem, configuration paths
    included. A sent `configuration` replaces the draft's keys it names (the contract's PUT
    sends only `actions`), and the result is validated whole."""
    check, values = Checker(), dict[str, Any]()
    partial = draft is not None
    if "name" in data or not partial:
        values["name"] = check.text("name", data.get("name") or "", "name", NAME_MAX)
    if "description" in data:
        description = data["description"] or ""
        values["description"] = check.text(
            "description", description, "description", DESCRIPTION_MAX, 0
        )
    if "template" in data:
        template = data["template"] or None
        if template is not None:
            check.choice("template", template, definition.TEMPLATES, "template")
        values["template"] = template
    if not partial and data.get("configuration") is None and not _bad_template(check):
        data = {**data, "configuration": _from_template(data, check)}
    elif data.get("settings") is not None:
        check.add("settings", "settings go with a template and no configuration", "INVALID")
    if "configuration" in data or not partial:
        configuration = data.get("configuration")
        if partial and isinstance(configuration, dict):
            configuration = {**(draft or {}), **configuration}
        check.errors += definition.problems(configuration)
        values["draft"] = configuration
    if data.get("isActive") is not None:
        values["is_active"] = bool(data["isActive"])
    monitoring.check_thresholds(data, check.errors)
    for name, column in THRESHOLDS.items():
        if data.get(name) is not None:
            values[column] = data[name]
    check.raise_if_any()
    return values


def _bad_template(check: Checker) -> bool:
    return any(e["field"] == "template" for e in check.errors)


def _from_template(data: dict[str, Any], check: Checker) -> dict[str, Any] | None:
    """A new flow without a configuration starts from its template's, with its settings."""
    if not data.get("template"):
        return None
    try:
        return configure(data["template"], data.get("settings"))
    except ValidationFailed as exc:
        check.errors += exc.errors
        return get_template(data["template"])["configuration"]  # checked already


async def _own_flow(flow_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    """A live (not deleted) flow of the bound tenant, or NotFound."""
    suffix = " FOR UPDATE" if lock else ""
    rows = await fetch(
        f"SELECT {FLOW_COLUMNS} FROM flow WHERE id = $1 AND deleted_at IS NULL{suffix}", flow_id
    )
    if not rows:
        raise NotFound("Flow not found")
    return rows[0]


async def _publish(row: dict[str, Any], actor: Actor) -> tuple[dict[str, Any], bool]:
    """Make the next version from the (locked) flow row's draft; (version, made). A draft
    equal to the current version returns that version instead."""
    configuration = json.loads(row["draft"])
    errors = definition.problems(configuration)
    errors += definition.secret_problems(configuration, await secrets.names_here(row["id"]))
    if errors:
        raise ValidationFailed(errors, "The draft is not valid; fix it before publishing")
    normal = definition.normalise(configuration)
    if row["published_version"] is not None:
        current = await fetch(
            f"SELECT {VERSION_COLUMNS} FROM flow_version WHERE flow_id = $1 AND number = $2",
            row["id"],
            row["published_version"],
        )
        if current and json.loads(current[0]["definition"]) == normal:
            return version_public(current[0]), False
    rows = await fetch(
        "INSERT INTO flow_version (id, flow_id, number, definition, published_by_type,"
        " published_by_id, published_by_label)"
        " SELECT $1, $2, coalesce(max(number), 0) + 1, $3::jsonb, $4, $5, $6"
        f" FROM flow_version WHERE flow_id = $2 RETURNING {VERSION_COLUMNS}",
        uuid.uuid4(),
        row["id"],
        json.dumps(normal),
        actor.type,
        actor.id,
        actor.label[:254],
    )
    version = version_public(rows[0])
    await fetch(
        "UPDATE flow SET published_version = $2, updated_at = now() WHERE id = $1",
        row["id"],
        version["number"],
    )
    await record(actor, "flow.published", "flow", row["id"], None, {"version": version["number"]})
    minted = await sync_flow(row["id"])
    if minted:  # the webhook trigger's URL and secret, shown this once
        version["webhook"] = minted
    return version, True


async def create_flow(tenant: TenantRef, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """A new flow (its configuration the draft); with `isActive` it is published as version 1
    in the same transaction. The plan's `flows` limit counts live flows."""
    values = validate_flow(data)
    async with tenant_scope(tenant):
        await limits.enforce(
            tenant.id, "flows", "SELECT count(*) AS n FROM flow WHERE deleted_at IS NULL"
        )
        rows = await fetch(
            "INSERT INTO flow (id, name, description, template, is_active, draft,"
            " created_by_type, created_by_id, created_by_label, alert_after_failures,"
            " pause_after_failures) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)"
            f" RETURNING {FLOW_COLUMNS}",
            uuid.uuid4(),
            values["name"],
            values.get("description", ""),
            values.get("template"),
            values.get("is_active", False),
            json.dumps(values["draft"]),
            actor.type,
            actor.id,
            actor.label[:254],
            values.get("alert_after_failures", monitoring.DEFAULT_ALERT_AFTER),
            values.get("pause_after_failures", monitoring.DEFAULT_PAUSE_AFTER),
        )
        public = flow_public(rows[0])
        await record(actor, "flow.created", "flow", public["id"], None, public)
        if public["isActive"]:
            version, _ = await _publish(rows[0], actor)
            public = flow_public(await _own_flow(public["id"]))
            if "webhook" in version:
                public["webhook"] = version["webhook"]
    return public


async def get_flow(tenant: TenantRef, flow_id: uuid.UUID) -> dict[str, Any]:
    """One live flow, or NotFound (another business's id alike)."""
    async with tenant_scope(tenant):
        return flow_public(await _own_flow(flow_id))


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere (its wildcards taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_flows(
    tenant: TenantRef,
    page: Page,
    template: str | None = None,
    is_active: bool | None = None,
    search: str | None = None,
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of live flows, newest first, filtered by template, active state and a text
    found in the name; the total matching and the next page's cursor."""
    if template is not None and template not in definition.TEMPLATES:
        raise ValidationFailed(
            [
                FieldError(
                    "template",
                    f"template must be one of: {', '.join(definition.TEMPLATES)}",
                    "INVALID_CHOICE",
                )
            ]
        )
    filters = Filters(clauses=["deleted_at IS NULL"])
    filters.add("template = {}", template)
    filters.add("is_active = {}", is_active)
    search = (search or "").strip() or None
    filters.add("name ILIKE {}", _like(search) if search else None)
    async with tenant_scope(tenant):
        rows, total, cursor = await page_of(
            "flow", FLOW_COLUMNS, filters, "created_at DESC, id DESC", page, True
        )
    return [flow_public(r) for r in rows], total, cursor


async def update_flow(
    tenant: TenantRef, actor: Actor, flow_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    """Change the fields sent; `configuration` edits the draft (the published version and the
    runs using it are untouched). `isActive` true needs a published version."""
    async with tenant_scope(tenant):
        row = await _own_flow(flow_id, lock=True)
        values = validate_flow(data, json.loads(row["draft"]))
        if values.get("is_active") and row["published_version"] is None:
            raise ValidationFailed(
                [
                    FieldError(
                        "isActive",
                        "This flow has no published version yet: publish it"
                        f" (POST /api/v1/integrations/builder/{flow_id}/publish), then"
                        " switch it on",
                        "NOT_PUBLISHED",
                    )
                ]
            )
        before = flow_public(row)
        if not values:
            return before
        if values.get("is_active") and not row["is_active"]:
            # switched on again: a pause and the failure streak are cleared
            values.update(paused_reason=None, paused_at=None, failure_streak=0)
            values["streak_alerted"] = False
        stored = {k: json.dumps(v) if k == "draft" else v for k, v in values.items()}
        sets = ", ".join(
            f"{k} = ${n}::jsonb" if k == "draft" else f"{k} = ${n}"
            for n, k in enumerate(stored, start=2)
        )
        rows = await fetch(
            f"UPDATE flow SET {sets}, updated_at = now() WHERE id = $1 RETURNING {FLOW_COLUMNS}",
            flow_id,
            *stored.values(),
        )
        if "is_active" in values and values["is_active"] != row["is_active"]:
            await sync_flow(flow_id)
        after = flow_public(rows[0])
        changed = changes(before, after)
        if changed:
            await record(
                actor,
                "flow.updated",
                "flow",
                flow_id,
                {k: before[k] for k in changed},
                changed,
            )
    return after


async def delete_flow(tenant: TenantRef, actor: Actor, flow_id: uuid.UUID) -> None:
    """Mark a flow deleted and inactive; its versions stay for the runs that refer to them."""
    async with tenant_scope(tenant):
        before = flow_public(await _own_flow(flow_id, lock=True))
        await fetch(
            "UPDATE flow SET deleted_at = now(), is_active = false, updated_at = now()"
            " WHERE id = $1",
            flow_id,
        )
        await sync_flow(flow_id)
        await record(actor, "flow.deleted", "flow", flow_id, before, None)


async def draft_is_published(tenant: TenantRef, flow: dict[str, Any]) -> bool:
    """Whether the flow's draft (flow_public's `configuration`) is its published version, so
    publishing would make no new version."""
    if flow["published_version"] is None:
        return False
    version = await get_version(tenant, flow["id"], flow["published_version"])
    try:
        return bool(definition.normalise(flow["configuration"]) == version["configuration"])
    except (ValueError, TypeError, KeyError, AttributeError):  # a draft too broken to compare
        return False


async def publish_flow(
    tenant: TenantRef, actor: Actor, flow_id: uuid.UUID
) -> tuple[dict[str, Any], bool]:
    """Publish the draft as the next version: (the version, whether it is new). An invalid
    draft is refused (ValidationFailed with the paths); an unchanged one returns the current
    version."""
    async with tenant_scope(tenant):
        return await _publish(await _own_flow(flow_id, lock=True), actor)


async def list_versions(
    tenant: TenantRef, flow_id: uuid.UUID, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """One page of a live flow's versions, newest first."""
    filters = Filters(clauses=["flow_id = $1"], args=[flow_id])
    async with tenant_scope(tenant):
        await _own_flow(flow_id)
        rows, total, _ = await page_of(
            "flow_version", VERSION_COLUMNS, filters, "number DESC", page, False
        )
    return [version_public(r) for r in rows], total


async def get_version(tenant: TenantRef, flow_id: uuid.UUID, number: int) -> dict[str, Any]:
    """One version of a flow by number, or NotFound. Versions of a deleted flow are still
    found: runs in flight refer to them."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {VERSION_COLUMNS} FROM flow_version WHERE flow_id = $1 AND number = $2",
            flow_id,
            number,
        )
    if not rows:
        raise NotFound("Flow version not found")
    return version_public(rows[0])
