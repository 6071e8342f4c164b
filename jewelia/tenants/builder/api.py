"""REST controller for /api/v1/integrations/builder: the contract's POST and PUT (with the `id`
in the body), list, get, delete, publish and the versions of a flow.

API keys and users act for the business with the usual permissions (GET read, POST and PUT
write, DELETE delete). App tokens are refused here (`oauth.scopes.scope_for` maps no scope to
these paths): a flow can call any URL and change any CRM record, more than any app scope grants.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get, post, put
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, parse_page
from jewelia.core.schemas import given
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import service
from jewelia.tenants.builder.definition import TEMPLATES
from jewelia.tenants.builder.schemas import (
    DeletedFlowEnvelope,
    FlowCreate,
    FlowEnvelope,
    FlowList,
    FlowUpdate,
    FlowVersionEnvelope,
    FlowVersionList,
)

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]


class FlowController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @get(operation_id="listFlows", summary="List flows, newest first")
    async def list_flows(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        cursor: Annotated[
            str | None, Parameter(max_length=200, description="next_cursor of the previous page")
        ] = None,
        template: Annotated[
            str | None, Parameter(max_length=60, description=f"One of {', '.join(TEMPLATES)}")
        ] = None,
        is_active: Annotated[
            bool | None, Parameter(query="isActive", description="Only active (or inactive) flows")
        ] = None,
        search: Annotated[
            str | None, Parameter(max_length=200, description="Text found in the flow's name")
        ] = None,
    ) -> Response[FlowList]:
        paging = parse_page(page, limit, cursor)
        rows, total, next_cursor = await service.list_flows(
            auth.tenant.ref, paging, template, is_active, search
        )
        return ok_list(rows, paging, total, next_cursor)

    @post(
        operation_id="createFlow",
        summary="Create a flow (isActive true also publishes it as version 1)",
        status_code=201,
    )
    async def create_flow(self, auth: ApiAuth, data: FlowCreate) -> Response[FlowEnvelope]:
        flow = await service.create_flow(auth.tenant.ref, auth.actor, given(data))
        return ok(flow, status_code=201)

    @put(
        operation_id="updateFlow",
        summary="Update a flow's draft and settings (the id in the body; publish to run the draft)",
    )
    async def update_flow(self, auth: ApiAuth, data: FlowUpdate) -> Response[FlowEnvelope]:
        fields = given(data)
        flow_id = fields.pop("id")
        return ok(await service.update_flow(auth.tenant.ref, auth.actor, flow_id, fields))

    @get("/{flow_id:uuid}", operation_id="getFlow", summary="Get a flow with its draft")
    async def get_flow(self, auth: ApiAuth, flow_id: UUID) -> Response[FlowEnvelope]:
        return ok(await service.get_flow(auth.tenant.ref, flow_id))

    @delete(
        "/{flow_id:uuid}",
        operation_id="deleteFlow",
        summary="Delete a flow (its versions stay for the runs that use them)",
        status_code=200,
    )
    async def delete_flow(self, auth: ApiAuth, flow_id: UUID) -> Response[DeletedFlowEnvelope]:
        await service.delete_flow(auth.tenant.ref, auth.actor, flow_id)
        return ok({"id": flow_id, "deleted": True})

    @post(
        "/{flow_id:uuid}/publish",
        operation_id="publishFlow",
        summary="Publish the draft as the next immutable version (200 with the current one when"
        " the draft has not changed)",
        status_code=201,
    )
    async def publish_flow(self, auth: ApiAuth, flow_id: UUID) -> Response[FlowVersionEnvelope]:
        version, made = await service.publish_flow(auth.tenant.ref, auth.actor, flow_id)
        return ok(version, status_code=201 if made else 200)

    @get(
        "/{flow_id:uuid}/versions",
        operation_id="listFlowVersions",
        summary="A flow's published versions, newest first",
    )
    async def list_versions(
        self, auth: ApiAuth, flow_id: UUID, page: PageQ = None, limit: LimitQ = None
    ) -> Response[FlowVersionList]:
        paging = parse_page(page, limit, None)
        rows, total = await service.list_versions(auth.tenant.ref, flow_id, paging)
        return ok_list(rows, paging, total)
