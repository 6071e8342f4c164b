"""REST controller for a flow's secrets: set (the value is never returned), list (names, times,
a masked preview), delete. Templates use them as `{{ secrets.NAME }}`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, put
from litestar.params import Parameter

from jewelia.core.api import ok
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import secrets

SecretName = Annotated[str, Parameter(max_length=64, description="^[A-Z][A-Z0-9_]{0,63}$")]


class FlowSecretSet(msgspec.Struct):
    """The secret's value (text, at most 4 KB); it is stored encrypted and never shown again."""

    value: str


class FlowSecret(msgspec.Struct):
    """A flow secret as shown: its name, a masked preview (at most its last 4 characters), when
    it was created and last set."""

    name: str
    preview: str
    created_at: datetime
    updated_at: datetime


class FlowSecretEnvelope(msgspec.Struct):
    success: bool
    data: FlowSecret


class FlowSecretList(msgspec.Struct):
    success: bool
    data: list[FlowSecret]


class DeletedFlowSecret(msgspec.Struct):
    name: str
    deleted: bool


class DeletedFlowSecretEnvelope(msgspec.Struct):
    success: bool
    data: DeletedFlowSecret


class FlowSecretController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @put(
        "/{flow_id:uuid}/secrets/{name:str}",
        operation_id="setFlowSecret",
        summary="Set a flow secret (201 created, 200 replaced); use it as {{ secrets.NAME }}",
    )
    async def set_secret(
        self, auth: ApiAuth, flow_id: UUID, name: SecretName, data: FlowSecretSet
    ) -> Response[FlowSecretEnvelope]:
        shown, created = await secrets.set_secret(
            auth.tenant.ref, auth.actor, flow_id, name, data.value
        )
        return ok(shown, status_code=201 if created else 200)

    @get(
        "/{flow_id:uuid}/secrets",
        operation_id="listFlowSecrets",
        summary="List a flow's secrets (names and masked previews, never values)",
    )
    async def list_secrets(self, auth: ApiAuth, flow_id: UUID) -> Response[FlowSecretList]:
        return ok(await secrets.list_secrets(auth.tenant.ref, flow_id))

    @delete(
        "/{flow_id:uuid}/secrets/{name:str}",
        operation_id="deleteFlowSecret",
        summary="Delete a flow secret (steps referencing it then fail with missing_secret)",
        status_code=200,
    )
    async def delete_secret(
        self, auth: ApiAuth, flow_id: UUID, name: SecretName
    ) -> Response[DeletedFlowSecretEnvelope]:
        await secrets.delete_secret(auth.tenant.ref, auth.actor, flow_id, name)
        return ok({"name": name, "deleted": True})
