"""Flow secrets: per-flow NAME -> value, encrypted at rest in `flow_secret`, referenced in
templates as `{{ secrets.NAME }}`.

A run never stores a value: templates render each referenced secret as a marker
(`«secret:NAME»`, see MARKER), the step's input is recorded with the markers, and the action
swaps in the values only when it sends (`reveal`), on every attempt; anything the remote end
echoes back is masked again (`conceal`) before it is stored.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.security import decrypt_secret, encrypt_secret
from jewelia.tenants.audit.service import Actor, record

NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
VALUE_MAX_BYTES = 4096
PER_FLOW = 50
MARKER = "«secret:{}»"
_MARKER = re.compile(r"«secret:([A-Za-z0-9_]{1,64})»")
# A reference in a template: `secrets.NAME` or `secrets["NAME"]` / `secrets['NAME']`.
REFERENCE = re.compile(
    r"""\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([^"']*)["']\s*\])"""
)


class MissingSecret(Exception):
    """A step referenced a secret the flow does not have."""

    def __init__(self, name: str) -> None:
        super().__init__(f"The flow has no secret named {name}")
        self.name = name


def references(value: Any) -> set[str]:
    """The secret names a JSON value's strings reference."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return {a or b for a, b in REFERENCE.findall(text)}


def marker_context(config: Any, context: dict[str, Any]) -> dict[str, Any]:
    """The context with `secrets` mapping each name the config references to its marker."""
    names = references(config)
    if not names:
        return context
    return {**context, "secrets": {n: MARKER.format(n) for n in names}}


def _preview(value: str) -> str:
    shown = min(4, len(value) // 4)
    return "••••" + (value[-shown:] if shown else "")


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "preview": _preview(decrypt_secret(row["value_encrypted"])),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def _own_flow(flow_id: uuid.UUID) -> None:
    if not await fetch("SELECT 1 FROM flow WHERE id = $1 AND deleted_at IS NULL", flow_id):
        raise NotFound("Flow not found")


async def list_secrets(tenant: TenantRef, flow_id: uuid.UUID) -> list[dict[str, Any]]:
    """The flow's secrets by name: created/updated times and a masked preview, never values."""
    async with tenant_scope(tenant):
        await _own_flow(flow_id)
        rows = await fetch(
            "SELECT name, value_encrypted, created_at, updated_at FROM flow_secret"
            " WHERE flow_id = $1 ORDER BY name",
            flow_id,
        )
    return [_public(r) for r in rows]


async def set_secret(
    tenant: TenantRef, actor: Actor, flow_id: uuid.UUID, name: str, value: Any
) -> tuple[dict[str, Any], bool]:
    """Create or replace a secret; (its public form, created?). VALIDATION_ERROR when the name
    or value is not acceptable or the flow has PER_FLOW secrets already."""
    errors = []
    if not NAME.match(name):
        errors.append(FieldError("name", "name must match ^[A-Z][A-Z0-9_]{0,63}$", "INVALID"))
    if not isinstance(value, str) or not value:
        errors.append(FieldError("value", "value must be a non-empty string", "INVALID"))
    elif len(value.encode()) > VALUE_MAX_BYTES or "\x00" in value:
        errors.append(FieldError("value", "value must be at most 4 KB of text", "TOO_LONG"))
    if errors:
        raise ValidationFailed(errors)
    async with tenant_scope(tenant):
        await _own_flow(flow_id)
        existing = await fetch(
            "SELECT id FROM flow_secret WHERE flow_id = $1 AND name = $2 FOR UPDATE",
            flow_id,
            name,
        )
        if not existing:
            count = await fetch("SELECT count(*) AS n FROM flow_secret WHERE flow_id = $1", flow_id)
            if count[0]["n"] >= PER_FLOW:
                raise ValidationFailed(
                    [FieldError("name", f"A flow keeps at most {PER_FLOW} secrets", "TOO_MANY")]
                )
        rows = await fetch(
            "INSERT INTO flow_secret (id, flow_id, name, value_encrypted) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (flow_id, name) DO UPDATE SET value_encrypted = EXCLUDED.value_encrypted,"
            " updated_at = now() RETURNING name, value_encrypted, created_at, updated_at",
            uuid.uuid4(),
            flow_id,
            name,
            encrypt_secret(value),
        )
        action = "flow.secret_updated" if existing else "flow.secret_created"
        await record(actor, action, "flow", flow_id, None, {"secret": name})
    return _public(rows[0]), not existing


async def delete_secret(tenant: TenantRef, actor: Actor, flow_id: uuid.UUID, name: str) -> None:
    """Delete one secret of the flow, or NotFound."""
    async with tenant_scope(tenant):
        await _own_flow(flow_id)
        gone = await fetch(
            "DELETE FROM flow_secret WHERE flow_id = $1 AND name = $2 RETURNING id", flow_id, name
        )
        if not gone:
            raise NotFound("Secret not found")
        await record(actor, "flow.secret_deleted", "flow", flow_id, {"secret": name}, None)


async def names_here(flow_id: uuid.UUID) -> set[str]:
    """The names of the flow's secrets (inside the caller's tenant scope)."""
    rows = await fetch("SELECT name FROM flow_secret WHERE flow_id = $1", flow_id)
    return {r["name"] for r in rows}


async def values(tenant: TenantRef, flow_id: uuid.UUID) -> dict[str, str]:
    """The flow's secrets decrypted (only for the moment of sending)."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT name, value_encrypted FROM flow_secret WHERE flow_id = $1", flow_id
        )
    return {r["name"]: decrypt_secret(r["value_encrypted"]) for r in rows}


def has_markers(value: Any) -> bool:
    """Whether a recorded request holds secret markers."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return bool(_MARKER.search(text))


def reveal(value: Any, known: dict[str, str]) -> Any:
    """The value with every marker replaced by its secret (MissingSecret for an unknown one)."""
    if isinstance(value, str):

        def swap(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in known:
                raise MissingSecret(name)
            return known[name]

        return _MARKER.sub(swap, value)
    if isinstance(value, list):
        return [reveal(v, known) for v in value]
    if isinstance(value, dict):
        return {k: reveal(v, known) for k, v in value.items()}
    return value


def conceal(value: Any, known: dict[str, str]) -> Any:
    """The value with every exact occurrence of a secret replaced by its marker."""
    if not known:
        return value
    if isinstance(value, str):
        for name, secret in sorted(known.items(), key=lambda kv: -len(kv[1])):
            if secret:
                value = value.replace(secret, MARKER.format(name))
        return value
    if isinstance(value, list):
        return [conceal(v, known) for v in value]
    if isinstance(value, dict):
        return {conceal(k, known): conceal(v, known) for k, v in value.items()}
    return value


_SENSITIVE = ("authorization", "proxy-authorization", "cookie", "x-api-key")
_SCHEME_ONLY = re.compile(r"^\s*(?:[A-Za-z]+)?\s*$")


def sensitive_header(name: str) -> bool:
    """A header whose value is a credential (Authorization, Cookie, X-Api-Key, *token*, ...)."""
    lower = name.lower()
    return lower in _SENSITIVE or any(w in lower for w in ("token", "secret", "key"))


def display_input(value: Any) -> Any:
    """A recorded step input as shown (API, page): credential header values typed in plain
    text masked; values made only of secret markers are kept (they reveal nothing). The stored
    input is unchanged: retries resend it."""
    if not isinstance(value, dict) or not isinstance(value.get("headers"), dict):
        return value
    headers = {
        k: v if not sensitive_header(k) or _only_markers(str(v)) else "••••"
        for k, v in value["headers"].items()
    }
    return {**value, "headers": headers}


def _only_markers(text: str) -> bool:
    """Secret markers, at most preceded by a scheme word (`Bearer «secret:TOKEN»`)."""
    return bool(_MARKER.search(text)) and bool(_SCHEME_ONLY.match(_MARKER.sub("", text)))
